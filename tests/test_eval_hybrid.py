"""`repvoice eval --fallback`: the local parser with a fallback, scored as `repvoice serve`
routes, against a real OpenAI-compatible stand-in server with scripted replies."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import chat
from repvoice.backends import get_backend
from repvoice.cli import app
from repvoice.evaluate.hybrid import combine
from repvoice.evaluate.runner import read_test_file, run
from repvoice.parser.model import Parser
from repvoice.schema import WorkoutSet, compact_dict
from repvoice.serve.config import ServeConfig
from repvoice.serve.router import Router
from test_eval_cli import remote_resources
from test_eval_server import ChatServer

runner = CliRunner()

BENCH = "barbell bench press 225 pounds for 8 reps"
DEADLIFT = "deadlift 405 for 3"
MACHINE = "the machine thing 3 plates 10"
BLORP = "blorp 40 kilos"
ZORB = "zorbulator swings twelve"

#: (transcript, gold answer, the stand-in's reply). The local parser is sure of the first two
#: (confidence above 0.97) and unsure of the last three (0.4 or less), so at 0.85 only these
#: three go to the fallback.
CASES: list[tuple[str, dict, str]] = [
    (
        BENCH,
        {"exercise_name": "Barbell Bench Press", "weight": 225, "weight_unit": "lbs", "reps": 8},
        # Wrong (9 reps), but never asked for: the local answer stands.
        '{"exercise_name": "Barbell Bench Press", "weight": 225, "weight_unit": "lbs", '
        '"reps": 9, "confidence": 0.99}',
    ),
    (
        DEADLIFT,
        {"exercise_name": "Barbell Deadlift", "weight": 405, "weight_unit": "lbs", "reps": 3},
        '{"exercise_name": "Barbell Deadlift", "weight": 405, "weight_unit": "lbs", '
        '"reps": 3, "confidence": 0.97}',
    ),
    (
        MACHINE,
        {"exercise_name": "Leg Press", "weight": 315, "weight_unit": "lbs", "reps": 10},
        # Lower case and a made-up id: resolved to the catalogue's; confidence capped to 0.9.
        '{"exercise_id": "77", "exercise_name": "leg press", "weight": 315, '
        '"weight_unit": "lbs", "reps": 10, "confidence": 0.99}',
    ),
    (
        BLORP,
        {"exercise_name": "Goblet Squat", "weight": 40, "weight_unit": "kg"},
        # Not JSON: the local answer (not a set: no exercise, no load) stands, unconfirmed.
        "Sorry, I could not parse that.",
    ),
    (
        ZORB,
        {"exercise_name": "Zorbulator Swings", "reps": 12},
        # Unknown to the catalogue: the name is kept, unconfirmed.
        '{"exercise_name": "Zorbulator Swings", "reps": 12, "confidence": 0.95}',
    ),
]


def _gold(case: tuple[str, dict, str]) -> dict:
    return {**case[1], "confidence": 0.95}


@pytest.fixture
def testfile(write_jsonl) -> Path:
    return write_jsonl([chat(text, _gold(c)) for c in CASES for text in [c[0]]], "five.jsonl")


@pytest.fixture
def server() -> Iterator[ChatServer]:
    replies = {text: reply for text, _, reply in CASES}
    with ChatServer(lambda text: replies[text]) as srv:
        yield srv


def _eval(testfile: Path, server: ChatServer, tmp_path: Path, *extra: str):
    return runner.invoke(
        app,
        [
            "eval", str(testfile), "--fallback", server.uri, "--threshold", "0.85",
            "--fallback-cap", "0.9", "--cache-dir", str(tmp_path / "cache"), *extra,
        ],
    )  # fmt: skip


def test_local_confidences_fall_where_the_cases_say() -> None:
    parser = Parser.load(None)
    sure = [parser.parse(text, None).confidence for text, _, _ in CASES[:2]]
    unsure = [parser.parse(text, None).confidence for text, _, _ in CASES[2:]]
    assert min(sure) > 0.9 and max(unsure) < 0.6, (sure, unsure)


def test_eval_json_has_the_routed_row(testfile: Path, server: ChatServer, tmp_path: Path) -> None:
    result = _eval(testfile, server, tmp_path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    local, remote, routed = data["summary"], data["fallback"], data["hybrid"]
    assert local["backend"] == "local" and remote["backend"] == server.uri
    assert routed["backend"] == f"local + {server.uri} (fallback below 0.85)"
    assert data["misses_of"] == routed["backend"]
    assert server.requests == 5  # the routed row made no call of its own

    # local: right on the two it is sure of; the fallback: all but 9 reps and the non-JSON
    assert (local["right"]["core"], remote["right"]["core"]) == (2, 3)
    assert routed["examples"] == routed["answered"] == 5
    assert routed["right"] == {
        # the unusable fallback reply left the local answer: not a set, so no exercise or load
        "exercise": 4,
        "weight": 4,
        "weight_unit": 3,  # judged only where the gold has a weight
        "reps": 5,
        "sets": 5,
        "rpe": 5,
        "rir": 5,
        "tempo": 5,
        "rest_seconds": 5,
        "duration_seconds": 5,
        "notes": 5,
        "core": 4,
    }
    assert routed["judged"]["weight_unit"] == 4 and routed["judged"]["core"] == 5
    assert routed["hybrid"] == {
        "local": "local",
        "fallback": server.uri,
        "threshold": 0.85,
        "confidence_cap": 0.9,
        "sent_to_fallback": 3,
        "fallback_share": 0.6,
        "fallback_unusable": 1,
        "unconfirmed": 2,  # the kept local answer and the unknown exercise
        "unconfirmed_rate": 0.4,
    }
    # the fallback's tokens only for the three it was asked about; its price is unknown
    assert routed["tokens"]["reported"] == 3 and routed["tokens"]["in_total"] == 300
    assert routed["cost"]["label"] == "unknown"

    conf = routed["confidence"]
    # 0.99 and 0.95 capped at 0.9 sit in one bucket; the kept local answer keeps its 0.4
    bucket = next(b for b in conf["reliability"] if b["lo"] == 0.85)
    assert bucket["count"] == 2 and bucket["mean_confidence"] == pytest.approx(0.9)
    assert conf["coverage_at_or_above"] == 0.8 and conf["accuracy_at_or_above"] == 1.0
    curve = {p["threshold"]: p for p in conf["coverage_risk"]}
    assert curve[0.95]["accepted"] == 0.4  # above the cap: only the two local answers
    assert curve[0.0]["wrong_accepted"] == 0.2


def test_eval_table_and_report(testfile: Path, server: ChatServer, tmp_path: Path) -> None:
    report = tmp_path / "eval.html"
    result = _eval(testfile, server, tmp_path, "--report", str(report))
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "sent to the fallback" in out and "3 (60.0%)" in out
    assert "misses of local +" in out
    html = report.read_text(encoding="utf-8")
    name = f"local + {server.uri} (fallback below 0.85)"
    assert "<title>repvoice eval: local + " in html
    assert remote_resources(html) == []
    assert "sent to the fallback" in html and "3 (60.0%)" in html
    # the routed row is a series of its own in both confidence charts: matplotlib writes each
    # legend entry as SVG text, so the name appears in each figure's legend
    start = html.index("Coverage and risk:")
    coverage_svg = html[html.rindex("<svg", 0, start) : start]
    assert name in coverage_svg and "local" in coverage_svg
    reliability = html.index("Reliability:")
    assert name in html[html.rindex("<svg", 0, reliability) : reliability]
    assert "The dashed curve is the local parser with its fallback" in html
    assert f"<h3><code>{name}</code>" in html.replace("&#x27;", "'")
    assert "Sent to the fallback (local confidence below 0.85): <b>3</b> (60.0%)" in html

    # a second run is answered from the cache, with the same routed figures
    again = json.loads(_eval(testfile, server, tmp_path, "--json").stdout)
    assert again["hybrid"]["cached"] == 3 and again["hybrid"]["right"]["core"] == 4
    assert server.requests == 5


def test_routed_answers_are_the_routers(testfile: Path, server: ChatServer) -> None:
    """Every derived answer is what `repvoice serve`'s router answers to the same request."""
    parser = Parser.load(None)
    examples = read_test_file(testfile).examples
    with get_backend("local") as local_backend:
        local = run(local_backend, examples)
    with get_backend(server.uri, cache=False) as remote_backend:
        remote = run(remote_backend, examples)
    derived, figures = combine(parser, local, remote, threshold=0.85, cap=0.9)
    config = ServeConfig(fallback=server.uri, threshold=0.85, fallback_confidence_cap=0.9)
    router = Router(parser, config)
    try:
        unconfirmed = 0
        for ex, mine in zip(examples, derived, strict=True):
            routed = asyncio.run(router.route(ex.text, ex.context, "voice"))
            fields = compact_dict(routed.result.model_dump(include=set(WorkoutSet.model_fields)))
            assert mine.reply.data == fields, ex.text
            assert mine.reply.confidence == routed.result.confidence
            unconfirmed += routed.result.requires_confirmation
    finally:
        router.close()
    assert figures.unconfirmed == unconfirmed == 2
    assert figures.asked == 3


