"""The fourth hand-written evaluation set: valid labels, real catalogue ids, no shared texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repvoice.catalog import Catalog
from repvoice.data.bundled import default_test_path, default_train_path
from repvoice.data.dedupe import user_text
from repvoice.data.formats.openai import check_openai
from repvoice.data.jsonl import JsonlReader, read_records
from repvoice.data.synth.prompts import CONTEXT_SEPARATOR
from repvoice.schema import Context, WorkoutSet, parse_workout_json

DATA = Path(__file__).parent / "data"
EVAL = DATA / "handwritten_eval_4.jsonl"
OTHER_EVALS = (
    DATA / "handwritten_eval.jsonl",
    DATA / "handwritten_eval_2.jsonl",
    DATA / "handwritten_eval_3.jsonl",
)
CATALOG = Catalog.load()
#: The VoiceFit inference prompt (the fine-tuned model's system turn at serving time).
INFERENCE_PROMPT = (
    "You are a voice command parser for workout logging. "
    "Parse the voice transcript into structured exercise data."
)
CONTEXT_KEYS = {"current_exercise_id", "last_weight", "last_reps", "last_weight_unit"}
UNILATERAL = ("each side", "each arm", "each leg")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _context(record: dict) -> str:
    return record["messages"][0]["content"].partition(CONTEXT_SEPARATOR)[2]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [r for _, r in read_records(EVAL)]


@pytest.fixture(scope="module")
def labels(records: list[dict]) -> list[WorkoutSet]:
    return [parse_workout_json(r["messages"][2]["content"]) for r in records]


def test_every_line_is_a_chat_record() -> None:
    reader = JsonlReader(EVAL)
    lines = list(reader)
    assert len(lines) == 150
    assert all(line.ok and isinstance(line.data, dict) for line in lines)
    assert not reader.notes  # no BOM, CRLF or blank lines


def test_format_and_context(records: list[dict]) -> None:
    assert len({_norm(user_text(r)) for r in records}) == len(records)
    for record in records:
        assert check_openai(record) == []
        assert [m["role"] for m in record["messages"]] == ["system", "user", "assistant"]
        prompt, _, ctx = record["messages"][0]["content"].partition(CONTEXT_SEPARATOR)
        assert prompt == INFERENCE_PROMPT
        if ctx:
            raw = json.loads(ctx)
            assert set(raw) <= CONTEXT_KEYS and "current_exercise_id" in raw
            context = Context.model_validate(raw)
            assert CATALOG.by_id(context.exercise_id) is not None


def test_labels_are_compact_and_follow_the_conventions(
    records: list[dict], labels: list[WorkoutSet]
) -> None:
    for record, label in zip(records, labels, strict=True):
        content = record["messages"][2]["content"]
        # compact: canonical field order, no nulls, whole numbers written as ints
        assert content == label.to_compact_json()
        if label.exercise_id is None:
            assert label.exercise_name is None and label.confidence <= 0.5
            assert not _context(record)  # nothing to fall back on
        else:
            exercise = CATALOG.by_id(label.exercise_id)
            assert exercise is not None and exercise.name == label.exercise_name
        if label.rpe is not None and label.rpe % 1 == 0:
            assert label.rir == 10 - label.rpe
        if label.rpe is not None and label.rpe % 1:
            assert label.rir is None
        if label.rir is not None:
            assert label.rpe == 10 - label.rir
        assert (label.weight is None) == (label.weight_unit is None)
        if "failure" in _norm(user_text(record)) and "shy of failure" not in _norm(
            user_text(record)
        ):
            assert (label.rpe, label.rir) == (10, 0)


def test_follow_ups_keep_the_context_exercise_and_unit(
    records: list[dict], labels: list[WorkoutSet]
) -> None:
    for record, label in zip(records, labels, strict=True):
        if ctx := _context(record):
            raw = json.loads(ctx)
            assert label.exercise_id == raw["current_exercise_id"]
            if label.weight is not None and "last_weight_unit" in raw:
                assert label.weight_unit == raw["last_weight_unit"]


def test_unilateral_sets_say_so_in_notes(records: list[dict], labels: list[WorkoutSet]) -> None:
    for record, label in zip(records, labels, strict=True):
        said = [u for u in UNILATERAL if u in _norm(user_text(record))]
        for phrase in said:
            assert label.notes is not None and phrase in label.notes


def test_covers_the_phenomena(records: list[dict], labels: list[WorkoutSet]) -> None:
    users = [_norm(user_text(r)) for r in records]
    with_context = sum(bool(_context(r)) for r in records)
    assert 15 <= with_context <= 21
    assert sum(la.exercise_id is None for la in labels) >= 5
    assert sum(la.weight_unit == "kg" for la in labels) >= 20
    assert sum(la.duration_seconds is not None for la in labels) >= 20
    assert sum(la.sets is not None for la in labels) >= 12
    assert sum(la.tempo is not None for la in labels) >= 3
    assert sum(la.rest_seconds is not None for la in labels) >= 5
    assert sum(la.rpe is not None for la in labels) >= 25
    assert sum(la.rpe == 10 for la in labels) >= 4
    assert sum(la.rpe is not None and la.rpe % 1 != 0 for la in labels) >= 3
    assert sum(la.exercise_id is not None and la.weight is None for la in labels) >= 30
    assert sum(bool(la.notes) and any(u in la.notes for u in UNILATERAL) for la in labels) >= 12
    assert sum("plate" in u for u in users) >= 6
    rir_words = ("rir", "reserve", "in the tank", "left in")
    assert sum(any(w in u for w in rir_words) for u in users) >= 4
    assert sum(any(w in u for w in rir_words) for u in users) >= 4
    corrections = ("wait no", "no sorry", "scratch that", "actually", "i mean")
    assert sum(any(c in u for c in corrections) for u in users) >= 7
    assert len({la.exercise_id for la in labels}) >= 80


def test_shares_no_text_with_other_data(records: list[dict]) -> None:
    mine = {_norm(user_text(r)) for r in records}
    for path in (default_train_path(), default_test_path(), *OTHER_EVALS):
        shared = sum(_norm(user_text(r)) in mine for _, r in read_records(path))
        assert shared == 0, f"{path.name} shares {shared} user texts"
