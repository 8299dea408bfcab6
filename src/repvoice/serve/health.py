"""Probes: `/healthz` (the process answers) and `/readyz` (it can parse)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse

from repvoice.serve.config import backend_label
from repvoice.serve.service import Service

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness")
async def healthz() -> dict[str, str]:
    """200 while the process serves requests."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness",
    responses={503: {"description": "Not ready yet (or shutting down)"}},
)
async def readyz(request: Request) -> JSONResponse:
    """200 once the model is loaded and the backends are built; 503 before, and from the stop
    signal on (`"status": "draining"`) while the requests in flight finish. An open circuit
    does not make the service unready: it still answers, locally."""
    service: Service = request.app.state.service
    router = service.router
    route = router.routes["voice"]
    body: dict[str, Any] = {
        "status": "ready" if service.accepting else "draining" if service.draining else "not ready",
        "model": service.model_name,
        "primary": backend_label(route.primary),
        "fallback": backend_label(route.fallback) if route.fallback else None,
        "threshold": route.threshold,
        # Names only: URLs (and any credentials in them) never show on this open endpoint.
        "backends": {
            guarded.label: {
                "circuit": guarded.state,
                "calls_in_flight": guarded.in_flight,
                "max_calls_in_flight": guarded.limit,
            }
            for guarded in router.backends.values()
        },
    }
    return JSONResponse(body, status_code=200 if service.accepting else 503)
