"""An on-disk cache of LLM replies, so that a re-run costs nothing and an interrupted run resumes.

One sqlite3 file (`replies.sqlite3`) in the cache directory. The key is the sha256 of everything
that decides the answer: the backend URI, the model options, and the exact messages (system
prompt with its Context suffix, user text). The record keeps what the server said (raw text,
tokens, cost, original latency), not our judgment of it, so a hit is judged afresh against the
current schema. Only answers are stored: errors are never cached.
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

#: Bumped when the key recipe or the record changes, so old entries are not misread.
CACHE_VERSION = 1
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
    created REAL NOT NULL
)
"""


def default_cache_dir() -> Path:
    """$REPVOICE_CACHE_DIR, else ~/.cache/repvoice (under $XDG_CACHE_HOME when set)."""
    if env := os.environ.get("REPVOICE_CACHE_DIR"):
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base).expanduser() if base else Path.home() / ".cache") / "repvoice"


def cache_key(uri: str, options: dict[str, Any], messages: list[dict[str, str]]) -> str:
    """sha256 over the URI, the model options and the messages, in a canonical JSON form."""
    blob = json.dumps(
        [CACHE_VERSION, uri, options, messages],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
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
            self._conn.commit()

    def get(self, key: str) -> CachedReply | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT raw, tokens_in, tokens_out, cost_usd, latency_ms FROM replies WHERE key=?",
                (key,),
            ).fetchone()
        return CachedReply(*row) if row else None

    def put(self, key: str, uri: str, reply: CachedReply) -> None:
        """Store an answer; committed at once so that an interrupted run keeps it."""
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    uri,
                    reply.raw,
                    reply.tokens_in,
                    reply.tokens_out,
                    reply.cost_usd,
                    reply.latency_ms,
                    time.time(),
                ),
            )
            self._conn.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM replies").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
