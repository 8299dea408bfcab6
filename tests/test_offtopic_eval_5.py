"""The fifth not-a-set evaluation set: the final held-out not-a-set set of the trust issue (11),
written last by a writer who never saw the parser, the generator, the bundled data or any other
set, and measured once. Every answer is "not a set": no exercise, no fields.
"""

from __future__ import annotations

from handwritten_checks import DATA, NotASetChecks


class TestNotASet5(NotASetChecks):
    path = DATA / "offtopic_eval_5.jsonl"
    count = 200
