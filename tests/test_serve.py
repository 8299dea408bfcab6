"""`repvoice serve` as a real server in a subprocess: the voice endpoint, the OpenAI API (httpx
and the official SDK, streaming included), bad input, auth, metrics and a clean SIGTERM stop.

`ServeProcess` is shared with the other test_serve_* modules.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from repvoice.cli import app

BENCH_ID = "0379744e-d66b-5830-a327-8f0777c83c1e"
INFERENCE_PROMPT = (
    "You are a voice command parser for workout logging. "
    "Parse the voice transcript into structured exercise data."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """`repvoice serve` on a free loopback port, started as a real process."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-c", "from repvoice.cli import main; main()", "serve"]
        cmd += ["--port", str(self.port), "--shutdown-timeout", "10", *args]
        full_env = {**os.environ, **(env or {})}
        if "REPVOICE_API_KEY" not in (env or {}):
            full_env.pop("REPVOICE_API_KEY", None)
        self.proc = subprocess.Popen(
            cmd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.client = httpx.Client(base_url=self.base_url, timeout=10)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                _, err = self.proc.communicate()
                raise AssertionError(f"server exited with {self.proc.returncode}: {err}")
            try:
                if self.client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise AssertionError("server not ready in time")

    def stop(self) -> tuple[int, str]:
        """SIGTERM, then (exit code, everything it printed)."""
        self.client.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, out + err

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="module")
def server() -> Iterator[ServeProcess]:
    with ServeProcess() as srv:
        yield srv


