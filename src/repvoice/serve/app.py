"""The FastAPI app: `create_app(config)`, or `app_from_env()` for uvicorn's `--factory`.

    uvicorn --factory repvoice.serve.app:app_from_env --port 8000

`app_from_env` reads REPVOICE_SERVE_CONFIG (a TOML file), REPVOICE_MODEL (a model directory)
and REPVOICE_API_KEY (the bearer token; unset or empty for none). With several workers, set
PROMETHEUS_MULTIPROC_DIR to an empty directory so `/metrics` sums them all (see `metrics`).
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from repvoice import __version__
from repvoice.data.tokens import get_encoding
from repvoice.parser.model import Parser
from repvoice.serve import docs, health, openai_api, voice_api
from repvoice.serve.config import ServeConfig, is_local, load_config
from repvoice.serve.drain import draining
from repvoice.serve.errors import ApiError, error_response
from repvoice.serve.metrics import CONTENT_TYPE_LATEST, Metrics
from repvoice.serve.middleware import ServiceMiddleware
from repvoice.serve.models import ERROR_EXAMPLES, REQUEST_MODELS
from repvoice.serve.router import Router
from repvoice.serve.security import BearerAuth
from repvoice.serve.service import Service

ENV_CONFIG = "REPVOICE_SERVE_CONFIG"
ENV_MODEL = "REPVOICE_MODEL"
ENV_API_KEY = "REPVOICE_API_KEY"

#: Paths counted under their own name in the metrics (anything else is "other").
ENDPOINTS = frozenset(
    {
        voice_api.PATH,
        "/v1/chat/completions",
        "/v1/models",
        "/healthz",
        "/readyz",
        "/metrics",
        "/docs",
        "/openapi.json",
    }
)

DESCRIPTION = """\
Voice workout-set parsing: VoiceFit's voice endpoint and an OpenAI-compatible chat API, answered
by the local parser, with an optional fallback LLM for unsure answers.

Errors are always `{"error": {"message", "type", "field"}}`. With an API key configured, send
`Authorization: Bearer KEY` (the probes and these docs are open).
"""


def model_dir(config: ServeConfig, model: Path | None) -> Path | None:
    """The local model directory: `--model`, else the config's, else a `local:DIR` primary's."""
    if model is not None:
        return model
    if config.model is not None:
        return config.model
    primary = config.primary
    if is_local(primary) and ":" in primary:
        return Path(primary.partition(":")[2]).expanduser()
    return None


def build_service(config: ServeConfig, model: Path | None = None) -> Service:
    """Load the parser and build the backends; `ModelError` / `BackendError` when unusable."""
    path = model_dir(config, model)
    parser = Parser.load(path)
    metrics = Metrics()
    router = Router(parser, config, on_change=metrics.observe_backend)
    for guarded in router.backends.values():
        metrics.observe_backend(guarded)
    name = str(parser.meta.get("name") or (path.name if path else "bundled"))
    return Service(router, metrics, get_encoding(), name)


def create_app(
    config: ServeConfig | None = None,
    *,
    model: Path | None = None,
    api_key: str | None = None,
) -> FastAPI:
    """The app, with the parser loaded and the backends built (errors raise here, not later)."""
    service = build_service(config or ServeConfig(), model)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        service.ready = True
        try:
            with draining(service.drain):
                yield
        finally:
            service.ready = False
            service.router.close()
            service.metrics.process_exited()

    app = FastAPI(
        title="repvoice",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = service
    app.include_router(voice_api.router)
    app.include_router(openai_api.router)
    app.include_router(health.router)

    @app.get("/metrics", tags=["health"], summary="Prometheus metrics", response_class=Response)
    async def metrics() -> Response:
        """Requests, latency, backend used, confidence and fallback outcomes."""
        return Response(service.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    docs.install(app)
    _add_error_handlers(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(
        ServiceMiddleware, auth=BearerAuth(api_key), metrics=service.metrics, endpoints=ENDPOINTS
    )
    return app


def app_from_env() -> FastAPI:
    """The app configured from the environment (see the module docstring)."""
    model = os.environ.get(ENV_MODEL)
    return create_app(
        load_config(os.environ.get(ENV_CONFIG) or None),
        model=Path(model) if model else None,
        api_key=os.environ.get(ENV_API_KEY) or None,
    )


def _add_error_handlers(app: FastAPI) -> None:
    async def api_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.message, exc.field)

    async def http_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404:
            message = "no such endpoint; see /docs"
        return error_response(exc.status_code, message, headers=exc.headers)

    async def validation_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        return error_response(422, str(first.get("msg", "invalid request")), field)

    async def internal_error(_: Request, exc: Exception) -> Response:
        return error_response(500, f"internal error ({type(exc).__name__})")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, internal_error)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's spec plus the request models the routes describe through `openapi_extra`."""
    if app.openapi_schema is None:
        spec = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        _, defs = models_json_schema(
            [(m, "validation") for m in REQUEST_MODELS],
            ref_template="#/components/schemas/{model}",
        )
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in defs.get("$defs", {}).items():
            schemas.setdefault(name, schema)
        for operation in (op for item in spec["paths"].values() for op in item.values()):
            responses = operation.get("responses", {})
            # FastAPI's own 422 (for path parameters) is never answered: a str always fits.
            if "HTTPValidationError" in json.dumps(responses.get("422", {})):
                del responses["422"]
            for status, example in ERROR_EXAMPLES.items():
                if str(status) in responses:
                    media = responses[str(status)]["content"]["application/json"]
                    media["example"] = example
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = spec
    return app.openapi_schema


def load_app_config(path: str | Path | None) -> ServeConfig:
    """`load_config`, re-exported for the CLI."""
    return load_config(path)
