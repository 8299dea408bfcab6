"""The service's error answers: `{"error": {"message", "type", "field"}}`, as OpenAI shapes them."""

from __future__ import annotations

import json

from starlette.responses import Response

#: Error `type` by HTTP status, in OpenAI's words where it has one.
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    405: "invalid_request_error",
    408: "request_timeout",
    413: "request_too_large",
    415: "invalid_request_error",
    422: "invalid_request_error",
    500: "server_error",
    503: "service_unavailable",
}


#: The messages of the errors answered before any route runs (also the docs' examples).
UNAUTHORIZED = "missing or wrong API key; send the header Authorization: Bearer KEY"
TWO_AUTHORIZATIONS = "send one Authorization header, not several"


def too_large(limit_bytes: int) -> str:
    return f"request body is over {limit_bytes // 1024} KB"


class ApiError(Exception):
    """A request the service answers with an error; `field` is the JSON path at fault."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def error_body(status: int, message: str, field: str | None = None) -> bytes:
    error = {"message": message, "type": ERROR_TYPES.get(status, "invalid_request_error")}
    error["field"] = field  # type: ignore[assignment]
    return json.dumps({"error": error}).encode()


def error_response(
    status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """The JSON error answer."""
    return Response(
        error_body(status, message, field),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )
