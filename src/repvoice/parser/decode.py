"""Turn tagged tokens into answer fields, applying the project's label conventions.

Conventions: lbs when no unit is said; RIR = 10 - RPE for a whole RPE and RPE = 10 - RIR when
only RIR is said; "to failure" is RPE 10, RIR 0; a value said twice keeps the last ("8 no wait
7"); a follow-up takes what it does not say from the previous set as the training data taught
(`FollowUpPolicy`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from repvoice.catalog import Exercise
from repvoice.parser.align import (
    DUR,
    FAIL,
    NOTE,
    REPS,
    REST,
    RIR,
    RPE,
    SETS,
    TEMPO,
    W_DOWN,
    W_UP,
    W,
)
from repvoice.parser.features import unloaded
from repvoice.parser.lexicon import COUNT_WORDS, KG_WORDS, UNIT_WORDS, unit_of
from repvoice.parser.numbers import homophone_candidates
from repvoice.parser.plates import find_plate_phrases, plate_load
from repvoice.parser.readings import span_seconds, span_value, split_hundred, tempo_of
from repvoice.parser.tokens import Token
from repvoice.schema import Context, WorkoutSet

#: A bare "rest 2" means minutes; "rest 90" seconds.
_REST_MINUTES_MAX = 5


@dataclass
class FollowUpPolicy:
    """What a follow-up ("same again", "add 10") takes from the previous set when it does not
    say it; learned from training data as the majority behaviour."""

    copy_weight: bool = True
    copy_reps: bool = True
    copy_rpe: bool = False

    def to_dict(self) -> dict[str, bool]:
        return {"copy_weight": self.copy_weight, "copy_reps": self.copy_reps,
                "copy_rpe": self.copy_rpe}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FollowUpPolicy:
        return cls(**{k: bool(v) for k, v in data.items() if k in cls.__dataclass_fields__})


_BARBELL_KIT = frozenset({"barbell", "smith_machine", "trap_bar", "ez_bar", "landmine"})
#: Machines loaded with plates on both sides, whose load is counted in plates.
_PLATE_LOADED = ("Leg Press", "Hack Squat", "Pendulum Squat", "Belt Squat")
#: Cardio whose bare number is a time ("treadmill 20"), unlike "row 2000" or "assault bike 20".
_BY_THE_CLOCK = ("Stationary Bike", "Treadmill", "Elliptical", "Stair Climber")
#: Timed work that covers ground, whose bare number may be a distance.
_MOVING = frozenset({"Carry", "Walk", "Crawl"})
#: The bar a plate phrase counts, absent on a plate-loaded machine.
_BAR_LBS = 45.0


@dataclass(frozen=True)
class ExerciseKind:
    """What the named exercise says about its numbers."""

    unloaded: bool = False  # bodyweight or band: a bare number is reps, not a load
    timed: bool = False  # a hold or cardio: a bare number may be a duration
    barbell: bool = True  # plate math ("two plates", "35 a side") applies
    cardio: bool = False  # never a load: "5k" is a distance
    plate_loaded: bool = False  # a plate-loaded machine: "four plates" is 4 x 2 x 45, no bar
    counted_in_time: bool = False  # a hold, or cardio by the clock: "plank 60" is 60 seconds

    @classmethod
    def of(cls, exercise: Exercise | None) -> ExerciseKind:
        if exercise is None:
            return cls()
        return cls(
            unloaded=unloaded(exercise),
            timed=exercise.timed,
            barbell=exercise.equipment in _BARBELL_KIT,
            # a sled is pushed a distance but loaded like a lift
            cardio=exercise.category == "cardio" and "Sled" not in exercise.name,
            plate_loaded=exercise.equipment == "machine"
            and any(w in exercise.name for w in _PLATE_LOADED),
            counted_in_time=exercise.timed
            and (
                any(w in exercise.name for w in _BY_THE_CLOCK)
                or (
                    exercise.category != "cardio"
                    and not _MOVING.intersection(exercise.name.split())
                )
            ),
        )


@dataclass
class Decoded:
    """Answer fields plus what the confidence model needs to know about how they were found."""

    fields: dict[str, Any] = field(default_factory=dict)
    weight_source: str | None = None  # "said", "change", "context"
    repeated: int = 0  # slots said more than once (corrections)
    unexplained_numbers: int = 0  # numbers the tagger left unlabelled
    repaired: int = 0  # tagger labels the rules in `repair` changed
    labels: list[str] = field(default_factory=list)  # the labels decoded, after repair


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


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _unit_near(tokens: Sequence[Token], start: int, end: int) -> str | None:
    for k in (*range(end, min(end + 2, len(tokens))), start - 1):
        if 0 <= k < len(tokens):
            unit = unit_of(tokens[k].norm)
            if unit:
                return unit
    return None


def _load_cue(tokens: Sequence[Token], span: tuple[int, int]) -> bool:
    """Words that make a number on a bodyweight exercise an added load ("plus 45", "with a
    25", "weighted")."""
    start, end = span
    near = {t.norm for t in tokens[max(0, start - 3) : end + 2]}
    return bool(near & _LOAD_CUES) or any(t.norm in ("weighted", "vest", "belt") for t in tokens)


_LOAD_CUES = frozenset({"plus", "with", "weighted", "added", "extra", "vest", "belt", "holding"})


#: Time units after a number ("90 seconds"): a duration.
_TIME_WORDS = frozenset("seconds second secs sec s minutes minute mins min hours hour hr".split())
#: Words after a number that make it the reps ("20 raps").
_REP_NOUNS = frozenset("reps rep raps wraps rips repetitions".split())
#: Distances and counts of something else ("20 cals", "500 meters"): kept as a note.
_MEASURES = frozenset(
    "cals cal calories calorie meters meter metres m yards yard miles mile km feet foot ft "
    "steps floors laps inch inches cm centimetres centimeters percent %".split()
)
#: "10 each side", "8 per leg".
_SIDES = frozenset({"side", "sides", "leg", "legs", "arm", "arms", "hand", "way", "direction"})
#: Words for sets, as said and as misheard ("4 sex of 8").
_SET_NOUNS = frozenset({"sets", "set", "sex", "sits", "rounds"})
#: Words that start a self-correction ("no wait", "scratch that", "sorry", "actually").
_CORRECTIONS = frozenset({"wait", "scratch", "sorry", "actually", "correction", "mean"})
#: Words after which "one" is a pronoun ("that one", "the last one").
_DETERMINERS = frozenset("that this the last next each every another which first".split())
#: Machine settings said before a number ("level 8", "speed 3", "incline 12").
_SETTING_WORDS = frozenset({"level", "speed", "resistance", "setting", "gear", "zone"})
#: Settings said after a number ("12 incline", "3 mph").
_SETTINGS_AFTER = frozenset({"incline", "mph", "rpm", "watts", "level", "speed", "zone"})
#: Words before a number that make it an index, not a count ("round one", "set 3").
_INDEX_WORDS = frozenset({"round", "set", "number", "attempt", "try"})
#: Words right before a number that make it the RPE whatever the tagger said ("@ 8", "rpe 9").
_RPE_BEFORE = frozenset({"rpe", "@", "exertion", "rp"})
#: Words after a number that make it measure something other than reps ("24 inch box").
_NOT_REPS_AFTER = frozenset(
    "inch inches in meters meter metres m yards yard feet ft miles mile km k cals cal calories "
    "calorie percent % lbs lb pounds pound kg kgs kilos kilo seconds second secs sec minutes "
    "minute mins min hours hour rpe rir x".split()
)
#: Words before a number that make it something other than reps ("level 8", "rpe 9").
_NOT_REPS_BEFORE = frozenset("level speed incline rpe rir @ tempo rest rested number".split())


def repair(
    tokens: Sequence[Token],
    labels: Sequence[str],
    kind: ExerciseKind = ExerciseKind(),
    exercise: tuple[int, int] | None = None,
    *,
    follow_up: bool = False,
    context_weight: float | None = None,
) -> list[str]:
    """Fix tagger output that breaks rules of gym speech no training set can contradict.

    - "level 8" is a machine setting (a note); a number after "tempo" is the tempo.
    - A number said in seconds or minutes is a duration, never a load or reps; one said
      before "reps" is the reps; one before a distance or calories ("20 cals") is a note.
    - "that one", "the last one": "one" is a word there, not a number.
    - A plate phrase ("just the bar"), a dumbbell pair ("the 80s") or a number after "plus"
      is the load when nothing else is.
    - A number of 1-10 straight after "rpe"/"@" is the RPE.
    - With no reps tagged and nothing timed, the last unlabelled whole number of 1-100 that
      measures nothing else ("24 inch", "level 8") is the reps: a logged set says its reps.
    """
    out = list(labels)
    n = len(tokens)
    ex_start, ex_end = exercise or (-1, -1)
    for i, tok in enumerate(tokens):
        if tok.value is None or ex_start <= i < ex_end:
            continue
        after = tokens[i + 1].norm if i + 1 < n else ""
        before = tokens[i - 1].norm if i > 0 else ""
        if after in _TIME_WORDS and (out[i] in (W, REPS) or (out[i] == "O" and kind.timed)):
            near = {t.norm for t in tokens[max(0, i - 3) : i + 4]}
            out[i] = REST if near & {"rest", "rested", "resting", "break"} else DUR
        elif after in _REP_NOUNS and out[i] == W:
            out[i] = REPS
        elif (after in _MEASURES or after in _SETTINGS_AFTER) and out[i] != NOTE:
            out[i] = out[i + 1] = NOTE
        elif (
            before in _INDEX_WORDS
            and tok.value <= 10
            and out[i] in (REPS, W, SETS, RPE, RIR)
            and after not in _REP_NOUNS
            and after not in ("for", "x")
        ):
            out[i] = "O"  # "round one", "set 3": which one, not how many
        elif _pronoun(tokens, i):
            out[i] = "O"
        elif (
            after in ("each", "per")
            and i + 2 < n
            and tokens[i + 2].norm in _SIDES
            and out[i] in ("O", RPE, RIR, NOTE)
        ):
            out[i] = REPS  # "10 each side", "8 per leg": unilateral reps
        elif (
            i >= 2
            and before == "of"
            and tokens[i - 2].norm in _SET_NOUNS
            and out[i] != REPS
            and after not in _TIME_WORDS | _MEASURES
        ):
            out[i] = REPS  # "4 sets of 8", even misheard as "4 sex of 8"
    if W not in out and W_UP not in out and W_DOWN not in out:
        for i, tok in enumerate(tokens):
            if tok.value is None or ex_start <= i < ex_end:
                continue
            if out[i] not in ("O", NOTE):
                continue
            if tok.kind == "plural" or (i > 0 and tokens[i - 1].norm == "plus"):
                out[i] = W  # "the 80s", "dips plus 45"; a note it headed keeps the rest
                break
    for i in range(1, n):
        prev = tokens[i - 1].norm
        if tokens[i].value is None or ex_start <= i - 1 < ex_end:
            continue
        if prev in _SETTING_WORDS and out[i] in (RPE, RIR, REPS, W, "O"):
            # "level 8" on a machine is a setting, kept as a note, never the RPE or reps
            out[i - 1] = out[i] = NOTE
        elif prev == "tempo" and out[i] != TEMPO and tempo_of(tokens[i : i + 1]):
            out[i] = TEMPO
    if kind.barbell and W not in out and W_UP not in out and W_DOWN not in out:
        for i, tok in enumerate(tokens):
            if _slang_hundreds(tok) and out[i] == "O":
                out[i] = W  # "squat two and a quarter for 8": 225 (see `decode`)
                break
    if (
        (kind.barbell or kind.plate_loaded)
        and W not in out
        and W_UP not in out
        and W_DOWN not in out
    ):
        for start, end, _ in find_plate_phrases(tokens):
            if all(label in ("O", REPS) for label in out[start:end]):
                # "just the bar", "two plates"; "three wheels" even when the count was
                # taken for the reps
                out[start:end] = [W] * (end - start)
                break
    for i in range(1, n):
        value = tokens[i].value
        prev = tokens[i - 1].norm
        before2 = tokens[i - 2].norm if i >= 2 else ""
        # "r p e 8", "are pee e 8", "are PE 8"
        spoken_rpe = (prev in ("e", "pee") and before2 in ("p", "pee", "are", "r")) or (
            prev in ("pe", "pay", "pea") and before2 in ("are", "r")
        )
        rpe_cue = prev in _RPE_BEFORE or spoken_rpe
        if value is not None and 1 <= value <= 10 and rpe_cue and out[i] in ("O", W, REPS, RIR):
            out[i] = RPE
    _fix_rest_and_split_durations(tokens, out, ex_end)
    if kind.cardio:
        _fix_cardio_numbers(tokens, out)
    _apply_corrections(tokens, out)
    if follow_up:
        _fix_weight_changes(tokens, out)
        if context_weight:
            _fix_change_verbs(tokens, out, context_weight)
    if (kind.barbell or kind.plate_loaded) and exercise is not None:
        _fix_misheard_hundreds(tokens, out, exercise[1])
    if kind.barbell:
        _fix_split_loads(tokens, out)
    _fix_load_each(tokens, out)
    _fix_load_then_reps(tokens, out)
    _fix_two_counts(tokens, out)
    _fix_short_of_failure(tokens, out)
    _fix_set_counts(tokens, out)
    _fix_unit_first(tokens, out)
    _fix_unit_after(tokens, out)
    _fix_rir_cues(tokens, out)
    _fix_failed_rep(tokens, out)
    _fix_echoed_numbers(tokens, out)
    _fix_uncued_rpe(tokens, out)
    _fix_trailing_half(tokens, out)
    if kind.barbell or kind.plate_loaded:
        _fix_plates_named(tokens, out)
    _fix_same_weight(tokens, out)
    _fix_drop_sets(tokens, out)
    for i, tok in enumerate(tokens):
        if out[i] in (RPE, RIR) and tok.norm in _REP_COUNTS:
            out[i] = REPS  # "for a single, 1 in the tank": the count is the reps
        if out[i] in (W, W_UP, W_DOWN):
            if tok.value is None and tok.norm in COUNT_WORDS:
                out[i] = REPS  # "for a triple" is three reps, never a load
            elif kind.cardio and i + 1 < len(tokens) and tokens[i + 1].norm in ("k", "km"):
                out[i] = out[i + 1] = NOTE  # "ran a 5k": a distance, kept as a note
    _fix_durations(tokens, out, kind)
    if kind.counted_in_time:
        _fix_bare_times(tokens, out)
    if kind.cardio:
        _fix_split_times(tokens, out)
    if REPS not in out and DUR not in out and not kind.timed:
        i = _unsaid_reps(tokens, out, ex_start, ex_end)
        if i is not None:
            out[i] = REPS
    return out


def _unsaid_reps(tokens: Sequence[Token], out: list[str], ex_start: int, ex_end: int) -> int | None:
    """Where the reps are when the tagger found none: the last unlabelled whole number of 1-100
    that measures nothing else, or a homophone in the slot after "for" ("225 for for")."""
    n = len(tokens)
    for i in range(n - 1, -1, -1):
        tok = tokens[i]
        value = tok.value if tok.value is not None else COUNT_WORDS.get(tok.norm)
        if value is None or value != int(value) or ex_start <= i < ex_end:
            continue
        # a number the tagger left out, or one it put at the head of a note ("3 each side")
        # or after a verb of doing inside one ("got 3 and failed the 4th")
        in_note = out[i] == NOTE and (
            i == 0
            or out[i - 1] != NOTE
            or tokens[i - 1].norm in ("got", "did", "hit")
            or i == n - 1  # "handstand push ups strict 8": a note word, then the count
        )
        if not (out[i] == "O" or in_note):
            continue
        if not 1 <= value <= 100 or tok.kind in ("clock", "plural", "ordinal"):
            continue
        if tok.value is None:
            return i  # a count word ("single", "triple") is always a count
        after = tokens[i + 1].norm if i + 1 < n else ""
        before = tokens[i - 1].norm if i > 0 else ""
        in_a_row = after == "in" and i + 2 < n and tokens[i + 2].norm == "a"
        if (after in _NOT_REPS_AFTER and not in_a_row) or before in _NOT_REPS_BEFORE:
            continue
        if _pronoun(tokens, i):
            continue
        return i
    for i in range(1, n):
        after_count = tokens[i - 1].norm in ("for", "x", "times") or (
            i == ex_end and tokens[i].norm == "ate"  # "pullups ate bodyweight"
        )
        if (
            after_count
            and homophone_candidates(tokens[i])
            and (i + 1 == n or tokens[i + 1].value is None)
            and out[i] == "O"
        ):
            return i
    return None


#: Words that introduce an RPE ("@ 8", "rpe 8", "at an 8", "felt like a 9", "was a 7").
_RPE_INTRO = frozenset(
    {"rpe", "@", "at", "a", "an", "like", "was", "pe", "e", "pee", "exertion", "rp", "of", "pay"}
)


#: Words after a number that make it an RPE ("8 rpe", "7 and a half are pee e").
_RPE_AFTER = frozenset({"rpe", "are", "r", "rp", "pee", "rate"})


def _fix_weight_changes(tokens: Sequence[Token], out: list[str]) -> None:
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


def _fix_change_verbs(tokens: Sequence[Token], out: list[str], context_weight: float) -> None:
    """ "plus five kilos", "took off 20 pounds": in a follow-up, a number small next to the
    previous load, said after a word that adds or takes off, changes that load."""
    words = [t.norm for t in tokens]
    for i, tok in enumerate(tokens):
        if tok.value is None or out[i] != W or tok.value >= context_weight / 2:
            continue
        for phrase, label in [*((p, W_UP) for p in _ADDS), *((p, W_DOWN) for p in _TAKES)]:
            if tuple(words[max(0, i - len(phrase)) : i]) == phrase:
                out[i] = label
                return


_REST_WORDS = frozenset({"rest", "rested", "resting", "break"})
_MINUTE_WORDS = frozenset({"minute", "minutes", "min", "mins"})


_SECOND_WORDS = frozenset({"second", "seconds", "sec", "secs", "s"})


def _bare_minutes(tokens: Sequence[Token], start: int, end: int, kind: ExerciseKind) -> bool:
    """A duration said as a bare number counts minutes when the utterance counts in minutes
    ("bike 30 minutes, actually 35") or is cardio ("treadmill 20"), and never says seconds."""
    if end - start != 1 or tokens[start].kind == "clock":
        return False
    if end < len(tokens) and tokens[end].norm in _TIME_WORDS:
        return False
    words = {t.norm for t in tokens}
    if words & _SECOND_WORDS:
        return False
    return bool(words & _MINUTE_WORDS) or (kind.cardio and (tokens[start].value or 0) <= 180)


def _fix_rest_and_split_durations(
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
            prev in _REST_WORDS
            and out[i] not in (REST, DUR)
            and after not in ("for", "x", "times")
            and after not in UNIT_WORDS
            and i - 1 != after_exercise  # "bench rest 185": a misheard "bench press"
        ):
            out[i] = REST
        elif (
            prev in _MINUTE_WORDS
            and out[i - 1] in (DUR, REST)
            and out[i] != out[i - 1]
            and tok.value < 60
            and (i + 1 >= n or tokens[i + 1].norm not in _TIME_WORDS | _REP_NOUNS)
        ):
            out[i] = out[i - 1]


def _fix_cardio_numbers(tokens: Sequence[Token], out: list[str]) -> None:
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


def _fix_misheard_hundreds(tokens: Sequence[Token], out: list[str], after_exercise: int) -> None:
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


def _fix_split_loads(tokens: Sequence[Token], out: list[str]) -> None:
    """ "deadlift 4 95 for 2": a digit the tagger left out, just before the load it starts, is
    the hundreds of that load (495)."""
    for i in range(len(tokens) - 1):
        if (
            out[i] == "O"
            and out[i + 1] == W
            and (i + 2 >= len(tokens) or out[i + 2] != W)
            and tokens[i].value is not None
            and split_hundred(tokens[i], tokens[i + 1], tokens[i + 2 : i + 4]) is not None
        ):
            out[i] = W
            return


def _fix_load_each(tokens: Sequence[Token], out: list[str]) -> None:
    """ "dumbbells 20 each 10 reps", "curls 25 each arm 10 reps": a number before "each", when
    the reps are said elsewhere and no load is, is the load in each hand. With a side after
    "each" ("10 each leg") it is the reps, unless other reps are said with "reps"."""
    if W in out or W_UP in out or W_DOWN in out:
        return
    n = len(tokens)
    said_reps = [
        k for k in range(n) if out[k] == REPS and k + 1 < n and tokens[k + 1].norm in _REP_NOUNS
    ]
    for i in range(n - 1):
        if tokens[i].value is None or out[i] not in (REPS, "O"):
            continue
        if tokens[i + 1].norm not in ("each", "apiece"):
            continue
        sided = i + 2 < n and tokens[i + 2].norm in _SIDES
        others = [k for k in range(n) if out[k] == REPS and k != i]
        if (others and not sided) or [k for k in said_reps if k != i]:
            out[i] = W
            return


def _fix_load_then_reps(tokens: Sequence[Token], out: list[str]) -> None:
    """ "squat 315 5 at 7": a load span of two numbers that do not read as one ("2 25" does)
    and no reps elsewhere is a load then its reps."""
    if REPS in out:
        return
    for start, end in label_spans(out).get(W, []):
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


def _fix_two_counts(tokens: Sequence[Token], out: list[str]) -> None:
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
    elif len(between) == 1 and between[0] in _REP_NOUNS:
        big, small = (a, vb) if va > vb else (b, va)
        if max(va, vb) >= 20 and max(va, vb) >= 3 * small:
            out[big] = W


_SHORT_OF = frozenset({"shy", "short", "away"})


def _fix_short_of_failure(tokens: Sequence[Token], out: list[str]) -> None:
    """ "one rep shy of failure", "2 short of failure": the number is the reps in reserve, and
    the set did not go to failure."""
    words = [t.norm for t in tokens]
    for i, word in enumerate(words):
        said_failure = "failure" in words[i + 1 : i + 4]
        if not (
            (word in _SHORT_OF and (said_failure or i + 1 == len(words)))
            or (word == "from" and words[i + 1 : i + 2] == ["failure"])
        ):
            continue
        k = i - 1
        if k >= 0 and words[k] in _REP_NOUNS:
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


_PLURAL_COUNTS = frozenset({"singles", "doubles", "triples"})
_REP_COUNTS = _PLURAL_COUNTS | {"single", "double", "triple"}


def _fix_set_counts(tokens: Sequence[Token], out: list[str]) -> None:
    """Counts of sets said without "sets of": "three singles" (3 sets of 1), "two more sets",
    "30 sec x 3" (a timed set done 3 times); and "cheated the last 2", which counts reps
    within the set, not the set's reps."""
    n = len(tokens)
    words = [t.norm for t in tokens]
    for i, tok in enumerate(tokens):
        if tok.value is None or tok.value % 1 or not 1 <= tok.value <= 20:
            continue
        after = words[i + 1] if i + 1 < n else ""
        before = words[i - 1] if i > 0 else ""
        if after in _PLURAL_COUNTS and out[i] != SETS:
            out[i] = SETS
            out[i + 1] = REPS
        elif out[i] != SETS and (
            (after == "more" and words[i + 2 : i + 3] == ["sets"])
            or (after in ("rounds", "sets") and words[i + 2 : i + 3] == ["of"])
            or (before == "x" and i >= 2 and out[i - 2] == DUR and out[i] in (REPS, "O"))
        ):
            out[i] = SETS
        elif (
            before in ("last", "first")
            and out[i] == REPS
            and any(label == REPS for k, label in enumerate(out) if k != i)
        ):
            out[i] = NOTE if i > 0 and out[i - 1] == NOTE else "O"


def _fix_unit_after(tokens: Sequence[Token], out: list[str]) -> None:
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


def _fix_unit_first(tokens: Sequence[Token], out: list[str]) -> None:
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


#: Spoken and misheard forms of "RIR" said before its number ("are I are 2", "rear 2").
_RIR_BEFORE = (("rir",), ("reserve",), ("r", "i", "r"), ("are", "i", "are"), ("rear",))
#: Words before "N more" that make it reps left in reserve ("could have squeezed out 1 more").
_COULD = frozenset({"could", "could've", "coulda", "had", "have", "maybe", "probably"})


def _fix_rir_cues(tokens: Sequence[Token], out: list[str]) -> None:
    """ "reps in reserve 2", "are I are to", "could have squeezed out one more": reps in
    reserve said before the number, or as reps that were left."""
    words = [t.norm for t in tokens]
    n = len(tokens)
    for i in range(1, n):
        value = tokens[i].value
        if value is None and words[i] in ("to", "too"):
            value = 2.0  # "are I are to"
        if value is None or not 0 <= value <= 6 or value % 1:
            continue
        cued = any(tuple(words[max(0, i - len(c)) : i]) == c for c in _RIR_BEFORE)
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


_FAILED = frozenset({"failed", "missed", "ate", "lost", "couldn't", "didn't"})


def _fix_failed_rep(tokens: Sequence[Token], out: list[str]) -> None:
    """ "got 3 and failed the 4th", "couldn't get the tenth": the set went to failure; the
    ordinal names the failed rep, not the reps done."""
    words = [t.norm for t in tokens]
    for i, tok in enumerate(tokens):
        if tok.kind != "ordinal" or not _FAILED.intersection(words[max(0, i - 4) : i]):
            continue
        if out[i] != NOTE:
            out[i] = "O"
        if RPE not in out and RIR not in out and FAIL not in out:
            out[i] = FAIL
        return


def _slang_hundreds(tok: Token) -> bool:
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


def _fix_trailing_half(tokens: Sequence[Token], out: list[str]) -> None:
    """ "455 for 2, pause just below the knee, 7 and a half": with the load and reps said, a
    half number of 5-10 left over is the RPE -- nothing else in a set comes in halves."""
    if RPE in out or RIR in out or FAIL in out or W not in out or REPS not in out:
        return
    for i, tok in enumerate(tokens):
        v = tok.value
        if v is not None and out[i] in ("O", NOTE) and v % 1 == 0.5 and 5 <= v <= 10:
            out[i] = RPE
            return


def _fix_plates_named(tokens: Sequence[Token], out: list[str]) -> None:
    """ "235 for 5, forgot the tens": on a bar, a plural number names plates on it, not the
    load, when a load is said too."""
    loads = [i for i, label in enumerate(out) if label == W]
    plural = [i for i in loads if tokens[i].kind == "plural"]
    if plural and len(plural) < len(loads):
        for i in plural:
            out[i] = NOTE if i > 0 and out[i - 1] == NOTE else "O"


def _fix_echoed_numbers(tokens: Sequence[Token], out: list[str]) -> None:
    """ "8 no 9 reps, yeah 9", "wait 4, 4 reps": a number said again to confirm it is not an
    RPE or RIR unless words say so."""
    for start, end in [*label_spans(out).get(RPE, []), *label_spans(out).get(RIR, [])]:
        if end - start != 1 or tokens[start].value is None:
            continue
        before = {t.norm for t in tokens[max(0, start - 3) : start]}
        after = {t.norm for t in tokens[end : end + 2]}
        if before & (_RPE_INTRO | _RIR_WORDS) or after & (_RPE_AFTER | _RIR_WORDS):
            continue
        value = tokens[start].value
        echoed = any(
            k != start and tokens[k].value == value and out[k] in (REPS, W, "O")
            for k in range(max(0, start - 6), min(len(tokens), start + 3))
        )
        if echoed:
            out[start] = "O"


#: Words that say a number is reps in reserve.
_RIR_WORDS = frozenset({"rir", "reserve", "tank", "left", "more"})


def _fix_uncued_rpe(tokens: Sequence[Token], out: list[str]) -> None:
    """An RPE needs words that say so; a lone number the tagger called an RPE, in a set that
    has no reps ("handstand push ups strict 8"), is the reps."""
    if REPS in out or FAIL in out:
        return
    for start, end in label_spans(out).get(RPE, []):
        before = {t.norm for t in tokens[max(0, start - 3) : start]}
        after = {t.norm for t in tokens[end : end + 1]}
        if not (before & _RPE_INTRO or after & _RPE_AFTER):
            out[start:end] = [REPS] * (end - start)
            return


def _fix_same_weight(tokens: Sequence[Token], out: list[str]) -> None:
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


def _fix_drop_sets(tokens: Sequence[Token], out: list[str]) -> None:
    """ "150 for 12 with a drop set to 100 for 10": the set logged is the first; the drop is a
    note."""
    words = [t.norm for t in tokens]
    for i in range(len(words) - 1):
        if words[i] in ("drop", "dropset") and (
            words[i] == "dropset" or words[i + 1] in ("set", "sets")
        ):
            if W in out[:i] or REPS in out[:i]:
                out[i:] = [NOTE if t.kind != "punct" else "O" for t in tokens[i:]]
            return


def _fix_split_times(tokens: Sequence[Token], out: list[str]) -> None:
    """ "500 meter row one thirty eight": after a distance, a spoken time reads minutes and
    seconds (1:38), never a load or reps."""
    if DUR in out or not any(t.norm in _MEASURES for t in tokens):
        return
    for i, tok in enumerate(tokens):
        value = tok.value
        if value is None or tok.kind not in ("colloquial_hundreds", "words"):
            continue
        if not any(t.norm in _MEASURES for t in tokens[:i]):
            continue  # the time follows the distance it was rowed or run in
        if 100 <= value < 1000 and value == int(value) and int(value) % 100 < 60:
            out[i] = DUR
            return


def _fix_durations(tokens: Sequence[Token], out: list[str], kind: ExerciseKind) -> None:
    """A bare number is a duration only for a timed exercise: "toes to bar 15" is 15 reps."""
    if kind.timed:
        return
    for start, end in label_spans(out).get(DUR, []):
        words = {t.norm for t in tokens[start : end + 1]}
        clock = any(t.kind == "clock" for t in tokens[start:end])
        if not clock and not words & _TIME_WORDS and REPS not in out:
            out[start:end] = [REPS] * (end - start)


def _bounds() -> dict[str, tuple[float, float]]:
    """Each numeric field's (min, max), read from the schema's own constraints."""
    out: dict[str, tuple[float, float]] = {}
    for name, info in WorkoutSet.model_fields.items():
        lo = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
        hi = next((m.le for m in info.metadata if hasattr(m, "le")), None)
        if lo is not None and hi is not None:
            out[name] = (float(lo), float(hi))
    return out


_BOUNDS = _bounds()


def _fits_schema(key: str, value: Any) -> bool:
    """A value outside the schema's range ("row 2000" read as reps) is dropped, never sent."""
    bounds = _BOUNDS.get(key)
    return bounds is None or not isinstance(value, int | float) or bounds[0] <= value <= bounds[1]


def _fix_bare_times(tokens: Sequence[Token], out: list[str]) -> None:
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
    if tokens[i].value is None or after in _REP_NOUNS | UNIT_WORDS | {"x", "each", "per"}:
        return
    if before == "of" or before in _LOAD_CUES or tokens[i].kind == "plural":
        return
    out[i] = DUR


def _pronoun(tokens: Sequence[Token], i: int) -> bool:
    """ "one" in "that one", "the last one", "another one", "one more set" is a word, not a
    count of reps."""
    tok = tokens[i]
    if tok.value != 1 or tok.text.lower() != "one":
        return False
    before = tokens[i - 1].norm if i > 0 else ""
    after = [t.norm for t in tokens[i + 1 : i + 3]]
    one_more = after[:1] == ["more"] and (after[1:2] in ([], ["set"], ["at"], ["with"], [","]))
    return before in _DETERMINERS or one_more


def _apply_corrections(tokens: Sequence[Token], out: list[str]) -> None:
    """ "eight no wait seven", "6.5 scratch that, 7": the number after a correction takes the
    slot of the number it corrects, which is dropped. The corrected number is the labelled one
    before the correction closest in size ("13 reps at 20 kg, actually 12" corrects the 13)."""
    n = len(tokens)
    for c, tok in enumerate(tokens):
        # a bare "no" corrects only between numbers: "2 minutes no 3", never "no belt"
        said_no = (
            tok.norm == "no"
            and c + 1 < n
            and tokens[c + 1].value is not None
            and any(t.value is not None for t in tokens[max(0, c - 2) : c])
        )
        if tok.norm not in _CORRECTIONS and not said_no:
            continue
        new = next((k for k in range(c + 1, min(n, c + 4)) if tokens[k].value is not None), None)
        if new is None:
            continue
        # the corrected number is the one closest in size, whether or not it was tagged
        said = [k for k in range(c) if tokens[k].value is not None and out[k] != NOTE]
        if not said:
            continue
        value = tokens[new].value or 0.0
        old = min(said, key=lambda k: (_ratio(tokens[k].value or 0.0, value), c - k))
        if out[old] == "O":
            continue  # the tagger already dropped it ("110 for 15 sorry 14 14 reps")
        said = [k for k in said if out[k] != "O"]
        label = out[new]
        near_and_alike = c - old <= 5 and _ratio(tokens[old].value or 0.0, value) < 1.5
        if label == "O" or label in {out[k] for k in said} or near_and_alike:
            # the tagger missed the correction, kept both values, or gave the new value another
            # slot although it plainly replaces the one just said ("rpe nine, I mean 8.5")
            out[new], out[old] = out[old], "O"
        # otherwise the tagger already dropped the corrected value ("185 for 8 no wait 7")


def _ratio(a: float, b: float) -> float:
    """How far apart two numbers are in size (0 when equal)."""
    a, b = abs(a) + 1.0, abs(b) + 1.0
    return max(a, b) / min(a, b)


def decode(
    text: str,
    tokens: Sequence[Token],
    labels: Sequence[str],
    context: Context | None,
    *,
    follow_up: bool,
    policy: FollowUpPolicy,
    kind: ExerciseKind = ExerciseKind(),
    exercise: tuple[int, int] | None = None,
) -> Decoded:
    """Fields from tagged tokens. `follow_up` is true when the exercise comes from the context
    (none named, or the context's own), so unsaid values may be taken from the previous set."""
    fixed = repair(
        tokens,
        labels,
        kind,
        exercise,
        follow_up=follow_up,
        context_weight=context.weight if context is not None else None,
    )
    spans = label_spans(fixed)
    out = Decoded(labels=fixed)
    out.repaired = sum(1 for a, b in zip(labels, fixed, strict=True) if a != b)
    labels = fixed
    out.repeated = sum(1 for k, v in spans.items() if len(v) > 1 and k != NOTE)
    out.unexplained_numbers = sum(
        1 for t, label in zip(tokens, labels, strict=True) if t.value is not None and label == "O"
    )

    def last_value(label: str) -> float | None:
        for start, end in reversed(spans.get(label, [])):
            value = span_value(tokens, start, end)
            if value is not None:
                return value
        return None

    f: dict[str, Any] = {}
    weight, unit = None, None
    slot = next((k for k in (W, W_UP, W_DOWN) if k in spans), None)
    if slot is not None:
        # the last load span that says a number ("20 kg plate": "plate" alone says none)
        start, end = spans[slot][-1]
        for start, end in reversed(spans[slot]):
            if span_value(tokens, start, end, load=True, plates=kind.barbell) is not None:
                break
        value = span_value(tokens, start, end, load=True, plates=kind.barbell)
        if (
            kind.barbell
            and slot == W
            and end - start == 1
            and _slang_hundreds(tokens[start])
            and _unit_near(tokens, start, end) != "kg"
        ):
            value *= 100  # "bench two and a quarter": 225, gym slang; nobody benches 2.25
        if kind.plate_loaded and slot == W:
            plates = plate_load(tokens, start, end)
            if plates is not None and plates > _BAR_LBS:
                value = plates - _BAR_LBS  # plates on a sled, no bar
        unit = _unit_near(tokens, start, end)
        if value is not None:
            ctx_weight = context.weight if context is not None else None
            if slot == W or ctx_weight is None or not follow_up:
                weight, out.weight_source = value, "said"
            else:
                weight = ctx_weight + value if slot == W_UP else ctx_weight - value
                out.weight_source = "change"
                unit = unit or (context.weight_unit if context else None)
    if weight is None and follow_up and policy.copy_weight and context and context.weight:
        weight, unit, out.weight_source = context.weight, context.weight_unit, "context"
    if weight is not None and weight >= 0:
        if unit is None and any(t.norm in KG_WORDS for t in tokens):
            unit = "kg"
        if unit is None and follow_up and context is not None:
            unit = context.weight_unit  # a follow-up keeps the previous set's unit
        f["weight"] = weight
        f["weight_unit"] = unit or "lbs"

    reps = last_value(REPS)
    if (
        kind.unloaded
        and reps is None
        and out.weight_source == "said"
        and W in spans
        and _unit_near(tokens, *spans[W][-1]) is None
        and not _load_cue(tokens, spans[W][-1])
    ):
        # "push ups 40": a bodyweight exercise's lone number with no unit and no "plus" is
        # the reps, and its weight stays null
        reps, weight = f.pop("weight"), None
        f.pop("weight_unit", None)
        out.weight_source = None
    if reps is None and follow_up and policy.copy_reps and context is not None:
        reps = context.reps
    f["reps"] = _whole(reps)
    f["sets"] = _whole(last_value(SETS))

    rpe = last_value(RPE)
    rir = _whole(last_value(RIR))
    if FAIL in spans and rpe is None:
        rpe = 10.0
        rir = 0 if rir is None else rir
    if rpe is not None:
        rpe = min(10.0, max(1.0, round(rpe * 2) / 2))
    if rir is not None and not 0 <= rir <= 10:
        rir = None
    if rpe is None and rir is not None:
        rpe = float(10 - rir) if rir >= 0 else None
    elif rir is None and rpe is not None and rpe == int(rpe):
        rir = int(10 - rpe)
    if rpe is None and follow_up and policy.copy_rpe and context is not None:
        rpe = context.rpe
    f["rpe"], f["rir"] = rpe, rir

    for label, key in ((DUR, "duration_seconds"), (REST, "rest_seconds")):
        if label in spans:
            start, end = spans[label][-1]
            seconds = span_seconds(tokens, start, end)
            if seconds is not None and label == REST and end - start == 1 and seconds <= 5:
                seconds *= 60  # "rest 2" means two minutes
            elif (
                seconds is not None
                and label == DUR
                and kind.cardio
                and end - start == 1
                and tokens[start].kind in ("colloquial_hundreds", "words")
                and 100 <= seconds < 1000
                and seconds % 100 < 60
            ):
                seconds = seconds // 100 * 60 + seconds % 100  # "one thirty eight" is 1:38
            elif seconds is not None and label == DUR and _bare_minutes(tokens, start, end, kind):
                seconds *= 60
            f[key] = seconds
    if TEMPO in spans:
        start, end = spans[TEMPO][-1]
        f["tempo"] = tempo_of(tokens[start:end])
    if NOTE in spans:
        pieces = [text[tokens[s].start : tokens[e - 1].end] for s, e in spans[NOTE]]
        f["notes"] = ", ".join(p.strip(" ,.") for p in pieces if p.strip(" ,.")) or None
    out.fields = {k: v for k, v in f.items() if v is not None and _fits_schema(k, v)}
    return out
