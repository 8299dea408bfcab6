"""Hosted backends through LiteLLM, pointed at the local fake server with `base_url`, so the
whole LiteLLM path (request building, response parsing, errors, price map) runs for real."""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes.openai_server import OUT_OF_RANGE, VALID, FakeOpenAI
from repvoice.backends import Request, get_backend
from repvoice.backends.prompts import INFERENCE_PROMPT
from repvoice.schema import Context, strict_json_schema

if importlib.util.find_spec("litellm") is None:  # found without importing it
    pytest.skip("litellm is not installed", allow_module_level=True)

# LiteLLM's own types trip pydantic warnings when first built; they are not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as s:
        yield s


def test_openai_through_litellm(server: FakeOpenAI, tmp_path: Path) -> None:
    with get_backend(
        "openai:gpt-4o-mini",
        cache_dir=tmp_path,
        base_url=server.base_url,
        api_key="sk-test",
        timeout=5,
    ) as backend:
        ctx = Context(exercise_id="abc", weight=60, weight_unit="kg", reps=8)
        reply = backend.parse(Request("valid", context=ctx))
        assert reply.error is None, reply.error
        assert reply.data == json.loads(VALID) and reply.schema_valid
        assert (reply.tokens_in, reply.tokens_out) == (57, 38)
        # gpt-4o-mini is in LiteLLM's bundled price map
        assert reply.cost_usd is not None and 0 < reply.cost_usd < 0.001
        assert reply.confidence == 0.93

        sent = server.requests[-1]
        assert sent["path"] == "/v1/chat/completions"
        assert sent["headers"]["authorization"] == "Bearer sk-test"
        body = sent["body"]
        assert body["model"] == "gpt-4o-mini"
        assert body["temperature"] == 0
        assert body["messages"] == [
            {
                "role": "system",
                "content": INFERENCE_PROMPT + '\n\nContext: {"current_exercise_id": "abc", '
                '"last_weight": 60, "last_reps": 8, "last_weight_unit": "kg"}',
            },
            {"role": "user", "content": "valid"},
        ]
        assert body["response_format"] == {
            "type": "json_schema",
            "json_schema": {"name": "workout_set", "strict": True, "schema": strict_json_schema()},
        }

        again = backend.parse(Request("valid", context=ctx))
        assert again.cached and again.cost_usd == reply.cost_usd
        assert server.count("valid") == 1


def test_openai_fine_tuned_id_and_judging(server: FakeOpenAI, tmp_path: Path) -> None:
    model = "ft:gpt-4o-mini-2024-07-18:acme::9xYz"
    with get_backend(
        f"openai:{model}", cache_dir=tmp_path, base_url=server.base_url, api_key="sk-test"
    ) as backend:
        assert backend.uri == f"openai:{model}"
        reply = backend.parse(Request("out-of-range"))
        assert server.requests[-1]["body"]["model"] == model
        assert reply.json_valid and not reply.schema_valid
        assert reply.data == json.loads(OUT_OF_RANGE)
        assert reply.cost_usd is not None and reply.cost_usd > 0  # the ft: price

        malformed = backend.parse(Request("malformed"))
        assert malformed.error is None and not malformed.json_valid and malformed.data is None
        # a hosted model is known by its id (fine-tuned ids are unique); nothing is probed
        identity = backend.probe()
        assert identity.known and identity.label.startswith(f"model id {model}")
        assert identity.key == {"model": f"openai/{model}"}
        assert server.model_lists == 0


def test_litellm_errors_retries_and_timeouts(server: FakeOpenAI, tmp_path: Path) -> None:
    with get_backend(
        "openai:gpt-4o-mini",
        cache_dir=tmp_path,
        base_url=server.base_url,
        api_key="sk-test",
        timeout=0.5,
        retries=1,
    ) as backend:
        start = time.perf_counter()
        reply = backend.parse(Request("rate-limited"))
        assert reply.error is None and reply.schema_valid
        assert time.perf_counter() - start >= 1.0  # Retry-After: 1 honoured
        # exactly one retry: neither LiteLLM nor the OpenAI SDK retried on their own
        assert server.count("rate-limited") == 2

        reply = backend.parse(Request("bad-request"))
        assert reply.error is not None and "400" in reply.error
        assert "Invalid schema for response_format" in reply.error
        assert server.count("bad-request") == 1

        start = time.perf_counter()
        reply = backend.parse(Request("hang"))
        assert reply.error is not None and "Timeout" in reply.error
        assert server.count("hang") == 2
        assert time.perf_counter() - start < 4.0

        assert backend.parse(Request("bad-request")).error is not None
        assert server.count("bad-request") == 2  # errors are not cached


@pytest.mark.parametrize(
    ("scheme", "model", "response_format"),
    [
        ("mistral", "mistral-small-latest", {"type": "json_object"}),
        ("fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct", {"type": "json_object"}),
        ("together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", None),
    ],
)
def test_openai_style_providers(
    scheme: str,
    model: str,
    response_format: dict | None,
    server: FakeOpenAI,
    tmp_path: Path,
) -> None:
    with get_backend(
        f"{scheme}:{model}", cache_dir=tmp_path, base_url=server.base_url, api_key="k"
    ) as backend:
        reply = backend.parse(Request("valid"))
    assert reply.error is None, reply.error
    assert reply.data == json.loads(VALID)
    body = server.requests[-1]["body"]
    assert body["model"] == model
    assert body["temperature"] == 0
    assert body.get("response_format") == response_format
    assert body["messages"][1] == {"role": "user", "content": "valid"}
