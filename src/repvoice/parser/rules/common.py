"""Words and small helpers the repair rules share: label runs, units near a span, cue words."""

from __future__ import annotations

from collections.abc import Sequence

from repvoice.parser.align import NOTE
from repvoice.parser.lexicon import unit_of
from repvoice.parser.tokens import Token


def label_spans(labels: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """Runs of the same label (other than O), in order."""
    spans: dict[str, list[tuple[int, int]]] = {}
    i, n = 0, len(labels)
    while i < n:
        label = labels[i]
        j = i + 1
        while j < n and labels[j] == label:
            j += 1
        if label != "O":
            spans.setdefault(label, []).append((i, j))
        i = j
    return spans


def unit_near(tokens: Sequence[Token], start: int, end: int) -> str | None:
    """ "kg" or "lbs" said just after the span `tokens[start:end]` (or just before it)."""
    for k in (*range(end, min(end + 2, len(tokens))), start - 1):
        if 0 <= k < len(tokens):
            unit = unit_of(tokens[k].norm)
            if unit:
                return _corrected_unit(tokens, k) or unit
    return None


def _corrected_unit(tokens: Sequence[Token], k: int) -> str | None:
    """ "100 pounds, I mean kilos": the unit said after a correction of the unit at `k`, with
    no number between (a new number would be a new value, not a new unit)."""
    cue = None
    for j in range(k + 1, min(k + 4, len(tokens))):
        if tokens[j].value is not None:
            return None
        if tokens[j].norm in CORRECTIONS or tokens[j].norm == "no":
            cue = j
            break
    if cue is None:
        return None
    for j in range(cue + 1, min(cue + 4, len(tokens))):
        if tokens[j].value is not None:
            return None
        unit = unit_of(tokens[j].norm)
        if unit:
            return unit
    return None


def load_cue(tokens: Sequence[Token], span: tuple[int, int]) -> bool:
    """Words that make a number on a bodyweight exercise an added load ("plus 45", "with a
    25", "weighted")."""
    start, end = span
    near = {t.norm for t in tokens[max(0, start - 3) : end + 2]}
    return bool(near & LOAD_CUES) or any(t.norm in ("weighted", "vest", "belt") for t in tokens)


LOAD_CUES = frozenset({"plus", "with", "weighted", "added", "extra", "vest", "belt", "holding"})

#: Time units after a number ("90 seconds"): a duration.
TIME_WORDS = frozenset("seconds second secs sec s minutes minute mins min hours hour hr".split())

#: Words after a number that make it the reps ("20 raps").
REP_NOUNS = frozenset("reps rep raps wraps rips repetitions".split())

#: Distances and counts of something else ("20 cals", "500 meters"): kept as a note.
MEASURES = frozenset(
    "cals cal calories calorie meters meter metres m yards yard miles mile km feet foot ft "
    "steps floors laps inch inches cm centimetres centimeters centimetre centimeter metre "
    "percent % lengths length".split()
)

#: "10 each side", "8 per leg".
SIDES = frozenset({"side", "sides", "leg", "legs", "arm", "arms", "hand", "way", "direction"})

#: Words for sets, as said and as misheard ("4 sex of 8").
SET_NOUNS = frozenset({"sets", "set", "sex", "sits", "rounds"})

#: Words that start a self-correction ("no wait", "scratch that", "sorry", "actually").
CORRECTIONS = frozenset({"wait", "scratch", "sorry", "actually", "correction", "mean", "nah"})

#: Words after which "one" is a pronoun ("that one", "the last one").
_DETERMINERS = frozenset("that this the last next each every another which first".split())

#: Machine settings said before a number ("level 8", "speed 3", "incline 12").
SETTING_WORDS = frozenset({"level", "speed", "resistance", "setting", "gear", "zone"})

#: Settings said after a number ("12 incline", "3 mph").
SETTINGS_AFTER = frozenset({"incline", "mph", "rpm", "watts", "level", "speed", "zone"})

#: Words before a number that make it an index, not a count ("round one", "set 3").
INDEX_WORDS = frozenset({"round", "set", "number", "attempt", "try"})

#: Words right before a number that make it the RPE whatever the tagger said ("@ 8", "rpe 9").
RPE_BEFORE = frozenset({"rpe", "@", "exertion", "rp"})

#: Words after a number that make it measure something other than reps ("24 inch box").
NOT_REPS_AFTER = frozenset(
    "inch inches in meters meter metres m yards yard feet ft miles mile km k cals cal calories "
    "calorie percent % lbs lb pounds pound kg kgs kilos kilo seconds second secs sec minutes "
    "minute mins min hours hour rpe rir x cm centimetre centimetres centimeter centimeters "
    "metre".split()
)

#: Words before a number that make it something other than reps ("level 8", "rpe 9").
NOT_REPS_BEFORE = frozenset(
    "level speed incline rpe rir @ tempo rest rested number round attempt try".split()
)

#: Words that introduce an RPE ("@ 8", "rpe 8", "at an 8", "felt like a 9", "was a 7").
RPE_INTRO = frozenset(
    {"rpe", "@", "at", "a", "an", "like", "was", "pe", "e", "pee", "exertion", "rp", "of", "pay"}
)

#: Words after a number that make it an RPE ("8 rpe", "7 and a half are pee e").
RPE_AFTER = frozenset({"rpe", "are", "r", "rp", "pee", "rate"})

REST_WORDS = frozenset({"rest", "rested", "resting", "break"})

#: Lengths whose next number continues them ("2 metres 60", "6 foot 2").
LENGTHS = frozenset({"metres", "meters", "metre", "meter", "m", "feet", "foot", "ft"})

MINUTE_WORDS = frozenset({"minute", "minutes", "min", "mins"})

SECOND_WORDS = frozenset({"second", "seconds", "sec", "secs", "s"})

PLURAL_COUNTS = frozenset({"singles", "doubles", "triples"})

REP_COUNTS = PLURAL_COUNTS | {"single", "double", "triple"}

#: Words that say a number is reps in reserve.
RIR_WORDS = frozenset({"rir", "reserve", "tank", "left", "more"})


def pronoun(tokens: Sequence[Token], i: int) -> bool:
    """ "one" in "that one", "the last one", "another one", "one more set", "the shoulder one
    with dumbbells" is a word, not a count."""
    tok = tokens[i]
    if tok.value != 1 or tok.text.lower() != "one":
        return False
    before = tokens[i - 1].norm if i > 0 else ""
    after = [t.norm for t in tokens[i + 1 : i + 3]]
    one_more = after[:1] == ["more"] and (after[1:2] in ([], ["set"], ["at"], ["with"], [","]))
    # "the <thing> one where/with/that": "one" stands for an exercise being described
    described = (
        i >= 2
        and tokens[i - 2].norm in ("the", "that", "this")
        and tokens[i - 1].value is None
        and (
            after[:1] in (["with"], ["where"], ["that"], ["for"], ["you"])
            # "the incline one 2 plates a side": a number straight after says the set
            or (i + 1 < len(tokens) and tokens[i + 1].value is not None)
        )
    )
    return before in _DETERMINERS or one_more or described


def ratio(a: float, b: float) -> float:
    """How far apart two numbers are in size (0 when equal)."""
    a, b = abs(a) + 1.0, abs(b) + 1.0
    return max(a, b) / min(a, b)


#: Words that open an utterance without saying anything about the set ("okay so", "next set").
_OPENERS = frozenset(
    "um uh er erm okay ok so alright right like and then next set last first now just yeah "
    "cool oh hey well the a".split()
)
#: Words that make what comes before them a correction, not a remark.
_NOT_A_REMARK = CORRECTIONS | {"no"}


def fix_leading_remark(tokens: Sequence[Token], out: list[str], ex_start: int) -> None:
    """ "felt heavy today, squat 225 for 5", "garage is freezing... deadlift 315": a remark
    before the exercise, set off by a pause, is a note (opening filler is left out)."""
    p = ex_start
    while p > 0 and tokens[p - 1].kind == "punct" and tokens[p - 1].norm in (",", ".", "-"):
        p -= 1
    if p == ex_start or p == 0:
        return
    s = 0
    while s < p and (tokens[s].norm in _OPENERS or tokens[s].kind == "punct"):
        s += 1
    words = [t for t in tokens[s:p] if t.kind != "punct"]
    if sum(1 for t in words if t.norm not in _OPENERS) < 2:
        return
    if any(t.norm in _NOT_A_REMARK for t in words) or any(
        out[k] not in ("O", NOTE) for k in range(s, p)
    ):
        return
    out[s:p] = [NOTE] * (p - s)
