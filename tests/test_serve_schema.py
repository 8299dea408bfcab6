"""A bounded schemathesis run against the live server's OpenAPI spec: no input gives a 5xx."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from test_serve import ServeProcess

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402

#: Examples per POST operation (two operations: about 50 requests in all).
EXAMPLES = 25


def test_openapi_spec_fuzzed_without_server_errors() -> None:
    with ServeProcess() as srv:
        schema = schemathesis.openapi.from_url(f"{srv.base_url}/openapi.json")
        operations = [
            result.ok()
            for result in schema.get_all_operations()
            if result.ok().method.upper() == "POST"
        ]
        assert {op.path for op in operations} == {"/api/voice/parse", "/v1/chat/completions"}
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
            def run(case: object) -> None:
                case.call_and_validate(checks=[not_a_server_error])  # type: ignore[attr-defined]

            run()
        metrics = srv.client.get("/metrics").text
        for path in ("/api/voice/parse", "/v1/chat/completions"):
            assert f'repvoice_requests_total{{endpoint="{path}"' in metrics  # the cases were sent
