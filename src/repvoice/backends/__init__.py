"""Backends for the evaluation harness: anything that turns a transcript into a workout set.

    >>> from repvoice.backends import Request, get_backend
    >>> with get_backend("local") as backend:
    ...     reply = backend.parse(Request("bench 225 for 8"))

URIs: `local[:MODEL_DIR]`, `openai:MODEL`, `anthropic:MODEL`, `gemini:MODEL`, `mistral:MODEL`,
`together:MODEL`, `fireworks:MODEL`, `openai-compatible:MODEL@BASE_URL`.
"""

from __future__ import annotations

from repvoice.backends.base import (
    Backend,
    BackendError,
    BackendUnreachable,
    Identity,
    Reply,
    Request,
)
from repvoice.backends.registry import backend_names, get_backend, register

__all__ = [
    "Backend",
    "BackendError",
    "BackendUnreachable",
    "Identity",
    "Reply",
    "Request",
    "backend_names",
    "get_backend",
    "register",
]
