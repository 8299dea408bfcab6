"""Rules about effort: RPE and RIR cues, failure, numbers said again to confirm."""

from __future__ import annotations

from collections.abc import Sequence

from repvoice.parser.align import (
    FAIL,
    NOTE,
    REPS,
    RIR,
    RPE,
    W_DOWN,
    W_UP,
    W,
)
from repvoice.parser.lexicon import UNIT_WORDS
from repvoice.parser.rules.common import (
    CORRECTIONS,
    REP_NOUNS,
    RIR_WORDS,
    RPE_AFTER,
    RPE_BEFORE,
    RPE_INTRO,
    label_spans,
)
from repvoice.parser.tokens import Token

_SHORT_OF = frozenset({"shy", "short", "away"})


def fix_short_of_failure(tokens: Sequence[Token], out: list[str]) -> None:
    """ "one rep shy of failure", "2 short of failure": the number is the reps in reserve, and
    the set did not go to failure."""
    words = [t.norm for t in tokens]
    if not _SHORT_OF.intersection(words) and "from" not in words:
        return
    for i, word in enumerate(words):
        said_failure = "failure" in words[i + 1 : i + 4]
        if not (
            (word in _SHORT_OF and (said_failure or i + 1 == len(words)))
            or (word == "from" and words[i + 1 : i + 2] == ["failure"])
        ):
            continue
        k = i - 1
        if k >= 0 and words[k] in REP_NOUNS:
            k -= 1
        if k < 0:
            return
        value = tokens[k].value
        if value is None or not 0 <= value <= 5:
            return
        fail_end = i + 1 + words[i + 1 : i + 4].index("failure") + 1 if said_failure else i + 1
        for j in range(k, fail_end):
            if out[j] in (FAIL, RPE, RIR, REPS) or j == k:
                out[j] = "O"
        out[k] = RIR
        return


#: Spoken and misheard forms of "RIR" said before its number ("are I are 2", "rear 2").
_RIR_BEFORE = (
    ("rir",),
    ("rir", "of"),
    ("reserve",),
    ("r", "i", "r"),
    ("are", "i", "are"),
    ("rear",),
)

#: Words before "N more" that make it reps left in reserve ("could have squeezed out 1 more").
_COULD = frozenset({"could", "could've", "coulda", "had", "have", "maybe", "probably"})


def fix_rir_cues(tokens: Sequence[Token], out: list[str]) -> None:
    """ "reps in reserve 2", "are I are to", "could have squeezed out one more": reps in
    reserve said before the number, or as reps that were left."""
    words = [t.norm for t in tokens]
    if not _RIR_TRIGGERS.intersection(words):
        return
    n = len(tokens)
    # the last one said wins: "2 in the tank, well maybe 1, yeah 1 in the tank"
    for i in range(n - 1, 0, -1):
        value = tokens[i].value
        if value is None and words[i] in ("to", "too"):
            value = 2.0  # "are I are to"
        if words[i] == "couple" and {"left", "tank", "reserve"} & set(words[i + 1 : i + 5]):
            # "couple left in the tank": two in reserve
            out[i] = RIR
            return
        if value is None or not 0 <= value <= 6 or value % 1:
            continue
        cued = any(tuple(words[max(0, i - len(c)) : i]) == c for c in _RIR_BEFORE) or (
            words[i + 1 : i + 4] == ["in", "the", "tank"]  # "left 2 in the tank"
        )
        more = (
            i + 1 < n
            and words[i + 1] == "more"
            and (i + 2 >= n or words[i + 2] not in UNIT_WORDS)
            and bool(_COULD.intersection(words[max(0, i - 5) : i]))
        )
        if (cued or more) and out[i] not in (W, W_UP, W_DOWN):
            if tokens[i].value is None:
                continue  # a homophone has no value to decode; leave it
            for k, label in enumerate(out):
                if label in (RIR, RPE) and k != i:
                    out[k] = "O"
            out[i] = RIR
            return


