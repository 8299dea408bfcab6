"""The bundled default dataset: reproducible byte for byte, valid, varied and leak-free."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repvoice.catalog import Catalog
from repvoice.data.bundled import (
    TEST_SIZE,
    TRAIN_SIZE,
    default_test_path,
    default_train_path,
    load_manifest,
)
from repvoice.data.dedupe import near_key, user_text
from repvoice.data.formats.openai import check_openai
from repvoice.data.jsonl import read_records
from repvoice.data.synth import generate
from repvoice.data.synth.dataset import sha256_of, write_dataset
from repvoice.data.synth.diversity import measure
from repvoice.data.synth.prompts import CONTEXT_SEPARATOR, SHORT_PROMPT, TRAINING_PROMPT
from repvoice.schema import Context, parse_workout_json

CATALOG = Catalog.load()


def _negatives() -> float:
    return load_manifest().get("negatives", 0.0)


def records(path: Path) -> list[dict]:
    return [r for _, r in read_records(path)]


@pytest.fixture(scope="module")
def train() -> list[dict]:
    return records(default_train_path())


@pytest.fixture(scope="module")
def test() -> list[dict]:
    return records(default_test_path())


def test_shipped_files_equal_a_fresh_run(tmp_path: Path) -> None:
    manifest = load_manifest()
    summary = write_dataset(
        tmp_path / "train.jsonl",
        n=TRAIN_SIZE,
        seed=manifest["seed"],
        test_n=TEST_SIZE,
        test_path=tmp_path / "test.jsonl",
        negatives=manifest.get("negatives", 0.0),
    )
    assert summary.seconds < 10
    assert (tmp_path / "train.jsonl").read_bytes() == default_train_path().read_bytes()
    assert (tmp_path / "test.jsonl").read_bytes() == default_test_path().read_bytes()
    assert summary.manifest() == manifest


def test_manifest_describes_the_files() -> None:
    manifest = load_manifest()
    for name, path, size in (
        ("train", default_train_path(), TRAIN_SIZE),
        ("test", default_test_path(), TEST_SIZE),
    ):
        entry = manifest["files"][name]
        assert entry["sha256"] == sha256_of(path)
        assert entry["records"] == size == len(path.read_text().splitlines())


def test_every_record_is_valid(train: list[dict], test: list[dict]) -> None:
    for record in train + test:
        assert check_openai(record) == []
        system, user, assistant = record["messages"]
        assert [m["role"] for m in record["messages"]] == ["system", "user", "assistant"]
        prompt, _, ctx = system["content"].partition(CONTEXT_SEPARATOR)
        assert prompt in (TRAINING_PROMPT, SHORT_PROMPT)
        if ctx:
            Context.model_validate(json.loads(ctx))
        label = parse_workout_json(assistant["content"])
        assert json.loads(assistant["content"]) == json.loads(label.to_compact_json())
        assert "null" not in assistant["content"]
        assert user["content"].strip()
        if label.exercise_id is not None:
            assert CATALOG.by_id(label.exercise_id).name == label.exercise_name
        else:
            assert label.confidence <= 0.6


def test_labels_recompute_from_the_samples(train: list[dict]) -> None:
    from test_synth import expected_label, without_confidence

    for example, record in zip(
        generate(TRAIN_SIZE, load_manifest()["seed"], negatives=_negatives()), train, strict=True
    ):
        assert example.record == record
        label = json.loads(record["messages"][2]["content"])
        assert without_confidence(label) == expected_label(example.sample)


def test_diversity_targets(train: list[dict]) -> None:
    stats = measure(train)
    assert stats["distinct_texts"] >= 0.95
    assert stats["numbers_as_words"] >= 0.25
    assert stats["kg"] >= 0.10
    assert stats["followups"] >= 0.05
    assert stats["exercises"] >= 250
    assert 0.015 <= stats["no_exercise"] <= 0.035
    assert 0.10 <= stats["short_prompt"] <= 0.20
    noisy = sum(
        bool(e.sample.noise)
        for e in generate(TRAIN_SIZE, load_manifest()["seed"], negatives=_negatives())
    )
    assert noisy / TRAIN_SIZE >= 0.08


def test_every_catalogue_exercise_appears_and_popular_lifts_dominate(train: list[dict]) -> None:
    counts: dict[str, int] = {}
    for record in train:
        label = json.loads(record["messages"][2]["content"])
        if "exercise_name" in label:
            counts[label["exercise_name"]] = counts.get(label["exercise_name"], 0) + 1
    assert set(counts) == {e.name for e in CATALOG}
    ranked = sorted(counts, key=counts.get, reverse=True)
    assert {"Barbell Bench Press", "Barbell Back Squat", "Barbell Deadlift"} <= set(ranked[:6])


def test_test_split_shares_no_text_with_train(train: list[dict], test: list[dict]) -> None:
    train_exact = {user_text(r).strip() for r in train}
    train_near = {near_key(user_text(r)) for r in train}
    for record in test:
        assert user_text(record).strip() not in train_exact
        assert near_key(user_text(record)) not in train_near
