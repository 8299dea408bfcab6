"""`local[:MODEL_DIR]`: the local parser (the bundled model, or a trained model directory).

Free, offline and fast, so its replies are not cached. `data` is the answer's schema fields
(nulls dropped, as the training data writes them); the parser's confidence is reported.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Self

from repvoice.backends.base import Backend, BackendError, Identity, Reply, Request
from repvoice.backends.options import Options
from repvoice.backends.registry import register
from repvoice.schema import WorkoutSet, compact_dict


@register
class LocalBackend(Backend):
    """The repvoice parser in this process."""

    schemes = ("local",)

    def __init__(self, uri: str, model_dir: Path | None) -> None:
        from repvoice.parser.model import ModelError, Parser

        self.uri = uri
        self.model_dir = model_dir
        try:
            self.parser = Parser.load(model_dir)
        except ModelError as exc:
            raise BackendError(str(exc)) from None
        # The CRF tagger keeps per-call state (the sequence last tagged), so calls take turns.
        self._lock = threading.Lock()

    @classmethod
    def from_uri(
        cls,
        scheme: str,
        target: str | None,
        *,
        timeout: float,
        retries: int,
        cache_dir: Path | None,
        options: dict[str, Any],
    ) -> Self:
        # Accepted like every backend's, but there is nothing to cache: parsing is faster than
        # a cache lookup.
        opts = Options(scheme, options)
        opts.take("cache", True, bool)
        opts.take("refresh", False, bool)
        model_dir = Path(target).expanduser() if target else None
        return cls(f"local:{model_dir}" if model_dir else "local", model_dir)

    def probe(self) -> Identity:
        from repvoice.backends.identity import model_fingerprint

        return Identity(True, f"model {model_fingerprint(self.parser)[:19]}")

    def parse(self, request: Request) -> Reply:
        start = time.perf_counter()
        try:
            with self._lock:
                result = self.parser.parse(request.text, request.context)
        except Exception as exc:  # a parser bug on one input must not stop a whole run
            return Reply.failed(f"{type(exc).__name__}: {exc}", latency_ms=_ms_since(start))
        latency = _ms_since(start)
        data = compact_dict(result.model_dump(include=set(WorkoutSet.model_fields)))
        return Reply(
            data=data,
            latency_ms=latency,
            cost_usd=0.0,
            confidence=result.confidence,
        )


def _ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)
