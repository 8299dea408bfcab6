"""The sixth hand-written evaluation set: valid labels, real catalogue ids, no shared texts.

Eight speakers log real sessions by voice (a British lifter in kilos, an Australian CrossFitter,
a physique competitor giving tempo and rest, a beginner who describes the machines, a coach
logging for athletes in the third person, a lifter who only gives reps in reserve, a mobility and
core session, a runner cross-training). A development set: its misses were read to find gaps in
the parser (tests/data/README.md).
"""

from __future__ import annotations

from handwritten_checks import (
    DATA,
    UNILATERAL,
    SetChecks,
    context_of,
)


class TestSet6(SetChecks):
    path = DATA / "handwritten_eval_6.jsonl"
    count = 200
    min_other_sets = 4
    # "1 rep from failure" is RIR 1, so only "to failure" and a failed rep count
    failure_words = ("to failure", "failed")

    def test_tempo_only_when_a_tempo_is_said(self) -> None:
        users = self.users
        labels = self.labels
        for user, label in zip(users, labels, strict=True):
            if label.tempo is not None:
                assert "tempo" in user and label.tempo.isdigit()
            if "tempo run" in user:  # a running pace, not a lifting tempo
                assert label.tempo is None

    def test_covers_the_phenomena(self) -> None:
        records = self.records
        labels = self.labels
        users = self.users
        assert sum(bool(context_of(r)) for r in records) == 21
        assert sum(la.exercise_id is None for la in labels) == 6
        assert sum(la.weight_unit == "kg" for la in labels) >= 35
        assert sum(la.weight_unit == "lbs" for la in labels) >= 90
        assert sum(la.duration_seconds is not None for la in labels) >= 33
        assert sum(la.sets is not None for la in labels) >= 12
        assert sum(la.tempo is not None for la in labels) >= 11
        assert sum(la.rest_seconds is not None for la in labels) >= 25
        assert sum(la.rpe is not None for la in labels) >= 35
        assert sum(la.rpe == 10 for la in labels) >= 5
        assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 3
        assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 60
        assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 25
        assert sum(la.exercise_id is not None and la.confidence < 0.85 for la in labels) >= 18
        assert sum("plate" in u for u in users) >= 8
        # reps in reserve said without any RPE: the RPE is inferred as 10 - RIR
        assert (
            sum(la.rir is not None and "rpe" not in u for u, la in zip(users, labels, strict=True))
            >= 28
        )
        corrections = (
            "no wait",
            "wait no",
            "no hang on",
            "scratch that",
            "i mean",
            "sorry",
            "actually",
        )
        assert sum(any(c in u for c in corrections) for u in users) >= 10
        assert len({la.exercise_id for la in labels}) >= 120
