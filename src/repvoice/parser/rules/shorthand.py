"""Typed gym shorthand: `405x5x3`, `3x8 @ 185`, `x 8, 8, 8`, `8-10 reps`, `500-m`, `60s`.

People typing a log write what nobody says aloud; these rules read it, after the tagger:

- a chain of numbers joined by "x": three, with a load first, are read in the order
  `ShorthandOrder.loaded` (learned from the training file, default weight, reps, sets); two
  with no load among them are read in `ShorthandOrder.unloaded` (default sets, reps); two
  with a load ("225x5", "100kg x 5", "2pl x 3") are the load and the reps;
- "@ N": N above 10 is the load, at most 10 the RPE ("@ 2 RIR": RIR 2);
- a list of reps ("8, 8, 8", "10,10,10"): equal counts are the reps and the number of sets;
  unequal ones keep the first as the reps and the list in the notes;
- a range ("8-10 reps", "x 12-15"): the top is the reps, the range a note;
- a distance or speed ("500-m", "100m", "5 km", "6 mph", "2 mi", `24"`) or a level
  ("lvl 8") is a note, never reps, load or RPE;
- "60s" on a hold or cardio is 60 seconds ("3x30s": 3 sets of 30 s); elsewhere it stays a
  dumbbell pair;
- a count before a bodyweight exercise with nothing else ("6 burpees") is the reps;
- "+10" in a follow-up is a change of load; "x10" the reps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from repvoice.parser.align import DUR, NOTE, REPS, REST, RIR, RPE, SETS, W_DOWN, W_UP, W
from repvoice.parser.kind import ExerciseKind
from repvoice.parser.lexicon import unit_of
from repvoice.parser.plates import find_plate_phrases
from repvoice.parser.rules.common import REP_NOUNS, REST_WORDS, SET_NOUNS, TIME_WORDS
from repvoice.parser.tokens import Token

__all__ = ["FIELDS", "Shorthand", "ShorthandOrder", "fix_shorthand", "learn_shorthand"]

#: The fields a load-first chain can name, in the default order.
FIELDS = ("weight", "reps", "sets")
_LABEL = {"weight": W, "reps": REPS, "sets": SETS}

#: Units after a number that make it a distance, a speed or a count of something else.
_DISTANCES = frozenset(
    "m meter meters metre metres km kms k mi mile miles yd yds yard yards ft mph kph kmh "
    "cal cals kcal calories %".split()
)
_LEVELS = frozenset({"lvl", "lv", "level", "zone", "speed", "incline"})
_TIMES = TIME_WORDS
_LOAD_CUES = frozenset({"w", "with", "plus", "+"})
_SEPARATORS = frozenset({"x", "*"})
_SIGNS = frozenset({"+", "-"})
#: The words `_measures` reads a number as a measure by.
_MEASURE_MARKS = _DISTANCES | {'"', "''", "lvl", "lv"}
_PLATE_WORDS = frozenset({"pl", "plate", "plates", "wheel", "wheels"})
#: Words after "70s" that make it a pair of dumbbells or kettlebells.
_PAIR_WORDS = frozenset(
    {"db", "dbs", "dumbbell", "dumbbells", "kb", "kbs", "kettlebell", "kettlebells"}
)
_MAX_REPS = 100
#: The most sets an `S x R` chain is read with; a bigger first number is a load.
_MAX_SETS = 12


@dataclass(frozen=True)
class ShorthandOrder:
    """Which field each number of `W x R x S` (load first) and `S x R` (no load) is."""

    loaded: tuple[str, str, str] = FIELDS
    unloaded: tuple[str, str] = ("sets", "reps")

    def to_dict(self) -> dict[str, list[str]]:
        return {"loaded": list(self.loaded), "unloaded": list(self.unloaded)}

    @classmethod
    def from_dict(cls, data: Any) -> ShorthandOrder:
        """The order a model's `meta["shorthand"]` gives; the default for what it lacks."""
        if not isinstance(data, dict):
            return cls()
        default = cls()
        loaded = tuple(data.get("loaded") or default.loaded)
        unloaded = tuple(data.get("unloaded") or default.unloaded)
        if sorted(loaded) != sorted(FIELDS) or sorted(unloaded) != ["reps", "sets"]:
            raise ValueError(f"shorthand order is not a permutation of fields: {data!r}")
        return cls(loaded, unloaded)  # type: ignore[arg-type]

    @classmethod
    def parse(cls, specs: Iterable[str], base: ShorthandOrder | None = None) -> ShorthandOrder:
        """ "weight,reps,sets" sets the load-first order, "sets,reps" the unloaded one."""
        order = base or cls()
        for spec in specs:
            names = tuple(p.strip().lower() for p in spec.split(",") if p.strip())
            if sorted(names) == sorted(FIELDS):
                order = cls(names, order.unloaded)  # type: ignore[arg-type]
            elif sorted(names) == ["reps", "sets"]:
                order = cls(order.loaded, names)  # type: ignore[arg-type]
            else:
                raise ValueError(
                    f"shorthand order {spec!r}: give weight,reps,sets in some order (a load "
                    "first) or sets,reps in some order (no load)"
                )
        return order