def test_fallback_options_are_checked(testfile: Path, server: ChatServer) -> None:
    lone = runner.invoke(app, ["eval", str(testfile), "--threshold", "0.8"])
    assert lone.exit_code == 2 and "--threshold need --fallback" in lone.output
    remote_first = runner.invoke(
        app, ["eval", str(testfile), "-b", server.uri, "--fallback", "local"]
    )
    assert remote_first.exit_code == 2 and "needs a local --backend" in remote_first.output
    same = runner.invoke(app, ["eval", str(testfile), "--fallback", "local"])
    assert same.exit_code == 2 and "another backend than the local parser" in same.output
    missing = runner.invoke(
        app, ["compare", str(testfile), "-b", "local", "-b", server.uri, "--fallback", "openai:x"]
    )
    assert missing.exit_code == 2 and "is not one of the --backend options" in missing.output


def test_compare_adds_the_routed_column(testfile: Path, server: ChatServer, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "compare", str(testfile), "-b", "local", "-b", server.uri, "--fallback", server.uri,
            "--threshold", "0.85", "--fallback-cap", "0.9", "--cache-dir", str(tmp_path / "c"),
            "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [b.get("hybrid", {}).get("sent_to_fallback") for b in data["backends"]] == [
        None,
        None,
        3,
    ]
    assert data["backends"][2]["right"]["core"] == 4
    # the disagreements are between the backends run, not with the derived column
    assert all(set(d["answers"]) == {"local", server.uri} for d in data["disagreements"])
