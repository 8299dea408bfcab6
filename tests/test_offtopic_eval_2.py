"""The second not-a-set evaluation set: written as the final held-out not-a-set set of the trust
issue (11), written last by a writer who never saw the parser, the generator, the bundled data
or any other set, and measured once. Every answer is "not a set": no exercise, no fields.
Measured once (BENCHMARKS.md has the figure), it is a development set since.
"""

from __future__ import annotations

from handwritten_checks import DATA, NotASetChecks


class TestNotASet2(NotASetChecks):
    path = DATA / "offtopic_eval_2.jsonl"
    count = 240