@dataclass
class Shorthand:
    """What `fix_shorthand` found: labels it set, and values no single token says."""

    labels: int = 0  # value labels (not notes) these rules set
    sets: int | None = None  # "8, 8, 8" is 3 sets
    notes: list[tuple[int, str]] = field(default_factory=list)  # (char offset, text)


@dataclass
class _Item:
    """One number of a chain, with the unit or plate words that go with it."""

    start: int
    end: int
    value: float
    loaded: bool  # a unit, plates or a pair say it is a load
    change: bool = False  # "+10"
    plate: bool = False  # "2pl a side": every token is the load
    unit_only: bool = False  # loaded only by the unit typed after it ("3 kg")


def fix_shorthand(
    tokens: Sequence[Token],
    out: list[str],
    kind: ExerciseKind,
    exercise: tuple[int, int] | None = None,
    order: ShorthandOrder = ShorthandOrder(),
    *,
    follow_up: bool = False,
    text: str | None = None,
) -> Shorthand:
    """Relabel typed shorthand in `out` in place; see the module docstring."""
    found = Shorthand()
    ex_start, ex_end = exercise or (-1, -1)
    free = [not ex_start <= i < ex_end for i in range(len(tokens))]
    labels = _Written(out)
    # each rule needs its mark ("@", "x", ",", "-", a unit) among the words: most speech has
    # none, and skipping a rule that cannot fire changes nothing
    norms = {t.norm for t in tokens}
    if not norms.isdisjoint(_MEASURE_MARKS):
        _measures(tokens, labels, free, kind)
    _paired_seconds(tokens, labels, free, kind)
    if "@" in norms:
        _at_signs(tokens, labels, free)
    if "-" in norms:
        _ranges(tokens, labels, free, found, text)
    if "," in norms:
        _rep_lists(tokens, labels, free, found, text)
    if not norms.isdisjoint(_SEPARATORS):
        _chains(tokens, labels, free, kind, order, follow_up)
    if "r" in norms:
        _typed_rests(tokens, labels, free)
    if follow_up and not norms.isdisjoint(_SIGNS):
        _signed_changes(tokens, labels, free)
    _bare_counts(tokens, labels, free, kind)
    if "pl" in norms:
        _typed_plates(tokens, labels, kind)
    out[:] = labels
    found.labels = sum(1 for i in labels.written if labels[i] not in ("O", NOTE))
    return found


class _Written(list[str]):
    """Labels that remember which places were set, so the rules' own labels can be counted
    (a label the tagger had already is still one the shorthand read)."""

    def __init__(self, labels: Iterable[str]) -> None:
        super().__init__(labels)
        self.written: set[int] = set()

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        if isinstance(key, slice):
            self.written.update(range(*key.indices(len(self))))
        else:
            self.written.add(key % len(self))


def _number(tokens: Sequence[Token], free: list[bool], i: int) -> bool:
    return 0 <= i < len(tokens) and free[i] and tokens[i].value is not None


def _typed_number(tokens: Sequence[Token], free: list[bool], i: int) -> bool:
    """A number typed in digits ("3", "12.5", "30s"); "three by eight" is speech."""
    return _number(tokens, free, i) and tokens[i].kind in ("digits", "decimal", "plural")


