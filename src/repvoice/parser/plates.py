"""Gym plate math: spoken barbell loads such as "two plates and a quarter" = 275 lbs.

Works on tokens from `repvoice.parser.numbers.spoken_numbers`. All loads are pounds on a 45 lb
bar with 45 lb plates, counted per side:

- "[a|one|N] plate(s) [a side|per side|each side]" = 45 + 2 * N * 45 ("two plates" = 225);
  "wheels" are plates too ("three wheels" = 315), and so is typed "pl" ("2pl");
  a bare "plate" is one plate (135); "to"/"too" ("for") before "plates" is a misheard "two"
  ("four");
- "... and a quarter|dime|nickel|<plate>" adds that plate per side ("a plate and a quarter" =
  185, "two plates and a 10" = 245); quarter = 25, dime = 10, nickel = 5;
- "[count] <size>[s] a side" ("two 45s a side" = 225, "a 25 a side" = 95), with add-ons ("two
  45s and a 10 each side" = 245, "a dime and a nickel a side" = 75), needs the side phrase:
  "two 45s" alone may be dumbbells;
- "just the bar", "the bar", "empty bar", "bar only" = 45;
- "[a] <plate> plate" names one plate ("with a 25 plate" = 25, for weighted pull-ups).

Not loads (None): "plate and a half" (no standard meaning); a bare "plate" followed by an
exercise word ("plate loaded row", "plate pinch", "plate raise"); a count that follows "sets of"
("three sets of two plates": the two is the reps); "the bar" after "to"/"over"/"from"/...
("toes to the bar", "burpee over the bar"), or followed by an exercise word ("the bar bell").
"""

from __future__ import annotations

from collections.abc import Sequence

from repvoice.parser.tokens import Token

__all__ = ["BAR_LBS", "PLATE_LBS", "find_plate_phrases", "plate_load"]

BAR_LBS = 45.0
PLATE_LBS = 45.0

#: Slang for a plate added to each side.
_COIN_PLATES = {"quarter": 25.0, "dime": 10.0, "nickel": 5.0}
#: Plate sizes (lbs) that can be added per side or named as one plate.
_SIZES = frozenset({2.5, 5.0, 10.0, 15.0, 25.0, 35.0, 45.0, 55.0, 100.0})
#: Misheard "two" and "four" ("to plates", "for plates"); only read before the plural "plates".
_HOMOPHONE_COUNTS = {"to": 2, "too": 2, "for": 4, "fore": 4}
_MAX_COUNT = 9
_ARTICLES = frozenset({"a", "an"})
_SIDE_HEADS = frozenset({"a", "per", "each", "either"})
_SIDE_WORDS = frozenset({"side", "sides"})
#: After a bare "plate", these make it part of an exercise name, not a load.
_EXERCISE_AFTER = frozenset(
    {"loaded", "load", "pinch", "pinches", "pinching", "raise", "raises", "front", "squeeze",
     "press", "presses", "carry", "carries", "halo", "halos", "twist", "twists", "drag",
     "drags", "push", "pushes", "pull", "pulls", "hold", "holds", "curl", "curls"}
)  # fmt: skip
#: Before "the bar", these make the bar a place ("toes to the bar"), not the load.
_BAR_PLACE_BEFORE = frozenset(
    {"to", "over", "from", "off", "on", "onto", "under", "above", "below", "facing", "touch",
     "hit", "of", "behind"}
)  # fmt: skip
#: After "bar", these make it part of an exercise or equipment name.
_BAR_NAME_AFTER = frozenset(
    {"bell", "bells", "raise", "raises", "hang", "hangs", "dip", "dips", "muscle", "curl",
     "curls", "row", "rows", "squat", "squats", "deadlift", "deadlifts", "dl", "shrug",
     "shrugs", "jump", "jumps", "carry", "pull", "pulls", "burpee", "burpees"}
)  # fmt: skip
_SETS = frozenset({"set", "sets", "round", "rounds"})
#: Words for a 45 lb plate ("three wheels" = 315).
#: "pl" is typed shorthand ("2pl", "4 pl"), only ever after a count.
_PLATE_NOUNS = {
    "plate": "plate", "plates": "plates", "wheel": "plate", "wheels": "plates", "pl": "plates",
}  # fmt: skip
_UNIT_WORDS = frozenset({"lb", "lbs", "pound", "pounds"})
#: Words at least one of which every plate phrase contains.
_TRIGGERS = frozenset({"plate", "plates", "wheel", "wheels", "pl", "bar", "side", "sides", "aside"})
_ANY_UNIT = _UNIT_WORDS | {"kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"}


