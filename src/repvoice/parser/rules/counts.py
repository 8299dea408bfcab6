"""Rules about counts: reps the tagger missed, sets said without "sets of", corrections."""

from __future__ import annotations

from collections.abc import Sequence

from repvoice.parser.align import DUR, NOTE, REPS, RIR, RPE, SETS, W
from repvoice.parser.lexicon import COUNT_WORDS, unit_of
from repvoice.parser.numbers import homophone_candidates
from repvoice.parser.rules.common import (
    CORRECTIONS,
    LENGTHS,
    MEASURES,
    NOT_REPS_AFTER,
    NOT_REPS_BEFORE,
    PLURAL_COUNTS,
    TIME_WORDS,
    label_spans,
    pronoun,
    ratio,
)
from repvoice.parser.tokens import Token


def unsaid_reps(tokens: Sequence[Token], out: list[str], ex_start: int, ex_end: int) -> int | None:
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
            # "handstand push ups strict 8": a note word, then the count ("broke at 12" is no
            # count)
            or (i == n - 1 and tokens[i - 1].norm not in _NOT_A_COUNT_AFTER)
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
        if (after in NOT_REPS_AFTER and not in_a_row) or before in NOT_REPS_BEFORE:
            continue
        if pronoun(tokens, i):
            continue
        return i
    for i in range(1, n):
        after_count = (
            tokens[i - 1].norm in ("for", "x", "times")
            or (
                tokens[i - 1].norm in ("did", "got", "hit") and i == n - 1  # "I did for"
            )
            or (
                i == ex_end and tokens[i].norm == "ate"  # "pullups ate bodyweight"
            )
        )
        if (
            after_count
            and homophone_candidates(tokens[i])
            and (i + 1 == n or tokens[i + 1].value is None)
            and out[i] == "O"
        ):
            return i
    return None


#: "burned out at 10", "failed at 8": the count a set stopped at is its reps.
_STOPPED = (("out", "at"), ("failed", "at"), ("died", "at"), ("stopped", "at"), ("gassed", "at"))
#: "broke at 12", "broke it up at 15": where a set was split, kept as a note.
_SPLIT = (("broke", "at"), ("broke", "up", "at"), ("broke", "it", "at"), ("split", "at"))


#: Words after which a last number is no count: "broke at 12", "2 metres 60".
_NOT_A_COUNT_AFTER = LENGTHS | {"at"}


def fix_uncued_sets(tokens: Sequence[Token], out: list[str]) -> None:
    """ "weighted pull ups 15 kilo 4 RPE 9", "plus 20 kilos for 5": with no reps said, a count
    the tagger called the sets, straight after the load and its unit or after "for" once the
    load is said, is the reps. (Other set words are learned:
    "3 in the hole" may mean sets in the owner's data.)"""
    if REPS in out:
        return
    for start, end in label_spans(out).get(SETS, []):
        said_sets = end < len(tokens) and tokens[end].norm in ("sets", "set", "rounds")
        if start >= 2 and unit_of(tokens[start - 1].norm) and out[start - 2] == W and not said_sets:
            out[start:end] = [REPS] * (end - start)
            return
        # "chin ups plus 20 kilos for 5 rpe 9": a count after "for", once the load is said
        if start >= 1 and tokens[start - 1].norm == "for" and W in out[:start] and not said_sets:
            out[start:end] = [REPS] * (end - start)
            return


def fix_stop_points(tokens: Sequence[Token], out: list[str]) -> None:
    """ "burned out at 10" is 10 reps, never RPE 10; "broke at 12" is where the set was split,
    a note, never the reps."""
    words = [t.norm for t in tokens]
    if "at" not in words:
        return  # every stop and split phrase ends in "at"
    for i, tok in enumerate(tokens):
        if tok.value is None:
            continue
        if any(tuple(words[max(0, i - len(p)) : i]) == p for p in _STOPPED):
            if out[i] in (RPE, RIR, "O", W):
                for k in range(len(out)):
                    if out[k] == REPS and k != i and tokens[k].value is not None:
                        break
                else:
                    out[i] = REPS
        else:
            split = next((p for p in _SPLIT if tuple(words[max(0, i - len(p)) : i]) == p), None)
            if split is not None:
                out[i - len(split) : i + 1] = [NOTE] * (len(split) + 1)


