"""Closed word lists of gym speech that the parser's rules and features share.

Open-ended knowledge (which words cue which slot) is learned by the tagger; these are the words
whose meaning is fixed: units, and words that stand for a number.
"""

from __future__ import annotations

from repvoice.parser.numbers import homophone_candidates
from repvoice.parser.tokens import Token

KG_WORDS = frozenset(
    {"kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilo's", "keelos", "k", "ks"}
)
LB_WORDS = frozenset({"lb", "lbs", "pound", "pounds", "lb's", "lbs.", "#"})
UNIT_WORDS = KG_WORDS | LB_WORDS

#: Words that say a count on their own ("a triple" is 3 reps).
COUNT_WORDS: dict[str, float] = {
    "single": 1.0,
    "singles": 1.0,
    "double": 2.0,
    "doubles": 2.0,
    "triple": 3.0,
    "triples": 3.0,
    "dozen": 12.0,
    "once": 1.0,
    "twice": 2.0,
    "couple": 2.0,
    "nothing": 0.0,
}

#: "to failure", "till failure", "failed", ... (RPE 10, RIR 0).
FAILURE_WORDS = frozenset({"failure", "failed", "fail", "failing"})

#: Words that make a number in a follow-up a change from the previous set's weight.
UP_WORDS = frozenset(
    {"add", "added", "adding", "plus", "up", "more", "bump", "bumped", "heavier", "put", "another"}
)
DOWN_WORDS = frozenset(
    {"drop", "dropped", "down", "minus", "less", "lighter", "off", "strip", "stripped", "lower"}
)


def word_value(token: Token) -> float | None:
    """The number a word token can stand for: a homophone ("for", "to", "ate") or a count word
    ("triple"); None for other tokens. Number tokens answer their own value."""
    if token.value is not None:
        return token.value
    if token.norm in COUNT_WORDS:
        return COUNT_WORDS[token.norm]
    candidates = homophone_candidates(token)
    return candidates[0] if candidates else None


def unit_of(word: str) -> str | None:
    """ "kg" or "lbs" for a unit word, else None."""
    if word in KG_WORDS:
        return "kg"
    if word in LB_WORDS:
        return "lbs"
    return None
