"""Speech-to-text errors and transcript formatting.

`mishear` applies the substitutions phone STT really makes in gym speech (homophones of
numbers, "raps" for reps, "are pee e" for RPE, "bench priest", "dead lift", "girls" for curls,
stutters). None of them changes what the lifter meant, so the gold label stays the intended
value; the label's confidence drops instead. `format_like_stt` sets casing and punctuation.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mishearing:
    """One kind of STT error: a pattern and what the engine may write instead."""

    name: str
    pattern: re.Pattern[str]
    replacements: tuple[str, ...]


def _rule(name: str, pattern: str, *replacements: str) -> Mishearing:
    return Mishearing(name, re.compile(pattern, re.IGNORECASE), replacements)


MISHEARINGS: tuple[Mishearing, ...] = (
    _rule("number_homophone", r"\bfour\b", "for", "fore"),
    _rule("number_homophone", r"\btwo\b", "to", "too"),
    _rule("number_homophone", r"\beight\b", "ate"),
    _rule("reps", r"\breps\b", "raps", "wraps", "rips", "rep"),
    _rule("rpe", r"\brpe\b", "are pee e", "r p e", "r-p-e", "r.p.e.", "rp", "r pay", "RP E"),
    _rule("rir", r"\brir\b", "are I are", "r i r", "rear", "R.I.R."),
    _rule(
        "exercise",
        r"\bbench press\b",
        "bench priest",
        "bench breast",
        "bench rest",
        "venture press",
        "bench pres",
    ),
    _rule("exercise", r"\bbench\b(?! press)", "branch", "binch"),
    _rule("exercise", r"\bdeadlift(s?)\b", r"dead lift\1", r"dead-lift\1"),
    _rule("exercise", r"\bcurls\b", "girls", "curl's"),
    _rule("exercise", r"\bsquats\b", "squads", "squat's"),
    _rule("exercise", r"\bsquat\b", "squad"),
    _rule("exercise", r"\blunges\b", "lunches"),
    _rule("exercise", r"\brows\b", "rose", "roads"),
    _rule("exercise", r"\bdumbbell\b", "dumb bell", "dumbell", "dumbel"),
    _rule("exercise", r"\bkettlebell\b", "kettle bell", "kettle-bell"),
    _rule("exercise", r"\bbarbell\b", "bar bell"),
    _rule("exercise", r"\bpull ups\b", "pullups", "pole ups", "pull-ups"),
    _rule("exercise", r"\bchin ups\b", "chin-ups", "chinups", "chin ops"),
    _rule("exercise", r"\bshrugs\b", "shrubs"),
    _rule("exercise", r"\braises\b", "races", "raise's"),
    _rule("exercise", r"\bskull crushers\b", "school crushers", "skullcrushers"),
    _rule("exercise", r"\bpreacher\b", "preach her", "preachers"),
    _rule("exercise", r"\btriceps?\b", "tricep's", "try sep", "tri-cep"),
    _rule("exercise", r"\bhip thrusts?\b", "hip trusts", "hip thrust's"),
    _rule("exercise", r"\brdls?\b", "r d l", "RDL's", "are dl"),
    _rule("exercise", r"\bohp\b", "o h p", "OHP."),
    _rule("exercise", r"\bpulldowns?\b", "pull down", "pool downs"),
    _rule("exercise", r"\bflyes\b|\bflys\b|\bflies\b", "fries", "fly's", "flies"),
    _rule("sets", r"\bsets\b", "sits", "sex"),
    _rule("unit", r"\bpounds\b", "pound", "lb's"),
    _rule("unit", r"\bkilos\b", "kilo's", "keelos"),
)


def mishear(text: str, rng: random.Random, edits: int = 1) -> tuple[str, list[str]]:
    """Apply up to `edits` STT errors that fit the text; returns the text and the errors made."""
    applicable = [m for m in MISHEARINGS if m.pattern.search(text)]
    rng.shuffle(applicable)
    made: list[str] = []
    for rule in applicable[:edits]:
        text = rule.pattern.sub(rng.choice(rule.replacements), text, count=1)
        made.append(rule.name)
    if len(made) < edits or rng.random() < 0.15:
        text, stuttered = _stutter(text, rng)
        if stuttered:
            made.append("stutter")
    return text, made


def _stutter(text: str, rng: random.Random) -> tuple[str, bool]:
    """Repeat one short word, as STT does with hesitations ("for for", "the the")."""
    tokens = text.split(" ")
    spots = [i for i, t in enumerate(tokens) if t.lower() in {"for", "the", "at", "i", "and"}]
    if not spots:
        return text, False
    i = rng.choice(spots)
    tokens.insert(i, tokens[i])
    return " ".join(tokens), True


_TENS_ONES = re.compile(
    r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety) "
    r"(one|two|three|four|five|six|seven|eight|nine)\b"
)
_ACRONYMS = re.compile(r"\b(rpe|rir|rdl|rdls|ohp|db|kb|bb|ez|ghd|atg|sldl|cgbp|tng|amrap)\b")
_UNIT_CAPS = {"kg": "KG", "lbs": "LBS", "lb": "LB"}


def format_like_stt(text: str, rng: random.Random) -> str:
    """Casing and punctuation as different phone STT engines print them."""
    if rng.random() < 0.2:
        text = _TENS_ONES.sub(r"\1-\2", text)  # some engines hyphenate compound numbers
    if rng.random() < 0.55:
        text = _ACRONYMS.sub(lambda m: m.group(0).upper(), text)
    roll = rng.random()
    if roll < 0.35:
        text = text[:1].upper() + text[1:]
    elif roll < 0.38:
        text = " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    elif roll < 0.40:
        text = " ".join(_UNIT_CAPS.get(w, w) for w in text.split(" "))
    if rng.random() < 0.14 and text[-1:].isalnum():
        text += rng.choice([".", ".", "?", "!"]) if rng.random() < 0.2 else "."
    return text
