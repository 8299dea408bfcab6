"""Rules about the load: which number is the weight, how a follow-up changes it, gym slang
for plates and hundreds."""

from __future__ import annotations

import itertools
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
from repvoice.parser.lexicon import UNIT_WORDS, unit_of
from repvoice.parser.plates import find_plate_phrases, plate_load
from repvoice.parser.readings import split_hundred
from repvoice.parser.rules.common import REP_NOUNS, SIDES, label_spans, pronoun
from repvoice.parser.tokens import Token


def fix_weight_changes(tokens: Sequence[Token], out: list[str]) -> None:
    """ "10 more pounds", "5 kilos more", "20 pounds less": in a follow-up, a number with a unit
    and "more"/"less" changes the previous set's weight."""
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.value is None:
            continue
        after = [t.norm for t in tokens[i + 1 : i + 3]] + ["", ""]
        unit_then = after[0] in UNIT_WORDS and after[1] in ("more", "less", "heavier", "lighter")
        then_unit = after[0] in ("more", "less") and after[1] in UNIT_WORDS
        if unit_then or then_unit:
            up = "more" in after[:2] or "heavier" in after[:2]
            out[i] = W_UP if up else W_DOWN
            for k in range(n):
                if k != i and out[k] in (W, W_UP, W_DOWN):
                    out[k] = "O"
            return


#: Words before a number that add it to, or take it off, the previous set's load.
_ADDS = (("plus",), ("add",), ("added",), ("put", "on"), ("threw", "on"), ("up",), ("bump",))

_TAKES = (("minus",), ("took", "off"), ("take", "off"), ("taking", "off"), ("stripped",),
          ("dropped",), ("down",))  # fmt: skip


def fix_change_verbs(tokens: Sequence[Token], out: list[str], context_weight: float) -> None:
    """ "plus five kilos", "took off 20 pounds": in a follow-up, a number small next to the
    previous load, said after a word that adds or takes off, changes that load."""
    words = [t.norm for t in tokens]
    for i, tok in enumerate(tokens):
        if tok.value is None or out[i] not in (W, REPS) or tok.value >= context_weight / 2:
            continue
        label = None
        for phrase, change in [*((p, W_UP) for p in _ADDS), *((p, W_DOWN) for p in _TAKES)]:
            if tuple(words[max(0, i - len(phrase)) : i]) == phrase:
                label = change
                break
        if (
            label is None
            and i > 0
            and words[i - 1] in _TAKE_VERBS
            and words[i + 1 : i + 2] == ["off"]
        ):
            label = W_DOWN  # "took 20 off": the verb and "off" around the number
        if label is None:
            continue
        if out[i] == REPS:
            # the tagger called the change the reps: only when the reps are said after it
            # ("took 20 off for 10", "dropped 20 and did 8")
            done = next((k for k in range(i + 2, len(tokens)) if _counted(tokens, k)), None)
            if done is None:
                continue
            out[done] = REPS
        out[i] = label
        return


#: Verbs that, with "off" after the number, take it off the load ("took 20 off").
_TAKE_VERBS = frozenset({"took", "take", "taking", "pulled", "stripped", "knocked"})


def _counted(tokens: Sequence[Token], k: int) -> bool:
    """Whether `tokens[k]` is a count said after a word that introduces reps ("for 10", "did
    8")."""
    return (
        tokens[k].value is not None
        and tokens[k - 1].norm in ("for", "did", "got", "x", "times")
        and (k + 1 >= len(tokens) or unit_of(tokens[k + 1].norm) is None)
    )


def fix_misheard_hundreds(tokens: Sequence[Token], out: list[str], after_exercise: int) -> None:
    """ "bench to 25 for 8": straight after a barbell exercise, "to"/"too" before 10-99 is a
    misheard "two" and the load is 225 -- nobody benches 25 pounds."""
    i = after_exercise
    if i + 1 >= len(tokens) or tokens[i].norm not in ("to", "too"):
        return
    nxt = tokens[i + 1]
    if nxt.value is None or not 10 <= nxt.value <= 99 or nxt.value % 1:
        return
    if out[i + 1] not in (W, "O") or (i + 2 < len(tokens) and unit_of(tokens[i + 2].norm) == "kg"):
        return
    if any(label == W for k, label in enumerate(out) if k != i + 1):
        return
    out[i] = out[i + 1] = W


