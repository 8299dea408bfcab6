"""`repvoice.data.split`: determinism, stratification, leak-freedom, provenance, bad lines."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import chat
from repvoice.data.dedupe import group_key, user_text
from repvoice.data.issues import DataError
from repvoice.data.split import (
    MANIFEST,
    NO_EXERCISE,
    NOT_WORKOUT,
    Fractions,
    read_manifest,
    split_file,
    stratum_of,
)

EXERCISES = {
    "Barbell Bench Press": 120,
    "Barbell Back Squat": 80,
    "Barbell Deadlift": 40,
    "Pull-Up": 20,
    "Dumbbell Curl": 10,
    "Face Pull": 3,
    "Nordic Curl": 1,
}


def _record(exercise: str, i: int, text: str | None = None) -> dict:
    user = text or f"{exercise.lower()} {100 + i} for {i % 12 + 1} take {i}"
    return chat(
        user,
        {
            "exercise_name": exercise,
            "weight": 100 + i,
            "weight_unit": "lbs",
            "reps": i % 12 + 1,
            "confidence": 0.9,
        },
    )


def _dataset(seed: int = 0) -> list[dict]:
    """Stratified records plus planted exact and near duplicates and non-workout records."""
    rng = random.Random(seed)
    records = [_record(ex, i) for ex, n in EXERCISES.items() for i in range(n)]
    base = "bench press two twenty five for eight"
    for variant in (
        base,
        base,
        "Um, Bench press two twenty-five for eight.",
        "BENCH PRESS TWO TWENTY FIVE FOR EIGHT!!",
    ):
        records.append(_record("Barbell Bench Press", 999, variant))
    records += [_record("Barbell Back Squat", 7, "squat three fifteen for five")] * 4
    records.append(chat("hello there", {"exercise_name": None, "confidence": 0.1}))
    records.append(chat("my knee hurts", {"injury_detected": True, "confidence": 0.8}))
    records.append(chat("what's up", "not json at all"))
    rng.shuffle(records)
    return records


@pytest.fixture
def data_file(write_jsonl) -> Path:
    return write_jsonl(_dataset())


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _outputs(out: Path) -> dict[str, list[str]]:
    return {s: _lines(out / f"{s}.jsonl") for s in ("train", "test", "val")}


def test_stratum_of_names_exercise_or_kind() -> None:
    assert stratum_of(chat("x", {"exercise_name": " Pull-Up ", "confidence": 1})) == "Pull-Up"
    assert stratum_of(chat("x", {"exercise_name": None, "reps": 3, "confidence": 1})) == (
        NO_EXERCISE
    )
    assert stratum_of(chat("x", {"injury_detected": True, "confidence": 0.5})) == NOT_WORKOUT
    assert stratum_of(chat("x", "plain prose")) == NOT_WORKOUT
    assert stratum_of({"messages": []}) == NOT_WORKOUT
    assert stratum_of([1, 2]) == NOT_WORKOUT


@pytest.mark.parametrize(
    ("test", "val"), [(0.0, 0.0), (1.0, 0.0), (0.5, 0.5), (0.1, -0.1), (0.6, 0.6)]
)
def test_fractions_reject_impossible_shares(test: float, val: float) -> None:
    with pytest.raises(ValueError):
        Fractions(test, val)


def test_same_seed_gives_byte_identical_outputs(data_file: Path, tmp_path: Path) -> None:
    a = split_file(data_file, tmp_path / "a", Fractions(0.2, 0.1), seed=5)
    b = split_file(data_file, tmp_path / "b", Fractions(0.2, 0.1), seed=5)
    for name in ("train.jsonl", "test.jsonl", "val.jsonl", MANIFEST):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert a.counts == b.counts
    other = split_file(data_file, tmp_path / "c", Fractions(0.2, 0.1), seed=6)
    assert _outputs(tmp_path / "c") != _outputs(tmp_path / "a")
    assert other.total == a.total


def test_independent_of_hash_seed(data_file: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from repvoice.data.split import Fractions, split_file; "
        "split_file(sys.argv[1], sys.argv[2], Fractions(0.2, 0.1), seed=1)"
    )
    for hashseed, out in (("1", "h1"), ("2", "h2")):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        subprocess.run(
            [sys.executable, "-c", code, str(data_file), str(tmp_path / out)], check=True, env=env
        )
    for name in ("train.jsonl", "test.jsonl", "val.jsonl", MANIFEST):
        assert (tmp_path / "h1" / name).read_bytes() == (tmp_path / "h2" / name).read_bytes()


def test_no_record_lost_or_changed(data_file: Path, tmp_path: Path) -> None:
    report = split_file(data_file, tmp_path / "s", Fractions(0.15, 0.15), seed=2)
    out = _outputs(tmp_path / "s")
    assert Counter(out["train"] + out["test"] + out["val"]) == Counter(_lines(data_file))
    assert {s: len(v) for s, v in out.items()} == report.counts


def test_stratified_shares(data_file: Path, tmp_path: Path) -> None:
    report = split_file(data_file, tmp_path / "s", Fractions(0.2), seed=3)
    by_ex = {st.name: st.counts for st in report.strata}
    for exercise, n in EXERCISES.items():
        if n >= 10:
            counts = by_ex[exercise]
            assert counts["train"] > 0 and counts["test"] > 0, exercise
            # Planted duplicate groups move as a block, so allow a little slack.
            assert abs(counts["test"] / sum(counts.values()) - 0.2) <= 0.1 + 4 / n, exercise
    assert abs(report.counts["test"] / report.total - 0.2) < 0.03
    name, dev = report.max_share_deviation()
    assert name is not None and dev < 0.05


def test_rare_exercises_go_to_train_first(data_file: Path, tmp_path: Path) -> None:
    report = split_file(data_file, tmp_path / "s", Fractions(0.1), seed=0)
    by_ex = {st.name: st.counts for st in report.strata}
    assert by_ex["Nordic Curl"] == {"train": 1, "test": 0}
    assert report.rare_threshold == 10
    assert {"Face Pull", "Nordic Curl"} <= {st.name for st in report.rare_strata()}
    assert report.missing_from("train") == []


def test_duplicates_never_straddle_splits(data_file: Path, tmp_path: Path) -> None:
    report = split_file(data_file, tmp_path / "s", Fractions(0.3, 0.3), seed=9)
    where: dict[bytes, set[str]] = {}
    for split, lines in _outputs(tmp_path / "s").items():
        for line in lines:
            where.setdefault(group_key(user_text(json.loads(line))), set()).add(split)
    assert all(len(splits) == 1 for splits in where.values())
    # The planted bench group (4 records) and squat group (4 identical records) at least.
    assert report.duplicate_groups >= 2
    assert report.duplicate_records >= 8


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.tuples(
            st.sampled_from(["bench 225 for 8", "squat 315 for 5", "row 135 for 10", "curl 30"]),
            st.sampled_from(["", "um, ", "Uh ", "OK so "]),
            st.sampled_from(["", ".", "!", " ..."]),
            st.booleans(),
            st.integers(0, 5),
        ),
        min_size=1,
        max_size=60,
    ),
    seed=st.integers(0, 2**31),
    test=st.sampled_from([0.1, 0.25, 0.5]),
    val=st.sampled_from([0.0, 0.1, 0.2]),
)
def test_leak_free_and_lossless_property(
    tmp_path_factory: pytest.TempPathFactory,
    texts: list[tuple[str, str, str, bool, int]],
    seed: int,
    test: float,
    val: float,
) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    records = []
    for core, prefix, suffix, upper, variant in texts:
        text = f"{prefix}{core.upper() if upper else core}{suffix} #{variant}"
        records.append(json.dumps(_record(["Bench", "Squat", "Row"][variant % 3], variant, text)))
    src = tmp / "in.jsonl"
    src.write_text("\n".join(records) + "\n", encoding="utf-8")
    report = split_file(src, tmp / "out", Fractions(test, val), seed=seed)
    out = _outputs(tmp / "out")
    assert Counter(out["train"] + out["test"] + out["val"]) == Counter(records)
    seen: dict[bytes, str] = {}
    for split, lines in out.items():
        for line in lines:
            key = group_key(user_text(json.loads(line)))
            assert seen.setdefault(key, split) == split
    assert report.counts["train"] >= 1


def test_manifest_maps_every_output_line_to_its_source(data_file: Path, tmp_path: Path) -> None:
    report = split_file(data_file, tmp_path / "s", Fractions(0.2, 0.1), seed=4)
    manifest = read_manifest(tmp_path / "s")
    source = _lines(data_file)
    assert manifest["source"] == str(data_file)
    assert manifest["seed"] == 4
    assert manifest["fractions"] == {"train": 0.7, "test": 0.2, "val": 0.1}
    assert manifest["counts"] == report.counts
    assert manifest["sha256"] == hashlib.sha256(data_file.read_bytes()).hexdigest()
    all_lines = []
    for split, lines in _outputs(tmp_path / "s").items():
        numbers = manifest["lines"][split]
        assert len(numbers) == len(lines)
        assert [source[n - 1] for n in numbers] == lines
        out_file = tmp_path / "s" / f"{split}.jsonl"
        assert (
            manifest["outputs"][split]["sha256"]
            == hashlib.sha256(out_file.read_bytes()).hexdigest()
        )
        all_lines += numbers
    assert sorted(all_lines) == list(range(1, len(source) + 1))


def test_invalid_lines_block_unless_skipped(tmp_path: Path) -> None:
    good = [json.dumps(_record("Pull-Up", i)) for i in range(20)]
    raw = [*good[:5], "{not json", "", "[1, 2]", *good[5:]]
    src = tmp_path / "bad.jsonl"
    src.write_text("\n".join(raw) + "\n", encoding="utf-8")

    report = split_file(src, tmp_path / "no", Fractions(0.2), seed=0)
    assert [(i.line, i.code) for i in report.invalid] == [(6, "not_json"), (8, "not_object")]
    assert not (tmp_path / "no").exists()
    assert report.outputs == {}

    report = split_file(src, tmp_path / "yes", Fractions(0.2), seed=0, skip_invalid=True)
    out = _outputs(tmp_path / "yes")
    assert Counter(out["train"] + out["test"]) == Counter(good)
    manifest = read_manifest(tmp_path / "yes" / MANIFEST)
    assert [(i["line"], i["code"]) for i in manifest["invalid"]] == [
        (6, "not_json"),
        (8, "not_object"),
    ]
    assert any(n["code"] == "blank_line" for n in manifest["notes"])
    assert sorted(manifest["lines"]["train"] + manifest["lines"]["test"]) == [
        n for n in range(1, 24) if n not in (6, 7, 8)
    ]


def test_bom_and_crlf_are_normalised_not_lost(tmp_path: Path) -> None:
    good = [json.dumps(_record("Pull-Up", i)) for i in range(12)]
    src = tmp_path / "win.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(good).encode() + b"\r\n")
    split_file(src, tmp_path / "s", Fractions(0.25), seed=1)
    out = _outputs(tmp_path / "s")
    assert Counter(out["train"] + out["test"]) == Counter(good)


def test_unreadable_input_raises(tmp_path: Path) -> None:
    with pytest.raises(DataError):
        split_file(tmp_path / "missing.jsonl", tmp_path / "s", Fractions(0.1))
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(DataError):
        split_file(tmp_path / "empty.jsonl", tmp_path / "s", Fractions(0.1))


def test_conflicting_labels_of_one_text_stay_together(write_jsonl, tmp_path: Path) -> None:
    records = [_record("Pull-Up", i) for i in range(30)]
    records += [_record("Barbell Bench Press", 1, "bench two twenty five")] * 3
    records.append(_record("Barbell Incline Bench Press", 1, "Bench, two twenty five!"))
    src = write_jsonl(records)
    for seed in range(8):
        split_file(src, tmp_path / str(seed), Fractions(0.3), seed=seed)
        holders = [
            split
            for split, lines in _outputs(tmp_path / str(seed)).items()
            if any("two twenty five" in line for line in lines)
        ]
        assert len(holders) == 1, seed
