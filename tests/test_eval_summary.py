"""The evaluation figures on a hand-computed example: four answers against their gold answers."""

from __future__ import annotations

from typing import Any, Self

import pytest

from repvoice.backends.base import Backend, Reply, Request
from repvoice.evaluate.runner import EvalExample, run
from repvoice.evaluate.summary import disagreements, misses, percentile, summarise
from repvoice.schema import WorkoutSet


class Scripted(Backend):
    """A test double of the Backend interface: a fixed reply per transcript."""

    schemes = ("scripted",)

    def __init__(self, uri: str, replies: dict[str, Reply]) -> None:
        self.uri = uri
        self.replies = replies

    @classmethod
    def from_uri(cls, scheme: str, target: str | None, **kw: Any) -> Self:  # type: ignore[override]
        raise NotImplementedError

    def parse(self, request: Request) -> Reply:
        return self.replies[request.text]


GOLD: dict[str, dict[str, Any]] = {
    "a": {"exercise_name": "Bench Press", "weight": 225, "weight_unit": "lbs", "reps": 8, "rpe": 8},
    "b": {"exercise_name": "Squat", "weight": 100, "weight_unit": "kg", "reps": 5},
    "c": {"exercise_name": "Plank", "duration_seconds": 60, "notes": "hold"},
    "d": {"exercise_name": "Deadlift", "weight": 315, "weight_unit": "lbs", "reps": 3},
}

REPLIES: dict[str, Reply] = {
    # all right
    "a": Reply(
        data={**GOLD["a"], "confidence": 0.9},
        latency_ms=100,
        tokens_in=50,
        tokens_out=10,
        cost_usd=0.001,
        confidence=0.9,
    ),
    # name right (case), unit wrong, rpe 11 where none was said (schema-invalid, still judged)
    "b": Reply(
        data={
            "exercise_name": "squat",
            "weight": 100.0,
            "weight_unit": "lbs",
            "reps": 5,
            "rpe": 11,
        },
        schema_valid=False,
        schema_error="rpe: too big",
        latency_ms=300,
        tokens_in=60,
        tokens_out=12,
        cost_usd=0.002,
        confidence=0.6,
    ),
    # from the cache, not JSON: judged as {}
    "c": Reply(
        data=None,
        raw="sorry",
        json_valid=False,
        schema_valid=False,
        cached=True,
        tokens_in=40,
        tokens_out=5,
        cost_usd=0.001,
    ),
    # a failed call (its latency is not counted)
    "d": Reply.failed("HTTP 500: boom", latency_ms=5000),
}


def _examples() -> list[EvalExample]:
    # gold as the test file reader gives it: every schema field, nulls included
    return [
        EvalExample(i + 1, t, None, WorkoutSet(**g, confidence=1.0).model_dump())
        for i, (t, g) in enumerate(GOLD.items())
    ]


@pytest.fixture
def summary():
    results = run(Scripted("scripted", REPLIES), _examples(), concurrency=2)
    return summarise("openai:test", results), results


def test_field_accuracy_by_hand(summary) -> None:
    s, _ = summary
    d = s.to_dict()
    acc, judged = d["accuracy"], d["judged"]
    # d's call failed: it is unanswered, not judged; accuracy is over a, b and c
    assert (d["answered"], d["unanswered"], d["not_asked"], d["failed"]) == (3, 1, 0, False)
    assert judged["exercise"] == 3 and judged["core"] == 3
    # exercise: a right, b right (case-insensitive), c none given
    assert acc["exercise"] == 2 / 3
    # weight: a, b right; c null = null
    assert acc["weight"] == 1.0
    # unit judged only where a weight was said and answered (a, b): a right, b lbs vs kg
    assert judged["weight_unit"] == 2
    assert acc["weight_unit"] == 1 / 2
    assert acc["reps"] == 1.0
    assert acc["sets"] == 1.0 and acc["rir"] == 1.0 and acc["tempo"] == 1.0
    assert acc["rest_seconds"] == 1.0
    # rpe: b said 11 where gold has none
    assert acc["rpe"] == 2 / 3
    # c's duration and notes missing
    assert acc["duration_seconds"] == 2 / 3
    assert acc["notes"] == 2 / 3
    # every core field right: only a
    assert acc["core"] == 1 / 3


def test_a_backend_that_answered_nothing_has_no_accuracy() -> None:
    dead = {t: Reply.failed("connection failed: [Errno 111] Connection refused") for t in GOLD}
    s = summarise("dead", run(Scripted("dead", dead), _examples(), max_failures=None))
    d = s.to_dict()
    assert (d["answered"], d["unanswered"], d["errors"], d["failed"]) == (0, 4, 4, True)
    # not RPE 75% "right" because null = null on empty answers
    assert set(d["accuracy"].values()) == {None}
    assert set(d["judged"].values()) == {0}