def fix_split_loads(tokens: Sequence[Token], out: list[str]) -> None:
    """ "deadlift 4 95 for 2": a digit the tagger left out, just before the load it starts, is
    the hundreds of that load (495)."""
    for i in range(len(tokens) - 1):
        if (
            out[i] == "O"
            and not pronoun(tokens, i)  # "this one 20 kilos"
            and out[i + 1] == W
            and (i + 2 >= len(tokens) or out[i + 2] != W)
            and tokens[i].value is not None
            and split_hundred(tokens[i], tokens[i + 1], tokens[i + 2 : i + 4]) is not None
        ):
            out[i] = W
            return


def fix_load_each(tokens: Sequence[Token], out: list[str]) -> None:
    """ "dumbbells 20 each 10 reps", "curls 25 each arm 10 reps": a number before "each", when
    the reps are said elsewhere and no load is, is the load in each hand. With a side after
    "each" ("10 each leg") it is the reps, unless other reps are said with "reps"."""
    if W in out or W_UP in out or W_DOWN in out:
        return
    n = len(tokens)
    said_reps = [
        k for k in range(n) if out[k] == REPS and k + 1 < n and tokens[k + 1].norm in REP_NOUNS
    ]
    for i in range(n - 1):
        if tokens[i].value is None or out[i] not in (REPS, "O"):
            continue
        if tokens[i + 1].norm not in ("each", "apiece"):
            continue
        sided = i + 2 < n and tokens[i + 2].norm in SIDES
        others = [k for k in range(n) if out[k] == REPS and k != i]
        if (others and not sided) or [k for k in said_reps if k != i]:
            out[i] = W
            return


def fix_load_then_reps(tokens: Sequence[Token], out: list[str]) -> None:
    """ "squat 315 5 at 7": a load span of two numbers that do not read as one ("2 25" does)
    and no reps elsewhere is a load then its reps."""
    if REPS in out:
        return
    for start, end in label_spans(out).get(W, []):
        # "leg press 6 plates 10": a plate phrase, then the reps
        phrase = next((e for s, e, _ in find_plate_phrases(tokens) if s == start and e < end), None)
        if phrase is not None and all(tokens[k].value is not None for k in range(phrase, end)):
            out[phrase:end] = [REPS] * (end - phrase)
            return
        nums = [i for i in range(start, end) if tokens[i].value is not None]
        if len(nums) != 2 or nums[1] != end - 1:
            continue
        a, b = tokens[nums[0]], tokens[nums[1]]
        if (
            split_hundred(a, b, tokens[end : end + 2]) is not None
            or plate_load(tokens, start, end) is not None
        ):
            continue
        if (a.value or 0) >= 20 and b.value is not None and 1 <= b.value <= 30 and b.value % 1 == 0:
            out[nums[1]] = REPS
            return


def fix_two_counts(tokens: Sequence[Token], out: list[str]) -> None:
    """Two rep counts and no load: "russian twists 20 for 30" and "squat 225 reps 8" say a load
    and its reps ("for"/"x"/"times" follow the load; "at" comes before it; otherwise the load
    is the number far too big to be the reps)."""
    if W in out or W_UP in out or W_DOWN in out:
        return
    spans = label_spans(out).get(REPS, [])
    if len(spans) != 2 or any(e - s != 1 for s, e in spans):
        return
    (a, _), (b, _) = spans
    va, vb = tokens[a].value, tokens[b].value
    if va is None or vb is None:
        return
    between = [t.norm for t in tokens[a + 1 : b]]
    if between in (["for"], ["x"], ["times"]):
        out[a] = W
    elif between == ["at"]:
        out[b] = W
    elif len(between) == 1 and between[0] in REP_NOUNS:
        big, small = (a, vb) if va > vb else (b, va)
        if max(va, vb) >= 20 and max(va, vb) >= 3 * small:
            out[big] = W


def fix_unit_after(tokens: Sequence[Token], out: list[str]) -> None:
    """ "ten pounds, twelve repetitions": a number with a unit after it is a load, never reps
    or effort, when no other load is tagged."""
    if W in out or W_UP in out or W_DOWN in out:
        return
    for i in range(len(tokens) - 1):
        if (
            tokens[i].value is not None
            and unit_of(tokens[i + 1].norm) is not None
            and out[i] in (REPS, RPE, RIR, "O")
        ):
            out[i] = W
            return