def assert_error(resp: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    error = resp.json()["error"]
    assert set(error) == {"message", "type", "field"}
    assert error["message"]
    if field is not None:
        assert error["field"] == field
    return error


# --- the voice endpoint ------------------------------------------------------------------------


def test_voicefit_request(server: ServeProcess) -> None:
    resp = server.client.post(
        "/api/voice/parse",
        json={"transcript": "bench press two twenty five for eight at RPE eight", "user_id": "u1"},
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["exercise_id"] == BENCH_ID
    assert (body["weight"], body["weight_unit"], body["reps"], body["rpe"]) == (225, "lbs", 8, 8)
    assert body["requires_confirmation"] is (body["confidence"] < 0.85)
    assert body["model_used"] == "local"
    assert 0 <= body["latency_ms"] < 1000
    assert list(body)[:2] == ["exercise_id", "exercise_name"]


def test_workout_context_and_mobile_form(server: ServeProcess) -> None:
    ctx = {"current_exercise_id": BENCH_ID, "last_weight": 225, "last_reps": 8}
    voicefit = server.client.post(
        "/api/voice/parse", json={"transcript": "same weight for 7", "workout_context": ctx}
    ).json()
    mobile = server.client.post(
        "/api/voice/parse", json={"text": "same weight for 7", "context": ctx, "user_id": None}
    ).json()
    for body in (voicefit, mobile):
        assert (body["exercise_id"], body["weight"], body["reps"]) == (BENCH_ID, 225, 7)


# --- bad input: always a 4xx JSON error, never a 500 ------------------------------------------

BAD_VOICE: list[tuple[str, dict[str, Any], int, str | None]] = [
    ("not json", {"content": b"bench 225 for 8"}, 400, None),
    ("truncated json", {"content": b'{"transcript": "bench'}, 400, None),
    ("not utf-8", {"content": b'{"transcript": "bench \xff\xfe"}'}, 400, None),
    ("empty body", {"content": b""}, 400, None),
    ("NaN", {"content": b'{"transcript": "b", "context": {"last_weight": NaN}}'}, 400, None),
    ("array body", {"json": ["bench"]}, 422, None),
    ("number transcript", {"json": {"transcript": 225}}, 422, "transcript"),
    ("no transcript", {"json": {"user_id": "u1"}}, 422, "transcript"),
    ("empty transcript", {"json": {"transcript": ""}}, 422, "transcript"),
    ("blank transcript", {"json": {"transcript": "   "}}, 422, "transcript"),
    ("oversized transcript", {"json": {"transcript": "a" * 501}}, 422, "transcript"),
    ("control character", {"json": {"transcript": "bench\x00 225"}}, 422, "transcript"),
    ("escape character", {"json": {"text": "bench \x1b[31m225"}}, 422, "text"),
    ("lone surrogate", {"content": b'{"transcript": "bench \\ud800"}'}, 422, "transcript"),
    ("context not object", {"json": {"transcript": "x", "workout_context": "225"}}, 422,
     "workout_context"),
    ("context bad value", {"json": {"text": "x", "context": {"last_weight": -5}}}, 422, "context"),
    ("user_id number", {"json": {"transcript": "bench", "user_id": 7}}, 422, "user_id"),
    # Context values the answer would copy but cannot carry (they were 500s).
    ("context id over 64", {"json": {"transcript": "same weight for 7",
     "workout_context": {"current_exercise_id": "x" * 65, "last_weight": 225}}}, 422,
     "workout_context.current_exercise_id"),
    ("context name over 120", {"json": {"text": "same weight for 7",
     "context": {"exercise_name": "y" * 121, "weight": 225}}}, 422, "context.exercise_name"),
    ("context surrogate name", {"content": b'{"transcript": "same weight for 7", '
     b'"context": {"exercise_name": "\\ud800", "weight": 225}}'}, 422, "context.exercise_name"),
    ("context surrogate id", {"content": b'{"transcript": "same weight for 7", '
     b'"workout_context": {"exercise_id": "\\udfff"}}'}, 422, "workout_context.exercise_id"),
    ("giant integer", {"content": b'{"transcript": "bench", "context": {"last_reps": '
     + b"9" * 5000 + b"}}"}, 400, None),
    ("form content type", {"content": b'{"transcript": "bench 225 for 5"}',
     "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415, None),
    ("text content type", {"content": b'{"transcript": "bench 225 for 5"}',
     "headers": {"Content-Type": "text/plain"}}, 415, None),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "request_kw", "status", "field"), BAD_VOICE)
def test_bad_voice_input(
    server: ServeProcess, kind: str, request_kw: dict[str, Any], status: int, field: str | None
) -> None:
    resp = server.client.post("/api/voice/parse", **request_kw)
    assert_error(resp, status, field)


def test_body_over_64_kb_is_413(server: ServeProcess) -> None:
    big = json.dumps({"transcript": "bench", "pad": "x" * 70_000}).encode()
    assert_error(server.client.post("/api/voice/parse", content=big), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
        yield b'{"transcript": "bench", "pad": "'
        for _ in range(20):
            yield b"x" * 4096
        yield b'"}'

    assert_error(server.client.post("/api/voice/parse", content=chunks()), 413)


BAD_CHAT: list[tuple[str, Any, str | None]] = [
    ("no messages", {"model": "m"}, "messages"),
    ("empty messages", {"model": "m", "messages": []}, "messages"),
    ("message not object", {"model": "m", "messages": ["hi"]}, "messages[0]"),
    ("no user turn", {"model": "m", "messages": [{"role": "system", "content": "x"}]}, "messages"),
    ("content number", {"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
    ("model number", {"model": 4, "messages": [{"role": "user", "content": "bench"}]}, "model"),
    ("stream string", {"stream": "yes", "messages": [{"role": "user", "content": "b"}]}, "stream"),
    ("n of 2", {"n": 2, "messages": [{"role": "user", "content": "bench"}]}, "n"),
    ("bad format", {"response_format": {"type": "xml"}, "messages": [{"role": "user",
     "content": "bench"}]}, "response_format"),
    ("bad context", {"messages": [{"role": "system", "content": "p\n\nContext: [1"},
     {"role": "user", "content": "bench"}]}, "messages[0].content"),
    ("long user turn", {"messages": [{"role": "user", "content": "b" * 600}]},
     "messages[0].content"),
    ("context id over 64", {"messages": [{"role": "system", "content": "p\n\nContext: "
     + json.dumps({"exercise_id": "x" * 65, "weight": 225})},
     {"role": "user", "content": "same weight for 7"}]}, "messages[0].content"),
    ("context name over 120", {"messages": [{"role": "system", "content": "p\n\nContext: "
     + json.dumps({"exercise_name": "y" * 121})},
     {"role": "user", "content": "same weight for 7"}]}, "messages[0].content"),
    ("context surrogate", {"messages": [{"role": "system", "content": "p\n\nContext: "
     '{"exercise_name": "\\ud800", "weight": 225}'},
     {"role": "user", "content": "same weight for 7"}]}, "messages[0].content"),
    ("context giant integer", {"messages": [{"role": "system", "content": "p\n\nContext: "
     '{"weight": ' + "9" * 5000 + "}"}, {"role": "user", "content": "same weight for 7"}]},
     "messages[0].content"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "body", "field"), BAD_CHAT)
def test_bad_chat_input(server: ServeProcess, kind: str, body: Any, field: str | None) -> None:
    assert_error(server.client.post("/v1/chat/completions", json=body), 422, field)


def test_json_content_types_are_accepted(server: ServeProcess) -> None:
    body = b'{"transcript": "bench 225 for 5"}'
    for kind in ("application/json", "application/json; charset=utf-8", "Application/JSON"):
        resp = server.client.post("/api/voice/parse", content=body, headers={"Content-Type": kind})
        assert resp.status_code == 200, (kind, resp.text)
    chat = json.dumps({"messages": [{"role": "user", "content": "bench 225 for 5"}]})
    resp = server.client.post(
        "/v1/chat/completions", content=chat, headers={"Content-Type": "text/plain"}
    )
    assert_error(resp, 415)


def test_required_list_of_non_names_is_ignored(server: ServeProcess) -> None:
    fmt = {
        "type": "json_schema",
        "json_schema": {
            "schema": {
                "properties": {"reps": {}, "rpe": {}},
                "required": [["reps"], {"a": 1}, "rpe"],
            }
        },
    }
    body = {"messages": [{"role": "user", "content": "bench 225 for 5"}], "response_format": fmt}
    resp = server.client.post("/v1/chat/completions", json=body)
    assert resp.status_code == 200, resp.text
    assert json.loads(resp.json()["choices"][0]["message"]["content"]) == {"reps": 5, "rpe": None}


def test_context_exercise_not_in_the_catalogue_needs_confirmation(server: ServeProcess) -> None:
    ctx = {"exercise_id": "my-own-123", "exercise_name": "Zorbulator Press", "weight": 100,
           "weight_unit": "kg", "reps": 5}  # fmt: skip
    body = server.client.post(
        "/api/voice/parse", json={"transcript": "same weight for 7", "context": ctx}
    ).json()
    assert (body["exercise_name"], body["weight"], body["reps"]) == ("Zorbulator Press", 100, 7)
    assert body["requires_confirmation"] is True
    known = {"current_exercise_id": BENCH_ID, "last_weight": 225, "last_reps": 8}
    body = server.client.post(
        "/api/voice/parse", json={"transcript": "same weight for 7", "workout_context": known}
    ).json()
    assert body["exercise_id"] == BENCH_ID


def test_unknown_path_and_method(server: ServeProcess) -> None:
    assert_error(server.client.get("/nope"), 404)
    assert_error(server.client.get("/api/voice/parse"), 405)


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(
                        ["transcript", "text", "context", "workout_context", "user_id"]
                    ),
                    inner,
                    max_size=4,
                )
            ),
            max_leaves=8,
        ).map(lambda v: json.dumps(v).encode()),
    ),
    path=st.sampled_from(["/api/voice/parse", "/v1/chat/completions"]),
)
def test_arbitrary_bodies_never_500(server: ServeProcess, body: bytes, path: str) -> None:
    resp = server.client.post(path, content=body)
    assert resp.status_code < 500, resp.text
    assert "error" in resp.json() or resp.status_code == 200


# --- the OpenAI API ---------------------------------------------------------------------------


def test_openai_sdk_matches_the_fine_tuned_model(server: ServeProcess) -> None:
    client = openai.OpenAI(base_url=f"{server.base_url}/v1", api_key="unused", max_retries=0)
    context = {"current_exercise_id": BENCH_ID, "last_weight": 225, "last_reps": 8}
    messages: Any = [
        {"role": "system", "content": f"{INFERENCE_PROMPT}\n\nContext: {json.dumps(context)}"},
        {"role": "user", "content": "same weight for 7"},
    ]
    done = client.chat.completions.create(
        model="ft:gpt-4o-mini-2024-07-18:personal:voice-fit-complete-v1:CYENuc9G",
        messages=messages,
        temperature=0.1,
        max_tokens=500,
    )
    content = done.choices[0].message.content
    assert content is not None
    answer = json.loads(content)
    assert (answer["exercise_id"], answer["weight"], answer["reps"]) == (BENCH_ID, 225, 7)
    assert "requires_confirmation" not in answer  # exactly the fine-tuned model's fields
    assert content.startswith('{"exercise_id": ') and ", " in content  # compact, as trained
    assert done.choices[0].finish_reason == "stop"
    assert done.usage is not None and done.usage.completion_tokens > 0
    assert done.model.startswith("ft:gpt-4o-mini")

    streamed = client.chat.completions.create(
        model="repvoice",
        messages=messages,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(streamed)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == content
    assert chunks[0].choices[0].delta.role == "assistant"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop" and finishes.count("stop") == 1
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0

    assert "repvoice" in [m.id for m in client.models.list()]


def test_response_format_json_schema(server: ServeProcess) -> None:
    client = openai.OpenAI(base_url=f"{server.base_url}/v1", api_key="unused", max_retries=0)
    schema = {
        "type": "object",
        "properties": {
            "exercise_name": {"type": ["string", "null"]},
            "weight": {"type": ["number", "null"]},
            "reps": {"type": ["integer", "null"]},
            "rpe": {"type": ["number", "null"]},
            "confidence": {"type": "number"},
        },
        "required": ["exercise_name", "weight", "reps", "rpe", "confidence"],
        "additionalProperties": False,
    }
    done = client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "pull ups for 12"}],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "workout_set", "strict": True, "schema": schema},
        },
    )
    answer = json.loads(done.choices[0].message.content or "")
    assert list(answer) == ["exercise_name", "weight", "reps", "rpe", "confidence"]
    assert answer["reps"] == 12 and answer["rpe"] is None

    obj = client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "squat 100 kilos for 5"}],
        response_format={"type": "json_object"},
    )
    assert json.loads(obj.choices[0].message.content or "")["weight_unit"] == "kg"


