"""Tokenisation of speech-to-text transcripts, with character spans into the original text.

Words, digit runs and punctuation become separate tokens, so glued forms split apart:
"225lbs" -> 225, lbs; "4x8" -> 4, x, 8; "100kgx5" -> 100, kg, x, 5; "@8" -> @, 8;
"two-twenty-five" -> two, -, twenty, -, five. Decimals ("62.5", and "22,5" before a unit),
clock times ("1:30") and typed thousands ("1,000", "12,500") stay whole. Glued-ness survives in
the spans (`a.end == b.start`), which is how the number normaliser tells "80s" from "80 s".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DASHES", "Token", "tokenize"]

#: Kinds a token leaves `tokenize` with; the normaliser adds number kinds (see numbers.py).
WORD = "word"
PUNCT = "punct"
DIGITS = "digits"
DECIMAL = "decimal"
CLOCK = "clock"

#: Dash characters, all normalised to "-".
DASHES = frozenset("-‐‑‒–—")

_TOKEN_RE = re.compile(
    r"(?P<clock>[0-9]{1,2}:[0-5][0-9])(?![0-9])"
    # "1,000" and "12,500" are one number; "10,10,10" and "135,135" are lists (a first group of
    # three digits is a list far more often than a count of 100,000 or more)
    r"|(?P<thousands>[0-9]{1,2}(?:,[0-9]{3})+)(?![0-9])"
    # a decimal comma, as much of Europe types it, before a unit ("22,5kg", "92,5 kg")
    r"|(?P<dcomma>[0-9]{1,3},[0-9])(?=\s?(?:kgs?|kilos?|lbs?)\b)"
    r"|(?P<num>[0-9]+(?:\.[0-9]+)?)"
    # a unit typed between a number and "x" ("100kgx5", "2plx8") is a word of its own
    r"|(?<=[0-9])(?P<unit>kgs?|lbs?|pl|s)(?=[x×][0-9])"
    # Letters only (no digits or underscore), with inner apostrophes ("didn't"); a lone "'s"
    # glued to digits ("45's") is its own word so the normaliser can read a plural.
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*|['’]s\b)"
    r"|(?P<punct>\S)"
)


@dataclass(slots=True)
class Token:
    """One token of a transcript.

    `text` is the exact slice of the original text; `norm` is the lower-cased form used for
    matching (for numbers, the value written canonically, e.g. "225" or "62.5"). `value` is set
    for number tokens only; `kind` says what the token is ("word", "punct", or a number kind).
    """

    text: str
    norm: str
    start: int
    end: int
    kind: str
    value: float | None = None

    @property
    def span(self) -> tuple[int, int]:
        """Character offsets `(start, end)` into the original text."""
        return (self.start, self.end)

    @property
    def is_number(self) -> bool:
        return self.value is not None


def tokenize(text: str) -> list[Token]:
    """Split a transcript into word, number and punctuation tokens (lower-cased `norm`)."""
    low = text.lower()
    # A few characters change length when lower-cased ("İ"); spans must index `text`.
    same = len(low) == len(text)
    src = low if same else text
    out: list[Token] = []
    append = out.append
    for m in _TOKEN_RE.finditer(src):
        kind = m.lastgroup
        s, e = m.span()
        raw = text[s:e]
        norm = m.group() if same else raw.lower()
        if kind in ("word", "unit"):
            if "’" in norm:
                norm = norm.replace("’", "'")
            append(Token(raw, norm, s, e, WORD))
        elif kind == "num":
            append(Token(raw, norm, s, e, DECIMAL if "." in norm else DIGITS, float(norm)))
        elif kind == "dcomma":
            norm = norm.replace(",", ".")
            append(Token(raw, norm, s, e, DECIMAL, float(norm)))
        elif kind == "thousands":
            norm = norm.replace(",", "")
            append(Token(raw, norm, s, e, DIGITS, float(norm)))
        elif kind == "punct":
            if norm in DASHES:
                norm = "-"
            elif norm == "×":
                append(Token(raw, "x", s, e, WORD))
                continue
            append(Token(raw, norm, s, e, PUNCT))
        else:
            mins, secs = norm.split(":")
            append(Token(raw, norm, s, e, CLOCK, float(int(mins) * 60 + int(secs))))
    return out
