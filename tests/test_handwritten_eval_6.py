"""The sixth hand-written evaluation set: valid labels, real catalogue ids, no shared texts.

Eight speakers log real sessions by voice (a British lifter in kilos, an Australian CrossFitter,
a physique competitor giving tempo and rest, a beginner who describes the machines, a coach
logging for athletes in the third person, a lifter who only gives reps in reserve, a mobility and
core session, a runner cross-training). Never looked at by anyone tuning the parser: only
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

EVAL = DATA / "handwritten_eval_6.jsonl"
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


@pytest.fixture(scope="module")
def users(records: list[dict]) -> list[str]:
    return [norm(user_text(r)) for r in records]


def test_every_line_is_a_chat_record() -> None:
    check_lines(EVAL, 200)


def test_format_labels_and_follow_ups(records: list[dict], labels: list[WorkoutSet]) -> None:
    check_format(records)
    check_conventions(records, labels, exercise_or_context=True)
    check_follow_ups(records, labels, unit=True)


def test_failure_is_rpe_ten(users: list[str], labels: list[WorkoutSet]) -> None:
    # "1 rep from failure" is RIR 1, so only "to failure" and a failed rep count
    for user, label in zip(users, labels, strict=True):
        if "to failure" in user or "failed" in user:
            assert (label.rpe, label.rir) == (10, 0)


def test_unilateral_sets_say_so_in_notes(users: list[str], labels: list[WorkoutSet]) -> None:
    for user, label in zip(users, labels, strict=True):
        for phrase in (u for u in UNILATERAL if u in user):
            assert label.notes is not None and phrase in label.notes


def test_tempo_only_when_a_tempo_is_said(users: list[str], labels: list[WorkoutSet]) -> None:
    for user, label in zip(users, labels, strict=True):
        if label.tempo is not None:
            assert "tempo" in user and label.tempo.isdigit()
        if "tempo run" in user:  # a running pace, not a lifting tempo
            assert label.tempo is None


def test_covers_the_phenomena(
    records: list[dict], labels: list[WorkoutSet], users: list[str]
) -> None:
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


def test_shares_no_text_with_other_data(records: list[dict]) -> None:
    others = sorted(p for p in DATA.glob("handwritten_eval*.jsonl") if p != EVAL)
    assert len(others) >= 4
    check_no_shared_text(records, (default_train_path(), default_test_path(), *others))