def test_raw_sse_stream(server: ServeProcess) -> None:
    body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "bench 225x5"}]}
    with server.client.stream("POST", "/v1/chat/completions", json=body) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in resp.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"
    events = [json.loads(line[6:]) for line in lines[:-1]]
    assert {e["object"] for e in events} == {"chat.completion.chunk"}
    assert len({e["id"] for e in events}) == 1
    assert events[0]["choices"][0]["delta"]["role"] == "assistant"
    assert events[-1]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    content = "".join(e["choices"][0]["delta"].get("content") or "" for e in events)
    assert json.loads(content)["weight"] == 225


# --- probes, metrics, docs ----------------------------------------------------------------------


def test_probes_metrics_and_docs(server: ServeProcess) -> None:
    assert server.client.get("/healthz").json() == {"status": "ok"}
    ready = server.client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["threshold"] == 0.7
    server.client.post("/api/voice/parse", json={"transcript": "deadlift 405 for 3"})
    server.client.post("/api/voice/parse", json={"transcript": ""})
    metrics = server.client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'repvoice_requests_total{endpoint="/api/voice/parse",status="200"}' in text
    assert 'repvoice_requests_total{endpoint="/api/voice/parse",status="422"}' in text
    assert 'repvoice_backend_used_total{backend="local"}' in text
    assert "repvoice_confidence_bucket" in text
    assert 'repvoice_request_duration_seconds_bucket{endpoint="/api/voice/parse"' in text
    spec = server.client.get("/openapi.json").json()
    voice = spec["paths"]["/api/voice/parse"]["post"]
    assert voice["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/VoiceParseRequest"
    )
    assert spec["components"]["schemas"]["VoiceParseRequest"]["examples"]
    assert "/v1/chat/completions" in spec["paths"]
    assert server.client.get("/docs").status_code == 200


