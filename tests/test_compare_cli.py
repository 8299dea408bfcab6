"""`repvoice compare`: the local parser against an OpenAI-compatible server, side by side."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakes.openai_server import FakeOpenAI
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
    assert re.search(r"answered\s+│\s+40 / 40\s+│\s+40 / 40", out)
    assert re.search(r"calls made / from cache\s+│\s+40 / 0\s+│\s+40 / 0", out)
    assert "examples where the backends disagree" in out
    html = report.read_text(encoding="utf-8")
    # error rates, validity, latency, cost, and both confidence charts (the gold has one)
    assert html.count("<svg") == 6
    assert remote_resources(html) == []
    assert "Where the backends disagree" in html
    assert "calls made / from cache" in html and "model identity" in html
    assert "Reliability:" in html and "Coverage and risk:" in html
    assert "Sure! Here is the JSON" not in html  # raw text is not shown, the verdict is

    # a second run answers the server's part from the cache
    again = _compare(small_test, server, tmp_path, "--json")
    remote = json.loads(again.stdout)["backends"][1]
    assert remote["cached"] == 40 and remote["latency_ms"]["measured"] == 0
    # the test server lists no models: the identity is unknown, and the table warns on hits
    assert remote["identity"]["known"] is False
    table = _compare(small_test, server, tmp_path)
    assert "40 answers came from the cache, and the server does not identify" in " ".join(
        table.stdout.split()
    )
    assert server.requests == 40


def test_compare_needs_two_distinct_backends(small_test: Path) -> None:
    one = runner.invoke(app, ["compare", str(small_test), "-b", "local"])
    assert one.exit_code == 2 and "two or more" in one.output
    twice = runner.invoke(app, ["compare", str(small_test), "-b", "local", "-b", "local"])
    assert twice.exit_code == 2 and "given twice: local" in twice.output


def closed_port() -> int:
    """A loopback port nothing listens on: bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", ["compare", "eval"])
def test_a_dead_endpoint_fails_at_once(command: str, small_test: Path, tmp_path: Path) -> None:
    dead = f"openai-compatible:m@http://127.0.0.1:{closed_port()}/v1"
    args = ["-b", "local", "-b", dead] if command == "compare" else ["-b", dead]
    start = time.perf_counter()
    result = runner.invoke(
        app, [command, str(small_test), *args, "--json", "--cache-dir", str(tmp_path)]
    )
    assert time.perf_counter() - start < 10
    assert result.exit_code == 1
    assert result.stdout == ""  # no figures at all, let alone accuracy
    [line] = result.stderr.strip().splitlines()
    assert f"--backend {dead}: cannot connect to" in line and "Connection refused" in line
    assert "nothing was scored" in line


def test_a_server_that_dies_mid_run_is_left(small_test: Path, tmp_path: Path) -> None:
    """After 10 answers the server drops every connection: the run stops after 3 failures in
    a row, and the figures are over the 10 answered, never over empty answers."""
    with FakeOpenAI(fail_after=10) as fake:
        uri = f"openai-compatible:m@{fake.base_url}"
        start = time.perf_counter()
        result = runner.invoke(
            app,
            ["eval", str(small_test), "-b", uri, "--json", "-j", "1", "--retries", "0",
             "--max-failures", "3", "--cache-dir", str(tmp_path)],
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        # 3 failures stop it; the next call may already have started (a window of 2 calls)
        asked = fake.chats
    assert asked in (13, 14)
    assert elapsed < 20
    assert result.exit_code == 1
    s = json.loads(result.stdout)["summary"]
    assert (s["answered"], s["errors"], s["not_asked"]) == (10, asked - 10, 40 - asked)
    assert s["unanswered"] == 30
    assert s["failed"] is True and "3 calls in a row" in s["stopped"]
    assert s["judged"]["rpe"] == 10  # the answered ones only
    assert "stopped" in result.stderr
    assert f"{40 - asked} of 40 examples not asked" in result.stderr

    # the table says so too
    with FakeOpenAI(fail_after=0) as fake:
        uri = f"openai-compatible:m@{fake.base_url}"
        table = runner.invoke(
            app,
            ["eval", str(small_test), "-b", uri, "--retries", "0", "--max-failures", "2",
             "-j", "1", "--no-cache"],
        )  # fmt: skip
    assert table.exit_code == 1
    assert "0 / 40: failed" in table.stdout
    assert "40 of 40 examples unanswered" in table.stdout
    assert "no accuracy: nothing was answered" in table.stdout
    assert not re.search(r"RPE\s+│\s+\d", table.stdout)  # no percentage for RPE
