"""The hybrid router in a real server, with a fake OpenAI-compatible fallback on loopback; and a
graceful SIGTERM stop with a request in flight."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fakes.openai_server import SCENARIOS, Canned, FakeOpenAI
from test_serve import BENCH_ID, ServeProcess, assert_error

# The fallback names the exercise by alias and makes up an id: the catalogue must fix both.
ALIAS_ANSWER = (
    '{"exercise_id": "12345", "exercise_name": "flat bench", "weight": 100, '
    '"weight_unit": "kg", "reps": 5, "confidence": 0.95}'
)
UNKNOWN_ANSWER = '{"exercise_name": "Zorbulator Swings", "reps": 12, "confidence": 0.9}'
SCRIPTED = {
    **SCENARIOS,
    "alias": [Canned(content=ALIAS_ANSWER)],
    "unknown": [Canned(content=UNKNOWN_ANSWER)],
    "slow": [Canned(content=ALIAS_ANSWER, delay=1.5)],
}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(SCRIPTED) as server:
        yield server


def write_config(
    tmp: Path, fake: FakeOpenAI, *, timeout: float = 1.0, extra: str = "", top: str = ""
) -> Path:
    """A config with the fake as the fallback; `top` adds top-level keys, `extra` tables."""
    path = tmp / "serve.toml"
    path.write_text(
        f"""
fallback = "fake"
threshold = 0.70
fallback_timeout = {timeout}
{top}