#: Words at least one of which every phrase `fix_rir_cues` reads contains.
_RIR_TRIGGERS = frozenset({"rir", "reserve", "r", "are", "rear", "more", "couple", "tank"})

_FAILED = frozenset({"failed", "missed", "ate", "lost", "couldn't", "didn't"})


def fix_failed_rep(tokens: Sequence[Token], out: list[str]) -> None:
    """ "got 3 and failed the 4th", "couldn't get the tenth": the set went to failure; the
    ordinal names the failed rep, not the reps done."""
    words = [t.norm for t in tokens]
    if _failed_last(tokens, out):
        return
    for i, tok in enumerate(tokens):
        if tok.kind != "ordinal" or not _FAILED.intersection(words[max(0, i - 4) : i]):
            continue
        if out[i] != NOTE:
            out[i] = "O"
        if RPE not in out and RIR not in out and FAIL not in out:
            out[i] = FAIL
        return


def fix_reps_to_failure(tokens: Sequence[Token], out: list[str]) -> None:
    """ "did 8 to failure": the count just before "to failure" is the reps, never an RPE
    (the failure is the effort), unless an RPE word says otherwise ("rpe 9 to failure")."""
    words = [t.norm for t in tokens]
    for i in range(len(tokens) - 2):
        if tokens[i].value is None or out[i] != RPE:
            continue
        if (
            words[i + 1] in ("to", "till", "until")
            and words[i + 2] == "failure"
            and (i == 0 or words[i - 1] not in ("rpe", "@", "at"))
        ):
            out[i] = REPS


#: Words before a count that make it the reps done ("got 3", "managed 5").
_DONE = frozenset({"got", "did", "managed", "hit", "made"})


def _failed_last(tokens: Sequence[Token], out: list[str]) -> bool:
    """ "went for 4, got 3, failed the last rep": the set went to failure (RPE 10, RIR 0) and
    its reps are the count said as done ("got 3"), else the count said. Whether it applied."""
    words = [t.norm for t in tokens]
    n = len(words)
    for i in range(1, n - 1):
        if words[i] != "the" or words[i + 1] != "last" or words[i - 1] not in _FAILED:
            continue
        end = i + 2
        if end < n and (words[end] in REP_NOUNS or tokens[end].text.lower() == "one"):
            end += 1
        if end < n and tokens[end].value is not None:
            return False  # "failed the last 2": a count of failed reps, not one
        done = [
            k
            for k in range(i - 1)
            if tokens[k].value is not None and k > 0 and words[k - 1] in _DONE
        ]
        for k in range(n):
            if out[k] in (RPE, RIR, FAIL) or (i - 1 <= k < end and out[k] == NOTE):
                out[k] = "O"
        if done:
            for k in range(n):
                if out[k] == REPS and k != done[-1]:
                    out[k] = "O"
            out[done[-1]] = REPS
            if out[done[-1] - 1] == NOTE:
                out[done[-1] - 1] = "O"  # "got" went with its count, out of any note
        out[i + 1] = FAIL
        return True
    return False


def fix_trailing_half(tokens: Sequence[Token], out: list[str]) -> None:
    """ "455 for 2, pause just below the knee, 7 and a half": with the load and reps said, a
    half number of 5-10 left over is the RPE -- nothing else in a set comes in halves."""
    if RPE in out or RIR in out or FAIL in out or W not in out or REPS not in out:
        return
    for i, tok in enumerate(tokens):
        v = tok.value
        if v is not None and out[i] in ("O", NOTE) and v % 1 == 0.5 and 5 <= v <= 10:
            out[i] = RPE
            return


