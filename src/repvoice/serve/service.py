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

    def record(self, routed: Routed) -> None:
        """Count one answer in the metrics."""
        self.metrics.backend_used.labels(routed.model_used).inc()
        self.metrics.confidence.observe(routed.result.confidence)
        if routed.fallback is not None:
            self.metrics.fallback.labels(routed.fallback).inc()
