"""The fifteenth hand-written evaluation set: ten people logging one ordinary session each.

A final held-out measurement: measured once, and only aggregate figures are ever reported.
"""

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

EVAL = DATA / "handwritten_eval_15.jsonl"
UNILATERAL = ("each side", "each arm", "each leg")


@pytest.fixture(scope="module")
def data() -> tuple[list[dict], list[WorkoutSet]]:
    return load(EVAL)


@pytest.fixture(scope="module")
def records(data: tuple[list[dict], list[WorkoutSet]]) -> list[dict]:
    return data[0]


@pytest.fixture(scope="module")
def labels(data: tuple[list[dict], list[WorkoutSet]]) -> list[WorkoutSet]:
    return data[1]


def test_every_line_is_a_chat_record() -> None:
    check_lines(EVAL, 200)


def test_format_labels_and_follow_ups(records: list[dict], labels: list[WorkoutSet]) -> None:
    check_format(records)
    check_conventions(records, labels, exercise_or_context=True)
    check_follow_ups(records, labels, unit=True)


def test_failure_is_rpe_ten(records: list[dict], labels: list[WorkoutSet]) -> None:
    for record, label in zip(records, labels, strict=True):
        if "failure" in norm(user_text(record)):
            assert (label.rpe, label.rir) == (10, 0)


def test_unilateral_sets_say_so_in_notes(records: list[dict], labels: list[WorkoutSet]) -> None:
    for record, label in zip(records, labels, strict=True):
        said = [u for u in UNILATERAL if u in norm(user_text(record))]
        for phrase in said:
            assert label.notes is not None and phrase in label.notes


def test_covers_the_phenomena(records: list[dict], labels: list[WorkoutSet]) -> None:
    users = [norm(user_text(r)) for r in records]
    assert sum(bool(context_of(r)) for r in records) == 20
    assert sum(la.exercise_id is None for la in labels) == 6
    assert sum(la.weight_unit == "kg" for la in labels) >= 65
    assert sum(la.weight_unit == "lbs" for la in labels) >= 65
    assert sum(la.duration_seconds is not None for la in labels) >= 18
    assert sum(la.sets is not None for la in labels) >= 5
    assert sum(la.tempo is not None for la in labels) >= 3
    assert sum(la.rest_seconds is not None for la in labels) >= 4
    assert sum(la.rpe is not None for la in labels) >= 22
    assert sum(la.rpe == 10 for la in labels) >= 2
    assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 3
    assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 50
    assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 25
    assert sum("plate" in u for u in users) >= 6
    rir_words = ("rir", "reserve", "in the tank", "left in")
    assert sum(any(w in u for w in rir_words) for u in users) >= 5
    corrections = (
        "wait no",
        "no sorry",
        "sorry 20",
        "scratch that",
        "actually",
        "i mean",
        "correction",
        "no hang on",
        "50 no 55",
    )
    assert sum(any(c in u for c in corrections) for u in users) == 10
    assert len({la.exercise_id for la in labels}) >= 120


def test_shares_no_text_with_other_data(records: list[dict]) -> None:
    others = (
        default_train_path(),
        default_test_path(),
        *(p for p in sorted(DATA.glob("handwritten_eval*.jsonl")) if p != EVAL),
    )
    assert len(others) >= 16
    check_no_shared_text(records, others)
