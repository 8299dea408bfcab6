"""`repvoice.data.merge`: provenance, task tags, dedupe and invalid lines, on real fixture files."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, chat
from repvoice.data.issues import DataError
from repvoice.data.merge import (
    WORKOUT_TASK,
    Dedupe,
    is_workout_parsing,
    merge_files,
    provenance_path,
    sources_for,
)
from repvoice.data.outputs import TEMP_MARK

MERGE = FIXTURES / "merge"


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    """The fixture files copied to tmp, so paths in provenance are short and stable."""
    out = {}
    for name in ("voice", "injury_analysis", "coach", "broken"):
        out[name] = tmp_path / f"{name}.jsonl"
        shutil.copy(MERGE / f"{name}.jsonl", out[name])
    return out


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _source_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_provenance_path() -> None:
    assert provenance_path("a/merged.jsonl") == Path("a/merged.provenance.jsonl")
    assert provenance_path("merged") == Path("merged.provenance.jsonl")


def test_is_workout_parsing() -> None:
    assert is_workout_parsing(chat("bench 225", {"exercise_name": "x", "confidence": 1}))
    assert is_workout_parsing(chat("hi", "free text"))  # the default system prompt parses
    assert not is_workout_parsing(
        chat("my knee", {"injury_detected": True}, system="You are a sports medicine assistant.")
    )
    assert not is_workout_parsing(
        chat("plan?", "Do 3 sets.", system="You are a coach who writes workouts.")
    )
    assert not is_workout_parsing([1])


def test_sources_for_tasks() -> None:
    paths = ["a/voice.jsonl", "b/injury.jsonl"]
    assert [s.task for s in sources_for(paths)] == [None, None]
    assert [s.task for s in sources_for(paths, tag_task=True)] == ["voice", "injury"]
    assert [s.task for s in sources_for(paths, ["-", "inj"], tag_task=True)] == ["voice", "inj"]
    with pytest.raises(ValueError, match="one per input"):
        sources_for(paths, ["only-one"])


def test_merge_keeps_everything_in_order_with_provenance(inputs, tmp_path: Path) -> None:
    names = ("voice", "injury_analysis", "coach")
    out = tmp_path / "out" / "merged.jsonl"
    report = merge_files(sources_for([inputs[n] for n in names]), out)
    assert report.written
    merged = _read(out)
    prov = _read(provenance_path(out))
    expected = [json.loads(x) for n in names for x in _source_lines(inputs[n])]
    assert merged == expected  # values unchanged, order kept
    assert len(prov) == len(merged) == report.kept == 10
    lines = out.read_text(encoding="utf-8").splitlines()
    for p, line in zip(prov, lines, strict=True):
        source = _source_lines(Path(p["source"]))
        assert json.loads(source[p["line"] - 1]) == json.loads(line)
        assert p["sha256"] == hashlib.sha256(line.encode()).hexdigest()
        assert p["task"] is None
    assert [s.read for s in report.sources] == [5, 3, 2]
    assert report.dropped == []


def test_tag_task_infers_workout_then_stem_or_override(inputs, tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    paths = [inputs["voice"], inputs["injury_analysis"], inputs["coach"]]
    report = merge_files(sources_for(paths, tag_task=True), out, tag_task=True)
    tasks = [p["task"] for p in _read(provenance_path(out))]
    assert tasks == [WORKOUT_TASK] * 5 + ["injury_analysis"] * 3 + ["coach", WORKOUT_TASK]
    assert report.tasks == {WORKOUT_TASK: 6, "injury_analysis": 3, "coach": 1}
    assert report.sources[2].to_dict()["kept_by_task"] == {"coach": 1, WORKOUT_TASK: 1}

    merge_files(sources_for(paths, ["-", "injury", "qa"], tag_task=True), out, tag_task=True)
    tasks = [p["task"] for p in _read(provenance_path(out))]
    assert tasks == [WORKOUT_TASK] * 5 + ["injury"] * 3 + ["qa", WORKOUT_TASK]


def test_dedupe_exact_names_the_repeated_line(inputs, tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    voice = str(inputs["voice"])
    report = merge_files(sources_for([inputs["voice"], inputs["voice"]]), out, dedupe=Dedupe.exact)
    # Line 3 repeats line 1; the second copy of the file repeats everything.
    assert [(d.line, d.reason, d.repeats) for d in report.dropped] == [
        (3, "exact_duplicate", f"{voice}:1"),
        (1, "exact_duplicate", f"{voice}:1"),
        (2, "exact_duplicate", f"{voice}:2"),
        (3, "exact_duplicate", f"{voice}:1"),
        (4, "exact_duplicate", f"{voice}:4"),
        (5, "exact_duplicate", f"{voice}:5"),
    ]
    assert [p["line"] for p in _read(provenance_path(out))] == [1, 2, 4, 5]
    assert report.sources[0].dropped == {"exact_duplicate": 1}
    assert report.sources[1].kept == 0


def test_dedupe_near_is_per_task(inputs, tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    paths = [inputs["voice"], inputs["injury_analysis"]]
    report = merge_files(sources_for(paths, tag_task=True), out, dedupe=Dedupe.near, tag_task=True)
    dropped = {(d.line, d.reason) for d in report.dropped}
    assert dropped == {(3, "exact_duplicate"), (4, "near_duplicate")}
    near = next(d for d in report.dropped if d.reason == "near_duplicate")
    assert near.repeats == f"{inputs['voice']}:1"
    # "squat 315 for 5" is in both files but under different tasks: both kept.
    kept = [m["messages"][1]["content"] for m in _read(out)]
    assert kept.count("squat 315 for 5") == 2

    # Without task tags everything is one scope, so the injury copy is a near duplicate.
    report = merge_files(sources_for(paths), out, dedupe=Dedupe.near)
    assert (3, "near_duplicate") in {(d.line, d.reason) for d in report.dropped[2:]}


def test_invalid_lines_block_unless_skipped(inputs, tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    out.write_text("previous\n")
    report = merge_files(sources_for([inputs["voice"], inputs["broken"]]), out)
    assert not report.written
    assert out.read_text() == "previous\n"  # untouched
    assert not provenance_path(out).exists()
    assert [(d.file, d.line, d.reason) for d in report.invalid] == [
        (str(inputs["broken"]), 2, "invalid"),
        (str(inputs["broken"]), 4, "invalid"),
    ]
    assert "not valid JSON" in report.invalid[0].message
    assert "[not_object]" in report.invalid[1].message
    assert any(n.code == "blank_line" and n.line == 3 for n in report.notes)
    assert not list(tmp_path.glob(f".*{TEMP_MARK}*"))  # no temp files left behind

    report = merge_files(sources_for([inputs["voice"], inputs["broken"]]), out, skip_invalid=True)
    assert report.written
    assert [(p["source"], p["line"]) for p in _read(provenance_path(out))][-2:] == [
        (str(inputs["broken"]), 1),
        (str(inputs["broken"]), 5),
    ]
    assert report.sources[1].to_dict() == {
        "file": str(inputs["broken"]),
        "task": None,
        "read": 4,
        "kept": 2,
        "dropped": {"invalid": 2},
        "kept_by_task": {"(untagged)": 2},
    }


def test_unchanged_values_survive_reserialising(tmp_path: Path) -> None:
    src = tmp_path / "odd.jsonl"
    src.write_text(
        '{"messages": [{"role": "user", "content": "caf\\u00e9 1e3"}], "w": 1.0, "big": '
        '12345678901234567890, "f": 0.1}\n',
        encoding="utf-8",
    )
    out = tmp_path / "m.jsonl"
    merge_files(sources_for([src]), out)
    assert _read(out) == _read(src)
    assert "café" in out.read_text(encoding="utf-8")


def test_refuses_to_overwrite_an_input(inputs) -> None:
    with pytest.raises(DataError, match="overwrite"):
        merge_files(sources_for([inputs["voice"]]), inputs["voice"])


def test_missing_input_raises(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        merge_files(sources_for([tmp_path / "nope.jsonl"]), tmp_path / "m.jsonl")
