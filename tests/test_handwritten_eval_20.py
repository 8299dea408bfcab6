"""The twentieth hand-written evaluation set: the final held-out spoken set of the trust issue
(11), written after sets 17 to 19 became development sets, by a writer who never saw the parser,
the generator, the bundled data or any other set; measured once (aggregates only).
"""

from __future__ import annotations

from handwritten_checks import DATA, FinalSpokenChecks


class TestSet20(FinalSpokenChecks):
    path = DATA / "handwritten_eval_20.jsonl"
    count = 200
    min_other_sets = 19