def request_count(metrics: str, endpoint: str, status: str) -> float:
    """The value of `repvoice_requests_total` for one endpoint and status (0 when absent)."""
    labels = f'endpoint="{re.escape(endpoint)}",status="{status}"'
    pattern = rf"^repvoice_requests_total{{{labels}}} (\S+)$"
    match = re.search(pattern, metrics, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_metrics_sum_all_workers() -> None:
    with ServeProcess("--workers", "2") as srv:
        for i in range(40):
            # A new connection each time, so both workers take requests.
            resp = httpx.post(
                f"{srv.base_url}/api/voice/parse", json={"transcript": f"bench 225 for {i % 9 + 1}"}
            )
            assert resp.status_code == 200
        for _ in range(4):  # every scrape sees every worker's requests, whoever answers it
            text = httpx.get(f"{srv.base_url}/metrics").text
            assert request_count(text, "/api/voice/parse", "200") == 40
            assert 'repvoice_backend_used_total{backend="local"} 40.0' in text
        shared = metrics_dir(srv)
        assert any(name.endswith(".db") for name in os.listdir(shared))
        code, output = srv.stop()
    assert code == 0, output
    assert not os.path.exists(shared)  # removed on exit


def metrics_dir(srv: ServeProcess) -> str:
    """The multiprocess metrics directory of a running `repvoice serve --workers N` (from a
    worker's environment: the parent's /proc environ shows only what it started with)."""
    pid = srv.proc.pid
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        for entry in Path(f"/proc/{child}/environ").read_bytes().split(b"\0"):
            if entry.startswith(b"PROMETHEUS_MULTIPROC_DIR="):
                return entry.partition(b"=")[2].decode()
    raise AssertionError("no PROMETHEUS_MULTIPROC_DIR in the server's environment")


# --- auth ---------------------------------------------------------------------------------------

KEY = "sk-test-3f9a1c2e7b"


def test_bearer_auth() -> None:
    with ServeProcess("--access-log", env={"REPVOICE_API_KEY": KEY}) as srv:
        c = srv.client
        body = {"transcript": "bench 225 for 8"}
        assert_error(c.post("/api/voice/parse", json=body), 401)
        wrong = {"Authorization": "Bearer sk-test-wrong"}
        assert_error(c.post("/api/voice/parse", json=body, headers=wrong), 401)
        assert_error(c.get("/metrics"), 401)
        right = {"Authorization": f"Bearer {KEY}"}
        assert c.post("/api/voice/parse", json=body, headers=right).status_code == 200
        assert c.get("/healthz").status_code == 200  # probes stay open
        sdk = openai.OpenAI(base_url=f"{srv.base_url}/v1", api_key=KEY, max_retries=0)
        assert (
            sdk.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "bench 225 for 8"}]
            )
            .choices[0]
            .message.content
        )
        bad = openai.OpenAI(base_url=f"{srv.base_url}/v1", api_key="nope", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            bad.models.list()
        # Two Authorization headers: neither wins, whichever order (the right key included).
        for pair in ([f"Bearer {KEY}", "Bearer sk-test-wrong"], ["Bearer x", f"Bearer {KEY}"]):
            two = httpx.Headers([("Authorization", value) for value in pair])
            error = assert_error(c.post("/api/voice/parse", json=body, headers=two), 400)
            assert "one Authorization header" in error["message"]
        code, err = srv.stop()
    assert code == 0
    assert "POST /api/voice/parse" in err  # the access log ran ...
    assert KEY not in err  # ... and never showed the key


# --- the command line ---------------------------------------------------------------------------


def test_cli_help_and_bad_config(tmp_path: Path) -> None:
    runner = CliRunner()
    help_out = runner.invoke(app, ["serve", "--help"])
    assert help_out.exit_code == 0 and "Example: repvoice serve" in help_out.output
    bad = tmp_path / "serve.toml"
    bad.write_text('threshold = 2\nfallback = "x"\n')
    result = runner.invoke(app, ["serve", "--config", str(bad)])
    assert result.exit_code == 2
    assert "serve.toml" in result.output and "threshold" in result.output
    bad.write_text('fallback = "nonsense:thing"\n')
    result = runner.invoke(app, ["serve", "--config", str(bad)])
    assert result.exit_code == 2 and "unknown backend" in result.output
    result = runner.invoke(app, ["serve", "--config", str(tmp_path / "missing.toml")])
    assert result.exit_code == 2 and "no such config file" in result.output
    bad.write_text(
        'fallback = "nonsense:m@http://user:pa55word@127.0.0.1:9/v1?key=sk-abc123456789"\n'
    )
    result = runner.invoke(app, ["serve", "--config", str(bad)])
    assert result.exit_code == 2 and "unknown backend" in result.output
    assert "pa55word" not in result.output and "sk-abc123456789" not in result.output


def test_two_authorization_headers_without_a_key(server: ServeProcess) -> None:
    two = httpx.Headers([("Authorization", "Bearer a"), ("Authorization", "Bearer b")])
    assert_error(server.client.get("/metrics", headers=two), 400)


# --- slow clients -------------------------------------------------------------------------------


def slow_client(port: int, parts: list[bytes], pause: float) -> tuple[float, bytes]:
    """Send `parts` `pause` seconds apart on one raw connection, then read until the server
    closes it: (seconds until closed, what the server sent)."""
    start = time.monotonic()
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            for part in parts:
                sock.sendall(part)
                time.sleep(pause)
            while chunk := sock.recv(4096):
                received += chunk
        except OSError:  # the server closed the connection while we were still sending
            pass
    return time.monotonic() - start, received


def test_slow_clients_are_cut_off() -> None:
    head = b"POST /api/voice/parse HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    cases = {
        "silent": [],
        # One byte at a time: headers that never end, then a body that never ends.
        "headers": [bytes([b]) for b in head] * 3,
        "body": [head + b"Content-Length: 40\r\n\r\n", *[b"x"] * 40],
    }
    with ServeProcess("--read-timeout", "1") as srv:
        results: dict[str, tuple[float, bytes]] = {}

        def run(name: str) -> None:
            results[name] = slow_client(srv.port, cases[name], 0.1)

        clients = [threading.Thread(target=run, args=(name,)) for name in cases for _ in range(3)]
        for t in clients:
            t.start()
        for t in clients:
            t.join(timeout=15)
        for name, (seconds, received) in results.items():
            assert 0.9 < seconds < 3.0, (name, seconds)
            if received:  # a client still sending may miss the answer before the close
                assert received.startswith(b"HTTP/1.1 408 "), (name, received[:80])
                assert b'"type": "request_timeout"' in received
        assert results["silent"][1].startswith(b"HTTP/1.1 408 ")
        # A client that sends its request in time is served as usual.
        assert (
            srv.client.post("/api/voice/parse", json={"transcript": "bench 5x5"}).status_code == 200
        )


