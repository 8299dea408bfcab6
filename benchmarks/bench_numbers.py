"""Micro-benchmark: tokenise + normalise speed on a few thousand varied gym utterances.

Example: .venv/bin/python benchmarks/bench_numbers.py --count 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from repvoice.parser.numbers import normalise
from repvoice.parser.tokens import tokenize

from _report import machine

EXERCISES = (
    "bench press", "squat", "deadlift", "overhead press", "incline db press", "barbell row",
    "lat pulldown", "romanian deadlift", "leg press", "curls", "t-bar row", "hip thrust",
)  # fmt: skip
LOADS = (
    "two twenty five", "one thirty five", "three fifteen", "four oh five", "a buck thirty five",
    "two hundred and twenty five", "sixty two point five kilos", "225 pounds", "100kg",
    "2 twenty five", "the eighties", "twenty fives", "ninety five pounds", "one ten",
    "62.5kg", "80s", "eleven kilos", "a hundred", "two-twenty-five",
)  # fmt: skip
REPS = ("for eight", "for 10", "x 8", "for twelve reps", "eight reps", "4x8", "for five")
TAILS = (
    "at rpe eight", "rpe eight and a half", "@8", "two in the tank", "rest a minute thirty",
    "rest 90 seconds", "felt easy", "", "", "rir 2",
)  # fmt: skip


def utterances(count: int, seed: int = 7) -> list[str]:
    """`count` varied utterances of roughly ten words."""
    rng = random.Random(seed)
    return [
        " ".join(
            part
            for part in (rng.choice(EXERCISES), rng.choice(LOADS), rng.choice(REPS),
                         rng.choice(TAILS))
            if part
        )
        for _ in range(count)
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="utterances per run")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the best is reported")
    args = parser.parse_args()
    texts = utterances(args.count)
    words = statistics.mean(len(t.split()) for t in texts)
    runs: dict[str, list[float]] = {"tokenize": [], "tokenize+normalise": []}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for text in texts:
            tokenize(text)
        t1 = time.perf_counter()
        for text in texts:
            normalise(tokenize(text), text)
        t2 = time.perf_counter()
        runs["tokenize"].append(t1 - t0)
        runs["tokenize+normalise"].append(t2 - t1)
    print(machine())
    print(f"{len(texts)} utterances, {words:.1f} words on average, best of {args.repeat} runs")
    for name, times in runs.items():
        print(f"{name:>20}: {min(times) / len(texts) * 1e6:6.2f} µs per utterance")


if __name__ == "__main__":
    main()