def _glued(tokens: Sequence[Token], i: int) -> bool:
    return 0 < i < len(tokens) and tokens[i - 1].end == tokens[i].start


def _measures(
    tokens: Sequence[Token], out: list[str], free: list[bool], kind: ExerciseKind
) -> None:
    """ "500-m", "100m", "5 km", "6 mph", `24"`, "lvl 8": notes."""
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if not _number(tokens, free, i) or tok.kind == "clock":
            continue
        k = i + 1
        if k < n and tokens[k].norm == "-" and _glued(tokens, k) and _glued(tokens, k + 1):
            k += 1
        if k < n and tokens[k].norm in _DISTANCES:
            if tokens[k].norm == "k" and not kind.cardio:
                continue  # "100k" on a lift is more likely kilos
            out[i : k + 1] = [NOTE] * (k + 1 - i)
        elif i + 1 < n and tokens[i + 1].norm in ('"', "''") and _glued(tokens, i + 1):
            out[i] = out[i + 1] = NOTE  # 24" box
        elif i > 0 and tokens[i - 1].norm in ("lvl", "lv"):
            out[i - 1] = out[i] = NOTE


def _is_paired_s(tok: Token) -> bool:
    """ "60s" typed with a glued "s" (not "60's", not "sixties")."""
    return tok.kind == "plural" and tok.text[:1].isdigit() and tok.text.lower().endswith("s")


def _paired_seconds(
    tokens: Sequence[Token], out: list[str], free: list[bool], kind: ExerciseKind
) -> None:
    """ "plank 60s", "3x30s": seconds on timed work; a pair ("db curl 30s") elsewhere."""
    if not (kind.unloaded or kind.cardio) or not (kind.timed or kind.unloaded):
        return  # a carry's "70s" is a pair of dumbbells; bodyweight work holds none
    for i, tok in enumerate(tokens):
        if not _number(tokens, free, i) or not _is_paired_s(tok):
            continue
        before = tokens[i - 1].norm if i > 0 else ""
        if before in ("the", "two", "pair"):
            continue  # "the 40s": a pair
        after = tokens[i + 1].norm if i + 1 < len(tokens) else ""
        if (
            before in _LOAD_CUES
            or (i > 1 and tokens[i - 2].norm in _LOAD_CUES and before == "/")
            or after in _PAIR_WORDS
        ):
            continue  # "w/ 40s", "plus 25s", "70s db": a load after all
        near = {t.norm for t in tokens[max(0, i - 2) : i]}
        out[i] = REST if near & REST_WORDS else DUR


def _at_signs(tokens: Sequence[Token], out: list[str], free: list[bool]) -> None:
    """ "@ 185" is the load, "@8" the RPE, "@ 2 RIR" the RIR."""
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.norm != "@" or not _number(tokens, free, i + 1):
            continue
        value = tokens[i + 1].value or 0.0
        after = tokens[i + 2].norm if i + 2 < n else ""
        if value <= 10:
            if after == "rir" or after in ("rr", "reserve"):
                out[i + 1] = RIR
            elif after not in _DISTANCES and unit_of(after) is None and after not in _TIMES:
                out[i + 1] = RPE
        elif out[i + 1] not in (NOTE, DUR, REST) and after not in _DISTANCES:
            out[i + 1] = W


def _range_at(tokens: Sequence[Token], free: list[bool], i: int) -> bool:
    """ "8-10": two glued whole numbers, low to high, rep-sized."""
    if not (_number(tokens, free, i) and _number(tokens, free, i + 2)):
        return False
    low, dash, high = tokens[i], tokens[i + 1], tokens[i + 2]
    return (
        dash.norm == "-"
        and _glued(tokens, i + 1)
        and _glued(tokens, i + 2)
        and low.kind == high.kind == "digits"
        and low.value is not None
        and high.value is not None
        and 0 < low.value < high.value <= _MAX_REPS
    )