def plate_load(tokens: Sequence[Token], start: int, end: int) -> float | None:
    """The load in lbs of `tokens[start:end]` if that span is exactly a plate phrase, else None.

    The tokens around the span are read too, to reject exercise names ("plate loaded row")
    and rep counts ("sets of two plates").
    """
    if not 0 <= start < end <= len(tokens):
        return None
    found = _read(tokens, start, end)
    if found is None or found[0] != end or found[2]:
        return None
    return found[1]


def find_plate_phrases(tokens: Sequence[Token]) -> list[tuple[int, int, float]]:
    """Every maximal plate phrase in an utterance as `(start, end, load_lbs)`, left to right."""
    out: list[tuple[int, int, float]] = []
    if not any(t.norm in _TRIGGERS for t in tokens):
        return out  # every phrase names a plate, the bar or a side; most utterances none
    n = len(tokens)
    i = 0
    while i < n:
        found = _read(tokens, i, n)
        if found is None:
            i += 1
            continue
        end, load, rejected = found
        if not rejected:
            out.append((i, end, load))
        # A rejected phrase is skipped whole: "sets of one plate" must not yield "plate".
        i = end
    return out


# --- reader ---------------------------------------------------------------------------------


def _read(toks: Sequence[Token], i: int, n: int) -> tuple[int, float, bool] | None:
    """Longest plate phrase starting at `i` and ending by `n`: (end, load, rejected)."""
    word = toks[i].norm
    if word in ("just", "only", "the", "empty", "bar"):
        return _read_bar(toks, i, n)
    count, j, counted = _count(toks, i, n)
    if j >= n:
        return None
    head = _PLATE_NOUNS.get(toks[j].norm, toks[j].norm)
    if head in ("plate", "plates"):
        if head == "plates" and not counted:
            return None  # "plates" without a count says nothing about the load
        if count is None:
            count = 1
        return _read_plates(toks, i, j + 1, n, count, counted)
    if count is None:
        return None
    # "<size> plate" names a single plate: "a 25 plate", "forty five pound plate".
    size = toks[j].value
    sized = size is not None and (size in _SIZES or toks[i].norm in _ARTICLES)
    if sized and toks[j].kind != "plural":
        k = j + 1
        if k < n and toks[k].norm in _ANY_UNIT:
            k += 1
        if k < n and toks[k].norm == "plate" and (toks[i].norm in _ARTICLES or i == j):
            if i == j and size < 10:
                return None  # "five plate" is more likely five plates than a 5 lb plate
            return k + 1, size, False
    # "two 45s a side", "a 25 a side", "two 45s and a 10 each side", "a dime and a nickel a
    # side": plates named by size (or coin), only with the side phrase.
    coin = _COIN_PLATES.get(toks[j].norm)
    if coin is not None or (size is not None and size in _SIZES):
        per_side = count * (coin if coin is not None else size or 0.0)
        k = j + 1
        while True:
            a = _and(toks, k, n)
            extra = _addon(toks, a, n) if k < a < n else None
            if extra is None:
                break
            per_side += extra[0]
            k = extra[1]
        end = _side(toks, k, n)
        if end > k:
            return end, BAR_LBS + 2 * per_side, False
    return None


def _count(toks: Sequence[Token], i: int, n: int) -> tuple[int | None, int, bool]:
    """A plate count at `i`: (count or None, index after it, whether a count was said)."""
    tok = toks[i]
    word = tok.norm
    if word in _ARTICLES:
        return 1, i + 1, True
    nxt = toks[i + 1].norm if i + 1 < n else ""
    if word in _HOMOPHONE_COUNTS and nxt == "plates":
        return _HOMOPHONE_COUNTS[word], i + 1, True
    value = tok.value
    if value is not None and tok.kind in ("digits", "words") and value == int(value):
        if 1 <= value <= _MAX_COUNT:
            return int(value), i + 1, True
        if value in _SIZES:
            # Not a count, but "25 plate" may still name one plate.
            return 1, i, True
    return None, i, False


