"""The eleventh hand-written evaluation set: valid labels, real catalogue ids, no shared texts.

One ordinary twenty-set session each from ten app users (Welsh postman, nurse, retired
bricklayer, cyclist, firefighter recruit, sprinter, rugby mum, bodybuilder, climber, rig
worker), measured once before it was read, then used as a development set.
"""

from __future__ import annotations

from handwritten_checks import (
    DATA,
    SetChecks,
    check_no_exercise_confidence,
    context_of,
    norm,
)
from repvoice.data.dedupe import user_text

SIDES = ("each side", "each arm", "each leg", "per side", "per leg")


class TestSet11(SetChecks):
    path = DATA / "handwritten_eval_11.jsonl"
    count = 200
    min_other_sets = 10
    failure_words = ("failure", "failed")
    unilateral = SIDES

    def test_no_exercise_lines_are_unsure(self) -> None:
        check_no_exercise_confidence(self.labels)

    def test_kilos_are_said_or_carried(self) -> None:
        records = self.records
        labels = self.labels
        kilo_words = ("kilo", "kg", "110k")
        for record, label in zip(records, labels, strict=True):
            if label.weight_unit == "kg":
                said = norm(user_text(record))
                assert any(w in said for w in kilo_words) or '"kg"' in context_of(record)

    def test_covers_the_phenomena(self) -> None:
        records = self.records
        labels = self.labels
        users = self.users
        with_context = sum(bool(context_of(r)) for r in records)
        assert with_context == 20
        assert sum(la.exercise_id is None for la in labels) == 6
        assert sum(la.weight_unit == "kg" for la in labels) >= 60
        assert sum(la.weight_unit == "lbs" for la in labels) >= 80
        assert sum(la.duration_seconds is not None for la in labels) >= 20
        assert sum(la.sets is not None for la in labels) >= 12
        assert sum(la.tempo is not None for la in labels) >= 4
        assert sum(la.rest_seconds is not None for la in labels) >= 7
        assert sum(la.rpe is not None for la in labels) >= 35
        assert sum(la.rpe == 10 for la in labels) >= 5
        assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 4
        assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 45
        assert sum(bool(la.notes) and any(u in la.notes for u in SIDES) for la in labels) >= 25
        assert sum(la.notes is not None for la in labels) >= 60
        assert sum("plate" in u for u in users) >= 4
        rir_words = ("reserve", "in the tank", "could have done")
        assert sum(any(w in u for w in rir_words) for u in users) >= 6
        corrections = (
            "no sorry",
            "wait no",
            "eh sorry",
            "actually",
            "i mean",
            "scratch that",
            "yeah nah",
            ", no,",
            "kilos no",
        )
        assert sum(any(c in u for c in corrections) for u in users) == 10
        assert len({la.exercise_id for la in labels}) >= 120
