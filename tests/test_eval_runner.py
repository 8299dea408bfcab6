"""The evaluation runner: reading test files, order, concurrency, failures, interrupts."""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path
from typing import Any, Self

import pytest

from conftest import chat
from repvoice.backends import Backend, Reply, Request, get_backend
from repvoice.evaluate.metrics import FIELDS
from repvoice.evaluate.runner import EvalExample, read_test_file, run

ANSWER = {"exercise_name": "Barbell Bench Press", "weight": 225, "weight_unit": "lbs", "reps": 8}


class Echo(Backend):
    """A test double of the Backend interface: answers the transcript's number as reps after a
    random pause, recording how many calls overlap."""

    schemes = ("echo",)

    def __init__(self, *, fail_on: str | None = None, interrupt_on: str | None = None) -> None:
        self.uri = "echo"
        self.fail_on, self.interrupt_on = fail_on, interrupt_on
        self.active = self.peak = self.calls = 0
        self.lock = threading.Lock()

    @classmethod
    def from_uri(cls, scheme: str, target: str | None, **kw: Any) -> Self:  # type: ignore[override]
        raise NotImplementedError

    def parse(self, request: Request) -> Reply:
        with self.lock:
            self.active += 1
            self.calls += 1
            self.peak = max(self.peak, self.active)
        try:
            time.sleep(random.uniform(0.001, 0.01))
            if request.text == self.fail_on:
                raise RuntimeError("backend bug")
            if request.text == self.interrupt_on:
                raise KeyboardInterrupt
            return Reply(data={"reps": int(request.text)}, latency_ms=1.0)
        finally:
            with self.lock:
                self.active -= 1


def _examples(n: int) -> list[EvalExample]:
    return [
        EvalExample(i + 1, str(i), None, {**dict.fromkeys(FIELDS), "reps": i}) for i in range(n)
    ]


def test_results_come_back_in_input_order_within_the_concurrency_limit() -> None:
    backend = Echo()
    seen: list[tuple[int, int]] = []
    results = run(backend, _examples(60), concurrency=5, progress=lambda d, t: seen.append((d, t)))
    assert [r.line for r in results] == list(range(1, 61))
    assert [r.reply.data for r in results] == [{"reps": i} for i in range(60)]
    assert all(r.verdicts["reps"] for r in results)
    assert 1 < backend.peak <= 5
    assert seen == [(d, 60) for d in range(1, 61)]


def test_concurrency_one_is_sequential() -> None:
    backend = Echo()
    run(backend, _examples(10), concurrency=1)
    assert backend.peak == 1
    with pytest.raises(ValueError, match="concurrency"):
        run(backend, _examples(1), concurrency=0)


def test_a_backend_exception_becomes_a_failed_reply() -> None:
    results = run(Echo(fail_on="3"), _examples(6))
    failed = results[3].reply
    assert failed.error == "RuntimeError: backend bug"
    assert failed.data is None and not failed.json_valid and not failed.schema_valid
    # no answer, so nothing is judged (not the empty answer, which null = null would reward)
    assert set(results[3].verdicts.values()) == {None}
    assert [r.reply.error for r in results].count(None) == 5


def test_a_run_stops_after_failures_in_a_row() -> None:
    class Dead(Echo):
        def parse(self, request: Request) -> Reply:
            with self.lock:
                self.calls += 1
            return Reply.failed("connection failed: [Errno 111] Connection refused")

    backend = Dead()
    results = run(backend, _examples(200), concurrency=4, max_failures=5)
    assert len(results) == 200  # one result per example, in order
    # 5 failures stop it; at most the window of 2 × concurrency was already submitted
    assert 5 <= backend.calls <= 8
    asked = [r for r in results if r.reply.error_kind == "call"]
    skipped = [r for r in results if r.reply.error_kind == "not_asked"]
    assert len(asked) == backend.calls and len(skipped) == 200 - backend.calls
    assert skipped[0].reply.error.startswith("not asked: the run stopped after 5 calls in a row")
    assert "Connection refused" in skipped[0].reply.error
    assert all(set(r.verdicts.values()) == {None} for r in results)

    # failures that are not in a row do not stop a run
    results = run(Echo(fail_on="3"), _examples(30), concurrency=1, max_failures=1 + 1)
    assert [r.reply.error_kind for r in results].count("not_asked") == 0
    with pytest.raises(ValueError, match="max_failures"):
        run(Echo(), _examples(1), max_failures=0)


def test_interrupt_stops_the_run_and_cancels_the_rest() -> None:
    backend = Echo(interrupt_on="5")
    with pytest.raises(KeyboardInterrupt):
        run(backend, _examples(500), concurrency=2)
    time.sleep(0.05)  # let the calls in flight finish
    assert backend.calls < 20


def test_read_test_file_splits_prompt_context_and_gold(write_jsonl) -> None:
    ctx = {"exercise_name": "Barbell Bench Press", "weight": 225, "weight_unit": "lbs", "reps": 8}
    follow = chat("same again for 6", {**ANSWER, "reps": 6, "confidence": 0.9})
    follow["messages"][0]["content"] += "\n\nContext: " + json.dumps(ctx)
    path = write_jsonl(
        [
            chat("bench 225 for 8", {**ANSWER, "confidence": 0.9}),
            follow,
            "{broken",
            {"nope": 1},
            chat("squat", '{"reps": "many"}'),
            chat("   ", {**ANSWER, "confidence": 0.9}),
            chat("no system", {**ANSWER, "confidence": 0.9}, system=None),
        ]
    )
    ts = read_test_file(path)
    assert [e.line for e in ts.examples] == [1, 2, 7]
    first, second, third = ts.examples
    assert first.system_prompt == second.system_prompt
    assert not first.system_prompt.endswith("}") and "Context" not in second.system_prompt
    assert first.context is None and second.context is not None
    assert second.context.weight == 225 and second.gold["reps"] == 6
    assert third.system_prompt is None
    assert [n for n, _ in ts.skipped] == [3, 4, 5, 6]
    assert ts.skipped[1] == (4, "not a chat record")
    assert ts.skipped[2] == (5, "answer is not a valid workout-set JSON")
    assert ts.skipped[3] == (6, "no user text")
    assert ts.skipped[0][1].startswith("unreadable line")
    assert [e.line for e in read_test_file(path, limit=2).examples] == [1, 2]


def test_local_backend_on_the_bundled_split(tmp_path: Path) -> None:
    from repvoice.data.bundled import default_test_path

    examples = read_test_file(default_test_path(), limit=30).examples
    with get_backend("local") as backend:
        results = run(backend, examples, concurrency=3)
    assert [r.text for r in results] == [e.text for e in examples]
    assert sum(bool(r.verdicts["core"]) for r in results) >= 27
    assert all(r.reply.confidence is not None for r in results)