def fix_set_counts(tokens: Sequence[Token], out: list[str]) -> None:
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
        if after in PLURAL_COUNTS and out[i] != SETS:
            out[i] = SETS
            out[i + 1] = REPS
        elif out[i] != SETS and (
            (after == "more" and words[i + 2 : i + 3] == ["sets"])
            or after in ("rounds", "sets")
            or (before == "x" and i >= 2 and out[i - 2] == DUR and out[i] in (REPS, "O"))
            or (after in ("x", "times") and _timed_or_far(tokens, i + 2))
        ):
            out[i] = SETS
        elif (
            before in ("last", "first")
            and out[i] == REPS
            and any(label == REPS for k, label in enumerate(out) if k != i)
        ):
            out[i] = NOTE if i > 0 and out[i - 1] == NOTE else "O"


def _timed_or_far(tokens: Sequence[Token], k: int) -> bool:
    """Whether `tokens[k]` is a number said in time or distance ("x 30 seconds", "x 500
    meters"): what a set count multiplies in timed work."""
    if k + 1 >= len(tokens) or tokens[k].value is None:
        return False
    unit = tokens[k + 1].norm
    return unit in TIME_WORDS or unit in MEASURES


#: How far apart in size (see `ratio`) a correction and the number just before it may be for
#: the correction to be of that number ("15s for 12, no 14" corrects the 12, not the 15s).
_LIKE_SIZED = 2.0


def apply_corrections(tokens: Sequence[Token], out: list[str]) -> None:
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
        if tok.norm not in CORRECTIONS and not said_no:
            continue
        new = next((k for k in range(c + 1, min(n, c + 4)) if tokens[k].value is not None), None)
        if new is None:
            continue
        # the corrected number is the one closest in size, whether or not it was tagged
        said = [k for k in range(c) if tokens[k].value is not None and out[k] != NOTE]
        if not said:
            continue
        value = tokens[new].value or 0.0
        old = min(said, key=lambda k: (ratio(tokens[k].value or 0.0, value), c - k))
        last = said[-1]
        if (
            c - last <= 3
            and out[last] not in ("O", NOTE)
            and ratio(tokens[last].value or 0.0, value) < _LIKE_SIZED
        ):
            old = last  # "12 reps no sorry 14", "rpe 7 actually 8": the number just said
        if out[old] == "O":
            continue  # the tagger already dropped it ("110 for 15 sorry 14 14 reps")
        said = [k for k in said if out[k] != "O"]
        label = out[new]
        near_and_alike = c - old <= 5 and ratio(tokens[old].value or 0.0, value) < 1.5
        if label == "O" or label in {out[k] for k in said} or near_and_alike:
            # the tagger missed the correction, kept both values, or gave the new value another
            # slot although it plainly replaces the one just said ("rpe nine, I mean 8.5")
            out[new], out[old] = out[old], "O"


#: Words after "N more"/"N fewer" that make it a change of the previous set's reps.
_MORE_REPS = frozenset({"more", "fewer", "less"})
#: Words before "N more reps" that make it reps left in reserve ("could have done 2 more").
_IN_RESERVE = frozenset({"could", "could've", "coulda", "had", "have", "maybe", "probably"})


def rep_change(tokens: Sequence[Token]) -> tuple[int, int] | None:
    """ "one more rep than last time", "two fewer reps": `(index of the number, change)` of a
    follow-up's reps against the previous set's, or None when none is said."""
    words = [t.norm for t in tokens]
    for i, tok in enumerate(tokens):
        v = tok.value
        if v is None or v % 1 or not 1 <= v <= 10 or tok.kind == "plural":
            continue
        if i + 1 >= len(words) or words[i + 1] not in _MORE_REPS:
            continue
        if words[i + 2 : i + 3] not in (["rep"], ["reps"], ["repetitions"]):
            continue
        if _IN_RESERVE.intersection(words[max(0, i - 4) : i]) or "tank" in words[i:]:
            continue  # "could have done 2 more reps": in reserve, not done
        return i, int(v) if words[i + 1] == "more" else -int(v)
    return None


def fix_rep_changes(tokens: Sequence[Token], out: list[str], context_reps: int | None) -> None:
    """ "one more rep than last time": with the previous set's reps known, the number and the
    words of the change are no value of their own (`decode` adds the change)."""
    found = rep_change(tokens) if context_reps is not None else None
    if found is None:
        return
    i, _ = found
    for k in range(i, i + 3):
        if out[k] != NOTE:
            out[k] = "O"
