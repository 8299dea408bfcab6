"""`repvoice compare`: the local parser against an OpenAI-compatible server, side by side."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest
from typer.testing import CliRunner

from repvoice.cli import app
from repvoice.data.bundled import default_test_path
from test_eval_cli import remote_resources
from test_eval_server import ChatServer, gold_answers

runner = CliRunner()


@pytest.fixture
def small_test(tmp_path: Path) -> Path:
    path = tmp_path / "test40.jsonl"
    with default_test_path().open(encoding="utf-8") as fh:
        path.write_text("".join(islice(fh, 40)), encoding="utf-8")
    return path


@pytest.fixture
def texts(small_test: Path) -> list[str]:
    return list(gold_answers(small_test))


@pytest.fixture
def server(small_test: Path, texts: list[str]) -> Iterator[ChatServer]:
    """Answers with the gold answer, except: line 1 one rep too many, line 2 not JSON, line 3
    RPE 11 (schema-invalid, other fields right)."""
    gold = gold_answers(small_test)

    def answer(text: str) -> str:
        data = json.loads(gold[text])
        if text == texts[0]:
            data["reps"] = (data.get("reps") or 0) + 1
        elif text == texts[1]:
            return "Sure! Here is the JSON you asked for"
        elif text == texts[2]:
            data["rpe"] = 11
        return json.dumps(data)

    with ChatServer(answer) as srv:
        yield srv


def _compare(small_test: Path, server: ChatServer, tmp_path: Path, *extra: str):
    return runner.invoke(
        app,
        [
            "compare", str(small_test), "-b", "local", "-b", server.uri,
            "--cache-dir", str(tmp_path / "cache"), *extra,
        ],
    )  # fmt: skip


def test_compare_json(small_test: Path, server: ChatServer, tmp_path: Path) -> None:
    result = _compare(small_test, server, tmp_path, "--json", "--disagreements", "50")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    local, remote = data["backends"]
    assert local["backend"] == "local" and remote["backend"] == server.uri
    assert local["examples"] == remote["examples"] == 40
    assert (remote["json_valid"], remote["schema_valid"], remote["errors"]) == (39, 38, 0)
    # line 1 reps wrong, line 2 judged as {} (core wrong); line 3 only rpe wrong
    assert remote["right"]["core"] == 37
    assert remote["tokens"]["in_total"] == 4000 and remote["tokens"]["out_mean"] == 20
    assert remote["cost"]["label"] == "unknown" and local["cost"]["label"] == "free"
    lines = {d["line"]: d for d in data["disagreements"]}
    assert data["disagreements_total"] == len(data["disagreements"])
    assert {1, 2, 3} <= lines.keys()
    assert "reps" in lines[1]["fields"] and "rpe" in lines[3]["fields"]
    assert lines[3]["answers"][server.uri]["rpe"] == 11
    assert set(lines[1]["answers"]) == {"local", server.uri}


def test_compare_table_and_report(small_test: Path, server: ChatServer, tmp_path: Path) -> None:
    report = tmp_path / "compare.html"
    result = _compare(small_test, server, tmp_path, "--report", str(report))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "all core fields" in out and "cost per 1,000 calls" in out
    assert "examples where the backends disagree" in out
    html = report.read_text(encoding="utf-8")
    assert html.count("<svg") == 4  # accuracy, validity, latency, cost
    assert remote_resources(html) == []
    assert "Where the backends disagree" in html
    assert "Sure! Here is the JSON" not in html  # raw text is not shown, the verdict is

    # a second run answers the server's part from the cache
    again = _compare(small_test, server, tmp_path, "--json")
    remote = json.loads(again.stdout)["backends"][1]
    assert remote["cached"] == 40 and remote["latency_ms"]["measured"] == 0
    assert server.requests == 40


def test_compare_needs_two_distinct_backends(small_test: Path) -> None:
    one = runner.invoke(app, ["compare", str(small_test), "-b", "local"])
    assert one.exit_code == 2 and "two or more" in one.output
    twice = runner.invoke(app, ["compare", str(small_test), "-b", "local", "-b", "local"])
    assert twice.exit_code == 2 and "given twice: local" in twice.output


def test_a_dead_backend_exits_1(small_test: Path, tmp_path: Path) -> None:
    dead = "openai-compatible:m@http://127.0.0.1:9/v1"
    result = runner.invoke(
        app,
        ["compare", str(small_test), "-b", "local", "-b", dead, "--limit", "2", "--json",
         "--timeout", "1", "--no-cache"],
    )  # fmt: skip
    assert result.exit_code == 1
    remote = json.loads(result.stdout)["backends"][1]
    assert remote["errors"] == 2 and remote["first_error"]
