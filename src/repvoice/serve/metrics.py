"""Prometheus metrics of the service, in their own registry (one per app).

With PROMETHEUS_MULTIPROC_DIR set (`repvoice serve --workers N` sets it), every worker writes its
values to files there and `/metrics` adds up all the workers, whichever one answers the scrape.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from repvoice.serve.fallback import CIRCUIT_LEVELS, GuardedBackend

__all__ = ["CONTENT_TYPE_LATEST", "ENV_MULTIPROC_DIR", "Metrics", "multiprocess_dir"]

#: prometheus_client's switch to multiprocess mode (read when prometheus_client is imported).
ENV_MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_CONFIDENCE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.0)


def multiprocess_dir() -> str | None:
    """The shared metrics directory of a multi-worker server, or None for a single process."""
    return os.environ.get(ENV_MULTIPROC_DIR) or None


class Metrics:
    """Requests by endpoint and status, latency, who answered, confidence, fallback outcomes.

    Counters and histograms add up across workers as they are; the two gauges of a remote
    backend (circuit state, calls in flight) take the worst live worker's state and the sum of
    the live workers' calls.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.multiprocess = multiprocess_dir() is not None
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
            "Fallback requests by outcome: answered, failed (error or timeout), invalid (not a "
            "workout set), circuit_open and busy (not asked).",
            ("outcome",),
            registry=self.registry,
        )
        self.circuit = Gauge(
            "repvoice_backend_circuit_state",
            "Circuit breaker of a remote backend: 0 closed, 1 half-open (probing), 2 open.",
            ("backend",),
            registry=self.registry,
            multiprocess_mode="livemax",
        )
        self.in_flight = Gauge(
            "repvoice_backend_calls_in_flight",
            "Remote backend calls whose worker thread has not returned (abandoned ones too).",
            ("backend",),
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def observe_backend(self, backend: GuardedBackend) -> None:
        """Update a remote backend's gauges (called on every change)."""
        self.circuit.labels(backend.label).set(CIRCUIT_LEVELS[backend.state])
        self.in_flight.labels(backend.label).set(backend.in_flight)

    def render(self) -> bytes:
        """The text exposition format: this process's metrics, or all the workers' summed."""
        if not self.multiprocess:
            return generate_latest(self.registry)
        # A fresh registry per scrape, as prometheus_client's multiprocess docs require.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)

    def process_exited(self) -> None:
        """Tell the other workers this one is gone (drops its live-gauge files, if any)."""
        if self.multiprocess:
            multiprocess.mark_process_dead(os.getpid())
