"""Exact and near-duplicate detection for user texts, in one streaming pass.

Two texts are *exact* duplicates when they are equal after trimming; *near* duplicates when they
are equal after `near_key`: lowercased, accents, punctuation and filler words removed, spaces
collapsed ("Um, bench 225 for 8." and "bench 225 for 8" are near duplicates). Keys are hashed, so
memory grows by a few dozen bytes per distinct text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

#: Words speech-to-text leaves in that carry no meaning for the set being logged.
FILLER_WORDS = frozenset(
    {"um", "umm", "uh", "uhh", "er", "erm", "ah", "okay", "ok", "so", "like", "just", "yeah"}
    | {"alright", "hmm", "well"}
)
_NON_WORD = re.compile(r"[^\w]+")


def near_key(text: str) -> str:
    """The form two near-duplicate texts share."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = [w for w in _NON_WORD.sub(" ", text).split() if w not in FILLER_WORDS]
    return " ".join(words)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()


def user_text(record: dict[str, Any]) -> str:
    """All user turns of an OpenAI chat record, joined by newlines (text parts only)."""
    parts: list[str] = []
    for msg in record.get("messages") or []:
        if isinstance(msg, dict) and msg.get("role") == "user":
            content = msg.get("content")
            if isinstance(content, str):
                parts.append(content)
            elif isinstance(content, list):
                parts.extend(
                    p["text"]
                    for p in content
                    if isinstance(p, dict) and isinstance(p.get("text"), str)
                )
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class Duplicate:
    """`line` repeats the text first seen on `first_line`; `kind` is "exact" or "near"."""

    line: int
    first_line: int
    kind: str


@dataclass
class DuplicateIndex:
    """Feed texts in order; each call says whether the text was seen before, and where."""

    _exact: dict[bytes, int] = field(default_factory=dict)
    _near: dict[bytes, int] = field(default_factory=dict)

    def add(self, line: int, text: str) -> Duplicate | None:
        exact = _digest(text.strip())
        near = _digest(near_key(text))
        if exact in self._exact:
            return Duplicate(line, self._exact[exact], "exact")
        self._exact[exact] = line
        if near in self._near:
            return Duplicate(line, self._near[near], "near")
        self._near[near] = line
        return None


def group_key(text: str) -> bytes:
    """Key shared by a text and all its exact and near duplicates (for leak-free splits)."""
    return _digest(near_key(text))
