"""The fifth hand-written evaluation set: valid labels, real catalogue ids, no shared texts.

Eight speakers of 25 lines each. A development set: its misses were read to find gaps in the
parser (tests/data/README.md).
"""

from __future__ import annotations

import re

from handwritten_checks import (
    DATA,
    UNILATERAL,
    SetChecks,
    context_of,
    norm,
)
from repvoice.data.dedupe import user_text

PLATES = {"2": 2, "3": 3, "4": 4, "5": 5, "two": 2, "three": 3, "four": 4, "five": 5}


class TestSet5(SetChecks):
    path = DATA / "handwritten_eval_5.jsonl"
    count = 200
    min_other_sets = 4
    min_failures = 2

    def test_barbell_plates_are_45_bar_plus_90_a_pair(self) -> None:
        records = self.records
        labels = self.labels
        counted = 0
        for record, label in zip(records, labels, strict=True):
            match = re.search(r"\b(\w+) plates\b", norm(user_text(record)))
            if match and match.group(1) in PLATES:
                counted += 1
                assert (label.weight, label.weight_unit) == (
                    45 + 90 * PLATES[match.group(1)],
                    "lbs",
                )
        assert counted >= 5

    def test_covers_the_phenomena(self) -> None:
        records = self.records
        labels = self.labels
        users = self.users
        assert 17 <= sum(bool(context_of(r)) for r in records) <= 21
        pairs = list(zip(records, labels, strict=True))
        assert sum(bool(context_of(r)) and la.weight_unit == "kg" for r, la in pairs) >= 4
        assert sum(la.exercise_id is None for la in labels) >= 6
        assert sum(la.weight_unit == "kg" for la in labels) >= 35
        assert sum(la.duration_seconds is not None for la in labels) >= 20
        assert sum(la.sets is not None for la in labels) >= 15
        assert sum(la.tempo is not None for la in labels) >= 3
        assert sum(la.rest_seconds is not None for la in labels) >= 6
        assert sum(la.rpe is not None for la in labels) >= 35
        assert sum(la.rpe == 10 for la in labels) >= 4
        assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 5
        assert sum(la.reps == 1 for la in labels) >= 10
        assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 25
        assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 20
        assert sum("plate" in u for u in users) >= 8
        rir_words = ("in the tank", "could have done", "reps left", "are i are")
        assert sum(any(w in u for w in rir_words) for u in users) >= 6
        corrections = (
            "no wait",
            "wait no",
            "oh wait",
            "no sorry",
            "scratch that",
            "actually",
            "i mean",
            "beg your pardon",
        )
        assert sum(any(c in u for c in corrections) for u in users) >= 10
        assert len({la.exercise_id for la in labels}) >= 100
