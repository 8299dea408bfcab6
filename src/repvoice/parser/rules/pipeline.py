"""`repair`: the rules of gym speech applied, in order, to the tagger's labels."""

from __future__ import annotations

from collections.abc import Sequence

from repvoice.parser.align import (
    DUR,
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
from repvoice.parser.kind import ExerciseKind
from repvoice.parser.lexicon import COUNT_WORDS
from repvoice.parser.numbers import homophone_candidates
from repvoice.parser.plates import find_plate_phrases
from repvoice.parser.readings import tempo_of
from repvoice.parser.rules.common import (
    INDEX_WORDS,
    LENGTHS,
    MEASURES,
    REP_COUNTS,
    REP_NOUNS,
    REST_WORDS,
    RPE_BEFORE,
    SET_NOUNS,
    SETTING_WORDS,
    SETTINGS_AFTER,
    SIDES,
    TIME_WORDS,
    fix_leading_remark,
    pronoun,
)
from repvoice.parser.rules.counts import (
    apply_corrections,
    fix_rep_changes,
    fix_set_counts,
    fix_stop_points,
    fix_uncued_sets,
    rep_change,
    unsaid_reps,
)
from repvoice.parser.rules.effort import (
    fix_echoed_numbers,
    fix_failed_rep,
    fix_out_of_ten,
    fix_reps_to_failure,
    fix_rir_cues,
    fix_short_of_failure,
    fix_trailing_half,
    fix_uncued_rpe,
)
from repvoice.parser.rules.loads import (
    fix_absolute_loads,
    fix_change_verbs,
    fix_drop_sets,
    fix_load_each,
    fix_load_then_reps,
    fix_load_times_reps,
    fix_misheard_hundreds,
    fix_paused_load,
    fix_plate_changes,
    fix_plates_named,
    fix_same_weight,
    fix_split_loads,
    fix_two_counts,
    fix_two_loads,
    fix_unit_after,
    fix_unit_first,
    fix_unloaded_follow_up,
    fix_weight_changes,
    slang_hundreds,
)
from repvoice.parser.rules.shorthand import Shorthand, ShorthandOrder, fix_shorthand
from repvoice.parser.rules.times import (
    fix_bare_times,
    fix_cardio_numbers,
    fix_durations,
    fix_intervals,
    fix_rest_and_split_durations,
    fix_split_times,
)
from repvoice.parser.tokens import Token


def repair(
    tokens: Sequence[Token],
    labels: Sequence[str],
    kind: ExerciseKind = ExerciseKind(),
    exercise: tuple[int, int] | None = None,
    *,
    follow_up: bool = False,
    context_weight: float | None = None,
    context_reps: int | None = None,
    shorthand: ShorthandOrder = ShorthandOrder(),
    typed: Shorthand | None = None,
    text: str | None = None,
) -> list[str]:
    """Fix tagger output that breaks rules of gym speech no training set can contradict.

    The general rules live here, in order; the topic rules they call live in `loads`,
    `effort`, `counts` and `times`:

    - The exercise's own words, ordinals ("first") and kinds of set ("single leg") hold no
      value; a homophone before "rpe" ("ate rpe") is the RPE.
    - "level 8" is a machine setting (a note); a number after "tempo" is the tempo.
    - A number said in seconds or minutes is a duration, never a load or reps; one said
      before "reps" is the reps; one before a distance or calories ("20 cals") is a note.
    - "that one", "the last one": "one" is a word there, not a number.
    - A plate phrase ("just the bar"), a dumbbell pair ("the 80s") or a number after "plus"
      is the load when nothing else is.
    - A number of 1-10 straight after "rpe"/"@" is the RPE.
    - Typed shorthand ("405x5x3", "3x8 @ 185", "8, 8, 8", "60s") reads as `shorthand` says;
      what it found is counted in `typed`.
    - With no reps tagged and nothing timed, the last unlabelled whole number of 1-100 that
      measures nothing else ("24 inch", "level 8") is the reps: a logged set says its reps.
    """
    out = list(labels)
    n = len(tokens)
    ex_start, ex_end = exercise or (-1, -1)
    for i in range(max(0, ex_start), max(0, ex_end)):
        out[i] = "O"  # the words of the exercise's name ("low to high cable fly") hold no value
    if ex_start > 0:
        fix_leading_remark(tokens, out, ex_start)
    for i, tok in enumerate(tokens):
        if tok.kind == "ordinal" and out[i] not in ("O", NOTE):
            out[i] = "O"  # "first bench press", "the 4th": which one, never how many
        elif tok.norm in COUNT_WORDS and _qualifies(tokens, i) and out[i] != NOTE:
            out[i] = "O"  # "single leg", "double drop set": a kind of set, not a count
        elif (
            tok.value is None
            and homophone_candidates(tok)
            and i + 1 < n
            and tokens[i + 1].norm in ("rpe", "rir")
        ):
            out[i] = RPE if tokens[i + 1].norm == "rpe" else RIR  # "twenty ate RPE"
    for i, tok in enumerate(tokens):
        if tok.value is None or ex_start <= i < ex_end:
            continue
        after = tokens[i + 1].norm if i + 1 < n else ""
        before = tokens[i - 1].norm if i > 0 else ""
        if after in TIME_WORDS and (
            out[i] in (W, REPS, TEMPO) or (out[i] in ("O", NOTE) and kind.timed)
        ):
            near = {t.norm for t in tokens[max(0, i - 3) : i + 4]}
            out[i] = REST if near & REST_WORDS else DUR
            if out[i + 1] == NOTE:
                out[i + 1] = out[i]  # the unit goes with its number, out of the note
        elif after in TIME_WORDS and out[i] in (RPE, RIR):
            out[i] = NOTE  # "1 second hold at the top": a time, never an effort
        elif after in REP_NOUNS and out[i] in (W, "O"):
            then = tokens[i + 2] if i + 2 < n else None
            if then is not None and then.value and tok.value >= max(20, 3 * then.value):
                out[i], out[i + 2] = W, REPS  # "squat 225 reps 8": the load, then "reps: 8"
            else:
                out[i] = REPS  # "20 reps", whatever the tagger said
        elif (
            (after in MEASURES or after in SETTINGS_AFTER)
            and out[i] != NOTE
            and not _feet_placed(tokens, i + 1)
        ):
            out[i] = out[i + 1] = NOTE
        elif (
            before in LENGTHS
            and i >= 2
            and tokens[i - 2].value is not None
            and out[i] != NOTE
            and tok.value < 100
        ):
            out[i] = NOTE  # "2 metres 60", "6 feet 2": the rest of a length, not a count
        elif (
            i + 2 < n
            and tokens[i + 1].value is not None
            and tokens[i + 2].norm in MEASURES
            and out[i] in (DUR, "O")
            and REPS not in out
            and tok.kind != "plural"
            and tok.value == int(tok.value)
            and 1 <= tok.value <= 20
        ):
            out[i] = REPS  # "six 30 metre sprints": a count of efforts over a distance
        elif (
            before in INDEX_WORDS
            and tok.value <= 10
            and out[i] in (REPS, W, SETS, RPE, RIR)
            and after not in REP_NOUNS
            and after not in ("for", "x")
        ):
            out[i] = "O"  # "round one", "set 3": which one, not how many
        elif pronoun(tokens, i):
            out[i] = "O"
        elif (
            after in ("each", "per")
            and i + 2 < n
            and tokens[i + 2].norm in SIDES
            and out[i] in ("O", RPE, RIR, NOTE)
        ):
            out[i] = REPS  # "10 each side", "8 per leg": unilateral reps
        elif (
            i >= 2
            and before == "of"
            and tokens[i - 2].norm in SET_NOUNS
            and out[i] != REPS
            and (after not in TIME_WORDS | MEASURES or _feet_placed(tokens, i + 1))
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
        setting = prev in SETTING_WORDS or (
            prev == "of" and i >= 2 and tokens[i - 2].norm in SETTING_WORDS | {"incline"}
        )  # "level 8", "an incline of five"
        if setting and out[i] in (RPE, RIR, REPS, W, "O"):
            # "level 8" on a machine is a setting, kept as a note, never the RPE or reps
            out[i - 1] = out[i] = NOTE
            if prev == "of":
                out[i - 2] = NOTE
        elif (
            prev == "tempo"
            and out[i] != TEMPO
            and tempo_of(tokens[i : i + 1])
            and (i + 1 >= n or tokens[i + 1].norm not in TIME_WORDS)  # "tempo, 60 seconds rest"
        ):
            out[i] = TEMPO
    _fix_tempo_before_word(tokens, out)
    if kind.barbell and W not in out and W_UP not in out and W_DOWN not in out:
        for i, tok in enumerate(tokens):
            if slang_hundreds(tok) and out[i] == "O":
                out[i] = W  # "squat two and a quarter for 8": 225 (see `decode`)
                break
    for start, end, _ in find_plate_phrases(tokens):
        # "2 wheels and a quarter": the tagger took part of the phrase; the load is all of it
        if W in out[start:end] and not all(label == W for label in out[start:end]):
            out[start:end] = [W] * (end - start)
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
        rpe_cue = prev in RPE_BEFORE or spoken_rpe
        if value is not None and 1 <= value <= 10 and rpe_cue and out[i] in ("O", W, REPS, RIR):
            out[i] = RPE
    fix_rest_and_split_durations(tokens, out, ex_end)
    fix_intervals(tokens, out)
    if kind.cardio:
        fix_cardio_numbers(tokens, out)
    apply_corrections(tokens, out)
    if follow_up:
        fix_rep_changes(tokens, out, context_reps)
        fix_weight_changes(tokens, out)
        if context_weight:
            fix_change_verbs(tokens, out, context_weight)
            fix_plate_changes(tokens, out)
    if (kind.barbell or kind.plate_loaded) and exercise is not None:
        fix_misheard_hundreds(tokens, out, exercise[1])
    if kind.barbell or kind.plate_loaded:
        fix_split_loads(tokens, out)
    fix_stop_points(tokens, out)
    fix_two_loads(tokens, out)
    fix_load_times_reps(tokens, out)
    fix_absolute_loads(tokens, out)
    if kind.unloaded and follow_up and not context_weight:
        fix_unloaded_follow_up(tokens, out)
    fix_load_each(tokens, out)
    fix_load_then_reps(tokens, out)
    if not (kind.unloaded or kind.timed or kind.cardio):
        fix_paused_load(tokens, out)
    fix_two_counts(tokens, out)
    fix_short_of_failure(tokens, out)
    fix_uncued_sets(tokens, out)
    fix_set_counts(tokens, out)
    fix_unit_first(tokens, out)
    fix_unit_after(tokens, out)
    fix_rir_cues(tokens, out)
    fix_failed_rep(tokens, out)
    fix_reps_to_failure(tokens, out)
    fix_echoed_numbers(tokens, out)
    fix_out_of_ten(tokens, out)
    fix_uncued_rpe(tokens, out)
    fix_trailing_half(tokens, out)
    if kind.barbell or kind.plate_loaded:
        fix_plates_named(tokens, out)
    fix_same_weight(tokens, out)
    fix_drop_sets(tokens, out)
    for i, tok in enumerate(tokens):
        if out[i] in (RPE, RIR) and tok.norm in REP_COUNTS:
            out[i] = REPS  # "for a single, 1 in the tank": the count is the reps
        if out[i] in (W, W_UP, W_DOWN):
            if tok.value is None and tok.norm in COUNT_WORDS and not _qualifies(tokens, i):
                out[i] = REPS  # "for a triple" is three reps, never a load
            elif kind.cardio and i + 1 < len(tokens) and tokens[i + 1].norm in ("k", "km"):
                out[i] = out[i + 1] = NOTE  # "ran a 5k": a distance, kept as a note
    fix_durations(tokens, out, kind)
    said_change = follow_up and context_reps is not None and rep_change(tokens) is not None
    if kind.counted_in_time:
        fix_bare_times(tokens, out)
    if kind.cardio:
        fix_split_times(tokens, out)
    found = fix_shorthand(tokens, out, kind, exercise, shorthand, follow_up=follow_up, text=text)
    if typed is not None:
        typed.labels, typed.sets, typed.notes = found.labels, found.sets, found.notes
    if REPS not in out and DUR not in out and not kind.timed and not said_change:
        i = unsaid_reps(tokens, out, ex_start, ex_end)
        if i is not None:
            out[i] = REPS
    return out


def _fix_tempo_before_word(tokens: Sequence[Token], out: list[str]) -> None:
    """ "three oh one two tempo": the numbers just before "tempo" are the tempo, however the
    number reader grouped them (301, 2 -> 3012)."""
    for t, tok in enumerate(tokens):
        if tok.norm != "tempo" or t == 0 or TEMPO in out[:t]:
            continue
        best: int | None = None
        start = t
        # the shortest run of numbers before "tempo" that spells four digits (or three)
        while start > 0 and t - start < 4 and tokens[start - 1].value is not None:
            start -= 1
            tempo = tempo_of(tokens[start:t])
            if tempo is not None and len(tempo) == 4:
                best = start
                break
            if tempo is not None and len(tempo) == 3 and best is None:
                best = start
        if best is not None and best < t - 1:
            out[best:t] = [TEMPO] * (t - best)


def _qualifies(tokens: Sequence[Token], i: int) -> bool:
    """ "single leg", "double drop set": a count word naming a kind of set, not a count."""
    return i + 1 < len(tokens) and tokens[i + 1].norm in _QUALIFIED


_QUALIFIED = frozenset({"leg", "legs", "arm", "arms", "handed", "drop", "dropset", "kettlebell"})


#: Words after "feet" that make them the lifter's feet, not a distance ("feet high and wide").
_FOOT_PLACES = frozenset(
    "high low wide narrow together apart close on up elevated flat forward back".split()
)


def _feet_placed(tokens: Sequence[Token], k: int) -> bool:
    """Whether `tokens[k]` is "feet" placed somewhere rather than a distance in feet."""
    return (
        tokens[k].norm in ("feet", "foot")
        and k + 1 < len(tokens)
        and tokens[k + 1].norm in _FOOT_PLACES
    )
