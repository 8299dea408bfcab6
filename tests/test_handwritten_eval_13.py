"""The thirteenth hand-written evaluation set: an everyday cross-section of ten app users' sessions.

A final held-out measurement: never looked at by anyone tuning the parser, measured once, and only
aggregate figures are ever reported.
"""

from __future__ import annotations

from handwritten_checks import (
    DATA,
    UNILATERAL,
    SetChecks,
    context_of,
)


class TestSet13(SetChecks):
    path = DATA / "handwritten_eval_13.jsonl"
    count = 200
    min_other_sets = 12
    failure_words = ("failure", "failed")

    def test_covers_the_phenomena(self) -> None:
        records = self.records
        labels = self.labels
        users = self.users
        with_context = sum(bool(context_of(r)) for r in records)
        assert with_context == 20
        assert sum(la.exercise_id is None for la in labels) == 6
        assert sum(la.weight_unit == "kg" for la in labels) >= 60
        assert sum(la.weight_unit == "lbs" for la in labels) >= 70
        assert sum(la.duration_seconds is not None for la in labels) >= 22
        assert sum(la.sets is not None for la in labels) >= 11
        assert sum(la.tempo is not None for la in labels) >= 4
        assert sum(la.rest_seconds is not None for la in labels) >= 8
        assert sum(la.rpe is not None for la in labels) >= 31
        assert sum(la.rpe == 10 for la in labels) >= 5
        assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 4
        assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 60
        assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 28
        assert sum("plate" in u for u in users) >= 6
        rir_words = ("rir", "reserve", "in the tank", "left in")
        assert sum(any(w in u for w in rir_words) for u in users) >= 4
        corrections = (
            "no wait",
            "wait no",
            "no sorry",
            "scratch that",
            "actually",
            "i mean",
            "sorry",
        )
        assert sum(any(c in u for c in corrections) for u in users) >= 9
        assert len({la.exercise_id for la in labels}) >= 130
