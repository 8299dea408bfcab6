"""validate_file and `repvoice data validate`: the cookbook's defects, limits, robustness, speed."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BENCH, SYSTEM, chat
from repvoice.cli import app
from repvoice.data.formats import FormatError, all_formats, get_format
from repvoice.data.issues import DataError
from repvoice.data.limits import MODEL_LIMITS, UnknownModelError, known_models, model_limit
from repvoice.data.tokens import count_messages, get_encoding
from repvoice.data.validate import (
    TokenStats,
    ValidationReport,
    code_for,
    is_workout_record,
    validate_file,
)

runner = CliRunner()


def padding(n: int = 10) -> list[dict]:
    """`n` distinct valid workout records."""
    return [chat(f"bench {100 + 5 * i} for {i + 1}", BENCH | {"reps": i + 1}) for i in range(n)]


def found(report: ValidationReport) -> list[tuple[str, int | None, str | None]]:
    return [(i.code, i.line, i.field) for i in report.issues]


TOOL_RECORD = {
    "messages": [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "log bench two twenty five for eight"},
        {
            "role": "assistant",
            "content": None,
            "weight": 0,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "lookup_exercise", "arguments": '{"name": "bench"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"id": "x"}'},
        {"role": "assistant", "content": json.dumps(BENCH), "weight": 1},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "lookup_exercise",
                "description": "Find an exercise by name.",
                "parameters": {"type": "object", "properties": {"name": {"type": "string"}}},
            },
        }
    ],
    "parallel_tool_calls": False,
}


# -- the cookbook notebook's defects (FORMATS.md §1a) ---------------------------------------


def test_defect_tool_calls_tool_role_and_tools_are_accepted(write_jsonl) -> None:
    report = validate_file(write_jsonl([*padding(), TOOL_RECORD]))
    assert found(report) == []
    assert report.valid == 11


def test_defect_null_content_beside_tool_calls_is_accepted(write_jsonl) -> None:
    report = validate_file(write_jsonl([*padding(), TOOL_RECORD]))
    assert "bad_content" not in report.counts
    # ...but null content without a tool call is still an error
    bare = chat("bench 225 for 8", BENCH)
    bare["messages"][2]["content"] = None
    report = validate_file(write_jsonl([*padding(), bare]))
    assert found(report) == [("bad_content", 11, "messages[2].content")]


def test_defect_token_count_survives_weight_ints_and_tool_call_lists(write_jsonl) -> None:
    report = validate_file(write_jsonl([TOOL_RECORD] * 1 + padding()))
    assert report.tokens is not None
    enc = get_encoding("o200k_base")
    expected = count_messages(TOOL_RECORD["messages"], enc)
    assert max(report.tokens.histogram) >= expected > 0
    assert "internal_error" not in report.counts


def test_defect_gpt4o_counts_with_o200k_gpt35_with_cl100k(write_jsonl) -> None:
    path = write_jsonl(padding())
    assert validate_file(path).tokens.encoding == "o200k_base"  # type: ignore[union-attr]
    assert validate_file(path, model="gpt-4o").tokens.encoding == "o200k_base"  # type: ignore[union-attr]
    old = validate_file(path, model="gpt-3.5-turbo-0613").tokens
    assert old is not None and old.encoding == "cl100k_base"
    record = padding(1)[0]
    o200k = count_messages(record["messages"], get_encoding("o200k_base"))
    assert validate_file(path).tokens.histogram[o200k] >= 1  # type: ignore[union-attr]


def test_defect_token_limit_comes_from_the_model_table(write_jsonl) -> None:
    long = chat("bench " * 5_000, BENCH)
    path = write_jsonl([*padding(), long])
    assert found(validate_file(path, model="gpt-3.5-turbo-0613")) == [
        ("too_many_tokens", 11, "messages")
    ]
    assert found(validate_file(path, model="gpt-3.5-turbo-0125")) == []
    assert found(validate_file(path)) == []  # gpt-4o-mini: 65,536
    assert validate_file(path).tokens.limit == 65_536  # type: ignore[union-attr]


def test_defect_p5_p95_are_real_percentiles() -> None:
    stats = TokenStats("o200k_base", None, None)
    for n in range(1, 101):
        stats.add(n)
    # nearest rank over 1..100: p5 = 5 and p95 = 95 (the notebook's quantile(0.1/0.9) gives 10/90)
    assert (stats.percentile(5), stats.percentile(50), stats.percentile(95)) == (5, 50, 95)
    assert stats.to_dict()["min"] == 1 and stats.to_dict()["max"] == 100
    assert stats.to_dict()["mean"] == 50.5


def test_percentiles_match_sorted_counts_of_a_real_file(write_jsonl) -> None:
    records = [chat("bench " * (i * 7 + 1), BENCH) for i in range(40)]
    report = validate_file(write_jsonl(records))
    enc = get_encoding("o200k_base")
    counts = sorted(count_messages(r["messages"], enc) for r in records)
    tokens = report.tokens
    assert tokens is not None
    for p in (5, 50, 95):
        assert tokens.percentile(p) == counts[math.ceil(p / 100 * len(counts)) - 1]
    assert tokens.total == sum(counts)


def test_defect_function_role_is_accepted(write_jsonl) -> None:
    legacy = {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": "bench 225 for 8"},
            {
                "role": "assistant",
                "content": None,
                "function_call": {"name": "f", "arguments": "{}"},
            },
            {"role": "function", "name": "f", "content": "{}"},
            {"role": "assistant", "content": json.dumps(BENCH)},
        ]
    }
    report = validate_file(write_jsonl([*padding(), legacy]))
    assert "unknown_role" not in report.counts


# -- limits -----------------------------------------------------------------------------


def test_model_table() -> None:
    assert model_limit("gpt-4o-mini").tokens_per_example == 65_536
    assert model_limit("gpt-4o-mini-2024-07-18").encoding == "o200k_base"
    assert model_limit("gpt-4.1-nano").tokens_per_example == 65_536
    assert model_limit("gpt-3.5-turbo-0613").tokens_per_example == 4_096
    assert model_limit("gpt-3.5-turbo-1106").tokens_per_example == 16_385
    assert model_limit("ft:gpt-4o-mini-2024-07-18:personal::AKmrLqPO").model == (
        "gpt-4o-mini-2024-07-18"
    )
    assert set(MODEL_LIMITS) <= set(known_models())


def test_unknown_model_lists_known_ones(write_jsonl) -> None:
    with pytest.raises(UnknownModelError, match="gpt-4o-mini-2024-07-18"):
        model_limit("gpt-9")
    result = runner.invoke(app, ["data", "validate", str(write_jsonl(padding())), "-m", "gpt-9"])
    assert result.exit_code == 2
    assert "unknown model 'gpt-9'" in result.stderr and "gpt-4.1-mini" in result.stderr


def test_unknown_format_is_a_clear_error(write_jsonl) -> None:
    result = runner.invoke(app, ["data", "validate", str(write_jsonl(padding())), "-f", "nope"])
    assert result.exit_code == 2
    assert "nope" in result.stderr and "openai" in result.stderr


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as fh:
        for r in padding():
            fh.write(json.dumps(r).encode() + b"\n")
        fh.truncate(513 * 1024 * 1024)  # sparse: the tail is NUL bytes, one huge "line"
    report = validate_file(path)
    assert ("file_too_large", None, None) in found(report)
    assert ("line_too_long", 11, None) in found(report)


# -- task detection ------------------------------------------------------------------------


def test_task_auto_rule() -> None:
    assert is_workout_record(SYSTEM, [])
    assert is_workout_record("Parse this VOICE COMMAND PARSER input", [])
    assert is_workout_record("You are helpful.", [{"exercise_name": "Plank"}])
    assert not is_workout_record("You are helpful.", [{"answer": 1}, None])


def test_task_none_and_auto_skip_other_records(write_jsonl) -> None:
    chatty = chat("what is the capital of France?", "Paris.", system="You are terse.")
    path = write_jsonl([*padding(), chatty])
    assert found(validate_file(path)) == []
    assert validate_file(path).workout_records == 10
    report = validate_file(path, task="workout")
    assert found(report) == [("workout_not_json", 11, "messages[2].content")]
    bad = chat("bench", BENCH | {"rpe": 12})
    assert found(validate_file(write_jsonl([*padding(), bad]), task="none")) == []


def test_workout_errors_name_each_field(write_jsonl) -> None:
    bad = chat("bench", {"exercise_name": "", "weight": 225, "reps": -1, "confidence": 2})
    report = validate_file(write_jsonl([*padding(), bad]))
    fields = {i.field for i in report.issues}
    assert fields == {
        "messages[2].content.exercise_name",
        "messages[2].content.reps",
        "messages[2].content.confidence",
    }
    array = chat("bench", "[1, 2]")
    report = validate_file(write_jsonl([*padding(), array]))
    assert found(report) == [("workout_not_json", 11, "messages[2].content")]


def test_weight_without_unit_is_reported_on_the_reply(write_jsonl) -> None:
    bad = chat(
        "bench 225", {"exercise_name": "Barbell Bench Press", "weight": 225, "confidence": 1}
    )
    report = validate_file(write_jsonl([*padding(), bad]))
    assert found(report) == [("workout_schema", 11, "messages[2].content")]
    assert "weight_unit" in report.issues[0].message


def test_context_suffix_separates_duplicates(write_jsonl) -> None:
    a = chat("same weight for 7", BENCH, system=SYSTEM + '\n\nContext: {"last_weight": 225}')
    b = chat("same weight for 7", BENCH, system=SYSTEM + '\n\nContext: {"last_weight": 185}')
    c = chat("same weight for 7", BENCH, system=SYSTEM + '\n\nContext: {"last_weight": 225}')
    report = validate_file(write_jsonl([*padding(), a, b, c]))
    assert found(report) == [("duplicate", 13, "messages[1].content")]
    assert "line 11" in report.issues[0].message


# -- reporting -------------------------------------------------------------------------------


def test_issue_cap_keeps_exact_counts(write_jsonl) -> None:
    lines = ["not json"] * 30 + [json.dumps(r) for r in padding()]
    report = validate_file(write_jsonl(lines), max_per_code=5)
    assert report.counts["not_json"] == 30
    assert report.error_count == 30
    assert len([i for i in report.issues if i.code == "not_json"]) == 5
    assert report.to_dict()["counts"]["not_json"] == 30


def test_cli_json_shape(write_jsonl) -> None:
    bad = chat("bench", BENCH | {"rpe": 11})
    path = write_jsonl([*padding(), bad, padding(1)[0]])
    result = runner.invoke(app, ["data", "validate", str(path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert {"file", "format", "records", "errors", "warnings", "counts", "tokens", "ok"} <= set(
        data
    )
    assert (data["format"], data["records"], data["ok"]) == ("openai", 12, False)
    assert data["counts"] == {"workout_schema": 1, "duplicate": 1}
    assert data["errors"][0]["field"] == "messages[2].content.rpe"
    assert data["warnings"][0]["code"] == "duplicate"
    assert data["tokens"]["encoding"] == "o200k_base" and data["tokens"]["p95"] > 0


def test_cli_max_shown_and_more(write_jsonl) -> None:
    path = write_jsonl(["nope"] * 8 + [json.dumps(r) for r in padding()])
    result = runner.invoke(app, ["data", "validate", str(path), "--max-shown", "3"])
    assert result.exit_code == 1
    assert "and 5 more" in result.stdout
    assert "8 errors" in result.stdout


def test_warnings_alone_exit_0(write_jsonl) -> None:
    no_system = chat("bench 300 for 1", BENCH, system=None)
    result = runner.invoke(app, ["data", "validate", str(write_jsonl([*padding(), no_system]))])
    assert result.exit_code == 0
    assert "1 warning" in result.stdout


# -- robustness --------------------------------------------------------------------------------


def test_50mb_line_is_reported_and_the_rest_checked(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as fh:
        for r in padding(5):
            fh.write(json.dumps(r).encode() + b"\n")
        fh.write(b'{"messages": "' + b"a" * (50 * 1024 * 1024) + b'"}\n')
        for r in padding(10)[5:]:
            fh.write(json.dumps(r).encode() + b"\n")
    result = runner.invoke(app, ["data", "validate", str(path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(e["code"], e["line"]) for e in data["errors"]] == [("line_too_long", 6)]
    assert "50.0 MB" in data["errors"][0]["message"]
    assert (data["records"], data["valid"]) == (11, 10)


def test_directory_and_missing_file_exit_2(tmp_path: Path) -> None:
    for target, message in ((tmp_path, "is a directory"), (tmp_path / "no.jsonl", "no such file")):
        result = runner.invoke(app, ["data", "validate", str(target)])
        assert result.exit_code == 2
        assert message in result.stderr and str(target) in result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_every_record_is_accounted_for(write_jsonl) -> None:
    lines = [json.dumps(r) for r in padding()] + ["[]", "{", '"x"', "{}", json.dumps(TOOL_RECORD)]
    report = validate_file(write_jsonl(lines))
    bad_lines = {i.line for i in report.errors if i.line is not None}
    assert report.records == 15
    assert report.valid + len(bad_lines) == report.records
    assert bad_lines == {11, 12, 13, 14}


def test_validate_file_raises_data_error_for_blank_file(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("\n\n")
    with pytest.raises(DataError, match="only blank lines"):
        validate_file(path)


def test_classifier_maps_format_errors() -> None:
    cases = {
        (None, "a record must be a JSON object, not an array"): "not_object",
        ("messages[0].role", "unknown role 'x'"): "unknown_role",
        ("messages[1].role", "two user messages in a row; turns must alternate"): "role_order",
        ("messages[0].tool_calls[0].id", "needs an id"): "bad_tool_call",
        ("messages[1].weight", "weight must be 0 or 1"): "bad_weight",
        ("contents[1].parts[0].text", "text part has no text"): "empty_content",
        ("system", "system must be a string"): "invalid_record",
        ("contents[0].role", 'role must be "user" or "model"'): "unknown_role",
        ("conversations[0].from", "expected human at this position, not 'bot'"): "role_order",
        ("conversations", "needs an even number of turns, ending with gpt"): "role_order",
        ("messages", "messages is empty"): "missing_messages",
        ("messages[2].role", "the last message must be from the assistant"): "role_order",
        ("messages[0].role", "message has no role"): "missing_role",
        ("extra", "unknown top-level key 'extra'"): "unknown_key",
    }
    for (field, message), code in cases.items():
        assert code_for(FormatError(field, message)) == code


@pytest.mark.skipif("bedrock" not in all_formats(), reason="no bedrock format registered")
def test_other_format_is_checked_by_its_own_rules(write_jsonl) -> None:
    # 32 records: Bedrock's minimum.
    rows = [{"system": SYSTEM, "messages": r["messages"][1:]} for r in padding(32)]
    rows.append({"system": SYSTEM, "messages": [{"role": "user", "content": "bench"}]})
    report = validate_file(write_jsonl(rows), format="bedrock")
    assert report.format == "bedrock"
    assert [i.line for i in report.errors] == [33]
    report = validate_file(write_jsonl(rows[:31]), format="bedrock")
    assert found(report) == [("too_few_examples", None, None)]


# -- real process, speed ---------------------------------------------------------------------


def test_runs_as_a_real_process(tmp_path: Path) -> None:
    broken = Path(__file__).parent / "fixtures" / "broken" / "workout_schema.jsonl"
    exe = shutil.which("repvoice")
    cmd = [exe] if exe else [sys.executable, "-c", "from repvoice.cli import main; main()"]
    proc = subprocess.run(
        [*cmd, "data", "validate", str(broken), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["errors"][0]["field"] == "messages[2].content.rpe"
    assert proc.stderr == ""
    proc = subprocess.run(
        [*cmd, "data", "validate", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_20k_records_with_progress(tmp_path: Path) -> None:
    # Speed is measured by benchmarks/bench_data.py; here, every record and progress call.
    path = tmp_path / "many.jsonl"
    with path.open("w") as fh:
        for i in range(20_000):
            ctx = f'\n\nContext: {{"last_weight": {i % 300}}}' if i % 3 == 0 else ""
            rec = chat(f"bench {i} for {i % 12 + 1} at rpe 8", BENCH, system=SYSTEM + ctx)
            fh.write(json.dumps(rec) + "\n")
    calls: list[tuple[int, int]] = []
    report = validate_file(path, progress=lambda done, total: calls.append((done, total)))
    assert report.records == 20_000 and report.ok
    assert calls[-1] == (path.stat().st_size, path.stat().st_size)
    assert len(calls) > 5


def test_vertex_file_workout_errors_use_openai_paths(write_jsonl) -> None:
    vertex = get_format("vertex")
    # 16 records: Vertex's minimum.
    records = [*padding(16), chat("bench", BENCH | {"rpe": 11})]
    rows = [vertex.to_record(r).record for r in records]
    report = validate_file(write_jsonl(rows))
    assert report.format == "vertex"
    assert report.tokens is not None and report.tokens.limit == 131_072
    assert found(report) == [("workout_schema", 17, "messages[2].content.rpe")]
    assert "OpenAI form" in report.issues[0].message


def test_a_record_in_another_format_is_flagged(write_jsonl) -> None:
    bedrock = get_format("bedrock").to_record(padding(11)[10]).record
    report = validate_file(write_jsonl([*padding(), bedrock]), format="openai")
    assert ("unknown_key", 11, "system") in found(report)
    assert ("mixed_format", 11, None) in found(report)


def test_nan_in_assistant_json_is_not_json(write_jsonl) -> None:
    bad = chat("bench", '{"exercise_name": "Plank", "confidence": NaN}')
    report = validate_file(write_jsonl([*padding(), bad]))
    assert found(report) == [("workout_not_json", 11, "messages[2].content")]


def test_format_that_cannot_be_read_back_exits_2(write_jsonl) -> None:
    unreadable = [n for n, f in all_formats().items() if not f.readable and f.kind == "jsonl"]
    if not unreadable:
        pytest.skip("every format can be read back")
    path = write_jsonl(padding())
    result = runner.invoke(app, ["data", "validate", str(path), "-f", unreadable[0]])
    assert result.exit_code == 2
    assert "cannot be validated" in result.stderr


def test_duplicate_tool_call_ids_are_an_error(write_jsonl) -> None:
    call = {"type": "function", "function": {"name": "log_set", "arguments": "{}"}}
    record = {
        "messages": [
            {"role": "user", "content": "log it"},
            {"role": "assistant", "tool_calls": [{"id": "a", **call}, {"id": "a", **call}]},
            {"role": "tool", "tool_call_id": "a", "content": "ok"},
            {"role": "assistant", "content": "done"},
        ]
    }
    report = validate_file(write_jsonl([record] * 10), task="none")
    fields = {(i.line, i.field) for i in report.issues if "used twice" in i.message}
    assert (1, "messages[1].tool_calls[1].id") in fields


MINIMUMS = {
    name: fmt.limits.min_examples
    for name, fmt in all_formats().items()
    if fmt.kind == "jsonl" and fmt.readable and fmt.limits.min_examples
}


def test_every_provider_target_documents_its_minimum() -> None:
    assert MINIMUMS == {
        "bedrock": 32,
        "cohere": 2,
        "fireworks": 3,
        "mistral": 10,
        "openai": 10,
        "together": 1,
        "vertex": 16,
    }


@pytest.mark.parametrize("name", sorted(MINIMUMS))
def test_validate_flags_files_below_the_formats_minimum(name: str, write_jsonl) -> None:
    least = MINIMUMS[name]
    fmt = get_format(name)
    rows = [fmt.to_record(r).record for r in padding(least)]
    report = validate_file(write_jsonl(rows), format=name)
    assert "too_few_examples" not in {i.code for i in report.issues}
    if least > 1:
        report = validate_file(write_jsonl(rows[:-1]), format=name)
        [issue] = [i for i in report.issues if i.code == "too_few_examples"]
        assert f"{name} needs at least {least}" in issue.message