def fix_unit_first(tokens: Sequence[Token], out: list[str]) -> None:
    """ "curls pounds 20 each arm for 12", "leg press kilos 200": a unit said before its
    number, with no load tagged, makes that number the load."""
    if W in out or W_UP in out or W_DOWN in out:
        return
    for i in range(1, len(tokens)):
        prev = tokens[i - 1]
        if (
            tokens[i].value is not None
            and unit_of(prev.norm) is not None
            and (i < 2 or tokens[i - 2].value is None)
            and out[i] in ("O", REPS)
            and any(label == REPS for k, label in enumerate(out) if k != i)
        ):
            out[i] = W
            return


def slang_hundreds(tok: Token) -> bool:
    """ "two and a quarter", "three and a half": words for 2.25, 3.5 that on a barbell mean
    225 and 350 lbs."""
    v = tok.value
    return (
        v is not None
        and 1 < v < 10
        and v % 1 in (0.25, 0.5, 0.75)
        and tok.kind == "half"
        and any(c.isalpha() for c in tok.text)
    )


def fix_plates_named(tokens: Sequence[Token], out: list[str]) -> None:
    """ "235 for 5, forgot the tens": on a bar, a plural number names plates on it, not the
    load, when a load is said too."""
    loads = [i for i, label in enumerate(out) if label == W]
    # "two 45s and a 10 each side": plates counted in a plate phrase are the load itself
    inside = {k for s, e, _ in find_plate_phrases(tokens) for k in range(s, e)}
    plural = [i for i in loads if tokens[i].kind == "plural" and i not in inside]
    if plural and len(plural) < len(loads):
        for i in plural:
            out[i] = NOTE if i > 0 and out[i - 1] == NOTE else "O"


def fix_same_weight(tokens: Sequence[Token], out: list[str]) -> None:
    """ "same weight 9 more": the weight is the previous one, so the number is not a change."""
    words = [t.norm for t in tokens]
    said_same = any(
        a == "same" and b in _SAME_LOAD for a, b in itertools.pairwise(words)
    ) or "keep the weight" in " ".join(words)
    if not said_same:
        return
    for i, label in enumerate(out):
        if label in (W_UP, W_DOWN):
            out[i] = REPS if REPS not in out else "O"


#: After "same", words that mean the load did not change ("same bell", "same dumbbells").
_SAME_LOAD = frozenset(
    "weight weights load ball bell kettlebell kettlebells dumbbell dumbbells db dbs kb bar "
    "plates".split()
)


def fix_drop_sets(tokens: Sequence[Token], out: list[str]) -> None:
    """ "150 for 12 with a drop set to 100 for 10": the set logged is the first; the drop is a
    note."""
    words = [t.norm for t in tokens]
    for i in range(len(words) - 1):
        named = words[i] == "dropset" or (words[i] == "drop" and words[i + 1] in ("set", "sets"))
        # "170 for 15 then dropped to 120 for 12": the drop follows the set it comes from
        dropped = words[i] in _DROP_WORDS and words[i + 1] == "to" and "then" in words[i - 2 : i]
        if named or dropped:
            start = i - 1 if dropped and words[i - 1] == "then" else i
            if dropped and W in out[:start] and REPS not in out[:start]:
                # "25s for 15 then drop to the 15s": the count before the drop is the reps
                count = next((k for k in range(start - 1, -1, -1) if tokens[k].value), None)
                if count is not None and out[count] != W:
                    out[count] = REPS
            if W in out[:start] and REPS in out[:start]:
                out[start:] = _noted(tokens, out, start)
            elif named and (W in out[:i] or REPS in out[:i]):
                out[i:] = _noted(tokens, out, i)
            return


def _noted(tokens: Sequence[Token], out: list[str], start: int) -> list[str]:
    """Labels from `start` on as a note, keeping "to failure" (a drop set taken to failure
    still failed)."""
    return [
        label if label == FAIL else (NOTE if t.kind != "punct" else "O")
        for t, label in zip(tokens[start:], out[start:], strict=True)
    ]


_DROP_WORDS = frozenset({"drop", "dropped", "dropping", "stripped"})
#: Words before a number that make it a count of reps done ("got all 21", "did 12").
_COUNT_CUES = frozenset({"got", "did", "hit", "for", "x", "times", "all", "managed"})
_ASSIST = frozenset({"assistance", "assist", "assisted", "assisting"})