def test_validity_latency_tokens_cost_by_hand(summary) -> None:
    s, _ = summary
    d = s.to_dict()
    assert (d["json_valid"], d["json_valid_rate"]) == (2, 0.5)  # a, b
    assert (d["schema_valid"], d["schema_valid_rate"]) == (1, 0.25)  # a
    assert (d["errors"], d["error_rate"]) == (1, 0.25)  # d
    assert d["first_error"] == "HTTP 500: boom"
    assert (d["calls_made"], d["cached"]) == (3, 1)
    # latencies of calls made that did not fail: a 100, b 300
    assert d["latency_ms"] == {"measured": 2, "p50": 200.0, "p95": 290.0, "p99": 298.0}
    assert d["tokens"] == {
        "reported": 3,
        "in_total": 150,
        "out_total": 27,
        "in_mean": 50.0,
        "out_mean": 9.0,
    }
    # (0.001 + 0.002 + 0.001) / 3 priced calls × 1,000
    assert d["cost"]["per_1000_calls_usd"] == pytest.approx(4 / 3)
    assert d["cost"]["priced_calls"] == 3
    assert d["cost"]["label"] == "$1.3333"


def test_confidence_by_hand(summary) -> None:
    s, _ = summary
    conf = s.to_dict()["confidence"]
    assert conf["with_confidence"] == 2
    buckets = {(b["lo"], b["hi"]): (b["count"], b["accuracy"]) for b in conf["reliability"]}
    assert buckets[(0.5, 0.7)] == (1, 0.0)  # b, core wrong
    assert buckets[(0.85, 0.95)] == (1, 1.0)  # a, core right
    assert buckets[(0.0, 0.5)] == (0, None)
    # at >= 0.85 only a is kept: right, covering 1 of 4
    assert conf["accuracy_at_or_above"] == 1.0
    assert conf["coverage_at_or_above"] == 0.25


def test_misses_list_the_wrong_fields(summary) -> None:
    _, results = summary
    found = misses(results)
    # d (a failed call) has no answer, so no field of it is wrong: it is counted as unanswered
    assert [m.line for m in found] == [2, 3]
    b = found[0]
    assert b.wrong == ["weight_unit", "rpe"]
    assert b.expected == {"weight_unit": "kg", "rpe": None}
    assert b.predicted == {"weight_unit": "lbs", "rpe": 11}
    assert found[1].wrong == ["exercise", "duration_seconds", "notes"]
    assert found[1].expected == {"exercise_name": "Plank", "duration_seconds": 60, "notes": "hold"}


def test_disagreements_name_the_disputed_fields(summary) -> None:
    _, results = summary
    perfect = run(
        Scripted("gold", {t: Reply(data=g) for t, g in GOLD.items()}), _examples(), concurrency=1
    )
    found = disagreements({"scripted": results, "gold": perfect})
    # line 4: only "gold" answered, so there is nothing to disagree with
    assert [d.line for d in found] == [2, 3]
    b = found[0]
    assert b.fields == ["weight_unit", "rpe"]
    assert b.answers["scripted"] == {"weight_unit": "lbs", "rpe": 11}
    assert b.right == {"scripted": [], "gold": ["weight_unit", "rpe"]}
    assert disagreements({"one": perfect}) == []


def test_equal_values_written_differently_are_no_disagreement() -> None:
    """Both wrong with the same answer: 70.0 and 70, "squat" and "Squat" agree."""
    examples = _examples()[1:2]  # gold: Squat, 100 kg x 5
    one = {"b": Reply(data={"exercise_name": "squat", "weight": 30.0, "weight_unit": "kg"})}
    other = {"b": Reply(data={"exercise_name": "Squat", "weight": 30, "weight_unit": "kg"})}
    runs = {
        "one": run(Scripted("one", one), examples),
        "other": run(Scripted("other", other), examples),
    }
    assert disagreements(runs) == []
    # a different wrong value still is one
    other["b"] = Reply(data={"exercise_name": "Squat", "weight": 35, "weight_unit": "kg"})
    runs["other"] = run(Scripted("other", other), examples)
    [found] = disagreements(runs)
    assert found.fields == ["weight"]
    assert found.answers == {"one": {"weight": 30.0}, "other": {"weight": 35}}


def test_free_and_unknown_cost() -> None:
    results = run(Scripted("s", {"a": Reply(data=GOLD["a"])}), _examples()[:1])
    assert summarise("local", results).cost_label == "free"
    assert summarise("local:/models/x", results).to_dict()["cost"]["per_1000_calls_usd"] == 0.0
    unknown = summarise("openai-compatible:m@http://127.0.0.1:1/v1", results).to_dict()["cost"]
    assert unknown["label"] == "unknown" and unknown["per_1000_calls_usd"] is None
    assert summarise("s", results).to_dict()["confidence"] is None


def test_percentile_interpolates_between_ranks() -> None:
    values = [400.0, 100.0, 300.0, 200.0]
    assert percentile(values, 50) == 250.0
    assert percentile(values, 95) == pytest.approx(385.0)
    assert percentile(values, 99) == pytest.approx(397.0)
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None


def test_coverage_risk_by_hand(summary) -> None:
    s, _ = summary
    # a: confidence 0.9, core right; b: 0.6, core wrong; c and d give none; N = 4
    curve = {p["threshold"]: p for p in s.to_dict()["confidence"]["coverage_risk"]}
    assert len(curve) == 21 and curve[0.0]["accepted"] == 0.5
    assert curve[0.0]["wrong_accepted"] == 0.25  # b
    assert curve[0.6] == {"threshold": 0.6, "accepted": 0.5, "wrong_accepted": 0.25}
    assert curve[0.65] == {"threshold": 0.65, "accepted": 0.25, "wrong_accepted": 0.0}
    assert curve[0.9]["accepted"] == 0.25 and curve[0.95]["accepted"] == 0.0
