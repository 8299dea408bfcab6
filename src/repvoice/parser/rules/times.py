"""Rules about time: durations, rest, holds counted in seconds, cardio splits and distances."""

from __future__ import annotations

from collections.abc import Sequence

from repvoice.parser.align import (
    DUR,
    NOTE,
    REPS,
    REST,
    W_DOWN,
    W_UP,
    W,
)
from repvoice.parser.kind import ExerciseKind
from repvoice.parser.lexicon import UNIT_WORDS
from repvoice.parser.rules.common import (
    LOAD_CUES,
    MEASURES,
    MINUTE_WORDS,
    REP_NOUNS,
    REST_WORDS,
    SECOND_WORDS,
    TIME_WORDS,
    label_spans,
)
from repvoice.parser.tokens import Token


def bare_minutes(tokens: Sequence[Token], start: int, end: int, kind: ExerciseKind) -> bool:
    """A duration said as a bare number counts minutes when the utterance counts in minutes
    ("bike 30 minutes, actually 35") or is cardio ("treadmill 20"), and never says seconds."""
    if end - start != 1 or tokens[start].kind == "clock":
        return False
    if tokens[start].kind == "plural" and tokens[start].text.lower().endswith("s"):
        return False  # "6x30s": typed seconds
    if end < len(tokens) and tokens[end].norm in TIME_WORDS:
        return False
    words = {t.norm for t in tokens}
    if words & SECOND_WORDS:
        return False
    return bool(words & MINUTE_WORDS) or (kind.cardio and (tokens[start].value or 0) <= 180)


def fix_rest_and_split_durations(
    tokens: Sequence[Token], out: list[str], after_exercise: int
) -> None:
    """ "rest 60": a number straight after a rest word is the rest. "1 minute 45": seconds
    after a minute count belong to the same duration."""
    n = len(tokens)
    for i in range(1, n):
        tok = tokens[i]
        if tok.value is None:
            continue
        prev = tokens[i - 1].norm
        after = tokens[i + 1].norm if i + 1 < n else ""
        if (
            prev in REST_WORDS
            and out[i] not in (REST, DUR)
            and after not in ("for", "x", "times")
            and after not in UNIT_WORDS
            and i - 1 != after_exercise  # "bench rest 185": a misheard "bench press"
        ):
            out[i] = REST
        elif (
            prev in MINUTE_WORDS
            and out[i - 1] in (DUR, REST)
            and out[i] != out[i - 1]
            and tok.value < 60
            and (i + 1 >= n or tokens[i + 1].norm not in TIME_WORDS | REP_NOUNS)
        ):
            out[i] = out[i - 1]


def fix_intervals(tokens: Sequence[Token], out: list[str]) -> None:
    """ "20 seconds on, 10 off": in intervals, the time off is the rest."""
    words = [t.norm for t in tokens]
    if "off" not in words or "on" not in words:
        return
    for i in range(1, len(tokens) - 1):
        if words[i + 1] == "off" and tokens[i].value is not None and "on" in words[:i]:
            out[i] = REST
            if out[i + 1] == NOTE:
                out[i + 1] = "O"
            return


def fix_cardio_numbers(tokens: Sequence[Token], out: list[str]) -> None:
    """Cardio is never loaded and has no RPE said as a bare number: "5k" and "another 500"
    are distances (notes), and a clock time is the duration."""
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.value is None:
            continue
        after = tokens[i + 1].norm if i + 1 < n else ""
        if after in ("k", "km") and out[i] != NOTE:
            out[i] = NOTE
            out[i + 1] = NOTE
        elif out[i] in (W_UP, W_DOWN) and after not in UNIT_WORDS:
            out[i] = NOTE  # "another 500" on the rower: a distance, never a load change
    if DUR not in out:
        for i, tok in enumerate(tokens):
            if tok.kind == "clock" and out[i] in ("O", W, REPS):
                out[i] = DUR
                break


def fix_split_times(tokens: Sequence[Token], out: list[str]) -> None:
    """ "500 meter row one thirty eight": after a distance, a spoken time reads minutes and
    seconds (1:38), never a load or reps."""
    if DUR in out or not any(t.norm in MEASURES for t in tokens):
        return
    for i, tok in enumerate(tokens):
        value = tok.value
        if value is None or tok.kind not in ("colloquial_hundreds", "words"):
            continue
        if not any(t.norm in MEASURES for t in tokens[:i]):
            continue  # the time follows the distance it was rowed or run in
        if 100 <= value < 1000 and value == int(value) and int(value) % 100 < 60:
            out[i] = DUR
            return


def fix_durations(tokens: Sequence[Token], out: list[str], kind: ExerciseKind) -> None:
    """A bare number is a duration only for a timed exercise: "toes to bar 15" is 15 reps."""
    if kind.timed:
        return
    for start, end in label_spans(out).get(DUR, []):
        words = {t.norm for t in tokens[start : end + 1]}
        clock = any(t.kind == "clock" for t in tokens[start:end])
        if not clock and not words & TIME_WORDS and REPS not in out:
            out[start:end] = [REPS] * (end - start)


def fix_bare_times(tokens: Sequence[Token], out: list[str]) -> None:
    """ "plank 60", "treadmill 20": on work counted in time, a lone bare number tagged as the
    reps is the duration."""
    if DUR in out:
        return
    spans = label_spans(out)
    counts = spans.get(REPS, [])
    if len(counts) + len(spans.get(W, [])) != 1:
        return
    start, end = (counts or spans[W])[0]
    if end - start != 1:
        return
    i = start
    after = tokens[i + 1].norm if i + 1 < len(tokens) else ""
    before = tokens[i - 1].norm if i > 0 else ""
    if tokens[i].value is None or after in REP_NOUNS | UNIT_WORDS | {"x", "each", "per"}:
        return
    if before == "of" or before in LOAD_CUES or tokens[i].kind == "plural":
        return
    out[i] = DUR
