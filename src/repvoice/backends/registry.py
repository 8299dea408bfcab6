"""The backend registry: URI scheme -> backend class.

Every module of this package is imported on first use, so a module that defines a `Backend`
subclass decorated with `register` is all a new backend needs. Third-party packages add backends
through the `repvoice.backends` entry-point group (the entry point names a module that registers,
or a `Backend` subclass, which is registered for its `schemes`).
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TypeVar

from repvoice.backends.base import Backend, BackendError

B = TypeVar("B", bound=type[Backend])

_BACKENDS: dict[str, type[Backend]] = {}
_lock = threading.Lock()
_loaded = False
#: Modules of this package that hold no backend.
_NOT_BACKENDS = frozenset({"base", "hybrid", "registry"})


def register(cls: B) -> B:
    """Class decorator: serve `cls.schemes` with `cls`."""
    if not cls.schemes:
        raise TypeError(f"{cls.__name__} declares no schemes")
    for scheme in cls.schemes:
        _BACKENDS[scheme] = cls
    return cls


def _load() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        import repvoice.backends as pkg

        for info in pkgutil.iter_modules(pkg.__path__):
            if info.name not in _NOT_BACKENDS and not info.name.startswith("_"):
                importlib.import_module(f"{pkg.__name__}.{info.name}")
        for ep in entry_points(group="repvoice.backends"):
            obj = ep.load()
            if isinstance(obj, type) and issubclass(obj, Backend) and obj.schemes:
                register(obj)
        _loaded = True


def backend_names() -> list[str]:
    """Every registered URI scheme, sorted."""
    _load()
    return sorted(_BACKENDS)


def split_uri(uri: str) -> tuple[str, str | None]:
    """("scheme", "target") of "scheme:target"; target None when there is no colon.

    Only the first colon splits, so fine-tuned ids ("openai:ft:gpt-4o-mini:org::id") and paths
    ("local:C:/models/x") keep theirs.
    """
    uri = uri.strip()
    scheme, sep, target = uri.partition(":")
    return scheme.strip().lower(), (target.strip() if sep else None)


def get_backend(
    uri: str,
    *,
    timeout: float = 30.0,
    retries: int = 3,
    cache_dir: Path | None = None,
    **options: Any,
) -> Backend:
    """The backend named by `uri` (e.g. "local", "openai:gpt-4o-mini",
    "openai-compatible:my-model@http://127.0.0.1:8000/v1").

    `timeout` is per HTTP request in seconds, `retries` the retries after the first attempt,
    `cache_dir` where replies are cached (default $REPVOICE_CACHE_DIR or ~/.cache/repvoice).
    Raises `BackendError` (naming what is wrong) when the backend cannot be used.
    """
    if timeout <= 0:
        raise BackendError(f"timeout must be positive, not {timeout}")
    if retries < 0:
        raise BackendError(f"retries must be 0 or more, not {retries}")
    scheme, target = split_uri(uri)
    if not scheme:
        raise BackendError(f"no backend scheme in {uri!r}; known: {', '.join(backend_names())}")
    names = backend_names()
    cls = _BACKENDS.get(scheme)
    if cls is None:
        raise BackendError(f"unknown backend {scheme!r} in {uri!r}; known: {', '.join(names)}")
    left = dict(options)
    backend = cls.from_uri(
        scheme, target, timeout=timeout, retries=retries, cache_dir=cache_dir, options=left
    )
    if left:
        backend.close()
        raise BackendError(f"unknown option(s) for {scheme}: {', '.join(sorted(left))}")
    return backend