def fix_two_loads(tokens: Sequence[Token], out: list[str]) -> None:
    """ "rear delt flys 7 kg 15": two loads and no reps, one with its unit: the other is the
    reps. "70 pounds of assistance" is no load at all."""
    n = len(tokens)
    for i in range(n - 1):
        if out[i] == W and _ASSIST & {t.norm for t in tokens[i + 1 : i + 4]}:
            out[i] = NOTE  # an assisted machine's counterweight, noted, never a load
    if REPS in out:
        return
    loads = [s for s, e in label_spans(out).get(W, []) if e - s == 1]
    if len(loads) != 2:
        return
    with_unit = [i for i in loads if i + 1 < n and unit_of(tokens[i + 1].norm) is not None]
    # "thrusters at 95 got all 21": the count is the one said after a verb of doing
    counted = [i for i in loads if _COUNT_CUES & {t.norm for t in tokens[max(0, i - 2) : i]}]
    other = None
    if len(with_unit) == 1:
        other = next(i for i in loads if i not in with_unit)
    elif len(counted) == 1:
        other = counted[0]
    if other is not None:
        value = tokens[other].value
        if value is not None and value == int(value) and 1 <= value <= 100:
            out[other] = REPS


def fix_load_times_reps(tokens: Sequence[Token], out: list[str]) -> None:
    """ "laterals 12.5 x20": with no load tagged, a number before "x" and the reps is the load
    when it cannot be a count of sets (a fraction, or 15 and up)."""
    if W in out or W_UP in out or W_DOWN in out:
        return
    for i in range(len(tokens) - 2):
        v = tokens[i].value
        if (
            v is not None
            and out[i] == "O"
            and tokens[i + 1].norm == "x"
            and out[i + 2] == REPS
            and (v % 1 or v >= 15)
        ):
            out[i] = W
            return


def fix_absolute_loads(tokens: Sequence[Token], out: list[str]) -> None:
    """ "up to 32.5", "drop to 185": a load said after "to" is the new load, not a change."""
    for i in range(1, len(tokens)):
        if out[i] in (W_UP, W_DOWN) and tokens[i - 1].norm == "to":
            out[i] = W


def fix_unloaded_follow_up(tokens: Sequence[Token], out: list[str]) -> None:
    """ "another 10 on the knees" after push-ups: with no load before, a bodyweight follow-up's
    bare number is the reps, not a change of load."""
    n = len(tokens)
    for i, label in enumerate(out):
        if label in (W_UP, W_DOWN, W) and (i + 1 >= n or unit_of(tokens[i + 1].norm) is None):
            if REPS not in out:
                out[i] = REPS
            else:
                out[i] = "O"


def fix_paused_load(tokens: Sequence[Token], out: list[str]) -> None:
    """ "thrusters... 95... 15 reps": with the reps said and no load tagged, a number said on
    its own between pauses is the load (the reps are what the set counts, said with "reps")."""
    if W in out or W_UP in out or W_DOWN in out or REPS not in out:
        return
    n = len(tokens)
    for i in range(1, n - 1):
        tok = tokens[i]
        if tok.value is None or out[i] != "O" or pronoun(tokens, i):
            continue
        if tokens[i - 1].kind == "punct" and tokens[i + 1].kind == "punct":
            out[i] = W
            return


#: Words just before a plate phrase that add it to, or take it off, the previous load.
_PLATES_ON = frozenset({"add", "added", "adding", "put", "threw", "plus", "up", "another"})
_PLATES_OFF = frozenset(
    {"drop", "dropped", "dropping", "took", "take", "taking", "stripped", "pulled", "minus"}
)


def fix_plate_changes(tokens: Sequence[Token], out: list[str]) -> None:
    """ "add a plate each side", "dropped a plate a side", "added a 10 each side": in a
    follow-up, plates said after a verb of adding or taking off change the previous load by
    what they weigh (without a bar; `decode` reads the phrase)."""
    words = [t.norm for t in tokens]
    for start, end, _ in find_plate_phrases(tokens):
        said = words[max(0, start - 3) : start]
        if _PLATES_OFF.intersection(said):
            label = W_DOWN
        elif _PLATES_ON.intersection(said):
            label = W_UP
        else:
            continue
        if any(
            tokens[k].value is not None and out[k] in (W, W_UP, W_DOWN)
            for k in range(len(tokens))
            if not start <= k < end
        ):
            return  # another load is said ("add a plate, 315 for 5"): that one is the load
        for k in range(max(0, start - 3), start):
            if out[k] in (W, W_UP, W_DOWN):
                out[k] = "O"
        out[start:end] = [label] * (end - start)
        return