[backends.fake]
uri = "openai-compatible:voice-model@{fake.base_url}"
options = {{ response_format = "json_object" }}
{extra}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def hybrid(fake: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    # The circuit breaker has its own tests: here failures must not keep the fallback out.
    config = write_config(
        tmp_path_factory.mktemp("hybrid"),
        fake,
        extra='[routes.chat]\nfallback = ""\n',
        top="breaker_failures = 1000",
    )
    with ServeProcess("--config", str(config)) as srv:
        yield srv


def parse(srv: ServeProcess, text: str) -> dict:
    resp = srv.client.post("/api/voice/parse", json={"transcript": text})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_confident_answers_stay_local(hybrid: ServeProcess, fake: FakeOpenAI) -> None:
    text = "bench press two twenty five for eight at RPE eight"
    body = parse(hybrid, text)
    assert body["model_used"] == "local" and body["confidence"] >= 0.7
    assert fake.count(text) == 0


def test_low_confidence_goes_to_the_fallback(hybrid: ServeProcess, fake: FakeOpenAI) -> None:
    body = parse(hybrid, "valid")  # no exercise: the local parser is unsure
    assert body["model_used"] == "fake"
    assert (body["exercise_id"], body["weight"], body["reps"], body["rpe"]) == (BENCH_ID, 225, 8, 8)
    assert body["confidence"] == 0.93 and body["requires_confirmation"] is False
    sent = next(r for r in fake.requests if r["body"]["messages"][-1]["content"] == "valid")
    assert sent["body"]["response_format"] == {"type": "json_object"}


def test_fallback_exercise_is_resolved_by_the_catalogue(hybrid: ServeProcess) -> None:
    body = parse(hybrid, "alias")
    assert body["model_used"] == "fake"
    assert body["exercise_id"] == BENCH_ID and body["exercise_name"] == "Barbell Bench Press"
    assert (body["weight"], body["weight_unit"]) == (100, "kg")
    unknown = parse(hybrid, "unknown")
    assert unknown["exercise_name"] == "Zorbulator Swings" and "exercise_id" not in unknown
    assert unknown["requires_confirmation"] is True


@pytest.mark.parametrize("text", ["hang", "malformed", "out-of-range", "always-503"])
def test_fallback_failure_returns_the_local_answer(hybrid: ServeProcess, text: str) -> None:
    start = time.monotonic()
    body = parse(hybrid, text)
    assert time.monotonic() - start < 5  # "hang" is cut off by the 1 s fallback timeout
    assert body["model_used"] == "local"
    assert body["requires_confirmation"] is True
    assert body["confidence"] < 0.7


def test_per_task_route_and_metrics(hybrid: ServeProcess, fake: FakeOpenAI) -> None:
    before = fake.count("valid")
    resp = hybrid.client.post(
        "/v1/chat/completions",
        json={"model": "m", "messages": [{"role": "user", "content": "valid"}]},
    )
    assert resp.status_code == 200
    assert resp.headers["x-repvoice-model-used"] == "local"  # [routes.chat] has no fallback
    assert fake.count("valid") == before
    parse(hybrid, "valid")
    parse(hybrid, "hang")
    parse(hybrid, "malformed")
    text = hybrid.client.get("/metrics").text
    assert 'repvoice_backend_used_total{backend="fake"}' in text
    assert 'repvoice_fallback_total{outcome="answered"}' in text
    assert 'repvoice_fallback_total{outcome="failed"}' in text
    assert 'repvoice_fallback_total{outcome="invalid"}' in text
    ready = hybrid.client.get("/readyz").json()
    assert ready["fallback"] == "fake"


def test_sigterm_finishes_the_request_in_flight(fake: FakeOpenAI, tmp_path: Path) -> None:
    srv = ServeProcess("--config", str(write_config(tmp_path, fake, timeout=5.0)))
    result: dict = {}

    def call() -> None:
        with httpx.Client(base_url=srv.base_url, timeout=10) as client:
            resp = client.post("/api/voice/parse", json={"transcript": "slow"})
            result["status"] = resp.status_code
            result["body"] = resp.json()

    worker = threading.Thread(target=call)
    worker.start()
    deadline = time.monotonic() + 5
    while fake.count("slow") == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake.count("slow") == 1  # the request is in flight, waiting on the fallback
    srv.proc.send_signal(signal.SIGTERM)
    worker.join(timeout=15)
    # One signal only: a second one (stop() sends it to a live process) could land while the
    # interpreter is finalising, when Python's handlers are gone, and kill it by signal.
    srv.proc.wait(timeout=20)
    code, output = srv.stop()
    assert result["status"] == 200
    assert result["body"]["model_used"] == "fake"
    assert code == 0, output
    assert "Traceback" not in output


def test_bad_input_with_a_fallback_is_still_4xx(hybrid: ServeProcess) -> None:
    resp = hybrid.client.post("/api/voice/parse", content=json.dumps({"transcript": None}))
    assert_error(resp, 422, "transcript")


def drain_once(fake: FakeOpenAI, config: Path) -> tuple[list[tuple[int, str]], int | None, int]:
    """Start a server, put a slow request in flight, SIGTERM it and probe /readyz on a kept-alive
    connection until the server closes it: (probe answers, in-flight status, exit code)."""
    srv = ServeProcess("--config", str(config))
    result: dict[str, int] = {}

    def call() -> None:
        with httpx.Client(base_url=srv.base_url, timeout=10) as client:
            resp = client.post("/api/voice/parse", json={"transcript": "slow"})
            result["status"] = resp.status_code

    before = fake.count("slow")
    worker = threading.Thread(target=call)
    worker.start()
    deadline = time.monotonic() + 5
    while fake.count("slow") == before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake.count("slow") == before + 1  # the request is in flight
    seen: list[tuple[int, str]] = []
    with httpx.Client(base_url=srv.base_url, timeout=5) as probe:
        assert probe.get("/readyz").status_code == 200  # opens the connection the probes reuse
        srv.proc.send_signal(signal.SIGTERM)
        while True:
            try:
                resp = probe.get("/readyz")
            except httpx.TransportError:  # the server stopped listening and closed idle ones
                break
            seen.append((resp.status_code, resp.json()["status"]))
    worker.join(timeout=15)
    srv.proc.wait(timeout=20)  # one signal only, as above
    code, output = srv.stop()
    assert "Traceback" not in output
    return seen, result.get("status"), code


def test_readyz_is_503_while_draining(fake: FakeOpenAI, tmp_path: Path) -> None:
    config = write_config(tmp_path, fake, timeout=5.0)
    # uvicorn closes connections at its next 0.1 s tick after the signal, so the window for a
    # probe can be shorter than one request now and then: try again rather than pass unseen.
    for _ in range(3):
        seen, status, code = drain_once(fake, config)
        assert all(answer == (503, "draining") for answer in seen), seen  # never 200 again
        assert status == 200 and code == 0  # the request in flight still finished
        if seen:
            return
    pytest.fail("no /readyz answer between SIGTERM and the server closing connections")
