"""The eighteenth hand-written evaluation set: written as the final held-out spoken set of the
trust issue (11), written after set 17 became a development set, by a writer who never saw the
parser, the generator, the bundled data or any other set, and measured once (aggregates only).
Measured once (BENCHMARKS.md has the figure), it is a development set since.
"""

from __future__ import annotations

from handwritten_checks import DATA, FinalSpokenChecks


class TestSet18(FinalSpokenChecks):
    path = DATA / "handwritten_eval_18.jsonl"
    count = 200
    min_other_sets = 17
