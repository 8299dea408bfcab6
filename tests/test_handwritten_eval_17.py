"""The seventeenth hand-written evaluation set: written as the final held-out spoken set of the
trust issue (11), written last by a writer who never saw the parser, the generator, the bundled
data or any other set, and measured once (aggregates only). Measured once (BENCHMARKS.md has the
figure), it is a development set since.
"""

from __future__ import annotations

from handwritten_checks import DATA, FinalSpokenChecks


class TestSet17(FinalSpokenChecks):
    path = DATA / "handwritten_eval_17.jsonl"
    count = 240
    min_other_sets = 16
