"""The seventh hand-written evaluation set: valid labels, real catalogue ids, no shared texts.

Eight speakers log real sessions: a teenage lifter in gym slang, a masters weightlifter in kilos,
a trainer in shorthand, a push/pull/legs lifter, a self-corrector, someone who says numbers oddly,
a calisthenics athlete and a conditioning user. Never looked at by anyone tuning the parser: only
aggregate figures are ever reported.
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

EVAL = DATA / "handwritten_eval_7.jsonl"
UNILATERAL = ("each side", "each arm", "each leg")
#: Plate and money slang for a load ("three wheels", "a buck eighty five", "a dime a side").
ODD_NUMBERS = (
    "buck",
    "wheels",
    "quarter",
    "dime",
    "nickel",
    "bills",
    "grand",
    "hundreds",
    "one oh",
)
CORRECTIONS = (
    "wait",
    "sorry",
    "scratch that",
    "actually",
    "i mean",
    "hold on",
    " nah ",
    "or was it",
    "uh no",
    "no i did",
)


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
        for phrase in (u for u in UNILATERAL if u in norm(user_text(record))):
            assert label.notes is not None and phrase in label.notes


def test_plates_a_side_are_barbell_totals(records: list[dict], labels: list[WorkoutSet]) -> None:
    # "a dime and a nickel a side" is a 45 lb bar plus both sides: a whole number of 5s, over 45
    for record, label in zip(records, labels, strict=True):
        if " a side" in norm(user_text(record)) and label.weight is not None:
            assert label.weight_unit == "lbs" and label.weight > 45 and label.weight % 5 == 0


def test_covers_the_phenomena(records: list[dict], labels: list[WorkoutSet]) -> None:
    users = [norm(user_text(r)) for r in records]
    assert sum(bool(context_of(r)) for r in records) == 20
    assert sum(la.exercise_id is None for la in labels) == 6
    assert sum(la.weight_unit == "kg" for la in labels) >= 35
    assert sum(la.duration_seconds is not None for la in labels) >= 24
    assert sum(la.sets is not None for la in labels) >= 34
    assert sum(la.tempo is not None for la in labels) >= 3
    assert sum(la.rest_seconds is not None for la in labels) >= 6
    assert sum(la.rpe is not None for la in labels) >= 20
    assert sum(la.rpe == 10 for la in labels) >= 4
    assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 3
    assert sum(la.weight is not None and la.weight % 1 != 0 for la in labels) >= 1
    assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 45
    assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 17
    assert sum(any(w in u for w in ("plate", "wheel")) for u in users) >= 12
    assert sum(any(w in u for w in ODD_NUMBERS) for u in users) >= 20
    rir_words = ("r i r", "reserve", "in the tank", "done 2 more")
    assert sum(any(w in u for w in rir_words) for u in users) >= 5
    assert sum(any(c in f" {u} " for c in CORRECTIONS) for u in users) >= 16
    assert len({la.exercise_id for la in labels}) >= 130


def test_shares_no_text_with_other_data(records: list[dict]) -> None:
    others = sorted(p for p in DATA.glob("handwritten_eval*.jsonl") if p != EVAL)
    assert others  # the earlier sets are there to compare against
    check_no_shared_text(records, (default_train_path(), default_test_path(), *others))
