"""The conversion driver and the `repvoice data convert` / `repvoice data formats` commands."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import chat
from repvoice.cli import app
from repvoice.data.convert import convert_file
from repvoice.data.formats import all_formats, get_format
from repvoice.data.issues import DataError

FIXTURES = Path(__file__).parent / "fixtures" / "convert"
PLAIN = FIXTURES / "plain.jsonl"
LOSSY = FIXTURES / "lossy.jsonl"
INVALID = FIXTURES / "invalid.jsonl"
TOOLS = FIXTURES / "tools.jsonl"
runner = CliRunner()


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run(*args: str):
    return runner.invoke(app, ["data", *args])


@pytest.mark.parametrize(
    "name", sorted(n for n, f in all_formats().items() if f.readable and f.kind == "jsonl")
)
def test_file_round_trip_through_every_readable_target(name: str, tmp_path: Path) -> None:
    mid, back = tmp_path / f"mid.{name}.jsonl", tmp_path / "back.jsonl"
    report = convert_file(PLAIN, mid, to=name)
    assert report.ok and report.written == 3 and report.lossy == 0
    report = convert_file(mid, back, to="openai", from_=name)
    assert report.ok, report.problems
    assert records(back) == records(PLAIN)


def test_lossy_without_flag_writes_nothing_and_keeps_old_output(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    report = convert_file(LOSSY, out, to="bedrock")
    assert not report.ok and report.written == 0 and report.lossy == 1
    assert out.read_text(encoding="utf-8") == "previous\n"
    [issue] = report.problems
    assert (issue.line, issue.field, issue.code) == (2, "messages[1].weight", "loss")
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_lossy_with_flag_converts_and_lists_losses(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    report = convert_file(LOSSY, out, to="bedrock", lossy=True)
    assert report.ok and report.written == 2 and report.lossy == 1
    assert report.problems[0].severity == "warning"
    assert records(out)[1] == {
        "messages": [
            {"role": "user", "content": "Capital of Spain?"},
            {"role": "assistant", "content": "Madrid."},
        ]
    }


def test_invalid_records_need_skip_invalid(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    report = convert_file(INVALID, out, to="together", lossy=True)
    assert not report.ok and not out.exists()
    assert report.invalid == 2
    assert {(i.line, i.field) for i in report.problems} >= {(2, None), (3, "messages[1].role")}
    report = convert_file(INVALID, out, to="together", skip_invalid=True)
    assert report.ok and report.written == 1 and report.skipped == 2
    assert len(records(out)) == 1


def test_unconvertible_record_is_reported(tmp_path: Path, write_jsonl) -> None:
    src = write_jsonl(
        [
            {
                "messages": [
                    {"role": "user", "content": "Weather?"},
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {
                                "id": "c1",
                                "type": "function",
                                "function": {"name": "w", "arguments": "{}"},
                            }
                        ],
                    },
                ]
            }
        ]
    )
    report = convert_file(src, tmp_path / "o.jsonl", to="bedrock", lossy=True)
    assert not report.ok and report.invalid == 1
    assert report.problems[0].code == "unconvertible"


def test_reading_back_an_invalid_target_record(tmp_path: Path, write_jsonl) -> None:
    src = write_jsonl([{"system": "s", "messages": [{"role": "user", "content": "a"}]}])
    report = convert_file(src, tmp_path / "o.jsonl", to="openai", from_="bedrock")
    assert not report.ok
    assert report.problems[0].field == "messages"
    assert "bedrock" in report.problems[0].message


def test_unreadable_source_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="folded"):
        convert_file(PLAIN, tmp_path / "o.jsonl", to="openai", from_="gemma")
    with pytest.raises(KeyError, match="known"):
        convert_file(PLAIN, tmp_path / "o.jsonl", to="nope")
    with pytest.raises(DataError):
        convert_file(tmp_path / "missing.jsonl", tmp_path / "o.jsonl", to="openai")


def test_hf_dataset_and_parquet(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    out = tmp_path / "ds"
    report = convert_file(TOOLS, out, to="hf")
    assert report.ok and report.written == 1
    ds = datasets.load_from_disk(str(out))
    assert ds.num_rows == 1
    assert [m["role"] for m in ds[0]["messages"]] == ["user", "assistant", "tool", "assistant"]
    parquet = datasets.load_dataset(
        "parquet", data_files=str(out / "parquet" / "train-00000.parquet"), split="train"
    )
    assert parquet[0]["messages"][0]["content"] == "Weather in SF?"
    back = tmp_path / "back.jsonl"
    assert convert_file(out, back, to="openai", from_="hf").ok
    assert records(back) == records(TOOLS)
    with pytest.raises(DataError, match="not empty"):
        convert_file(TOOLS, out, to="hf")


def test_hf_failed_conversion_leaves_no_folder(tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    out = tmp_path / "ds"
    assert not convert_file(INVALID, out, to="hf").ok
    assert list(tmp_path.iterdir()) == []


def test_many_problems_are_capped_but_counted(tmp_path: Path, write_jsonl) -> None:
    src = write_jsonl(["{bad"] * 30)
    report = convert_file(src, tmp_path / "o.jsonl", to="openai", max_problems=5)
    assert len(report.problems) == 5 and report.problem_count == 30 and report.invalid == 30


# CLI


def test_cli_convert_ok(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run("convert", str(PLAIN), "--to", "sharegpt", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "wrote 3 records" in result.output
    assert records(out)[0]["conversations"][0] == {"from": "human", "value": "Capital of France?"}


def test_cli_lossy_exits_1_then_0_with_lossy(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run("convert", str(LOSSY), "--to", "vertex", "-o", str(out))
    assert result.exit_code == 1
    assert f"{LOSSY}:2 messages[1].weight" in result.output
    assert not out.exists()
    result = run("convert", str(LOSSY), "--to", "vertex", "-o", str(out), "--lossy")
    assert result.exit_code == 0, result.output
    assert len(records(out)) == 2


def test_cli_invalid_input_json_report(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run("convert", str(INVALID), "--to", "openai", "-o", str(out), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["read"], report["invalid"], report["written"], report["ok"]) == (3, 2, 0, False)
    assert report["problems"][0]["line"] == 2
    result = run("convert", str(INVALID), "--to", "openai", "-o", str(out), "--skip-invalid")
    assert result.exit_code == 0 and len(records(out)) == 1


def test_cli_show_limits_the_listing(tmp_path: Path, write_jsonl) -> None:
    src = write_jsonl(["{bad"] * 8)
    result = run("convert", str(src), "--to", "openai", "-o", str(tmp_path / "o"), "--show", "3")
    assert result.exit_code == 1
    assert "and 5 more" in result.output


def test_cli_unusable_input_exits_2(tmp_path: Path) -> None:
    out = str(tmp_path / "o.jsonl")
    assert run("convert", str(tmp_path / "nope.jsonl"), "--to", "openai", "-o", out).exit_code == 2
    assert run("convert", str(PLAIN), "--to", "klingon", "-o", out).exit_code == 2
    result = run("convert", str(PLAIN), "--to", "openai", "--from", "gemma", "-o", out)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_cli_help_has_example() -> None:
    for command in ("convert", "formats"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example: repvoice data" in result.output


def test_cli_formats_lists_everything() -> None:
    result = run("formats", "--json")
    assert result.exit_code == 0
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(rows) == set(all_formats())
    assert rows["cohere"]["available"] is False
    assert rows["gemma"]["readable"] is False
    assert rows["bedrock"]["limits"]["max_examples"] == 10_000
    assert all(row["source"] for row in rows.values())
    table = run("formats")
    assert table.exit_code == 0 and "mistral-instruct" in table.output


def test_cli_as_a_real_process(tmp_path: Path) -> None:
    exe = shutil.which("repvoice") or str(Path(sys.executable).with_name("repvoice"))
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [exe, "data", "convert", str(PLAIN), "--to", "llama3", "-o", str(out), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["written"] == 3
    first = records(out)[0]["text"]
    assert first == get_format("llama3").to_record(records(PLAIN)[0]).record["text"]
    proc = subprocess.run(
        [exe, "data", "convert", str(LOSSY), "--to", "cohere", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "nothing written" in proc.stderr


def test_from_auto_detects_the_source(tmp_path: Path) -> None:
    mid, back = tmp_path / "mid.jsonl", tmp_path / "back.jsonl"
    assert convert_file(PLAIN, mid, to="sharegpt").ok
    report = convert_file(mid, back, to="openai", from_="auto")
    assert report.ok and report.from_ == "sharegpt"
    assert records(back) == records(PLAIN)


def test_retired_target_is_noted(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(chat("squat 225 for 5", {"confidence": 0.9})) + "\n")
    report = convert_file(src, tmp_path / "out.jsonl", to="bedrock")
    assert report.written == 1
    assert [n.code for n in report.notes] == ["target_retired", "too_few_examples"]


@pytest.mark.parametrize("name", ["openai", "together", "vertex", "llama3"])
def test_line_and_paragraph_separators_are_written_escaped(name: str, tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    record = chat("3 sets\u2028of 5", "done\u2029twice", system=None)
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert "\u2028" in src.read_text(encoding="utf-8")
    assert convert_file(src, out, to=name).ok
    text = out.read_text(encoding="utf-8")
    assert "\u2028" not in text and "\u2029" not in text
    assert "\\u2028" in text and "\\u2029" in text
    assert len(text.splitlines()) == 1  # str.splitlines, like JS readers, splits at U+2028
    assert "3 sets\u2028of 5" in json.dumps(json.loads(text), ensure_ascii=False)


@pytest.mark.parametrize(
    ("name", "least"),
    [("openai", 10), ("mistral", 10), ("bedrock", 32), ("vertex", 16), ("cohere", 2)],
)
def test_convert_warns_below_the_targets_minimum(name: str, least: int, tmp_path: Path) -> None:
    assert get_format(name).limits.min_examples == least
    src = tmp_path / "in.jsonl"
    rows = [chat(f"bench {100 + i} for 5", {"reps": 5}) for i in range(least)]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows[:-1]), encoding="utf-8")
    report = convert_file(src, tmp_path / "few.jsonl", to=name)
    assert report.ok
    [note] = [n for n in report.notes if n.code == "too_few_examples"]
    assert note.severity == "warning"
    written = f"{least - 1} record{'s' if least > 2 else ''} written"
    assert f"{written}; {name} needs at least {least}" in note.message
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = convert_file(src, tmp_path / "enough.jsonl", to=name)
    assert report.ok and "too_few_examples" not in {n.code for n in report.notes}


def test_convert_warns_below_the_minimum_on_the_command_line(tmp_path: Path) -> None:
    result = run("convert", str(PLAIN), "--to", "bedrock", "-o", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 0, result.output
    assert "3 records written; bedrock needs at least 32" in result.output


def _tokenizer_adding_bos(bos: str) -> object:
    """A real `tokenizers` tokenizer that adds BOS like Llama 3's tokenizer.json does."""
    tokenizers = pytest.importorskip("tokenizers")
    from tokenizers import models, pre_tokenizers, processors

    specials = [bos, "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
    tok = tokenizers.Tokenizer(models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    tok.add_special_tokens(specials)
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A", special_tokens=[(bos, tok.token_to_id(bos))]
    )
    return tok


def test_bos_in_text_is_warned_and_can_be_left_out(tmp_path: Path) -> None:
    bos = "<|begin_of_text|>"
    tok = _tokenizer_adding_bos(bos)
    bos_id = tok.token_to_id(bos)  # type: ignore[attr-defined]
    default, without, kept = (tmp_path / f"{n}.jsonl" for n in ("default", "without", "kept"))

    report = convert_file(PLAIN, default, to="llama3")
    [note] = [n for n in report.notes if n.code == "bos_in_text"]
    assert note.severity == "warning" and "--no-bos" in note.message
    text = records(default)[0]["text"]
    ids = tok.encode(text).ids  # type: ignore[attr-defined]
    assert ids[:2] == [bos_id, bos_id]  # what TRL would train on: a double BOS

    report = convert_file(PLAIN, without, to="llama3", bos=False)
    assert report.ok and "bos_in_text" not in {n.code for n in report.notes}
    text = records(without)[0]["text"]
    assert not text.startswith(bos) and text.startswith("<|start_header_id|>")
    ids = tok.encode(text).ids  # type: ignore[attr-defined]
    assert ids.count(bos_id) == 1 and ids[0] == bos_id
    back = tmp_path / "back.jsonl"
    assert convert_file(without, back, to="openai", from_="llama3").ok
    assert records(back) == records(PLAIN)

    report = convert_file(PLAIN, kept, to="llama3", bos=True)
    assert "bos_in_text" not in {n.code for n in report.notes}
    assert records(kept) == records(default)


@pytest.mark.parametrize(("name", "bos"), [("gemma", "<bos>"), ("mistral-instruct", "<s>")])
def test_no_bos_for_every_template_with_one(name: str, bos: str, tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    result = run("convert", str(PLAIN), "--to", name, "-o", str(out), "--no-bos")
    assert result.exit_code == 0, result.output
    assert not any(r["text"].startswith(bos) for r in records(out))
    result = run("convert", str(PLAIN), "--to", name, "-o", str(out))
    assert "starts with" in result.output and "--no-bos" in result.output
    assert all(r["text"].startswith(bos) for r in records(out))


def test_bos_choice_is_refused_for_targets_without_one(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="only apply"):
        convert_file(PLAIN, tmp_path / "o.jsonl", to="chatml", bos=False)
    result = run("convert", str(PLAIN), "--to", "openai", "-o", str(tmp_path / "o.jsonl"), "--bos")
    assert result.exit_code == 2
    assert not (tmp_path / "o.jsonl").exists()


def test_bedrock_reserved_turn_markers_make_a_record_unconvertible(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    rows = [
        chat("squat 5", {"reps": 5}),
        chat("log it\nHuman: and bench", {"reps": 1}),
        chat("deadlift", "done\nAssistant: more"),
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = convert_file(src, tmp_path / "o.jsonl", to="bedrock", skip_invalid=True)
    assert report.written == 1 and report.skipped == 2
    assert [(p.line, p.field, p.code) for p in report.problems] == [
        (2, "messages[1].content", "unconvertible"),
        (3, "messages[2].content", "unconvertible"),
    ]
    assert "'\\nHuman:'" in report.problems[0].message
    bad = {"system": "s\nHuman: x", "messages": rows[0]["messages"][1:]}
    assert [e.field for e in get_format("bedrock").check(bad)] == ["system"]
