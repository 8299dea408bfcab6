"""An on-disk cache of LLM replies, so that a re-run costs nothing and an interrupted run resumes.

One sqlite3 file (`replies.sqlite3`) in the cache directory. The key is the sha256 of everything
that decides the answer: the backend URI, the model options, the identity of the model behind
it (what the server reports: a checksum, a version, a hosted model id; see
`repvoice.backends.base.Identity`), and the exact messages (system prompt with its Context
suffix, user text). A server restarted with another model therefore misses the cache. The record
keeps what the server said (raw text, tokens, cost, original latency), not our judgment of it,
so a hit is judged afresh against the current schema. Only answers are stored: errors are never
cached. The URI and identity stored beside each record (for people reading the file) have their
credentials removed; keys are never stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repvoice.backends.base import display_uri
from repvoice.redact import redact

#: Bumped when the key recipe or the record changes, so old entries are not misread.
#: 2: the model's identity is part of the key.
CACHE_VERSION = 2
CACHE_FILE = "replies.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    key TEXT PRIMARY KEY,
    uri TEXT NOT NULL,
    raw TEXT,
    tokens_in INTEGER,
    tokens_out INTEGER,
    cost_usd REAL,
    latency_ms REAL NOT NULL,
    created REAL NOT NULL,
    identity TEXT
)
"""


def default_cache_dir() -> Path:
    """$REPVOICE_CACHE_DIR, else ~/.cache/repvoice (under $XDG_CACHE_HOME when set)."""
    if env := os.environ.get("REPVOICE_CACHE_DIR"):
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base).expanduser() if base else Path.home() / ".cache") / "repvoice"


def cache_key(
    uri: str,
    options: dict[str, Any],
    messages: list[dict[str, str]],
    identity: dict[str, Any] | None = None,
) -> str:
    """sha256 over the URI, the model options, the model's identity and the messages, in a
    canonical JSON form."""
    blob = json.dumps(
        [CACHE_VERSION, uri, options, identity or {}, messages],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedReply:
    """What the server answered once."""

    raw: str | None
    tokens_in: int | None
    tokens_out: int | None
    cost_usd: float | None
    latency_ms: float


class ReplyCache:
    """A thread-safe reply cache in `directory`; safe to share between processes too (WAL)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / CACHE_FILE
        # One connection guarded by a lock: the runner calls from a thread pool, and the work
        # per call is a single indexed row.
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(_SCHEMA)
            self._upgrade()
            self._conn.commit()

    def _upgrade(self) -> None:
        """Bring a file written by an older repvoice up to date: add the identity column and
        hide the credentials that older versions stored in the URI column."""
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(replies)")}
        if "identity" in columns:
            return
        self._conn.execute("ALTER TABLE replies ADD COLUMN identity TEXT")
        self._conn.create_function("repvoice_redact", 1, display_uri, deterministic=True)
        self._conn.execute("UPDATE replies SET uri = repvoice_redact(uri)")

    def get(self, key: str) -> CachedReply | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT raw, tokens_in, tokens_out, cost_usd, latency_ms FROM replies WHERE key=?",
                (key,),
            ).fetchone()
        return CachedReply(*row) if row else None

    def put(self, key: str, uri: str, reply: CachedReply, identity: str | None = None) -> None:
        """Store an answer; committed at once so that an interrupted run keeps it. `uri` and
        `identity` are stored with credentials removed."""
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO replies "
                "(key, uri, raw, tokens_in, tokens_out, cost_usd, latency_ms, created, identity) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    display_uri(uri),
                    reply.raw,
                    reply.tokens_in,
                    reply.tokens_out,
                    reply.cost_usd,
                    reply.latency_ms,
                    time.time(),
                    None if identity is None else redact(identity),
                ),
            )
            self._conn.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM replies").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
