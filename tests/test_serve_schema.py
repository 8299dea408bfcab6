"""A bounded schemathesis run against the live server's OpenAPI spec: no input gives a 5xx, every
request the spec calls valid is accepted, and every answer has a documented status, content type
and body. The documented error examples are the bodies the service really sends."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from test_serve import KEY, ServeProcess

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

#: Examples per operation (seven operations, two of them POST: a couple of hundred requests).
EXAMPLES = 30

#: What the spec and the service disagreed on before: each is a request the spec calls valid.
#: A null transcript beside a valid text, a blank or control-character transcript, a context id
#: over 64 characters, a response_format of any type, a chat with no user text, and a null
#: stream_options.include_usage.
CHECKS = [
    not_a_server_error,
    positive_data_acceptance,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_openapi_spec_fuzzed_against_the_behaviour() -> None:
    with ServeProcess() as srv:
        schema = schemathesis.openapi.from_url(f"{srv.base_url}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        posts = {op.path for op in operations if op.method.upper() == "POST"}
        assert posts == {"/api/voice/parse", "/v1/chat/completions"}
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
            def run(case: object) -> None:
                case.call_and_validate(checks=CHECKS)  # type: ignore[attr-defined]

            run()
        metrics = srv.client.get("/metrics").text
        for path in ("/api/voice/parse", "/v1/chat/completions"):
            assert f'repvoice_requests_total{{endpoint="{path}"' in metrics  # the cases were sent


def test_spec_valid_voice_requests_are_accepted() -> None:
    cases = [  # what schemathesis found, as it sent them
        {"transcript": None, "text": "bench 225 for 5"},
        {"workout_context": {"current_exercise_id": "x" * 64}, "transcript": "same weight for 7"},
    ]
    with ServeProcess() as srv:
        for body in cases:
            resp = srv.client.post("/api/voice/parse", json=body)
            assert resp.status_code == 200, (body, resp.text)
        chat = {
            "messages": [{"role": "user", "content": "bench 225 for 5"}],
            "response_format": {"type": "text"},
            "stream_options": {"include_usage": None},
        }
        assert srv.client.post("/v1/chat/completions", json=chat).status_code == 200


def test_documented_error_examples_are_the_real_bodies() -> None:
    with ServeProcess(env={"REPVOICE_API_KEY": KEY}) as srv:
        spec = srv.client.get("/openapi.json").json()
        documented = {
            int(status): answer["content"]["application/json"]["example"]
            for status, answer in spec["paths"]["/api/voice/parse"]["post"]["responses"].items()
            if status != "200"
        }
        auth = {"Authorization": f"Bearer {KEY}"}
        sent = {
            400: srv.client.post("/api/voice/parse", content=b"x", headers=auth),
            401: srv.client.post("/api/voice/parse", json={"transcript": "bench"}),
            413: srv.client.post("/api/voice/parse", content=b"x" * 70_000, headers=auth),
            415: srv.client.post(
                "/api/voice/parse",
                content=b"{}",
                headers={**auth, "Content-Type": "text/plain"},
            ),
            422: srv.client.post("/api/voice/parse", json={"transcript": ""}, headers=auth),
        }
        assert set(documented) == set(sent)
        for status, resp in sent.items():
            assert resp.status_code == status
            assert resp.json() == documented[status], status
        # The spec says what /v1/models/{id} answers, and FastAPI's unused 422 is gone.
        models = spec["paths"]["/v1/models/{model_id}"]["get"]["responses"]
        assert "422" not in models and "HTTPValidationError" not in json.dumps(spec)
        assert httpx.get(f"{srv.base_url}/docs").status_code == 200  # docs stay open
