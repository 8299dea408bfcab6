"""The third hand-written evaluation set: valid labels, real catalogue ids, no shared texts."""

from __future__ import annotations

import pytest

from handwritten_checks import (
    DATA,
    check_conventions,
    check_follow_ups,
    check_format,
    check_lines,
    check_no_shared_text,
    context_of,
    load,
    norm,
)
from repvoice.data.bundled import default_test_path, default_train_path
from repvoice.data.dedupe import user_text
from repvoice.schema import WorkoutSet

EVAL = DATA / "handwritten_eval_3.jsonl"


@pytest.fixture(scope="module")
def data() -> tuple[list[dict], list[WorkoutSet]]:
    return load(EVAL)


def test_every_line_is_a_chat_record() -> None:
    check_lines(EVAL, 120)


def test_format_labels_and_follow_ups(data: tuple[list[dict], list[WorkoutSet]]) -> None:
    records, labels = data
    check_format(records)
    check_conventions(records, labels, exercise_or_context=True)
    check_follow_ups(records, labels)


def test_covers_the_phenomena(data: tuple[list[dict], list[WorkoutSet]]) -> None:
    records, labels = data
    users = [norm(user_text(r)) for r in records]
    assert 12 <= sum(bool(context_of(r)) for r in records) <= 18
    assert sum(la.exercise_id is None for la in labels) >= 4
    assert sum(la.weight_unit == "kg" for la in labels) >= 15
    assert sum(la.duration_seconds is not None for la in labels) >= 15
    assert sum(la.sets is not None for la in labels) >= 8
    assert sum(la.tempo is not None for la in labels) >= 3
    assert sum(la.rest_seconds is not None for la in labels) >= 4
    assert sum(la.rpe is not None for la in labels) >= 20
    assert sum(la.rpe == 10 for la in labels) >= 3
    assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 2
    assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 20
    assert sum("plate" in u for u in users) >= 4
    corrections = ("no wait", "actually", "sorry", "i mean", "scratch that", "was it")
    assert sum(any(c in u for c in corrections) for u in users) >= 6


def test_shares_no_text_with_other_data(data: tuple[list[dict], list[WorkoutSet]]) -> None:
    others = (
        default_train_path(),
        default_test_path(),
        DATA / "handwritten_eval.jsonl",
        DATA / "handwritten_eval_2.jsonl",
    )
    check_no_shared_text(data[0], others)