def _ranges(
    tokens: Sequence[Token],
    out: list[str],
    free: list[bool],
    found: Shorthand,
    text: str | None,
) -> None:
    """ "8-10 reps", "x 12-15": the top is the reps, the range a note."""
    n = len(tokens)
    for i in range(n - 2):
        if not _range_at(tokens, free, i):
            continue
        after = tokens[i + 3].norm if i + 3 < n else ""
        before = tokens[i - 1].norm if i > 0 else ""
        if after in _DISTANCES or after in _TIMES or unit_of(after) is not None:
            continue
        if after in REP_NOUNS or before in _SEPARATORS or out[i + 2] == REPS:
            out[i] = out[i + 1] = "O"
            out[i + 2] = REPS
            if text is not None:
                found.notes.append((tokens[i].start, text[tokens[i].start : tokens[i + 2].end]))


def _item(tokens: Sequence[Token], free: list[bool], i: int, plates: dict[int, int]) -> _Item:
    """The chain item starting at the number `tokens[i]`."""
    tok = tokens[i]
    change = i > 0 and tokens[i - 1].norm == "+" and _glued(tokens, i)
    if i in plates:
        return _Item(i, plates[i], tok.value or 0.0, True, change, plate=True)
    end = i + 1
    loaded = _is_paired_s(tok) or change or (tok.value or 0) != int(tok.value or 0)
    unit_only = False
    n = len(tokens)
    if end < n and unit_of(tokens[end].norm) is not None:
        end += 1
        unit_only = not loaded
        loaded = True
    else:
        k = end + 1 if end < n and tokens[end].norm == "-" and _glued(tokens, end) else end
        if k < n and (tokens[k].norm in _DISTANCES or tokens[k].norm in _TIMES):
            end = k + 1  # "20 m x 4", "30 sec x 3": the distance or time is one item
    return _Item(i, end, tok.value or 0.0, loaded, change, unit_only=unit_only)


def _chains(
    tokens: Sequence[Token],
    out: list[str],
    free: list[bool],
    kind: ExerciseKind,
    order: ShorthandOrder,
    follow_up: bool,
) -> None:
    """Numbers joined by "x": `W x R x S`, `S x R`, `W x R`."""
    n = len(tokens)
    plates = {
        s: e
        for s, e, _ in find_plate_phrases(tokens)
        if _number(tokens, free, s)
        # "10 each side" on a cable is reps per side; on a bar, 10 lb plates
        and (
            kind.barbell
            or kind.plate_loaded
            or kind.machine
            or any(tokens[j].norm in _PLATE_WORDS for j in range(s, e))
        )
    }
    i = 0
    while i < n:
        if not _typed_number(tokens, free, i):
            i += 1
            continue
        items = [_item(tokens, free, i, plates)]
        k = items[-1].end
        while k + 1 < n and tokens[k].norm in _SEPARATORS and _typed_number(tokens, free, k + 1):
            items.append(_item(tokens, free, k + 1, plates))
            k = items[-1].end
        if len(items) == 1:
            said = tokens[i - 2].norm if i >= 2 else ""
            if i >= 2 and tokens[i - 1].norm in _SEPARATORS and tokens[i - 2].kind == "clock":
                out[i] = SETS  # "L-sit 0:25 x 4": a time, done 4 times
                i = k
                continue
            if (
                i > 0
                and tokens[i - 1].norm in _SEPARATORS
                and said not in _TIMES
                and said not in _DISTANCES
                and unit_of(said) is None
                and out[i] not in (DUR, NOTE, REST)
                and all(tokens[j].value is None or out[j] != REPS for j in range(i))
            ):
                out[i] = REPS  # "same x 7", "x10": the reps
            i = k
            continue
        _read_chain(tokens, out, items, kind, order, follow_up)
        i = k


