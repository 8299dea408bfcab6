"""Checks every hand-written evaluation set must pass: format, real catalogue ids, the label
conventions, and no text shared with any other data file. Each set's own test module calls
these and adds the counts of what that set covers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from repvoice.catalog import Catalog
from repvoice.data.dedupe import user_text
from repvoice.data.formats.openai import check_openai
from repvoice.data.jsonl import JsonlReader, read_records
from repvoice.data.synth.prompts import CONTEXT_SEPARATOR
from repvoice.schema import Context, WorkoutSet, parse_workout_json

DATA = Path(__file__).parent / "data"
CATALOG = Catalog.load()
#: The VoiceFit inference prompt (the fine-tuned model's system turn at serving time).
INFERENCE_PROMPT = (
    "You are a voice command parser for workout logging. "
    "Parse the voice transcript into structured exercise data."
)
CONTEXT_KEYS = {"current_exercise_id", "last_weight", "last_reps", "last_weight_unit"}


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def context_of(record: dict) -> str:
    """The JSON after the system prompt's `Context:` suffix, or ""."""
    return record["messages"][0]["content"].partition(CONTEXT_SEPARATOR)[2]


def load(path: Path) -> tuple[list[dict], list[WorkoutSet]]:
    records = [r for _, r in read_records(path)]
    return records, [parse_workout_json(r["messages"][2]["content"]) for r in records]


def check_lines(path: Path, count: int) -> None:
    reader = JsonlReader(path)
    lines = list(reader)
    assert len(lines) == count
    assert all(line.ok and isinstance(line.data, dict) for line in lines)
    assert not reader.notes  # no BOM, CRLF or blank lines


def check_format(records: list[dict]) -> None:
    assert len({norm(user_text(r)) for r in records}) == len(records)
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


def check_conventions(
    records: list[dict], labels: list[WorkoutSet], *, exercise_or_context: bool = False
) -> None:
    """Compact JSON, ids that match names, the RPE/RIR rules, a unit with every weight; with
    `exercise_or_context`, a line naming no exercise has no context either."""
    for record, label in zip(records, labels, strict=True):
        # compact: canonical field order, no nulls, whole numbers written as ints
        assert record["messages"][2]["content"] == label.to_compact_json()
        if label.exercise_id is None:
            assert label.exercise_name is None and label.confidence <= 0.5
            if exercise_or_context:
                assert not context_of(record)  # nothing to fall back on
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


def check_follow_ups(records: list[dict], labels: list[WorkoutSet], *, unit: bool = False) -> None:
    """A follow-up keeps the context's exercise (and, with `unit`, its weight unit)."""
    for record, label in zip(records, labels, strict=True):
        if ctx := context_of(record):
            raw = json.loads(ctx)
            assert label.exercise_id == raw["current_exercise_id"]
            if unit and label.weight is not None and "last_weight_unit" in raw:
                assert label.weight_unit == raw["last_weight_unit"]


def check_no_shared_text(records: list[dict], others: Iterable[Path]) -> None:
    """No transcript of this set appears in another file (counted, never printed)."""
    mine = {norm(user_text(r)) for r in records}
    for path in others:
        shared = sum(norm(user_text(r)) in mine for _, r in read_records(path))
        assert shared == 0, f"{path.name} shares {shared} user texts"
