"""A small phonetic key for matching exercise words that speech-to-text misheard.

The key is a simplified metaphone: spelling that sounds alike collapses to one code, voiced
and voiceless pairs merge (g/k, b/p, d/t, v/f, z/s) because phone recognisers swap them
("girls" / "curls", "squad" / "squat"), and vowels after the first letter are dropped.
Keys are compared with an edit-distance ratio, not for equality, so near misses still score.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["phonetic_key"]

_VOWELS = frozenset("aeiouy")
# Multi-letter spellings first; each maps to one code letter ("x" = sh/ch, "0" = th).
_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("tch", "x"),
    ("sch", "sk"),
    ("ph", "f"),
    ("ck", "k"),
    ("ch", "x"),
    ("sh", "x"),
    ("th", "0"),
    ("wh", "w"),
    ("qu", "kw"),
    ("gh", ""),
    ("kn", "n"),
    ("wr", "r"),
    ("dg", "j"),
)
_SINGLE = {
    "b": "p", "d": "t", "g": "k", "v": "f", "z": "s", "q": "k", "x": "ks", "j": "j",
    "c": "k", "h": "", "w": "", "y": "",
}  # fmt: skip


@lru_cache(maxsize=8192)
def phonetic_key(word: str) -> str:
    """Sound code of one lower-case word: "bench" -> "pnx", "girls" -> "krls", "" for ""."""
    if not word:
        return ""
    if not word.isalpha():
        return word  # digits and mixed tokens ("c2b") match as spelled
    w = word
    for spelling, code in _DIGRAPHS:
        if spelling in w:
            w = w.replace(spelling, code)
    out: list[str] = []
    n = len(w)
    for i, ch in enumerate(w):
        if ch in _VOWELS:
            if i == 0:
                out.append("a")
            continue
        if ch == "c":
            code = "s" if i + 1 < n and w[i + 1] in "eiy" else "k"
        else:
            code = _SINGLE.get(ch, ch)
        for c in code:
            if not out or out[-1] != c:
                out.append(c)
    return "".join(out)