def _read_chain(
    tokens: Sequence[Token],
    out: list[str],
    items: list[_Item],
    kind: ExerciseKind,
    order: ShorthandOrder,
    follow_up: bool,
) -> None:
    """Label one chain of two or three numbers."""

    def put(item: _Item, label: str) -> None:
        if label == W and item.change and follow_up:
            label = W_UP
        out[item.start] = label
        if item.plate and label == W:
            out[item.start : item.end] = [W] * (item.end - item.start)

    def timed(item: _Item) -> bool:
        return out[item.start] in (DUR, NOTE, REST)

    if len(items) == 3:
        if any(timed(x) for x in items):
            return
        biggest = max(items, key=lambda x: x.value)
        # "140x5x3 kg": a unit typed after the chain is the load's unit, not a mark on the
        # last number, unless that number is the biggest ("5x3x140kg")
        marked = [
            x
            for x in items
            if x.loaded and not (x is items[-1] and x.unit_only and x is not biggest)
        ]
        load = marked[0] if len(marked) == 1 else None
        if load is None and not marked and not kind.unloaded:
            others = [x.value for x in items if x is not biggest]
            load = biggest if biggest.value > max(others) else None
        if load is None:
            return
        # the load is where it is typed; the counts keep the order's reps/sets order
        counts = iter(name for name in order.loaded if name != "weight")
        for item in items:
            put(item, W if item is load else _LABEL[next(counts)])
        return
    if len(items) != 2:
        return
    a, b = items
    if timed(a) and not timed(b):
        put(b, SETS)  # "100m x 6", "30s x 5": a distance or a time, done 6 times
        return
    if timed(b):
        if not timed(a):
            put(a, SETS)  # "3x30s"
        return
    if a.loaded and not b.loaded:
        put(a, W)
        put(b, REPS)
        return
    if b.loaded and not a.loaded:
        put(a, REPS)
        put(b, W)
        return
    inside = set(range(a.start, b.end))
    load_elsewhere = any(
        label in (W, W_UP, W_DOWN) and j not in inside and (tokens[j].value or 0) > 10
        for j, label in enumerate(out)
    )
    if load_elsewhere or a.value <= _MAX_SETS:
        first, second = order.unloaded
        put(a, _LABEL[first])
        put(b, _LABEL[second])
    elif kind.unloaded and b.value < 5:
        return  # "push ups 20x3": reps then sets, or a load? the tagger decides
    else:
        put(a, W)  # "225x5", "wall balls 20 x 30": more than anyone's sets, so a load
        put(b, REPS)


def _rep_lists(
    tokens: Sequence[Token],
    out: list[str],
    free: list[bool],
    found: Shorthand,
    text: str | None,
) -> None:
    """ "x 8, 8, 8", "10,10,10", "12, 10, 8": reps set after set."""
    n = len(tokens)
    i = 0
    while i < n:
        if not _rep_count(tokens, free, i):
            i += 1
            continue
        run = [i]
        k = i + 1
        while k + 1 < n and tokens[k].norm == "," and _rep_count(tokens, free, k + 1):
            run.append(k + 1)
            k += 2
        after = tokens[k].norm if k < n else ""
        before = tokens[i - 1].norm if i > 0 else ""
        if (
            len(run) < (2 if before in _SEPARATORS else 3)
            or after in _DISTANCES
            or after in _TIMES
            or unit_of(after) is not None
            or after in SET_NOUNS
        ):
            i = k
            continue
        values = [tokens[j].value for j in run]
        for j in range(run[0], run[-1] + 1):
            out[j] = "O"
        out[run[0]] = REPS
        if len(set(values)) == 1:
            found.sets = len(run)
        elif text is not None:
            found.notes.append(
                (tokens[run[0]].start, text[tokens[run[0]].start : tokens[k - 1].end])
            )
        i = k


def _rep_count(tokens: Sequence[Token], free: list[bool], i: int) -> bool:
    tok = tokens[i] if 0 <= i < len(tokens) else None
    return (
        tok is not None
        and _number(tokens, free, i)
        and tok.kind == "digits"
        and tok.value is not None
        and 1 <= tok.value <= 50
    )


def _typed_rests(tokens: Sequence[Token], out: list[str], free: list[bool]) -> None:
    """ "r90": the rest in seconds (glued: a spoken "r i r 1" is RIR)."""
    for i, tok in enumerate(tokens):
        if tok.norm == "r" and _typed_number(tokens, free, i + 1) and _glued(tokens, i + 1):
            out[i + 1] = REST


def _signed_changes(tokens: Sequence[Token], out: list[str], free: list[bool]) -> None:
    """ "+5kg", "-10 x 10" in a follow-up: a change of the previous load."""
    for i in range(1, len(tokens)):
        sign = tokens[i - 1].norm
        if sign not in _SIGNS or not _glued(tokens, i) or not _typed_number(tokens, free, i):
            continue
        if i >= 2 and tokens[i - 2].value is not None and _glued(tokens, i - 1):
            continue  # "8-10": a range
        if out[i] in (W, W_UP, W_DOWN, SETS, REPS) or (
            out[i] == "O" and i + 1 < len(tokens) and unit_of(tokens[i + 1].norm) is not None
        ):
            # nobody types a signed count of sets or reps: "-10 x 10" is 10 less, for 10
            out[i] = W_UP if sign == "+" else W_DOWN