def fix_out_of_ten(tokens: Sequence[Token], out: list[str]) -> None:
    """ "felt like an 8 out of 10", "8/10": an effort score out of ten is the RPE, and the ten
    is the scale -- unless reps follow ("8 out of 10 reps")."""
    words = [t.norm for t in tokens]
    if "out" not in words and "/" not in words:
        return
    n = len(tokens)
    for i, tok in enumerate(tokens):
        v = tok.value
        if v is None or not 1 <= v <= 10:
            continue
        if words[i + 1 : i + 3] == ["out", "of"] and i + 3 < n and tokens[i + 3].value:
            ten = i + 3
        elif words[i + 1 : i + 3] == ["/", "10"]:
            ten = i + 2
        else:
            continue
        if ten + 1 < n and words[ten + 1] in REP_NOUNS:
            # "got 8 out of 10 reps": 8 done of 10 planned
            out[i], out[ten] = REPS, "O"
            for k in range(n):
                if out[k] == REPS and k != i:
                    out[k] = "O"
            return
        if tokens[ten].value != 10:
            continue
        if _PAIN.intersection(words[max(0, i - 4) : i]):
            # "shoulder pain about 2 out of 10": a pain score, kept as a note, never the RPE
            out[i : ten + 1] = [NOTE] * (ten + 1 - i)
            return
        for k in range(n):
            if out[k] in (RPE, RIR, FAIL):
                out[k] = "O"
        out[i + 1 : ten + 1] = ["O"] * (ten - i)
        out[i] = RPE
        return


#: Words before a score out of ten that make it a pain score, not the effort.
_PAIN = frozenset({"pain", "painful", "hurts", "hurt", "hurting", "sore", "soreness", "ache"})


def fix_echoed_numbers(tokens: Sequence[Token], out: list[str]) -> None:
    """ "8 no 9 reps, yeah 9", "wait 4, 4 reps": a number said again to confirm it is not an
    RPE or RIR unless words say so."""
    for start, end in [*label_spans(out).get(RPE, []), *label_spans(out).get(RIR, [])]:
        if end - start != 1 or tokens[start].value is None:
            continue
        before = {t.norm for t in tokens[max(0, start - 3) : start]}
        after = {t.norm for t in tokens[end : end + 3]}  # "2 in the tank"
        if before & (RPE_INTRO | RIR_WORDS) or after & (RPE_AFTER | RIR_WORDS):
            continue
        value = tokens[start].value
        echoed = any(
            k != start and tokens[k].value == value and out[k] in (REPS, W, "O")
            for k in range(max(0, start - 6), min(len(tokens), start + 3))
        )
        if echoed:
            out[start] = "O"
    # "sorry 14, 14 reps": of a number said twice in a row, the one with words after it counts
    for i in range(len(tokens) - 1):
        a, b = tokens[i], tokens[i + 1]
        if (
            a.value is not None
            and a.value == b.value
            and a.kind == b.kind  # "the twenties, 20 reps" is a pair of 20s, then the reps
            and out[i] not in ("O", out[i + 1])
            and out[i + 1] != "O"
        ):
            out[i] = "O"


_FIXES = CORRECTIONS | {"no"}
_RPE_CUES = RPE_BEFORE | {"pe", "pee"}


def fix_uncued_rpe(tokens: Sequence[Token], out: list[str]) -> None:
    """An RPE needs words that say so; a lone number the tagger called an RPE, in a set that
    has no reps ("handstand push ups strict 8"), is the reps."""
    if REPS in out or FAIL in out:
        return
    for start, end in label_spans(out).get(RPE, []):
        before = {t.norm for t in tokens[max(0, start - 3) : start]}
        after = {t.norm for t in tokens[end : end + 1]}
        # "rpe 8 scratch that 9": a correction carries the cue of what it corrects
        fix = next(
            (k for k in range(start - 1, max(-1, start - 4), -1) if tokens[k].norm in _FIXES), None
        )
        corrects = fix is not None and bool(
            {t.norm for t in tokens[max(0, fix - 4) : fix]} & _RPE_CUES
        )
        if not (before & RPE_INTRO or after & RPE_AFTER or corrects):
            out[start:end] = [REPS] * (end - start)
            return
