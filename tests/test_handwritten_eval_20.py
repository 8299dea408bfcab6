"""The twentieth hand-written evaluation set: the final held-out spoken set of the trust issue
(11), written after sets 17 to 19 became development sets, by a writer who never saw the
parser, the generator, the bundled data or any other set; measured once (aggregates only).
"""

from __future__ import annotations

from handwritten_checks import DATA, SetChecks, context_of


class TestSet20(SetChecks):
    path = DATA / "handwritten_eval_20.jsonl"
    count = 200
    min_other_sets = 19

    def test_covers_the_phenomena(self) -> None:
        records, labels, users = self.records, self.labels, self.users
        assert sum(bool(context_of(r)) for r in records) >= 20
        assert sum(la.exercise_id is None for la in labels) >= 5
        assert sum(la.weight_unit == "kg" for la in labels) >= 40
        assert sum(la.weight_unit == "lbs" for la in labels) >= 40
        assert sum(la.duration_seconds is not None for la in labels) >= 8
        assert sum(la.rpe is not None for la in labels) >= 20
        assert len({la.exercise_id for la in labels if la.exercise_id}) >= 80
        assert sum(any(c.isdigit() for c in u) for u in users) >= 40
