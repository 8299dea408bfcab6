"""A fingerprint of a loaded local parser model: what tells one model from another.

Computed from the model as loaded (its meta, CRF weights, learned resolver entries, catalogue
and vocabulary), so it needs no file paths and is the same for the same model directory in any
process. `repvoice serve` lists it as the `checksum` of its model in `GET /v1/models`, and the
`local` backend reports it, so evaluation figures name the exact model behind them.
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from repvoice.parser.model import Parser

_cache: weakref.WeakKeyDictionary[Parser, str] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def model_fingerprint(parser: Parser) -> str:
    """ "sha256:<hex>" of everything that decides the parser's answers (computed once)."""
    with _lock:
        if (known := _cache.get(parser)) is not None:
            return known
    digest = hashlib.sha256()
    parts: list[Any] = [
        parser.meta,
        parser.resolver.to_dict(),
        parser.catalog.to_dict(),
        sorted(parser.vocab),
    ]
    for part in parts:
        digest.update(_canonical(part))
    digest.update(parser.tagger.model)
    value = f"sha256:{digest.hexdigest()}"
    with _lock:
        _cache[parser] = value
    return value


def _canonical(obj: Any) -> bytes:
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return text.encode("utf-8") + b"\n"
