"""The stale-cache regression: `repvoice serve` restarted with another model on the same port
must not be answered from the first model's cached replies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import test_serve
from repvoice.cli import app
from repvoice.data.bundled import default_test_path, default_train_path
from test_serve import ServeProcess

runner = CliRunner()


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained on only 200 examples: the same kind of model, other answers."""
    root = tmp_path_factory.mktemp("small")
    train = root / "train200.jsonl"
    with default_train_path().open(encoding="utf-8") as fh:
        train.write_text("".join(islice(fh, 200)), encoding="utf-8")
    result = runner.invoke(app, ["train", str(train), "-o", str(root / "model")])
    assert result.exit_code == 0, result.output
    return root / "model"


@pytest.fixture
def test_file(tmp_path: Path) -> Path:
    path = tmp_path / "test60.jsonl"
    with default_test_path().open(encoding="utf-8") as fh:
        path.write_text("".join(islice(fh, 60)), encoding="utf-8")
    return path


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """One port for both servers, as a restart keeps its address."""
    fixed = test_serve.free_port()
    monkeypatch.setattr(test_serve, "free_port", lambda: fixed)
    yield fixed


def _compare(test_file: Path, local: str, remote: str, cache: Path, *extra: str) -> dict:
    result = runner.invoke(
        app,
        ["compare", str(test_file), "-b", local, "-b", remote, "--json",
         "--cache-dir", str(cache), "--disagreements", "0", *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_restart_with_another_model_is_not_answered_from_the_cache(
    small_model: Path, test_file: Path, port: int, tmp_path: Path
) -> None:
    remote = f"openai-compatible:repvoice@http://127.0.0.1:{port}/v1"
    cache = tmp_path / "cache"
    small = f"local:{small_model}"

    with ServeProcess() as a:  # the bundled model
        card_a = a.client.get("/v1/models").json()["data"][0]
        first = _compare(test_file, "local", remote, cache)
    with ServeProcess("--model", str(small_model)) as b:
        card_b = b.client.get("/v1/models").json()["data"][0]
        second = _compare(test_file, small, remote, cache)
        third = _compare(test_file, small, remote, cache)
        refreshed = _compare(test_file, small, remote, cache, "--refresh")
        table = runner.invoke(
            app, ["eval", str(test_file), "-b", remote, "--cache-dir", str(cache)]
        )

    # the service names its model: another model, another checksum
    assert card_a["checksum"].startswith("sha256:") and card_a["checksum"] != card_b["checksum"]
    assert card_a["version"] and card_b["version"] and card_a["version"] != card_b["version"]

    bundled, served_a = first["backends"]
    assert (served_a["calls_made"], served_a["cached"]) == (60, 0)
    assert served_a["identity"]["known"] is True
    assert card_a["checksum"][:19] in served_a["identity"]["label"]
    assert served_a["right"] == bundled["right"]  # the service answers as the bundled model

    # after the restart: every answer comes from model B, none from the cache
    small_run, served_b = second["backends"]
    assert (served_b["calls_made"], served_b["cached"]) == (60, 0)
    assert card_b["checksum"][:19] in served_b["identity"]["label"]
    assert served_b["right"] == small_run["right"]
    assert served_b["right"] != served_a["right"]  # B really answers differently

    # model B again: from the cache; --refresh asks again
    assert (third["backends"][1]["calls_made"], third["backends"][1]["cached"]) == (0, 60)
    assert third["backends"][1]["right"] == served_b["right"]
    assert (refreshed["backends"][1]["calls_made"], refreshed["backends"][1]["cached"]) == (60, 0)

    # the table says how many answers came from the cache, and which model answered
    assert table.exit_code == 0, table.output
    out = table.stdout
    assert "calls made / from cache" in out and "0 / 60" in out
    assert card_b["checksum"][7:19] in out


def test_the_model_list_is_stable_across_calls() -> None:
    with ServeProcess() as srv:
        listed = srv.client.get("/v1/models").json()["data"]
        again = httpx.get(f"{srv.base_url}/v1/models/ft:gpt-4o-mini:org::abc").json()
    assert len(listed) == 1 and listed[0]["id"] == "repvoice"
    assert again["id"] == "ft:gpt-4o-mini:org::abc"
    assert again["checksum"] == listed[0]["checksum"]
    assert again["version"] == listed[0]["version"]