def _read_plates(
    toks: Sequence[Token], i: int, j: int, n: int, count: int, counted: bool
) -> tuple[int, float, bool]:
    """After "<count> plate(s)" ending at `j`: side phrase, add-ons, then the vetoes."""
    per_side = count * PLATE_LBS
    j = _side(toks, j, n)
    bare = True
    while True:
        k = _and(toks, j, n)
        if k == j or k >= n:
            break
        extra = _addon(toks, k, n)
        if extra is None:
            break
        per_side += extra[0]
        j = _side(toks, extra[1], n)
        bare = False
    load = BAR_LBS + 2 * per_side
    return j, load, _rejected(toks, i, j, counted, bare)


def _rejected(toks: Sequence[Token], i: int, j: int, counted: bool, bare: bool) -> bool:
    """Whether the phrase `toks[i:j]` is not a load after all (context past `j` is read)."""
    n = len(toks)
    # "plate and a half": no agreed meaning (half a plate per side? 1.5 plates?).
    k = _and(toks, j, n)
    if k > j and k < n:
        if toks[k].norm == "half":
            return True
        if toks[k].norm in _ARTICLES and k + 1 < n:
            nxt = toks[k + 1]
            if nxt.norm == "half" or nxt.kind == "half":
                return True
    # "three sets of two plates": the count is the reps.
    if (
        counted
        and i >= 2
        and toks[i].norm not in _ARTICLES
        and toks[i - 1].norm == "of"
        and toks[i - 2].norm in _SETS
    ):
        return True
    # "plate loaded row", "a plate raise": an exercise name, not a load.
    first = toks[i]
    no_number = first.value is None
    if bare and no_number and j < n and toks[j].norm in _EXERCISE_AFTER:
        return True
    # "with a 20 plate", "a thirty kilograms plate": one plate of that size, not a bar with one
    k = i - 1
    if not counted and k >= 0 and toks[k].norm in _ANY_UNIT:
        k -= 1
    return not counted and k >= 0 and toks[k].value is not None


def _side(toks: Sequence[Token], j: int, n: int) -> int:
    """Skip "a side", "per side", "each side", "on each side", "aside"."""
    if j < n and toks[j].norm == "aside":
        return j + 1
    k = j + 1 if j < n and toks[j].norm == "on" else j
    if k + 1 < n and toks[k].norm in _SIDE_HEADS and toks[k + 1].norm in _SIDE_WORDS:
        return k + 2
    return j


def _and(toks: Sequence[Token], j: int, n: int) -> int:
    """Skip "and", doubled or not ("and and" is a common ASR stutter)."""
    while j < n and toks[j].norm == "and":
        j += 1
    return j


def _addon(toks: Sequence[Token], k: int, n: int) -> tuple[float, int] | None:
    """ "a quarter", "a 25", "a thirty five" after "and": (lbs per side, end)."""
    if toks[k].norm not in _ARTICLES or k + 1 >= n:
        return None
    tok = toks[k + 1]
    coin = _COIN_PLATES.get(tok.norm)
    if coin is not None:
        return coin, k + 2
    if tok.value is not None and tok.value in _SIZES and tok.kind != "plural":
        return tok.value, k + 2
    return None


def _read_bar(toks: Sequence[Token], i: int, n: int) -> tuple[int, float, bool] | None:
    """ "just the bar", "the empty bar", "bar only": an unloaded 45 lb bar."""
    j = i
    said: set[str] = set()
    for word in ("just", "only", "the", "empty"):
        if j < n and toks[j].norm == word:
            said.add(word)
            j += 1
    if j >= n or toks[j].norm != "bar":
        return None
    end = j + 1
    if end < n and toks[end].norm == "only":
        said.add("only")
        end += 1
    if not said:
        return None
    total = len(toks)
    rejected = (end < total and toks[end].norm in _BAR_NAME_AFTER) or (
        said == {"the"} and i > 0 and toks[i - 1].norm in _BAR_PLACE_BEFORE
    )
    return end, BAR_LBS, rejected
