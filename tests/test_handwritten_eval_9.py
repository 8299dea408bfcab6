"""The ninth hand-written evaluation set: valid labels, real catalogue ids, no shared texts.

An everyday cross-section of ten app users, each logging twenty sets of one normal session,
measured once before it was read, then used as a development set (tests/data/README.md).
"""

from __future__ import annotations

from handwritten_checks import (
    DATA,
    UNILATERAL,
    SetChecks,
    context_of,
)


class TestSet9(SetChecks):
    path = DATA / "handwritten_eval_9.jsonl"
    count = 200
    min_other_sets = 8
    failure_words = ("failure", "failed")

    def test_no_exercise_lines_keep_their_numbers(self) -> None:
        labels = self.labels
        for label in labels:
            if label.exercise_id is None:
                assert label.confidence == 0.4
                assert label.reps is not None and label.weight is not None

    def test_covers_the_phenomena(self) -> None:
        records = self.records
        labels = self.labels
        users = self.users
        with_context = sum(bool(context_of(r)) for r in records)
        assert 18 <= with_context <= 22
        assert 5 <= sum(la.exercise_id is None for la in labels) <= 7
        assert sum(la.weight_unit == "kg" for la in labels) >= 70
        assert sum(la.weight_unit == "lbs" for la in labels) >= 70
        assert sum(la.duration_seconds is not None for la in labels) >= 20
        assert sum(la.sets is not None for la in labels) >= 5
        assert sum(la.tempo is not None for la in labels) >= 3
        assert sum(la.rest_seconds is not None for la in labels) >= 5
        assert sum(la.rpe is not None for la in labels) >= 35
        assert sum(la.rpe == 10 for la in labels) >= 4
        assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 4
        assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 45
        assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 35
        assert sum(la.notes is not None for la in labels) >= 80
        assert sum("plate" in u for u in users) >= 5
        rir_words = ("rir", "reserve", "in the tank", "could have done", "could've done")
        assert sum(any(w in u for w in rir_words) for u in users) >= 6
        corrections = ("wait no", "no sorry", "scratch that", "actually", "i mean", "correction")
        assert sum(any(c in u for c in corrections) for u in users) >= 8
        assert len({la.exercise_id for la in labels}) >= 130
