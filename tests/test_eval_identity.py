"""The reply cache knows which model answered: identity from `GET /models`, `--refresh`, and
credentials kept out of the cache, the console, `--json` and the HTML report."""

from __future__ import annotations

import json
import sqlite3
from itertools import islice
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakes.openai_server import Canned, FakeOpenAI, _error
from repvoice.backends import Request, get_backend
from repvoice.backends.cache import CACHE_FILE, ReplyCache
from repvoice.backends.openai_compatible import identity_from_cards
from repvoice.cli import app
from repvoice.data.bundled import default_test_path

runner = CliRunner()
SECRET = "sk-live0123456789abcdefSECRET"


@pytest.fixture
def small_test(tmp_path: Path) -> Path:
    path = tmp_path / "test8.jsonl"
    with default_test_path().open(encoding="utf-8") as fh:
        path.write_text("".join(islice(fh, 8)), encoding="utf-8")
    return path


def _eval(small_test: Path, uri: str, cache: Path, *extra: str) -> dict:
    result = runner.invoke(
        app, ["eval", str(small_test), "-b", uri, "--json", "--cache-dir", str(cache), *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["summary"]


def test_identity_from_the_model_list() -> None:
    card = {
        "id": "m",
        "object": "model",
        "created": 1,
        "version": "7",
        "checksum": "sha256:" + "a" * 64,
    }
    known = identity_from_cards("m", [card, {"id": "other"}])
    assert known.known and known.key == {"id": "m", "version": "7", "checksum": card["checksum"]}
    assert known.label == "m: checksum sha256:aaaaaaaaaaaa, version 7"
    # `created` is not identity (vLLM stamps the time of the request)
    assert "created" not in known.key
    # a server with one model answers under any name (llama.cpp, repvoice)
    assert identity_from_cards("any-name", [card]).key == known.key
    weak = identity_from_cards("llama", [{"id": "llama", "root": "/models/llama-3-8b"}])
    assert not weak.known and weak.key == {"id": "llama", "root": "/models/llama-3-8b"}
    assert "without a version or checksum" in weak.label
    assert not identity_from_cards("m", [{"id": "a"}, {"id": "b"}]).known


def test_another_model_behind_the_same_url_misses_the_cache(
    small_test: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    model_a = [{"id": "m", "object": "model", "created": 1, "checksum": "sha256:" + "a" * 64}]
    with FakeOpenAI(models=model_a) as fake:
        uri = f"openai-compatible:m@{fake.base_url}"
        first = _eval(small_test, uri, cache)
        again = _eval(small_test, uri, cache)
        fake.models = [{**model_a[0], "checksum": "sha256:" + "b" * 64}]
        swapped = _eval(small_test, uri, cache)
        refreshed = _eval(small_test, uri, cache, "--refresh")
        assert fake.chats == 8 * 3
    assert (first["cached"], first["calls_made"]) == (0, 8)
    assert first["identity"] == {"label": "m: checksum sha256:aaaaaaaaaaaa", "known": True}
    assert (again["cached"], again["calls_made"]) == (0 + 8, 0)
    assert (swapped["cached"], swapped["calls_made"]) == (0, 8)
    assert swapped["identity"]["label"] == "m: checksum sha256:bbbbbbbbbbbb"
    assert (refreshed["cached"], refreshed["calls_made"]) == (0, 8)


def test_a_server_that_lists_no_models_still_works(small_test: Path, tmp_path: Path) -> None:
    with FakeOpenAI(models=None) as fake:  # GET /models answers 404
        uri = f"openai-compatible:m@{fake.base_url}"
        first = _eval(small_test, uri, tmp_path)
        table = runner.invoke(
            app, ["eval", str(small_test), "-b", uri, "--cache-dir", str(tmp_path)]
        )
    assert first["identity"]["known"] is False
    assert "HTTP 404" in first["identity"]["label"]
    assert table.exit_code == 0, table.output
    assert "8 answers came from the cache, and the server does not identify its model" in (
        " ".join(table.stdout.split())
    )
    assert "--refresh" in table.stdout


def test_credentials_never_reach_the_cache_or_the_output(small_test: Path, tmp_path: Path) -> None:
    texts = [json.loads(line)["messages"][-2]["content"] for line in small_test.open()]
    leak = _error(401, f"Incorrect API key provided: {SECRET}.", "invalid_request_error")
    scenarios: dict[str, list[Canned]] = {texts[0]: [leak]}
    report = tmp_path / "report.html"
    with FakeOpenAI(scenarios, models=[{"id": "m", "version": "1"}]) as fake:
        host = fake.base_url.removeprefix("http://")
        uri = f"openai-compatible:m@http://user:{SECRET}@{host}?api_key={SECRET}"
        args = ["eval", str(small_test), "-b", uri, "--cache-dir", str(tmp_path / "c")]
        as_json = runner.invoke(app, [*args, "--json", "--report", str(report)])
        as_table = runner.invoke(app, args)
        assert fake.chats == 8 + 1  # the second run: 7 from the cache, the error asked again
    for out in (as_json.stdout, as_json.stderr, as_table.stdout, as_table.stderr):
        assert SECRET not in out
    summary = json.loads(as_json.stdout)["summary"]
    assert summary["backend"] == f"openai-compatible:m@http://{host}"
    assert summary["first_error"].startswith("HTTP 401: Incorrect API key provided: ***")
    html = report.read_text(encoding="utf-8")
    assert SECRET not in html and "Incorrect API key provided: ***" in html
    db = tmp_path / "c" / CACHE_FILE
    for f in db.parent.iterdir():  # the database and its write-ahead log
        assert SECRET.encode() not in f.read_bytes()
    with sqlite3.connect(db) as conn:
        uris = {row[0] for row in conn.execute("SELECT uri FROM replies")}
    assert uris == {f"openai-compatible:m@http://{host}"}


def test_an_old_cache_file_is_scrubbed(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        conn.execute(
            "CREATE TABLE replies (key TEXT PRIMARY KEY, uri TEXT NOT NULL, raw TEXT, "
            "tokens_in INTEGER, tokens_out INTEGER, cost_usd REAL, latency_ms REAL NOT NULL, "
            "created REAL NOT NULL)"
        )
        conn.execute(
            "INSERT INTO replies VALUES ('k', ?, '{}', 1, 1, NULL, 5.0, 0)",
            (f"openai-compatible:m@https://u:{SECRET}@host/v1",),
        )
    ReplyCache(tmp_path).close()
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        [(uri, identity)] = conn.execute("SELECT uri, identity FROM replies").fetchall()
    assert uri == "openai-compatible:m@https://host/v1" and identity is None


def test_the_identity_is_probed_once_without_the_cli(tmp_path: Path) -> None:
    fake = FakeOpenAI(models=[{"id": "m", "version": "1"}]).start()
    try:
        with get_backend(f"openai-compatible:m@{fake.base_url}", cache_dir=tmp_path) as b:
            assert not b.parse(Request("valid")).cached
            assert b.parse(Request("valid")).cached
            assert b.parse(Request("other")).error is None
    finally:
        fake.stop()
    assert (fake.chats, fake.model_lists) == (2, 1)
