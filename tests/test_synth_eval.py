"""The hand-written evaluation set: valid labels, real catalogue ids, nothing shared with train."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repvoice.catalog import Catalog
from repvoice.data.bundled import default_test_path, default_train_path
from repvoice.data.dedupe import near_key, user_text
from repvoice.data.formats.openai import check_openai
from repvoice.data.jsonl import read_records
from repvoice.data.synth.prompts import CONTEXT_SEPARATOR, SHORT_PROMPT, TRAINING_PROMPT
from repvoice.schema import Context, parse_workout_json

EVAL = Path(__file__).parent / "data" / "handwritten_eval.jsonl"
CATALOG = Catalog.load()


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [r for _, r in read_records(EVAL)]


def test_size_and_format(records: list[dict]) -> None:
    assert len(records) >= 160
    assert len({user_text(r) for r in records}) == len(records)
    for record in records:
        assert check_openai(record) == []
        prompt, _, ctx = record["messages"][0]["content"].partition(CONTEXT_SEPARATOR)
        assert prompt in (TRAINING_PROMPT, SHORT_PROMPT)
        if ctx:
            context = Context.model_validate(json.loads(ctx))
            assert CATALOG.by_id(context.exercise_id) is not None


def test_labels_follow_the_conventions(records: list[dict]) -> None:
    for record in records:
        content = record["messages"][2]["content"]
        label = parse_workout_json(content)
        assert json.loads(content) == json.loads(label.to_compact_json())
        if label.exercise_id is None:
            assert label.exercise_name is None and label.confidence <= 0.6
        else:
            assert CATALOG.by_id(label.exercise_id).name == label.exercise_name
        if label.rpe is not None and label.rir is not None:
            assert label.rpe + label.rir == 10
        if label.rpe is not None and label.rpe % 1:
            assert label.rir is None


def test_covers_the_hard_cases(records: list[dict]) -> None:
    labels = [json.loads(r["messages"][2]["content"]) for r in records]
    users = [user_text(r).lower() for r in records]
    assert sum(la.get("weight_unit") == "kg" for la in labels) >= 10
    assert sum("duration_seconds" in la for la in labels) >= 10
    assert sum("Context:" in r["messages"][0]["content"] for r in records) >= 10
    assert sum("exercise_id" not in la for la in labels) >= 3
    assert sum("plate" in u for u in users) >= 4
    assert sum("tempo" in u for u in users) >= 3
    assert sum(any(w in u for w in ("no wait", "actually", "sorry")) for u in users) >= 4


def test_never_in_the_training_data(records: list[dict]) -> None:
    near = {
        near_key(user_text(r))
        for path in (default_train_path(), default_test_path())
        for _, r in read_records(path)
    }
    leaked = [user_text(r) for r in records if near_key(user_text(r)) in near]
    # short stock phrases ("same again", "225 for 8") are generated too; anything longer leaks
    assert len(leaked) <= 6 and all(len(t.split()) <= 4 for t in leaked), leaked
