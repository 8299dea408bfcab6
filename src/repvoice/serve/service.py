"""What every route shares: the router, the metrics, and the token counter."""

from __future__ import annotations

from dataclasses import dataclass, field

import tiktoken

from repvoice.serve.metrics import Metrics
from repvoice.serve.router import Routed, Router


@dataclass
class Service:
    """The state of one service process (`app.state.service`)."""

    router: Router
    metrics: Metrics
    encoding: tiktoken.Encoding
    model_name: str
    ready: bool = field(default=False)
    #: Set by a stop signal: in-flight requests finish, but the service no longer reports ready.
    draining: bool = field(default=False)

    @property
    def accepting(self) -> bool:
        """Started and not stopping: what `/readyz` reports."""
        return self.ready and not self.draining

    def drain(self) -> None:
        """Mark the service as stopping."""
        self.draining = True

    def record(self, routed: Routed) -> None:
        """Count one answer in the metrics."""
        self.metrics.backend_used.labels(routed.model_used).inc()
        self.metrics.confidence.observe(routed.result.confidence)
        if routed.fallback is not None:
            self.metrics.fallback.labels(routed.fallback).inc()
