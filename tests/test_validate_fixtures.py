"""`repvoice data validate` on each committed broken file: the exact code, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from repvoice.cli import app

BROKEN = Path(__file__).parent / "fixtures" / "broken"
runner = CliRunner()

#: fixture -> (extra args, exit code, every issue as (code, line, field))
CASES: dict[str, tuple[list[str], int, list[tuple[str, int | None, str | None]]]] = {
    "valid_workout.jsonl": ([], 0, []),
    "truncated.jsonl": ([], 1, [("truncated", 11, None)]),
    "bom.jsonl": ([], 0, [("bom", 1, None)]),
    "crlf.jsonl": ([], 0, [("crlf", 1, None)]),
    "blank_lines.jsonl": ([], 0, [("blank_line", 4, None)]),
    "not_utf8.jsonl": ([], 1, [("not_utf8", 5, None)]),
    "not_json.jsonl": ([], 1, [("not_json", 3, None)]),
    "not_object.jsonl": ([], 1, [("not_object", 2, None)]),
    "nan.jsonl": ([], 1, [("not_json", 11, None)]),
    "missing_messages.jsonl": ([], 1, [("missing_messages", 11, "messages")]),
    "unknown_key.jsonl": ([], 1, [("unknown_key", 11, "metadata")]),
    "unknown_message_key.jsonl": ([], 1, [("unknown_key", 11, "messages[1].lang")]),
    "unknown_role.jsonl": ([], 1, [("unknown_role", 11, "messages[2].role")]),
    "system_not_first.jsonl": ([], 1, [("role_order", 11, "messages[1].role")]),
    "last_not_assistant.jsonl": ([], 1, [("role_order", 11, "messages[3].role")]),
    "no_assistant.jsonl": ([], 1, [("no_assistant", 11, "messages")]),
    "empty_content.jsonl": ([], 1, [("empty_content", 11, "messages[1].content")]),
    "non_string_content.jsonl": ([], 1, [("bad_content", 11, "messages[1].content")]),
    "null_content.jsonl": ([], 1, [("bad_content", 11, "messages[2].content")]),
    "bad_weight.jsonl": ([], 1, [("bad_weight", 11, "messages[2].weight")]),
    "bad_tool_call.jsonl": (
        [],
        1,
        [("bad_tool_call", 11, "messages[2].tool_calls[0].function.arguments")],
    ),
    "too_many_tokens.jsonl": (
        ["--model", "gpt-3.5-turbo-0613"],
        1,
        [("too_many_tokens", 11, "messages")],
    ),
    "too_few_examples.jsonl": ([], 1, [("too_few_examples", None, None)]),
    "workout_not_json.jsonl": ([], 1, [("workout_not_json", 11, "messages[2].content")]),
    "workout_schema.jsonl": ([], 1, [("workout_schema", 11, "messages[2].content.rpe")]),
    "workout_unknown_field.jsonl": (
        [],
        1,
        [("workout_schema", 11, "messages[2].content.exercise")],
    ),
    "duplicate.jsonl": ([], 0, [("duplicate", 11, "messages[1].content")]),
    "near_duplicate.jsonl": ([], 0, [("near_duplicate", 11, "messages[1].content")]),
    "context_differs.jsonl": ([], 0, []),
    "missing_system.jsonl": ([], 0, [("missing_system", 11, "messages")]),
    "nothing_trained.jsonl": ([], 0, [("nothing_trained", 11, "messages")]),
}


def run_json(name: str, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["data", "validate", str(BROKEN / name), "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_every_fixture_has_a_case() -> None:
    unusable = {"empty.jsonl", "blank_only.jsonl", "utf16.jsonl", "pretty_printed.jsonl"}
    assert {p.name for p in BROKEN.glob("*.jsonl")} == set(CASES) | unusable


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_reports_exactly(name: str) -> None:
    args, exit_code, expected = CASES[name]
    code, report = run_json(name, *args)
    found = [(i["code"], i["line"], i["field"]) for i in report["errors"] + report["warnings"]]
    assert sorted(found, key=str) == sorted(expected, key=str)
    assert code == exit_code
    assert report["ok"] is (exit_code == 0)
    for issue in report["errors"] + report["warnings"]:
        assert issue["file"].endswith(name)
        assert issue["message"]


def test_duplicate_names_the_first_line() -> None:
    _, report = run_json("duplicate.jsonl")
    assert "line 4" in report["warnings"][0]["message"]
    _, report = run_json("near_duplicate.jsonl")
    assert "line 2" in report["warnings"][0]["message"]


def test_truncated_says_so() -> None:
    _, report = run_json("truncated.jsonl")
    assert "cut off" in report["errors"][0]["message"]
    assert report["records"] == 11


def test_not_utf8_names_the_byte() -> None:
    _, report = run_json("not_utf8.jsonl")
    assert "0xe9" in report["errors"][0]["message"]


def test_pretty_printed_json_gets_a_hint() -> None:
    code, report = run_json("pretty_printed.jsonl")
    assert code == 1
    first = report["errors"][0] if report["errors"][0]["line"] else report["errors"][1]
    assert first["line"] == 1
    assert "one record per line" in first["message"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.jsonl", "file is empty"),
        ("blank_only.jsonl", "only blank lines"),
        ("utf16.jsonl", "UTF-16"),
    ],
)
def test_unusable_files_exit_2_with_one_line(name: str, message: str) -> None:
    result = runner.invoke(app, ["data", "validate", str(BROKEN / name)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert name in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_valid_file_summary_for_people() -> None:
    result = runner.invoke(app, ["data", "validate", str(BROKEN / "valid_workout.jsonl")])
    assert result.exit_code == 0
    assert "20 records" in result.stdout
    assert "20 workout" in result.stdout
    assert "no errors" in result.stdout
    assert "o200k_base" in result.stdout


def test_table_lists_file_line_and_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN)  # a short path keeps the table on one line per problem
    result = runner.invoke(app, ["data", "validate", "workout_schema.jsonl"])
    assert result.exit_code == 1
    assert "workout_schema.jsonl:11" in result.stdout
    assert "messages[2].content.rpe" in result.stdout
    assert "1 error" in result.stdout
