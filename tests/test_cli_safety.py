"""The data commands and `parse --input` on hostile input: outputs that are the input, numbers
too long to read, a huge line, and the file coming from stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BENCH, CLI, chat
from repvoice.cli import app

runner = CliRunner()
BIG = "9" * 5000
TOO_LONG = "a number has 5,000 digits; at most 4,300 can be read"


def _good(n: int) -> list[str]:
    return [
        json.dumps(chat(f"bench {100 + 5 * i} for {i % 12 + 1}", BENCH | {"reps": i % 12 + 1}))
        for i in range(n)
    ]


def _file(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


# -- outputs that are the input -----------------------------------------------------------------


@pytest.mark.parametrize("how", ["same path", "symlink", "hard link"])
@pytest.mark.parametrize("lossy", [True, False])
def test_convert_refuses_to_write_over_its_input(tmp_path: Path, how: str, lossy: bool) -> None:
    src = _file(tmp_path / "train.jsonl", _good(12))
    before = src.read_bytes()
    out = {"same path": src, "symlink": tmp_path / "link.jsonl", "hard link": tmp_path / "h.jsonl"}
    if how == "symlink":
        out[how].symlink_to(src)
    elif how == "hard link":
        os.link(src, out[how])
    args = ["data", "convert", str(src), "--to", "bedrock", "-o", str(out[how])]
    result = runner.invoke(app, [*args, "--lossy"] if lossy else args)
    assert result.exit_code == 2, result.output
    assert "would overwrite this input" in result.stderr
    assert "[overwrites_input]" in result.stderr
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({src.name, out[how].name})


def test_split_into_the_inputs_own_folder_is_refused(tmp_path: Path) -> None:
    src = _file(tmp_path / "data" / "train.jsonl", _good(300))
    before = src.read_bytes()
    result = runner.invoke(app, ["data", "split", str(src), "--test", "0.2", "-o", str(src.parent)])
    assert result.exit_code == 2, result.output
    assert f"output {src} would overwrite this input" in result.stderr
    assert src.read_bytes() == before and len(before.splitlines()) == 300
    assert [p.name for p in src.parent.iterdir()] == ["train.jsonl"]
    # the manifest path is an output too
    manifest = _file(tmp_path / "other" / "split.json", _good(30))
    clash = runner.invoke(app, ["data", "split", str(manifest), "-o", str(manifest.parent)])
    assert clash.exit_code == 2 and "would overwrite this input" in clash.stderr


def test_split_elsewhere_in_the_same_folder_still_works(tmp_path: Path) -> None:
    src = _file(tmp_path / "data" / "all.jsonl", _good(300))
    result = runner.invoke(app, ["data", "split", str(src), "--test", "0.2", "-o", str(src.parent)])
    assert result.exit_code == 0, result.output
    train = (src.parent / "train.jsonl").read_text(encoding="utf-8").splitlines()
    test = (src.parent / "test.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(train) + len(test) == 300 and len(src.read_bytes().splitlines()) == 300


def test_merge_and_parse_refuse_a_hard_link_to_their_input(tmp_path: Path) -> None:
    src = _file(tmp_path / "in.jsonl", _good(12))
    before = src.read_bytes()
    os.link(src, tmp_path / "hard.jsonl")
    merged = runner.invoke(app, ["data", "merge", str(src), "-o", str(tmp_path / "hard.jsonl")])
    assert merged.exit_code == 2 and "would overwrite this input" in merged.stderr
    parsed = runner.invoke(app, ["parse", "-i", str(src), "-o", str(tmp_path / "hard.jsonl")])
    assert parsed.exit_code == 2 and "overwrite the input" in parsed.stderr
    assert src.read_bytes() == before


# -- a 5,000-digit integer ---------------------------------------------------------------------


@pytest.fixture
def top_level(tmp_path: Path) -> Path:
    """Line 6 has a 5,000-digit integer in the record itself."""
    bad = json.dumps(chat("squat 315 for 5", BENCH))[:-1] + f', "n": {BIG}}}'
    good = _good(11)
    return _file(tmp_path / "top.jsonl", [*good[:5], bad, *good[5:]])


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    """Line 6 has a 5,000-digit integer in its assistant JSON, line 7 in its Context suffix."""
    answer = '{"exercise_name": "Barbell Back Squat", "weight": ' + BIG + ', "reps": 5}'
    in_answer = chat("squat 315 for 5", answer)
    in_context = chat("same again", BENCH)
    in_context["messages"][0]["content"] += '\n\nContext: {"weight": ' + BIG + "}"
    good = _good(11)
    lines = [*good[:5], json.dumps(in_answer), json.dumps(in_context), *good[5:]]
    return _file(tmp_path / "nested.jsonl", lines)


def test_stats_reports_the_line_and_keeps_the_rest(top_level: Path, nested: Path) -> None:
    top = runner.invoke(app, ["data", "stats", str(top_level), "--json"])
    _no_traceback(top)
    assert top.exit_code == 1
    report = json.loads(top.stdout)
    assert report["records"] == 11 and report["unreadable"] == 1
    assert report["problems"] == [
        {"line": 6, "code": "number_too_long", "message": f"not valid JSON: {TOO_LONG}"}
    ]
    inner = runner.invoke(app, ["data", "stats", str(nested), "--json"])
    _no_traceback(inner)
    assert inner.exit_code == 0
    stats = json.loads(inner.stdout)
    assert stats["records"] == 13 and stats["answers"]["states"] == {"workout": 12, "not_json": 1}
    assert stats["context_suffix"]["unparsed"] == 1


def test_split_lists_the_line_and_skips_it_on_request(top_level: Path, nested: Path) -> None:
    out = top_level.parent / "splits"
    failed = runner.invoke(app, ["data", "split", str(top_level), "-o", str(out)])
    _no_traceback(failed)
    assert failed.exit_code == 1 and f"{top_level}:6: not valid JSON: {TOO_LONG}" in failed.stderr
    assert not out.exists()
    skipped = runner.invoke(
        app, ["data", "split", str(top_level), "-o", str(out), "--skip-invalid"]
    )
    assert skipped.exit_code == 0, skipped.output
    manifest = json.loads((out / "split.json").read_text(encoding="utf-8"))
    assert sorted(n for lines in manifest["lines"].values() for n in lines) == [
        *range(1, 6),
        *range(7, 13),
    ]
    inner = runner.invoke(app, ["data", "split", str(nested), "-o", str(out / "n"), "--json"])
    _no_traceback(inner)
    assert inner.exit_code == 0 and json.loads(inner.stdout)["total"] == 13


def test_validate_names_the_line(top_level: Path, nested: Path) -> None:
    top = runner.invoke(app, ["data", "validate", str(top_level), "--json"])
    _no_traceback(top)
    errors = json.loads(top.stdout)["errors"]
    assert [(e["line"], e["code"], e["message"]) for e in errors] == [
        (6, "number_too_long", f"not valid JSON: {TOO_LONG}")
    ]
    inner = runner.invoke(app, ["data", "validate", str(nested), "--json"])
    _no_traceback(inner)
    issue = next(e for e in json.loads(inner.stdout)["errors"] if e["line"] == 6)
    assert issue["code"] == "workout_not_json" and TOO_LONG in issue["message"]
    assert "set_int_max_str_digits" not in inner.stdout


def test_merge_and_convert_drop_only_that_record(top_level: Path, nested: Path) -> None:
    out = top_level.parent / "m.jsonl"
    merged = runner.invoke(app, ["data", "merge", str(top_level), "-o", str(out), "--tag-task"])
    _no_traceback(merged)
    assert merged.exit_code == 1 and f"{top_level}:6: invalid: not valid JSON" in merged.stderr
    kept = runner.invoke(
        app, ["data", "merge", str(top_level), str(nested), "-o", str(out), "--skip-invalid"]
    )
    assert kept.exit_code == 0, kept.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 11 + 13

    conv = top_level.parent / "c.jsonl"
    failed = runner.invoke(
        app, ["data", "convert", str(top_level), "--to", "vertex", "-o", str(conv)]
    )
    _no_traceback(failed)
    assert failed.exit_code == 1 and f"{top_level}:6: number_too_long" in failed.stdout
    assert not conv.exists()
    args = ["data", "convert", str(top_level), "--to", "vertex", "-o", str(conv), "--skip-invalid"]
    assert runner.invoke(app, args).exit_code == 0
    assert len(conv.read_text(encoding="utf-8").splitlines()) == 11


def test_parse_input_answers_every_line(top_level: Path, nested: Path, tmp_path: Path) -> None:
    batch = _file(
        tmp_path / "batch.txt",
        [
            "bench 225 for 8",
            '{"text": "squat 315 for 5", "context": {"weight": ' + BIG + "}}",
            "deadlift 405 for 3",
        ],
    )
    messages = {
        batch: f"{batch}:2: not valid JSON ({TOO_LONG})",
        top_level: f"{top_level}:6: not valid JSON ({TOO_LONG})",
        nested: f"{nested}:7: system turn's Context suffix is not a JSON object",
    }
    for path, message in messages.items():
        result = runner.invoke(app, ["parse", "--input", str(path)])
        _no_traceback(result)
        assert result.exit_code == 1 and message in result.stderr
        answers = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(answers) == len(path.read_text(encoding="utf-8").splitlines())
        bad = int(message.split(":")[1])
        assert [n for n, a in enumerate(answers, 1) if "error" in a] == [bad]
        assert all("exercise_name" in a for a in answers if "error" not in a)


# -- a huge line in parse --input --------------------------------------------------------------

_PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(code.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def _peak_kb(args: list[str]) -> tuple[int, int]:
    """(exit code, peak RSS in KB) of `repvoice ARGS`, measured from a fresh parent."""
    proc = subprocess.run(
        [sys.executable, "-c", _PEAK, *CLI, *args], capture_output=True, text=True, timeout=120
    )
    code, peak = proc.stdout.split()
    return int(code), int(peak)


def test_parse_input_skips_a_50_mb_line_in_bounded_memory(tmp_path: Path) -> None:
    small = _file(tmp_path / "small.txt", ["bench 225 for 8", "squat 315 for 5"])
    huge = tmp_path / "huge.txt"
    with huge.open("w", encoding="utf-8") as fh:
        fh.write("bench 225 for 8\n")
        for _ in range(50):
            fh.write("x" * 1_000_000)
        fh.write("\nsquat 315 for 5\n")
    _, small_peak = _peak_kb(["parse", "--input", str(small), "-o", str(tmp_path / "s.jsonl")])
    code, huge_peak = _peak_kb(["parse", "--input", str(huge), "-o", str(tmp_path / "h.jsonl")])
    assert code == 1
    answers = [json.loads(x) for x in (tmp_path / "h.jsonl").read_text().splitlines()]
    assert len(answers) == 3
    assert answers[1]["error"] == "line is 47.7 MB, over the 64 KB a request may be; not read"
    assert [a.get("exercise_name") for a in (answers[0], answers[2])] == [
        "Barbell Bench Press",
        "Barbell Back Squat",
    ]
    # reading the line would take 50 MB as bytes and as much again as text
    assert huge_peak < small_peak + 10_000, (small_peak, huge_peak)


# -- stdin ---------------------------------------------------------------------------------------


def test_parse_reads_stdin(tmp_path: Path) -> None:
    lines = "bench 225 for 8\n{oops\nsquat 315 for 5\n"
    proc = subprocess.run(
        [*CLI, "parse", "-"], input=lines, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1, proc.stderr
    answers = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [a.get("exercise_name") for a in answers] == [
        "Barbell Bench Press",
        None,
        "Barbell Back Squat",
    ]
    assert "<stdin>:2: not valid JSON" in proc.stderr
    out = tmp_path / "answers.jsonl"
    proc = subprocess.run(
        [*CLI, "parse", "--input", "-", "-o", str(out)],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "<stdin>:2: not valid JSON" in proc.stderr
    assert [json.loads(x).get("weight") for x in out.read_text().splitlines()] == [225, None, 315]


def test_validate_reads_stdin() -> None:
    lines = "\n".join([*_good(10), '{"messages": [{"role": "user", "content": "hi"}]}']) + "\n"
    proc = subprocess.run(
        [*CLI, "data", "validate", "-", "--json"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["file"] == "<stdin>" and report["records"] == 11 and report["valid"] == 10
    assert {(e["file"], e["line"], e["code"]) for e in report["errors"]} == {
        ("<stdin>", 11, "no_assistant")
    }
    empty = subprocess.run(
        [*CLI, "data", "validate", "-"], input="", capture_output=True, text=True, timeout=60
    )
    assert empty.returncode == 2 and "<stdin>: input is empty" in empty.stderr


def test_stats_reads_stdin_and_split_says_it_cannot() -> None:
    lines = "\n".join([*_good(3), "{oops"]) + "\n"
    stats = subprocess.run(
        [*CLI, "data", "stats", "-", "--json"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert stats.returncode == 1, stats.stderr
    report = json.loads(stats.stdout)
    assert (report["file"], report["records"], report["problems"][0]["line"]) == ("<stdin>", 3, 4)
    split = runner.invoke(app, ["data", "split", "-", "-o", "splits"], input=lines)
    assert split.exit_code == 2
    assert "<stdin>: split reads its input twice; give a file [stdin]" in split.stderr
