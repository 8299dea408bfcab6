"""Prometheus metrics of one service process, in their own registry (one per app)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_CONFIDENCE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.0)


class Metrics:
    """Requests by endpoint and status, latency, who answered, confidence, fallback outcomes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "repvoice_requests",
            "HTTP requests by endpoint and status code.",
            ("endpoint", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "repvoice_request_duration_seconds",
            "Time from request to the last response byte, by endpoint.",
            ("endpoint",),
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.backend_used = Counter(
            "repvoice_backend_used",
            "Parse answers by the backend that gave them (model_used).",
            ("backend",),
            registry=self.registry,
        )
        self.confidence = Histogram(
            "repvoice_confidence",
            "Confidence of the answers returned.",
            buckets=_CONFIDENCE_BUCKETS,
            registry=self.registry,
        )
        self.fallback = Counter(
            "repvoice_fallback",
            "Fallback calls by outcome: answered, failed (error or timeout), invalid.",
            ("outcome",),
            registry=self.registry,
        )

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)
