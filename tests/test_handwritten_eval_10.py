"""The tenth hand-written evaluation set: valid labels, real catalogue ids, no shared texts.

One ordinary session each from ten app users (firefighter, pharmacist, cricketer, coached
client, weightlifter, school footballer, office worker, runner, postpartum mum, rehabbing
veteran), measured once before it was read, then used as a development set.
"""

from __future__ import annotations

from handwritten_checks import (
    DATA,
    UNILATERAL,
    SetChecks,
    check_no_exercise_confidence,
    context_of,
)


class TestSet10(SetChecks):
    path = DATA / "handwritten_eval_10.jsonl"
    count = 200
    min_other_sets = 8
    failure_words = ("failure", "failed")

    def test_no_exercise_lines_are_unsure(self) -> None:
        check_no_exercise_confidence(self.labels)

    def test_covers_the_phenomena(self) -> None:
        records = self.records
        labels = self.labels
        users = self.users
        with_context = sum(bool(context_of(r)) for r in records)
        assert 18 <= with_context <= 22
        assert 5 <= sum(la.exercise_id is None for la in labels) <= 7
        assert sum(la.weight_unit == "kg" for la in labels) >= 60
        assert sum(la.weight_unit == "lbs" for la in labels) >= 60
        assert sum(la.duration_seconds is not None for la in labels) >= 25
        assert sum(la.sets is not None for la in labels) >= 10
        assert sum(la.tempo is not None for la in labels) >= 4
        assert sum(la.rest_seconds is not None for la in labels) >= 6
        assert sum(la.rpe is not None for la in labels) >= 30
        assert sum(la.rpe == 10 for la in labels) >= 3
        assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 4
        assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 60
        assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 30
        assert sum(la.notes is not None for la in labels) >= 100
        assert sum("plate" in u for u in users) >= 6
        rir_words = ("rir", "reserve", "in the tank")
        assert sum(any(w in u for w in rir_words) for u in users) >= 5
        corrections = ("wait no", "no wait", "no sorry", "sorry", "actually", "wait she")
        assert sum(any(c in u for c in corrections) for u in users) >= 9
        assert len({la.exercise_id for la in labels}) >= 120
