"""The fifth hand-written evaluation set: valid labels, real catalogue ids, no shared texts.

Eight speakers of 25 lines each. Never looked at by anyone tuning the parser: only aggregate
figures are ever reported.
"""

from __future__ import annotations

import re

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

EVAL = DATA / "handwritten_eval_5.jsonl"
UNILATERAL = ("each side", "each arm", "each leg")
PLATES = {"2": 2, "3": 3, "4": 4, "5": 5, "two": 2, "three": 3, "four": 4, "five": 5}


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
    said = 0
    for record, label in zip(records, labels, strict=True):
        if "failure" in norm(user_text(record)):
            said += 1
            assert (label.rpe, label.rir) == (10, 0)
    assert said >= 2


def test_unilateral_sets_say_so_in_notes(records: list[dict], labels: list[WorkoutSet]) -> None:
    for record, label in zip(records, labels, strict=True):
        for phrase in (u for u in UNILATERAL if u in norm(user_text(record))):
            assert label.notes is not None and phrase in label.notes


def test_barbell_plates_are_45_bar_plus_90_a_pair(
    records: list[dict], labels: list[WorkoutSet]
) -> None:
    counted = 0
    for record, label in zip(records, labels, strict=True):
        match = re.search(r"\b(\w+) plates\b", norm(user_text(record)))
        if match and match.group(1) in PLATES:
            counted += 1
            assert (label.weight, label.weight_unit) == (45 + 90 * PLATES[match.group(1)], "lbs")
    assert counted >= 5


def test_covers_the_phenomena(records: list[dict], labels: list[WorkoutSet]) -> None:
    users = [norm(user_text(r)) for r in records]
    assert 17 <= sum(bool(context_of(r)) for r in records) <= 21
    pairs = list(zip(records, labels, strict=True))
    assert sum(bool(context_of(r)) and la.weight_unit == "kg" for r, la in pairs) >= 4
    assert sum(la.exercise_id is None for la in labels) >= 6
    assert sum(la.weight_unit == "kg" for la in labels) >= 35
    assert sum(la.duration_seconds is not None for la in labels) >= 20
    assert sum(la.sets is not None for la in labels) >= 15
    assert sum(la.tempo is not None for la in labels) >= 3
    assert sum(la.rest_seconds is not None for la in labels) >= 6
    assert sum(la.rpe is not None for la in labels) >= 35
    assert sum(la.rpe == 10 for la in labels) >= 4
    assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 5
    assert sum(la.reps == 1 for la in labels) >= 10
    assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 25
    assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 20
    assert sum("plate" in u for u in users) >= 8
    rir_words = ("in the tank", "could have done", "reps left", "are i are")
    assert sum(any(w in u for w in rir_words) for u in users) >= 6
    corrections = (
        "no wait",
        "wait no",
        "oh wait",
        "no sorry",
        "scratch that",
        "actually",
        "i mean",
        "beg your pardon",
    )
    assert sum(any(c in u for c in corrections) for u in users) >= 10
    assert len({la.exercise_id for la in labels}) >= 100


def test_shares_no_text_with_other_data(records: list[dict]) -> None:
    others = sorted(p for p in DATA.glob("handwritten_eval*.jsonl") if p != EVAL)
    assert len(others) >= 4
    check_no_shared_text(records, (default_train_path(), default_test_path(), *others))
