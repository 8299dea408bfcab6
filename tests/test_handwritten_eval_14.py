"""The fourteenth hand-written evaluation set: valid labels, real catalogue ids, no shared texts.

One ordinary 20-set session each from ten app users (plasterer, dental hygienist, cricketer,
maple farmer, taxi driver, software manager, nurse, fisherman, flamenco dancer, teenager):
an everyday cross-section, not a stress test. Measured once before it was read, then used as a
development set.
"""

from __future__ import annotations

from handwritten_checks import (
    DATA,
    UNILATERAL,
    SetChecks,
    context_of,
    norm,
)
from repvoice.data.dedupe import user_text


class TestSet14(SetChecks):
    path = DATA / "handwritten_eval_14.jsonl"
    count = 200
    min_other_sets = 12

    def test_kilos_said_means_kg(self) -> None:
        records = self.records
        labels = self.labels
        for record, label in zip(records, labels, strict=True):
            text = norm(user_text(record))
            if "kilo" in text or "kg" in text:
                assert label.weight_unit == "kg"

    def test_covers_the_phenomena(self) -> None:
        records = self.records
        labels = self.labels
        users = self.users
        with_context = sum(bool(context_of(r)) for r in records)
        assert with_context == 20
        assert sum(la.exercise_id is None for la in labels) == 6
        assert sum(la.weight_unit == "kg" for la in labels) >= 55
        assert sum(la.weight_unit == "lbs" for la in labels) >= 75
        assert sum(la.duration_seconds is not None for la in labels) >= 25
        assert sum(la.sets is not None for la in labels) >= 11
        assert sum(la.tempo is not None for la in labels) >= 5
        assert sum(la.rest_seconds is not None for la in labels) >= 8
        assert sum(la.rpe is not None for la in labels) >= 21
        assert sum(la.rpe == 10 for la in labels) >= 4
        assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 4
        assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 45
        assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 28
        assert sum(la.notes is not None for la in labels) >= 80
        assert sum("plate" in u for u in users) >= 7
        rir_words = ("rir", "reserve", "in the tank", "more in me")
        assert sum(any(w in u for w in rir_words) for u in users) >= 5
        corrections = (
            "no wait",
            "wait no",
            "sorry",
            "actually",
            "scratch that",
            "i mean",
            " wait ",
        )
        assert sum(any(c in u for c in corrections) for u in users) >= 9
        assert len({la.exercise_id for la in labels}) >= 130
