"""The sixteenth hand-written evaluation set: new personas (a returning 60-year-old, a rehab
patient, a teenage footballer, a Scottish kg lifter, a nurse on machine circuits, an Olympic
weightlifting coach, a garage lifter with odd plates, a bodybuilder on prep, a non-native
speaker, a marathoner), with "..." pauses, corrections of units and exercises, plates on
plate-loaded machines and dumbbell pairs.

A development set for the trust issue (11): its first measurement is recorded in BENCHMARKS.md
before any of its misses are read.
"""

from __future__ import annotations

from handwritten_checks import DATA, SetChecks, context_of

#: Words that make "each side" a plate loading, not a one-sided set.
_LOAD_WORDS = ("plate", "45s", "25s", "a 10", "a five", "two and a half")


class TestSet16(SetChecks):
    path = DATA / "handwritten_eval_16.jsonl"
    count = 323
    #: "each side" here also counts plates ("a 10 each side"): see the test below.
    unilateral = ("each arm", "each leg")
    min_other_sets = 15

    def test_covers_the_phenomena(self) -> None:
        records, labels, users = self.records, self.labels, self.users
        assert sum(bool(context_of(r)) for r in records) >= 40
        assert sum(la.exercise_id is None for la in labels) >= 5
        assert sum(la.weight_unit == "kg" for la in labels) >= 40
        assert sum(la.duration_seconds is not None for la in labels) >= 10
        assert sum(la.rpe is not None for la in labels) >= 30
        assert sum("..." in u for u in users) >= 5
        assert sum("i mean" in u for u in users) >= 5
        assert sum("plate" in u for u in users) >= 8

    def test_one_sided_sets_say_so_and_plates_a_side_are_load(self) -> None:
        for user, label in zip(self.users, self.labels, strict=True):
            if "each side" not in user:
                continue
            if any(w in user for w in _LOAD_WORDS):
                assert label.weight is not None, user
            else:
                assert label.notes is not None and "each side" in label.notes, user
