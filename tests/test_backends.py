"""Backends: registry and URI forms, the local parser backend, prompts, judging, retries, cache."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from repvoice.backends import (
    Backend,
    BackendError,
    Reply,
    Request,
    backend_names,
    get_backend,
    register,
)
from repvoice.backends.answers import judge
from repvoice.backends.cache import CachedReply, ReplyCache, cache_key, default_cache_dir
from repvoice.backends.openai_compatible import parse_target
from repvoice.backends.prompts import INFERENCE_PROMPT, build_messages, workout_context
from repvoice.backends.registry import split_uri
from repvoice.backends.retry import Permanent, RetryPolicy, Transient, retry_after_seconds
from repvoice.parser.model import Parser
from repvoice.schema import Context

# --- registry and URIs ----------------------------------------------------------------------


def test_every_scheme_is_registered() -> None:
    assert backend_names() == [
        "anthropic",
        "fireworks",
        "gemini",
        "local",
        "mistral",
        "openai",
        "openai-compatible",
        "together",
    ]


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("local", ("local", None)),
        ("local:/models/a", ("local", "/models/a")),
        ("openai:gpt-4o-mini", ("openai", "gpt-4o-mini")),
        (
            "openai:ft:gpt-4o-mini-2024-07-18:acme::9xYz",
            ("openai", "ft:gpt-4o-mini-2024-07-18:acme::9xYz"),
        ),
        ("Anthropic:claude-3-5-haiku-latest", ("anthropic", "claude-3-5-haiku-latest")),
        (
            "together:meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
            ("together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"),
        ),
        (
            "openai-compatible:m@http://127.0.0.1:8000/v1",
            ("openai-compatible", "m@http://127.0.0.1:8000/v1"),
        ),
        (" gemini:gemini-2.5-flash ", ("gemini", "gemini-2.5-flash")),
    ],
)
def test_split_uri(uri: str, expected: tuple[str, str | None]) -> None:
    assert split_uri(uri) == expected


def test_openai_compatible_target() -> None:
    assert parse_target("qwen2.5:7b@http://localhost:11434/v1/") == (
        "qwen2.5:7b",
        "http://localhost:11434/v1",
    )
    assert parse_target("org/model@v2@https://h.example/v1") == (
        "org/model@v2",
        "https://h.example/v1",
    )
    for bad in (None, "", "model", "model@", "@http://h/v1", "model@ftp://h"):
        with pytest.raises(BackendError, match="model and a base URL"):
            parse_target(bad)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("nope:model", "unknown backend 'nope'.*known: anthropic, fireworks"),
        (":model", "no backend scheme"),
        ("openai", "openai needs a model: openai:MODEL"),
        ("mistral:", "mistral needs a model"),
        ("openai-compatible:model-only", "needs a model and a base URL"),
        ("local:/no/such/model/dir", "not a model directory"),
    ],
)
def test_bad_uris_fail_clearly(uri: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=message):
        get_backend(uri, cache_dir=tmp_path)


@pytest.mark.parametrize(
    ("scheme", "variables"),
    [
        ("openai", "OPENAI_API_KEY"),
        ("anthropic", "ANTHROPIC_API_KEY"),
        ("gemini", "GEMINI_API_KEY or GOOGLE_API_KEY"),
        ("mistral", "MISTRAL_API_KEY"),
        ("together", "TOGETHER_API_KEY or TOGETHERAI_API_KEY"),
        ("fireworks", "FIREWORKS_API_KEY or FIREWORKS_AI_API_KEY"),
    ],
)
def test_missing_key_names_the_variable(
    scheme: str, variables: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in variables.split(" or "):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(BackendError, match=f"set {variables}"):
        get_backend(f"{scheme}:some-model", cache_dir=tmp_path)


def test_bad_options_fail_clearly(tmp_path: Path) -> None:
    url = "openai-compatible:m@http://127.0.0.1:9/v1"
    with pytest.raises(BackendError, match=r"unknown option.*: colour"):
        get_backend(url, cache_dir=tmp_path, colour="red")
    with pytest.raises(BackendError, match="response_format must be one of"):
        get_backend(url, cache_dir=tmp_path, response_format="yaml")
    with pytest.raises(BackendError, match="max_tokens must be int"):
        get_backend(url, cache_dir=tmp_path, max_tokens="many")
    with pytest.raises(BackendError, match="timeout must be positive"):
        get_backend(url, cache_dir=tmp_path, timeout=0)
    with pytest.raises(BackendError, match="unknown option"):
        get_backend("local", tmp=1)
    get_backend("local", cache=False).close()  # every backend takes `cache`


def test_register_a_third_party_backend(tmp_path: Path) -> None:
    @register
    class Echo(Backend):
        schemes = ("echo-test",)

        def __init__(self, uri: str) -> None:
            self.uri = uri

        @classmethod
        def from_uri(cls, scheme, target, *, timeout, retries, cache_dir, options):  # type: ignore[override]
            return cls(f"{scheme}:{target}")

        def parse(self, request: Request) -> Reply:
            return Reply(data={"exercise_name": request.text, "confidence": 1.0})

    assert "echo-test" in backend_names()
    with get_backend("echo-test:x", cache_dir=tmp_path) as backend:
        assert backend.uri == "echo-test:x"
        assert backend.parse(Request("Squat")).data == {"exercise_name": "Squat", "confidence": 1.0}


# --- local ----------------------------------------------------------------------------------


def test_local_backend_end_to_end() -> None:
    backend = get_backend("local")
    assert backend.uri == "local"
    reply = backend.parse(Request("bench press two twenty five for eight at RPE eight"))
    assert reply.error is None
    assert reply.data is not None
    assert reply.data["exercise_name"] == "Barbell Bench Press"
    assert reply.data["weight"] == 225
    assert reply.data["reps"] == 8
    # nulls dropped, no ParseResult extras
    assert None not in reply.data.values()
    assert not {"requires_confirmation", "alternatives", "error"} & reply.data.keys()
    assert reply.confidence == reply.data["confidence"]
    assert 0 <= reply.confidence <= 1
    assert reply.json_valid and reply.schema_valid
    assert reply.cost_usd == 0.0 and reply.tokens_in is None and not reply.cached
    assert reply.latency_ms > 0


def test_local_backend_uses_context_and_model_dir(tmp_path: Path) -> None:
    model_dir = Parser.load().save(tmp_path / "model")
    backend = get_backend(f"local:{model_dir}")
    assert backend.uri == f"local:{model_dir}"
    ctx = Context(exercise_name="Barbell Back Squat", weight=315, weight_unit="lbs", reps=5)
    reply = backend.parse(Request("same weight for six", context=ctx))
    assert reply.data is not None
    assert reply.data["weight"] == 315 and reply.data["reps"] == 6


def test_local_backend_is_thread_safe() -> None:
    backend = get_backend("local")
    texts = ["squat 315 for 5", "bench 225 for 8", "deadlift 405 for 3", "curls 30 for 12"] * 10
    expected = [backend.parse(Request(t)).data for t in texts]
    results: list[dict | None] = [None] * len(texts)

    def work(i: int) -> None:
        results[i] = backend.parse(Request(texts[i])).data

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


# --- prompts --------------------------------------------------------------------------------


def test_messages_without_context_are_prompt_and_text() -> None:
    assert build_messages("bench 225 for 8", None, INFERENCE_PROMPT) == [
        {"role": "system", "content": INFERENCE_PROMPT},
        {"role": "user", "content": "bench 225 for 8"},
    ]
    assert build_messages("x", Context(), "P")[0]["content"] == "P"


def test_context_in_voicefit_form() -> None:
    ctx = Context.model_validate(
        {"current_exercise_id": "abc", "last_weight": 225.0, "last_reps": 5, "last_rpe": 8.5}
    )
    assert workout_context(ctx) == {
        "current_exercise_id": "abc",
        "last_weight": 225,
        "last_reps": 5,
        "last_rpe": 8.5,
    }
    only_name = Context(exercise_name="Leg Press")
    assert workout_context(only_name) == {
        "current_exercise_id": None,
        "last_weight": None,
        "last_reps": None,
        "current_exercise": "Leg Press",
    }
    system = build_messages("same for 6", ctx, "P")[0]["content"]
    assert system == 'P\n\nContext: {"current_exercise_id": "abc", "last_weight": 225, ' + (
        '"last_reps": 5, "last_rpe": 8.5}'
    )


# --- judging replies ------------------------------------------------------------------------


def test_judge_valid_and_invalid_replies() -> None:
    good = judge(' {"exercise_name": "Squat", "reps": 5, "confidence": 0.9}\n')
    assert good.json_valid and good.schema_valid and good.schema_error is None
    assert good.confidence == 0.9

    fenced = judge('```json\n{"exercise_name": "Squat", "confidence": 0.9}\n```')
    assert not fenced.json_valid and fenced.data is None
    assert fenced.schema_error.startswith("not JSON")

    listed = judge('[{"confidence": 1}]')
    assert not listed.json_valid and listed.schema_error == "not a JSON object: list"

    assert judge("").schema_error == "empty reply"
    assert judge(None).json_valid is False

    bad = judge('{"exercise_name": "Squat", "rpe": 11, "reps": "five", "colour": 1}')
    assert bad.json_valid and not bad.schema_valid
    assert bad.data == {"exercise_name": "Squat", "rpe": 11, "reps": "five", "colour": 1}
    assert "rpe:" in bad.schema_error and "reps:" in bad.schema_error
    assert "confidence: Field required" in bad.schema_error
    assert "colour: unknown field" in bad.schema_error
    assert bad.confidence is None
    assert judge('{"confidence": 7}').confidence == 7.0  # reported as given, judged invalid


# --- retries --------------------------------------------------------------------------------


def test_retry_after_forms() -> None:
    assert retry_after_seconds({"Retry-After": "2"}) == 2.0
    assert retry_after_seconds({"retry-after-ms": "250", "Retry-After": "9"}) == 0.25
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds(None) is None


def test_retry_policy_backs_off_and_gives_up() -> None:
    waits: list[float] = []
    calls = 0

    def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise Transient("HTTP 503")
        return "ok"

    policy = RetryPolicy(retries=3, base_delay=1.0, max_delay=3.0)
    assert policy.call(flaky, sleep=waits.append) == "ok"
    assert calls == 3
    assert 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0

    def always() -> str:
        raise Transient("HTTP 500", retry_after=0.5)

    waits.clear()
    with pytest.raises(Transient, match=r"HTTP 500 \(after 3 attempts\)"):
        RetryPolicy(retries=2).call(always, sleep=waits.append)
    assert waits == [0.5, 0.5]  # Retry-After honoured over the backoff

    def permanent() -> str:
        raise Permanent("HTTP 401")

    waits.clear()
    with pytest.raises(Permanent):
        RetryPolicy(retries=5).call(permanent, sleep=waits.append)
    assert waits == []

    def slow_down() -> str:
        raise Transient("HTTP 429", retry_after=3600)

    with pytest.raises(Permanent, match="retry after 3600 s"):
        RetryPolicy(retries=5).call(slow_down, sleep=waits.append)


# --- cache ----------------------------------------------------------------------------------


def test_cache_round_trip_and_key(tmp_path: Path) -> None:
    messages = [{"role": "user", "content": "bench 225 for 8"}]
    key = cache_key("openai:gpt-4o-mini", {"temperature": 0.0}, messages)
    assert len(key) == 64
    assert key == cache_key(
        "openai:gpt-4o-mini", {"temperature": 0.0}, json.loads(json.dumps(messages))
    )
    assert key != cache_key("openai:gpt-4o", {"temperature": 0.0}, messages)
    assert key != cache_key("openai:gpt-4o-mini", {"temperature": 0.1}, messages)
    assert key != cache_key(
        "openai:gpt-4o-mini", {"temperature": 0.0}, [{"role": "user", "content": "x"}]
    )

    cache = ReplyCache(tmp_path / "c")
    assert cache.get(key) is None
    stored = CachedReply('{"confidence": 1}', 10, 5, 0.0001, 812.5)
    cache.put(key, "openai:gpt-4o-mini", stored)
    cache.close()
    again = ReplyCache(tmp_path / "c")  # a new process would see the same
    assert again.get(key) == stored
    assert len(again) == 1
    again.close()


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REPVOICE_CACHE_DIR", str(tmp_path / "rc"))
    assert default_cache_dir() == tmp_path / "rc"
    monkeypatch.delenv("REPVOICE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "repvoice"


def test_missing_litellm_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setitem(sys.modules, "litellm", None)  # what an install without the extra sees
    with pytest.raises(BackendError, match=r"litellm is not installed.*repvoice\[providers\]"):
        get_backend("openai:gpt-4o-mini", cache_dir=tmp_path)
