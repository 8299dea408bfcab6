"""A sick fallback cannot sink the service: one deadline per call, a bound on calls in flight,
a circuit breaker that opens and closes again, unusable replies judged, and no secrets in what
the service prints or shows. Real servers: `repvoice serve` and the fake OpenAI server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.openai_server import SCENARIOS, VALID, Canned, FakeOpenAI
from repvoice.serve.fallback import CircuitBreaker
from test_serve import ServeProcess
from test_serve_router import parse, write_config

KEY = "sk-live-0123456789abcdefXYZ"
PASSWORD = "s3cret-pass"
SICK = {
    **SCENARIOS,
    "bad-key": [
        Canned(
            status=401,
            body=json.dumps(
                {"error": {"message": f"Incorrect API key provided: {KEY}.", "type": "auth"}}
            ),
        )
    ],
}
#: A transcript the local parser is unsure of (no exercise), so the fallback is asked.
UNSURE = "valid"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(SICK) as server:
        yield server


def threads(srv: ServeProcess) -> int:
    """The server process's thread count."""
    status = Path(f"/proc/{srv.proc.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads:")))


def backend_state(srv: ServeProcess, name: str = "fake") -> dict[str, Any]:
    return srv.client.get("/readyz").json()["backends"][name]


def test_unusable_replies_and_a_dripping_fallback(fake: FakeOpenAI, tmp_path: Path) -> None:
    config = write_config(tmp_path, fake, timeout=1.0, top="breaker_failures = 1000")
    with ServeProcess("--config", str(config)) as srv:
        # An integer of 5,000 digits: an invalid answer, the local one comes back ...
        body = parse(srv, "giant-int")
        assert body["model_used"] == "local" and body["requires_confirmation"] is True
        # ... and the service goes on serving from the fallback.
        assert parse(srv, UNSURE)["model_used"] == "fake"

        # Headers at once, then a byte every 0.2 s: every read succeeds, the call does not.
        start = time.monotonic()
        body = parse(srv, "drip")
        assert time.monotonic() - start < 1.0 + 0.6
        assert body["model_used"] == "local" and body["requires_confirmation"] is True
        # The worker thread gives up at the deadline too, instead of reading on for a minute.
        deadline = time.monotonic() + 3
        while backend_state(srv)["calls_in_flight"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert backend_state(srv)["calls_in_flight"] == 0

        metrics = srv.client.get("/metrics").text
        assert 'repvoice_fallback_total{outcome="invalid"} 1.0' in metrics
        assert 'repvoice_fallback_total{outcome="failed"} 1.0' in metrics
        code, output = srv.stop()
    assert code == 0
    assert "fallback fake: invalid answer: not JSON: a number too long to read" in output
    assert "fallback fake failed: no answer within 1 s" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "sickness",
    [Canned(content=VALID, drip=0.05), Canned(content=VALID, delay=30.0)],
    ids=["drip", "hang"],
)
def test_sick_fallback_under_load_then_recovery(
    fake: FakeOpenAI, tmp_path: Path, sickness: Canned
) -> None:
    config = write_config(
        tmp_path,
        fake,
        timeout=0.5,
        top="fallback_concurrency = 4\nbreaker_failures = 3\nbreaker_cooldown = 1.0",
    )
    with ServeProcess("--config", str(config)) as srv:
        assert parse(srv, UNSURE)["model_used"] == "fake"  # healthy first
        baseline = threads(srv)
        fake.override = sickness
        asked_before = sum(fake.seen.values())
        latencies: list[float] = []
        answers: list[dict[str, Any]] = []
        peak = [baseline]
        lock = threading.Lock()

        def client() -> None:
            with httpx.Client(base_url=srv.base_url, timeout=10) as c:
                for _ in range(4):
                    start = time.monotonic()
                    resp = c.post("/api/voice/parse", json={"transcript": UNSURE})
                    with lock:
                        latencies.append(time.monotonic() - start)
                        answers.append(resp.json() | {"status": resp.status_code})
                        peak[0] = max(peak[0], threads(srv))

        workers = [threading.Thread(target=client) for _ in range(16)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=60)
        assert len(answers) == 64
        assert all(a["status"] == 200 for a in answers)
        assert all(a["model_used"] == "local" and a["requires_confirmation"] for a in answers)
        assert max(latencies) < 0.5 + 1.5  # the deadline, plus a margin for 2 shared cores
        # The breaker opened after 3 failures: the fallback was asked a few times, not 64.
        assert sum(fake.seen.values()) - asked_before <= 8
        assert peak[0] <= baseline + 8  # at most 4 calls in flight: no pile of threads
        assert backend_state(srv)["circuit"] == "open"
        metrics = srv.client.get("/metrics").text
        assert 'repvoice_fallback_total{outcome="circuit_open"}' in metrics
        assert 'repvoice_backend_circuit_state{backend="fake"} 2.0' in metrics

        fake.override = None  # the fallback is back
        recovered = time.monotonic()
        while parse(srv, UNSURE)["model_used"] != "fake":
            assert time.monotonic() - recovered < 1.0 + 2.0, "fallback not used again in time"
            time.sleep(0.1)
        assert backend_state(srv)["circuit"] == "closed"
        code, output = srv.stop()
    assert code == 0
    assert "circuit open after repeated failures" in output and "circuit closed again" in output


def test_no_secrets_in_answers_probes_metrics_or_logs(fake: FakeOpenAI, tmp_path: Path) -> None:
    port = fake.base_url.rsplit(":", 1)[1].split("/")[0]
    uri = f"openai-compatible:voice-model@http://user:{PASSWORD}@127.0.0.1:{port}/v1"
    config = tmp_path / "serve.toml"
    config.write_text(f'fallback = "{uri}"\nfallback_timeout = 2.0\n', encoding="utf-8")
    srv = ServeProcess("--config", str(config), "--access-log", env={"OPENAI_API_KEY": KEY})
    with srv:
        label = "openai-compatible:voice-model"
        assert parse(srv, UNSURE)["model_used"] == label
        body = parse(srv, "bad-key")  # the provider's error text repeats the key
        assert body["model_used"] == "local" and body["requires_confirmation"] is True
        srv.client.get(f"/healthz?api_key={KEY}")
        ready = srv.client.get("/readyz")
        assert ready.json()["fallback"] == label and list(ready.json()["backends"]) == [label]
        metrics = srv.client.get("/metrics").text
        for shown in (ready.text, metrics):
            assert PASSWORD not in shown and KEY not in shown and "http" not in shown
        code, output = srv.stop()
    assert code == 0
    assert f"fallback {label} failed: HTTP 401: Incorrect API key provided: ***" in output
    assert "GET /healthz?api_key=***" in output  # the access log ran, redacted
    assert PASSWORD not in output and KEY not in output


def test_circuit_breaker_states() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failures=2, cooldown=10.0, clock=lambda: now[0])
    assert breaker.allow() and breaker.state == "closed"
    breaker.failed()
    breaker.succeeded()  # an answer in between: the count starts again
    breaker.failed()
    assert breaker.state == "closed" and breaker.allow()
    breaker.failed()
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 9.9
    assert not breaker.allow()
    now[0] = 10.0
    assert breaker.allow() and breaker.state == "half_open"  # the one probe ...
    assert not breaker.allow()  # ... and no other call while it is out
    breaker.failed()  # a failed probe opens the circuit for another cooldown
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 20.0
    assert breaker.allow()
    breaker.release()  # the probe was not sent after all: the next call probes
    assert breaker.allow()
    breaker.succeeded()
    assert breaker.state == "closed" and breaker.allow() and breaker.allow()
