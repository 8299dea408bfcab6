"""The fourth hand-written evaluation set: valid labels, real catalogue ids, no shared texts.

Never looked at by anyone tuning the parser: only aggregate figures are ever reported.
"""

from __future__ import annotations

from handwritten_checks import (
    DATA,
    UNILATERAL,
    SetChecks,
    context_of,
)


class TestSet4(SetChecks):
    path = DATA / "handwritten_eval_4.jsonl"
    count = 150
    min_other_sets = 3
    failure_unless = ("shy of failure",)

    def test_covers_the_phenomena(self) -> None:
        records = self.records
        labels = self.labels
        users = self.users
        with_context = sum(bool(context_of(r)) for r in records)
        assert 15 <= with_context <= 21
        assert sum(la.exercise_id is None for la in labels) >= 5
        assert sum(la.weight_unit == "kg" for la in labels) >= 20
        assert sum(la.duration_seconds is not None for la in labels) >= 20
        assert sum(la.sets is not None for la in labels) >= 12
        assert sum(la.tempo is not None for la in labels) >= 3
        assert sum(la.rest_seconds is not None for la in labels) >= 5
        assert sum(la.rpe is not None for la in labels) >= 25
        assert sum(la.rpe == 10 for la in labels) >= 4
        assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 3
        assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 30
        assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 12
        assert sum("plate" in u for u in users) >= 6
        rir_words = ("rir", "reserve", "in the tank", "left in")
        assert sum(any(w in u for w in rir_words) for u in users) >= 4
        corrections = ("wait no", "no sorry", "scratch that", "actually", "i mean")
        assert sum(any(c in u for c in corrections) for u in users) >= 7
        assert len({la.exercise_id for la in labels}) >= 80
