"""The second typed-log evaluation set: written as the final held-out typed set of the trust
issue (11), written last by a writer who never saw the parser, the generator, the bundled data
or any other set, and measured once (aggregates only). Shorthand is labelled as in the first
typed set. Measured once (BENCHMARKS.md has the figure), it is a development set since.
"""

from __future__ import annotations

from handwritten_checks import DATA, TypedSetChecks


class TestTyped2(TypedSetChecks):
    path = DATA / "typed_eval_2.jsonl"
    count = 220
