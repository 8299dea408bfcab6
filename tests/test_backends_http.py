"""The openai-compatible backend against a real local HTTP server with recorded replies."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fakes.openai_server import OUT_OF_RANGE, VALID, FakeOpenAI
from repvoice.backends import Backend, Request, get_backend
from repvoice.backends.prompts import INFERENCE_PROMPT
from repvoice.schema import Context, workout_json_schema


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as s:
        yield s


@pytest.fixture
def backend(server: FakeOpenAI, tmp_path: Path) -> Iterator[Backend]:
    with get_backend(
        f"openai-compatible:tiny-llama@{server.base_url}",
        timeout=2.0,
        retries=2,
        cache_dir=tmp_path,
    ) as b:
        yield b


def test_valid_reply(backend: Backend, server: FakeOpenAI) -> None:
    reply = backend.parse(Request("valid"))
    assert reply.error is None
    assert reply.raw == VALID
    assert reply.data == json.loads(VALID)
    assert reply.json_valid and reply.schema_valid and reply.schema_error is None
    assert (reply.tokens_in, reply.tokens_out) == (57, 38)
    assert reply.cost_usd is None  # self-hosted: no price unless price_key is given
    assert reply.confidence == 0.93
    assert reply.latency_ms > 0 and not reply.cached
    assert server.count("valid") == 1


def test_request_carries_prompt_context_and_schema(backend: Backend, server: FakeOpenAI) -> None:
    ctx = Context(exercise_id="abc", weight=225, weight_unit="lbs", reps=5)
    backend.parse(Request("valid", context=ctx))
    sent = server.requests[-1]
    assert sent["path"] == "/v1/chat/completions"
    body = sent["body"]
    assert body["model"] == "tiny-llama"
    assert body["temperature"] == 0
    assert body["max_tokens"] == 500
    assert body["messages"] == [
        {
            "role": "system",
            "content": INFERENCE_PROMPT
            + '\n\nContext: {"current_exercise_id": "abc", "last_weight": 225, "last_reps": 5, '
            '"last_weight_unit": "lbs"}',
        },
        {"role": "user", "content": "valid"},
    ]
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "workout_set", "schema": workout_json_schema()},
    }
    assert "authorization" not in sent["headers"]


def test_request_system_prompt_and_options(server: FakeOpenAI, tmp_path: Path) -> None:
    with get_backend(
        f"openai-compatible:m@{server.base_url}",
        cache_dir=tmp_path,
        api_key="sk-local",
        response_format="json_object",
        max_tokens=64,
        price_key="together-ai-4.1b-8b",
    ) as b:
        reply = b.parse(Request("valid", system_prompt="Parse it."))
    body = server.requests[-1]["body"]
    assert body["messages"][0] == {"role": "system", "content": "Parse it."}
    assert body["response_format"] == {"type": "json_object"}
    assert body["max_tokens"] == 64
    assert server.requests[-1]["headers"]["authorization"] == "Bearer sk-local"
    assert reply.cost_usd is not None and reply.cost_usd > 0

    with get_backend(
        f"openai-compatible:m@{server.base_url}", cache_dir=tmp_path, response_format="none"
    ) as b:
        b.parse(Request("valid", system_prompt="Other prompt."))
    assert "response_format" not in server.requests[-1]["body"]


@pytest.mark.parametrize("text", ["malformed", "fenced", "list"])
def test_non_json_reply_with_200_counts_as_invalid_json(backend: Backend, text: str) -> None:
    reply = backend.parse(Request(text))
    assert reply.error is None
    assert reply.raw is not None
    assert reply.json_valid is False and reply.schema_valid is False
    assert reply.data is None
    assert reply.schema_error


def test_out_of_range_keeps_data(backend: Backend) -> None:
    reply = backend.parse(Request("out-of-range"))
    assert reply.error is None
    assert reply.json_valid is True and reply.schema_valid is False
    assert reply.data == json.loads(OUT_OF_RANGE)  # kept as sent, rpe 11 and all
    assert reply.schema_error is not None and reply.schema_error.startswith("rpe:")


def test_429_is_retried_after_retry_after(backend: Backend, server: FakeOpenAI) -> None:
    start = time.perf_counter()
    reply = backend.parse(Request("rate-limited"))
    elapsed = time.perf_counter() - start
    assert reply.error is None and reply.schema_valid
    assert server.count("rate-limited") == 2
    assert elapsed >= 1.0  # the server's Retry-After: 1
    assert reply.latency_ms >= 1000  # the wall time of the whole call, retries included


def test_500_is_retried(backend: Backend, server: FakeOpenAI) -> None:
    reply = backend.parse(Request("server-error"))
    assert reply.error is None and reply.data == json.loads(VALID)
    assert server.count("server-error") == 2


def test_persistent_503_becomes_an_error_after_retries(
    backend: Backend, server: FakeOpenAI
) -> None:
    reply = backend.parse(Request("always-503"))
    assert reply.error == "HTTP 503: The engine is currently overloaded. (after 3 attempts)"
    assert reply.data is None and not reply.json_valid and not reply.schema_valid
    assert server.count("always-503") == 3


def test_client_error_is_not_retried(backend: Backend, server: FakeOpenAI) -> None:
    reply = backend.parse(Request("bad-request"))
    assert reply.error == "HTTP 400: Invalid schema for response_format"
    assert server.count("bad-request") == 1
    reply = backend.parse(Request("not-a-completion"))
    assert reply.error is not None and reply.error.startswith("HTTP 200 but not a chat completion")


def test_timeout_becomes_an_error_within_bounded_time(server: FakeOpenAI, tmp_path: Path) -> None:
    with get_backend(
        f"openai-compatible:m@{server.base_url}", timeout=0.3, retries=1, cache_dir=tmp_path
    ) as b:
        start = time.perf_counter()
        reply = b.parse(Request("hang"))
        elapsed = time.perf_counter() - start
    assert reply.error == "timed out after 0.3 s (after 2 attempts)"
    assert server.count("hang") == 2
    assert 0.6 <= elapsed < 3.0


def test_unreachable_server_is_an_error(tmp_path: Path) -> None:
    with FakeOpenAI() as s:
        url = s.base_url
    with get_backend(f"openai-compatible:m@{url}", retries=1, cache_dir=tmp_path) as b:
        reply = b.parse(Request("valid"))
    assert reply.error is not None and reply.error.startswith("cannot connect to")
    assert "Connection refused" in reply.error
    with get_backend(f"openai-compatible:m@{url}", retries=1, cache=False) as b:
        reply = b.parse(Request("valid"))
    assert reply.error is not None and reply.error.startswith("connection failed")


def test_cache_hit_on_second_call(server: FakeOpenAI, tmp_path: Path) -> None:
    uri = f"openai-compatible:m@{server.base_url}"
    ctx = Context(exercise_id="abc", weight=100, weight_unit="kg", reps=5)
    with get_backend(uri, cache_dir=tmp_path) as b:
        first = b.parse(Request("valid", context=ctx))
        second = b.parse(Request("valid", context=ctx))
    assert server.count("valid") == 1
    assert not first.cached and second.cached
    assert second.latency_ms == 0.0
    assert second.data == first.data and second.raw == first.raw
    assert (second.tokens_in, second.tokens_out) == (first.tokens_in, first.tokens_out)

    # a new backend on the same directory (an interrupted run resumed) still hits
    with get_backend(uri, cache_dir=tmp_path) as b:
        assert b.parse(Request("valid", context=ctx)).cached
        # anything that changes the question misses
        assert not b.parse(Request("valid")).cached
        assert not b.parse(Request("valid", context=ctx, system_prompt="Other.")).cached
    with get_backend(uri, cache_dir=tmp_path, max_tokens=100) as b:
        assert not b.parse(Request("valid", context=ctx)).cached
    with get_backend(uri, cache_dir=tmp_path, cache=False) as b:
        assert not b.parse(Request("valid", context=ctx)).cached
    assert server.count("valid") == 5


def test_invalid_answers_are_cached_but_errors_are_not(
    backend: Backend, server: FakeOpenAI
) -> None:
    assert backend.parse(Request("malformed")).json_valid is False
    again = backend.parse(Request("malformed"))
    assert again.cached and again.json_valid is False  # an answer, judged afresh
    assert server.count("malformed") == 1

    assert backend.parse(Request("bad-request")).error is not None
    assert backend.parse(Request("bad-request")).error is not None
    assert server.count("bad-request") == 2


def test_concurrent_calls(backend: Backend, server: FakeOpenAI) -> None:
    texts = [f"set {i}" for i in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda t: backend.parse(Request(t)), texts))
    assert all(r.error is None and r.schema_valid for r in replies)
    assert sorted(r["body"]["messages"][1]["content"] for r in server.requests) == sorted(texts)
    with ThreadPoolExecutor(max_workers=8) as pool:
        again = list(pool.map(lambda t: backend.parse(Request(t)), texts))
    assert all(r.cached for r in again)
    assert len(server.requests) == len(texts)