def _bare_counts(
    tokens: Sequence[Token], out: list[str], free: list[bool], kind: ExerciseKind
) -> None:
    """ "6 burpees": a lone count on a bodyweight exercise is the reps, not the sets."""
    if not kind.unloaded or REPS in out or DUR in out or out.count(SETS) != 1:
        return
    i = out.index(SETS)
    after = tokens[i + 1].norm if i + 1 < len(tokens) else ""
    before = tokens[i - 1].norm if i > 0 else ""
    if after in SET_NOUNS or after in _SEPARATORS or before in _SEPARATORS:
        return
    if sum(1 for j, t in enumerate(tokens) if t.value is not None and free[j]) == 1:
        out[i] = REPS


def _typed_plates(tokens: Sequence[Token], out: list[str], kind: ExerciseKind) -> None:
    """ "4pl", "2pl a side": typed plates are the load when nothing else is."""
    if kind.unloaded or kind.cardio or any(label in (W, W_UP, W_DOWN) for label in out):
        return
    for start, end, _ in find_plate_phrases(tokens):
        if any(tokens[j].norm == "pl" for j in range(start, end)):
            out[start:end] = [W] * (end - start)
            return


def learn_shorthand(
    texts_and_golds: Iterable[tuple[str, dict[str, Any]]],
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None, dict[str, int]]:
    """How training examples label typed chains: the majority order of three numbers (the
    load's place included) and of two with no load, each None when no example has one, and
    the votes ("loaded:weight,reps,sets": count)."""
    from repvoice.parser.numbers import spoken_numbers

    votes: dict[str, int] = {}
    for text, gold in texts_and_golds:
        tokens = spoken_numbers(text)
        free = [True] * len(tokens)
        plates = {s: e for s, e, _ in find_plate_phrases(tokens)}
        i, n = 0, len(tokens)
        while i < n:
            if not _typed_number(tokens, free, i):
                i += 1
                continue
            items = [_item(tokens, free, i, plates)]
            k = items[-1].end
            while (
                k + 1 < n and tokens[k].norm in _SEPARATORS and _typed_number(tokens, free, k + 1)
            ):
                items.append(_item(tokens, free, k + 1, plates))
                k = items[-1].end
            key = _vote(items, gold)
            if key is not None:
                votes[key] = votes.get(key, 0) + 1
            i = max(k, i + 1)
    return _winner(votes, "loaded:"), _winner(votes, "unloaded:"), votes


def _vote(items: list[_Item], gold: dict[str, Any]) -> str | None:
    """Which order a gold answer gives a chain, as "loaded:weight,reps,sets" and so on."""

    def same(value: float, key: str) -> bool:
        g = gold.get(key)
        return isinstance(g, int | float) and abs(g - value) < 1e-6

    values = [x.value for x in items]
    if len(items) == 3 and len(set(values)) == 3:
        names = []
        for v in values:
            match = [k for k in FIELDS if same(v, k)]
            if len(match) != 1:
                return None
            names.append(match[0])
        if sorted(names) == sorted(FIELDS):
            return "loaded:" + ",".join(names)
        return None
    if len(items) == 2 and values[0] != values[1] and gold.get("weight") is None:
        names = []
        for v in values:
            match = [k for k in ("sets", "reps") if same(v, k)]
            if len(match) != 1:
                return None
            names.append(match[0])
        if sorted(names) == ["reps", "sets"]:
            return "unloaded:" + ",".join(names)
    return None


def _winner(votes: dict[str, int], prefix: str) -> tuple[str, ...] | None:
    mine = {k: v for k, v in votes.items() if k.startswith(prefix)}
    if not mine:
        return None
    best = max(sorted(mine), key=lambda k: mine[k])  # ties: the first in sorted order
    return tuple(best[len(prefix) :].split(","))
