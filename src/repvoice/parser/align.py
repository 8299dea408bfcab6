"""Derive token labels for the tagger by aligning a gold answer back onto its transcript.

The training data gives only the answer JSON, not which words said what. For each gold value
this module finds the spans that can be read as it (`readings`) and, where several can, picks by
the words around them ("8" after "rpe" is the RPE, "8" after "for" the reps, the later of two
readings after a self-correction). A value found nowhere in the text, and not explained by the
context or the RPE/RIR rule, makes the example unusable for the tagger: it is reported, not
trained on, because labelling its words "O" would teach the tagger the wrong thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from repvoice.parser.lexicon import DOWN_WORDS, FAILURE_WORDS, UNIT_WORDS, UP_WORDS
from repvoice.parser.numbers import spoken_numbers
from repvoice.parser.readings import (
    duration_readings,
    numeric_readings,
    tempo_readings,
)
from repvoice.parser.tokens import PUNCT, Token
from repvoice.schema import Context

O = "O"  # noqa: E741 (the outside label, as every BIO tagger names it)
W = "W"  # the load
W_UP = "W_UP"  # a follow-up's increase: "add 10"
W_DOWN = "W_DOWN"  # a follow-up's decrease: "drop 20"
REPS = "REPS"
SETS = "SETS"
RPE = "RPE"
RIR = "RIR"
FAIL = "FAIL"  # "to failure": RPE 10, RIR 0
DUR = "DUR"
REST = "REST"
TEMPO = "TEMPO"
NOTE = "NOTE"
LABELS = (O, W, W_UP, W_DOWN, REPS, SETS, RPE, RIR, FAIL, DUR, REST, TEMPO, NOTE)

#: Words around a number that say which slot it fills, with their weight as evidence.
_BEFORE: dict[str, dict[str, float]] = {
    RPE: {"rpe": 3, "@": 3, "exertion": 3, "pee": 2, "e": 2, "rp": 2, "pay": 2, "at": 0.5,
          "an": 0.5, "a": 0.3},
    RIR: {"rir": 3, "are": 1, "reserve": 1},
    REPS: {"for": 2, "x": 2, "by": 1.5, "of": 0.5, "times": 0.5, "did": 0.3},
    SETS: {"did": 0.3},
    W: {"at": 1, "with": 1, "plus": 1, "using": 1, "to": 0.5, "hit": 0.5},
    W_UP: {"add": 2, "plus": 2, "up": 1, "bump": 2, "on": 1, "another": 1},
    W_DOWN: {"drop": 2, "minus": 2, "off": 1, "down": 1, "take": 1, "strip": 1},
    REST: {"rest": 3, "rested": 3, "resting": 3, "break": 2},
    DUR: {"for": 0.5, "held": 1, "hold": 1},
}  # fmt: skip
_AFTER: dict[str, dict[str, float]] = {
    RPE: {"rpe": 2, "rp": 1.5, "r": 1},
    RIR: {"rir": 3, "in": 1.5, "tank": 2, "reserve": 2, "left": 2, "more": 1.5, "r": 1,
          "are": 1, "rear": 2},
    REPS: {"reps": 3, "rep": 3, "raps": 3, "wraps": 3, "rips": 3, "times": 2, "repetitions": 3,
           "each": 1},
    SETS: {"sets": 3, "set": 2, "sits": 2, "sex": 2, "x": 2, "by": 1.5, "rounds": 2, "of": 1},
    W: {"pounds": 2, "lbs": 2, "lb": 2, "kg": 2, "kilos": 2, "kgs": 2, "kilograms": 2,
        "pound": 2, "for": 1, "x": 0.5, "plates": 1},
    W_UP: {"more": 2, "pounds": 1, "lbs": 1, "kg": 1, "kilos": 1, "heavier": 2},
    W_DOWN: {"less": 2, "lighter": 2, "off": 1},
    REST: {"rest": 2},
}  # fmt: skip


@dataclass
class Alignment:
    """Labels for every token, or why the example cannot be aligned."""

    labels: list[str]
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


def _words_near(tokens: Sequence[Token], start: int, end: int, k: int = 3) -> tuple[list, list]:
    before = [t.norm for t in tokens[max(0, start - k) : start]]
    after = [t.norm for t in tokens[end : end + k]]
    return before, after


def cue_score(tokens: Sequence[Token], start: int, end: int, label: str) -> float:
    """Evidence from nearby words that tokens `start:end` fill `label` (closer counts more)."""
    before, after = _words_near(tokens, start, end)
    score = 0.0
    cues_b, cues_a = _BEFORE.get(label, {}), _AFTER.get(label, {})
    for dist, word in enumerate(reversed(before)):
        score += cues_b.get(word, 0.0) / (1 + dist)
    for dist, word in enumerate(after):
        score += cues_a.get(word, 0.0) / (1 + dist)
    return score


def _equal(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def align(
    tokens: Sequence[Token], gold: dict[str, Any], context: Context | None = None
) -> Alignment:
    """Token labels for one example; `missing` lists gold values found nowhere in the text."""
    n = len(tokens)
    labels = [O] * n
    missing: list[str] = []
    # (score, label, start, end): every place a gold value could be read, scored by its cues.
    options: list[tuple[float, str, int, int]] = []
    numeric = list(numeric_readings(tokens))
    fields = {
        REPS: gold.get("reps"),
        SETS: gold.get("sets"),
        RPE: gold.get("rpe"),
        RIR: gold.get("rir"),
    }
    failure = [i for i, t in enumerate(tokens) if t.norm in FAILURE_WORDS]
    said_failure = bool(failure) and gold.get("rpe") == 10
    if said_failure:
        labels[failure[-1]] = FAIL
        fields[RPE] = None
        if gold.get("rir") == 0:
            fields[RIR] = None
    weight = gold.get("weight")
    for r in numeric:
        for label, value in fields.items():
            if value is not None and _equal(r.value, value):
                options.append(
                    (_score(tokens, r.start, r.end, label, r.how), label, r.start, r.end)
                )
        if weight is not None:
            for label, value in _weight_targets(weight, context, tokens, r.start):
                if _equal(r.value, value):
                    options.append(
                        (_score(tokens, r.start, r.end, label, r.how), label, r.start, r.end)
                    )
    for label, key in ((DUR, "duration_seconds"), (REST, "rest_seconds")):
        value = gold.get(key)
        if value is not None:
            for r in duration_readings(tokens):
                if _equal(r.value, value):
                    options.append(
                        (_score(tokens, r.start, r.end, label, r.how) + 1, label, r.start, r.end)
                    )
            for r in numeric:
                # a bare "rest 90" or "rest 2" (minutes)
                if _equal(r.value, value) or (label == REST and _equal(r.value * 60, value)):
                    options.append(
                        (_score(tokens, r.start, r.end, label, r.how), label, r.start, r.end)
                    )
    tempo = gold.get("tempo")
    if tempo:
        for i, j, said in tempo_readings(tokens):
            if said == tempo:
                options.append((2.0 + (j - i) * 0.1, TEMPO, i, j))
    taken: set[str] = set()
    # Higher evidence first; among equals the longer span, then the later one (corrections).
    for _, label, start, end in sorted(options, key=lambda o: (-o[0], -(o[3] - o[2]), -o[2])):
        if label in taken or (label in (W_UP, W_DOWN) and W in taken):
            continue
        if label == W and (W_UP in taken or W_DOWN in taken):
            continue
        if any(labels[k] != O for k in range(start, end)):
            continue
        for k in range(start, end):
            labels[k] = label
        taken.add(label)
    previous = {REPS: context.reps, RPE: context.rpe} if context is not None else {}
    for label, value in fields.items():
        if value is None or label in taken or _derived(label, gold, taken):
            continue
        if previous.get(label) is not None and _equal(previous[label], value):
            continue  # a follow-up keeps the previous set's value
        missing.append(f"{label.lower()} {value:g}")
    if weight is not None and not taken & {W, W_UP, W_DOWN} and not _from_context(weight, context):
        missing.append(f"weight {weight:g}")
    for label, key in ((DUR, "duration_seconds"), (REST, "rest_seconds"), (TEMPO, "tempo")):
        if gold.get(key) is not None and label not in taken:
            missing.append(f"{key} {gold[key]}")
    _label_notes(tokens, labels, gold.get("notes"))
    return Alignment(labels, missing)


def _score(tokens: Sequence[Token], start: int, end: int, label: str, how: str) -> float:
    score = cue_score(tokens, start, end, label)
    if how == "homophone":
        # "for"/"to" are usually words; only strong cues make them numbers
        score -= 1.5
    elif how in ("plates", "split_hundred"):
        score += 1.0
    # a later reading wins ties: a self-correction keeps the last value
    return score + start * 1e-3


def _weight_targets(
    weight: float, context: Context | None, tokens: Sequence[Token], start: int
) -> list[tuple[str, float]]:
    targets = [(W, weight)]
    if context is not None and context.weight is not None:
        before = {t.norm for t in tokens[max(0, start - 3) : start + 3]}
        if before & UP_WORDS:
            targets.append((W_UP, weight - context.weight))
        if before & DOWN_WORDS:
            targets.append((W_DOWN, context.weight - weight))
    return targets


def _from_context(weight: float, context: Context | None) -> bool:
    return context is not None and context.weight is not None and _equal(context.weight, weight)


def _derived(label: str, gold: dict[str, Any], taken: set[str]) -> bool:
    """RPE = 10 - RIR and RIR = 10 - RPE are conventions, not words in the text."""
    rpe, rir = gold.get("rpe"), gold.get("rir")
    if label == RPE and RIR in taken and rir is not None:
        return _equal(rpe, 10 - rir)
    if label == RIR and RPE in taken and rpe is not None:
        return _equal(rir, 10 - rpe)
    return label in (RPE, RIR) and FAIL in taken


def _label_notes(tokens: Sequence[Token], labels: list[str], notes: str | None) -> None:
    """Mark each comma-separated piece of the gold notes where it stands in the text (the last
    place it does)."""
    if not notes:
        return
    words = [(k, t.norm) for k, t in enumerate(tokens) if t.kind != PUNCT]
    norms = [w for _, w in words]
    for piece in notes.split(","):
        target = [t.norm for t in spoken_numbers(piece) if t.kind != PUNCT]
        m = len(target)
        if not m:
            continue
        for i in range(len(norms) - m, -1, -1):
            if norms[i : i + m] == target:
                first, last = words[i][0], words[i + m - 1][0]
                if all(labels[k] in (O, NOTE) for k in range(first, last + 1)):
                    for k in range(first, last + 1):
                        labels[k] = NOTE
                    break


def is_unit(token: Token) -> bool:
    return token.norm in UNIT_WORDS
