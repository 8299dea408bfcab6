"""The first typed-log evaluation set: gym logs as people type them into a notes app or a chat
bot (`deadlift 405x5x3`, `bench 3x8 @ 185`, `/log squat 5x5 275`, `500-m row`, dates and times at
the start of a line).

A development set for the trust issue (11): its first measurement is recorded in BENCHMARKS.md
before any of its misses are read. Shorthand as labelled here: a load first in `W x R x S` is
weight, reps, sets; `S x R` with no load is sets, reps; `@ N` with N at most 10 is RPE; a range
keeps its top as reps and the range in notes; distances and speeds are notes, never numbers.
"""

from __future__ import annotations

from handwritten_checks import DATA, TypedCoverage, TypedSetChecks


class TestTyped1(TypedSetChecks):
    path = DATA / "typed_eval_1.jsonl"
    count = 282
    covers = TypedCoverage(chains=10, at_signs=25, sets=60, kg=40, durations=20, no_exercise=10)