# --- docs offline, and serve without its extra -------------------------------------------------


def test_docs_page_uses_only_its_own_assets(server: ServeProcess) -> None:
    html = server.client.get("/docs").text
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html) + re.findall(
        r"""url: ?'([^']+)'""", html
    )
    assert "/docs/assets/swagger-ui-bundle.js" in urls and "/docs/assets/swagger-ui.css" in urls
    for url in urls:
        assert url.startswith("/"), f"{url} is not served by the app"
        resp = server.client.get(url)
        assert resp.status_code == 200 and resp.content, url
    assert "cdn" not in html.lower()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install chromium)")
def test_docs_page_renders_offline(server: ServeProcess, tmp_path: Path) -> None:
    """Chromium with networking off reads the rendered page: Swagger UI drew the operations."""
    assert CHROMIUM is not None
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
        "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",  # nothing else reachable
        "--virtual-time-budget=10000", "--dump-dom", f"{server.base_url}/docs",
    ]  # fmt: skip
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    assert 'class="swagger-ui' in dom
    assert "/api/voice/parse" in dom and "/v1/chat/completions" in dom
    assert "Failed to load API definition" not in dom


BLOCK_FASTAPI = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("fastapi", "uvicorn"):
            raise ImportError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Block())
from repvoice.cli import main
main()
"""


def test_serve_without_the_extra_prints_the_install_hint() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_FASTAPI, "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "pip install 'repvoice[serve]'" in lines[0], done.stderr
