"""Gym-aware spoken-number normalisation: number words become one number token each.

Gym speech drops "hundred" ("two twenty five" = 225, "four oh five" = 405, "a buck thirty five" =
135) and says several numbers in a row that belong to different slots ("eight eight", "ten
twelve", "two twenty five four eight"). The rules here merge words into one number only where the
words cannot be two numbers:

- a cardinal is read as English says it: "twenty two" = 22, "two hundred and five" = 205;
- two cardinals that English would not join never merge: unit + unit ("eight eight"), teen + teen
  ("ten twelve"), tens + tens, teen + unit;
- colloquial hundreds, a digit 1-9 then a teen, a tens phrase or "oh" + digit ("one ten" = 110,
  "2 twenty five" = 225), merge only where the result can be a load: not when a rep, set or time
  word follows ("two ten reps"), not after "rpe"/"rir"/"round"/..., not straight after another
  load-sized number ("225 one ten" stays 225, 1, 10), and never with a plural tail ("two forty
  fives" is two 45s);
- "for", "to" and "ate" stay words; `homophone_candidates` offers their numeric readings.

Number tokens carry `value`, the original `text` and `span`, and a `kind`: "digits", "words",
"colloquial_hundreds", "decimal", "half" ("and a half"), "plural" ("80s", "twenty fives"),
"ordinal", or "clock" ("1:30", value in seconds).
"""

from __future__ import annotations

from collections.abc import Sequence

from repvoice.parser.stamps import skip_stamps
from repvoice.parser.tokens import CLOCK, DECIMAL, DIGITS, PUNCT, WORD, Token, tokenize

__all__ = [
    "COLLOQUIAL",
    "HALF",
    "NUMBER_KINDS",
    "ORDINAL",
    "PLURAL",
    "WORDS",
    "homophone_candidates",
    "normalise",
    "spoken_numbers",
]

WORDS = "words"
COLLOQUIAL = "colloquial_hundreds"
HALF = "half"
PLURAL = "plural"
ORDINAL = "ordinal"
#: Every kind a number token can have.
NUMBER_KINDS = frozenset({DIGITS, DECIMAL, CLOCK, WORDS, COLLOQUIAL, HALF, PLURAL, ORDINAL})

_UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS: dict[str, int] = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_UNIT_PLURALS: dict[str, int] = {
    "ones": 1, "twos": 2, "threes": 3, "fours": 4, "fives": 5,
    "sixes": 6, "sevens": 7, "eights": 8, "nines": 9,
}  # fmt: skip
# "second" is left out: "thirty second rest" is 30 seconds far more often than 32nd.
_UNIT_ORDINALS: dict[str, int] = {
    "first": 1, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
}  # fmt: skip
_OTHER_ORDINALS: dict[str, int] = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
}  # fmt: skip


def _plurals() -> dict[str, int]:
    table = dict(_UNIT_PLURALS)
    table.update(
        {"tens": 10, "elevens": 11, "twelves": 12, "thirteens": 13, "fourteens": 14,
         "fifteens": 15, "sixteens": 16, "seventeens": 17, "eighteens": 18, "nineteens": 19,
         "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
         "seventies": 70, "eighties": 80, "nineties": 90, "hundreds": 100}
    )  # fmt: skip
    for table_ in (_UNITS, _TEENS, _TENS):
        for word, value in table_.items():
            if value:
                table[word + "'s"] = value
    return table


_PLURALS = _plurals()
del _PLURALS["ones"]  # "the twelve and a half kilo ones": a pronoun, never a pair of 1s
_UNIT_PLURAL_TAILS = {w: v for w, v in _PLURALS.items() if 0 < v < 10}
_ORDINALS = {**_UNIT_ORDINALS, **_OTHER_ORDINALS}
_OH = frozenset({"oh", "o"})

#: Words that may continue a number after a hyphen ("two-twenty-five", "twenty-fives").
_NUMBER_WORDS = frozenset(
    [*_UNITS, *_TEENS, *_TENS, *_PLURALS, *_ORDINALS, *_OH, "hundred", "thousand"]
)
#: Words that can start a number; anything else is skipped with one set lookup.
_STARTERS = (_NUMBER_WORDS - _OH) | {"a", "an", "buck", "dozen", "half"}
# (homophones join in below, once _HOMOPHONES is defined: "to hundred" is 200)

#: Words after which a colloquial merge is not a load ("two ten reps" = 2, 10 reps).
_BLOCK_AFTER = frozenset(
    {"rep", "reps", "repetitions", "sets", "second", "seconds", "sec", "secs", "s",
     "minute", "minutes", "min", "mins", "percent", "%"}
)  # fmt: skip
#: Words after which the next number is not a load ("rpe eight ten" = 8, 10).
_BLOCK_BEFORE = frozenset({"rpe", "rir", "round", "rounds", "number", "level", "tempo", "x"})
#: Words before "one" that make it a pronoun ("this one", "the last one").
_POINTING = frozenset({"this", "that", "which", "another", "each", "every", "last", "next"})
#: A number at least this big, just before, was the load; what follows is reps, RPE, ...
_LOAD_SIZED = 100.0

_GLUED_PLURAL = frozenset({"s", "'s"})
_GLUED_ORDINAL = frozenset({"st", "nd", "rd", "th"})
_GLUED_FRACTION = {"½": 0.5, "¼": 0.25, "¾": 0.75}

_HOMOPHONES: dict[str, tuple[float, ...]] = {
    "for": (4.0,), "fore": (4.0,),
    "to": (2.0,), "too": (2.0,),
    "ate": (8.0,),
    "won": (1.0,),
    "tin": (10.0,),
}  # fmt: skip

# Shapes of a phrase below 100, as `_below100` reports them.
_UNIT, _TEEN, _TENS_ONLY, _COMPOUND, _PLURAL, _ORDINAL = range(6)


def spoken_numbers(text: str) -> list[Token]:
    """Tokenise `text`, drop a typed line's leading command, date or time (`skip_stamps`) and
    merge spoken numbers."""
    return normalise(skip_stamps(tokenize(text)), text)


def normalise(tokens: Sequence[Token], source: str | None = None) -> list[Token]:
    """Return `tokens` with every number phrase replaced by one number token.

    Non-number tokens are passed through unchanged. With `source` (the text the tokens came
    from), a merged token's `text` is its exact slice; without it, the words joined by spaces.
    """
    out: list[Token] = []
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        kind = tok.kind
        if kind == WORD:
            if tok.norm not in _STARTERS:
                out.append(tok)
                i += 1
                continue
            found = _read_words(tokens, i, n, out)
        elif kind == DIGITS:
            found = _read_digits(tokens, i, n, out)
        elif kind == DECIMAL:
            found = _read_decimal(tokens, i, n)
        else:
            out.append(tok)
            i += 1
            continue
        if found is None:
            out.append(tok)
            i += 1
            continue
        value, end, num_kind = found
        if kind == WORD and _run_together(tokens, i, end, value):
            # "one fifty two reps" is 150 for 2, not 152 reps: re-read without the last word
            stop = end - 2 if tokens[end - 2].norm == "-" else end - 1
            head = _read_words(tokens, i, stop, out)
            if head is not None and head[1] == stop:
                out.append(_merged(tokens, i, stop, head[0], head[2], source))
                unit = float(_UNITS[tokens[end - 1].norm])
                out.append(_merged(tokens, end - 1, end, unit, WORDS, source))
                i = end
                continue
        if end == i + 1 and num_kind == kind:
            out.append(tok)
        else:
            out.append(_merged(tokens, i, end, value, num_kind, source))
        i = end
    return _join_halves(out, source)


#: Units after which "22 5" is a load of 22.5 (kg plates come in 2.5s; lb loads rarely do).
_LOAD_UNITS = frozenset("kg kgs kilo kilos kilograms kilogram".split())


def _join_halves(out: list[Token], source: str | None) -> list[Token]:
    """ "22 5 kilos", "one forty two five kilos": a load and a half said as two numbers, the
    second a bare five, right before a unit (22.5, 142.5)."""
    k = 0
    while k + 2 < len(out):
        a, b, unit = out[k], out[k + 1], out[k + 2]
        if (
            a.value is not None
            and a.kind in (DIGITS, WORDS, COLLOQUIAL)
            and a.value == int(a.value)
            and 2 <= a.value < 1000
            and b.value == 5
            and b.norm in ("5", "five")
            and unit.norm in _LOAD_UNITS
        ):
            out[k : k + 2] = [_merged(out, k, k + 2, a.value + 0.5, DECIMAL, source)]
        k += 1
    return out


#: Words after which a number is a count of reps: it must be a plausible one.
_COUNT_NOUNS = frozenset({"rep", "reps", "raps", "repetitions", "sets", "set", "times"})


_STARTERS |= frozenset(_HOMOPHONES)


def _run_together(tokens: Sequence[Token], i: int, end: int, value: float) -> bool:
    """A spoken number read as one, just before "reps", that is too big or too fine to be a rep
    count and ends in a unit word: a load and a count said without a pause."""
    if end - i < 2 or end >= len(tokens) or tokens[end].norm not in _COUNT_NOUNS:
        return False
    last = tokens[end - 1].norm
    return _UNITS.get(last, 0) > 0 and (value > 100 or value != int(value))


def homophone_candidates(token: Token | str) -> tuple[float, ...]:
    """Numbers a word may stand for when misheard: "for" -> 4, "to"/"too" -> 2, "ate" -> 8.

    Only a feature for the parser, which decides by position ("225 for 8" is a separator).
    """
    word = token.norm if isinstance(token, Token) else token.lower()
    return _HOMOPHONES.get(word, ())


# --- readers: each returns (value, end index, kind) or None -------------------------------------

_Found = tuple[float, int, str] | None


def _read_digits(toks: Sequence[Token], i: int, n: int, out: list[Token]) -> _Found:
    tok = toks[i]
    value = tok.value
    assert value is not None
    j = i + 1
    if j < n and toks[j].start == tok.end:
        glued = toks[j].norm
        if glued in _GLUED_PLURAL:
            return value, j + 1, PLURAL
        if glued in _GLUED_ORDINAL:
            return value, j + 1, ORDINAL
        frac = _GLUED_FRACTION.get(glued)
        if frac is not None:
            return value + frac, j + 1, HALF
        return value, j, DIGITS
    if j < n and toks[j].kind == WORD:
        word = toks[j].norm
        if word == "hundred" and 1 <= value < 100 and value == int(value):
            return _after_hundred(toks, value * 100, j + 1, n)
        if len(tok.text) == 1 and value >= 1:
            # "2 twenty five": an ASR that writes some numbers as digits and some as words.
            rest = _colloquial_rest(toks, j, n)
            if rest is not None and _colloquial_ok(toks, i, rest[1], n, out):
                return _fraction(toks, value * 100 + rest[0], rest[1], n, COLLOQUIAL)
        return _fraction(toks, value, j, n, DIGITS)
    return value, j, DIGITS


def _read_decimal(toks: Sequence[Token], i: int, n: int) -> _Found:
    tok = toks[i]
    assert tok.value is not None
    j = i + 1
    if j < n and toks[j].start == tok.end and toks[j].norm in _GLUED_PLURAL:
        return tok.value, j + 1, PLURAL  # "2.5s": a pair of 2.5 plates
    return tok.value, j, DECIMAL


def _read_words(toks: Sequence[Token], i: int, n: int, out: list[Token]) -> _Found:
    word = toks[i].norm
    nxt = toks[i + 1].norm if i + 1 < n else ""
    if word in ("a", "an"):
        if nxt == "hundred":
            return _after_hundred(toks, 100, i + 2, n)
        if nxt == "thousand":
            return _after_thousand(toks, 1000, i + 2, n)
        if nxt == "buck":
            return _buck(toks, i + 2, n) or (100.0, i + 2, WORDS)
        if nxt == "dozen":
            return 12.0, i + 2, WORDS
        if nxt == "half" and i + 2 < n and toks[i + 2].norm == "dozen":
            return 6.0, i + 3, WORDS
        return None
    if word == "buck":
        return _buck(toks, i + 1, n)
    if word == "dozen":
        return 12.0, i + 1, WORDS
    if word == "half":
        if nxt == "a" and i + 2 < n and toks[i + 2].norm == "dozen":
            return 6.0, i + 3, WORDS
        return None
    if word == "hundred":
        return _after_hundred(toks, 100, i + 1, n)
    if word in _HOMOPHONES and nxt == "hundred":
        # "to hundred fifty": only a number can stand before "hundred"
        return _after_hundred(toks, 100 * _HOMOPHONES[word][0], i + 2, n)
    if word == "thousand":
        return _after_thousand(toks, 1000, i + 1, n)

    first = _below100(toks, i, n)
    if first is None:
        return None
    value, j, shape = first
    if shape == _PLURAL:
        return value, j, PLURAL
    if shape == _ORDINAL:
        return value, j, ORDINAL
    k = _hyphen(toks, j, n)
    if k < n:
        scale = toks[k].norm
        if scale == "hundred":
            return _after_hundred(toks, value * 100, k + 1, n)
        if scale == "thousand":
            return _after_thousand(toks, value * 1000, k + 1, n)
        if shape == _UNIT and value:
            rest = _colloquial_rest(toks, k, n)
            if rest is not None and _colloquial_ok(toks, i, rest[1], n, out):
                return _fraction(toks, value * 100 + rest[0], rest[1], n, COLLOQUIAL)
    return _fraction(toks, value, j, n, WORDS)


def _below100(toks: Sequence[Token], i: int, n: int) -> tuple[float, int, int] | None:
    """A cardinal, plural or ordinal below 100 said as words, starting at `i`."""
    word = toks[i].norm
    value = _TENS.get(word)
    if value is not None:
        j = _hyphen(toks, i + 1, n)
        if j < n:
            tail = toks[j].norm
            unit = _UNITS.get(tail)
            if unit:
                return float(value + unit), j + 1, _COMPOUND
            unit = _UNIT_PLURAL_TAILS.get(tail)
            if unit:
                return float(value + unit), j + 1, _PLURAL
            unit = _UNIT_ORDINALS.get(tail)
            if unit:
                return float(value + unit), j + 1, _ORDINAL
        return float(value), i + 1, _TENS_ONLY
    value = _TEENS.get(word)
    if value is not None:
        return float(value), i + 1, _TEEN
    value = _UNITS.get(word)
    if value is not None:
        return float(value), i + 1, _UNIT
    value = _PLURALS.get(word)
    if value is not None:
        return float(value), i + 1, _PLURAL
    value = _ORDINALS.get(word)
    if value is not None:
        return float(value), i + 1, _ORDINAL
    return None


def _colloquial_rest(toks: Sequence[Token], k: int, n: int) -> tuple[float, int] | None:
    """The part after the hundreds digit: a teen, a tens phrase, or "oh" + digit."""
    if k >= n:
        return None
    word = toks[k].norm
    if word in _OH:
        if k + 1 < n:
            nxt = toks[k + 1]
            unit = _UNITS.get(nxt.norm)
            if unit:
                return float(unit), k + 2
            if nxt.kind == DIGITS and len(nxt.text) == 1 and nxt.value:
                return nxt.value, k + 2  # "4 oh 5": the ASR wrote the digits, kept the "oh"
        return None
    if word not in _TEENS and word not in _TENS:
        return None
    rest = _below100(toks, k, n)
    if rest is None or rest[2] in (_PLURAL, _ORDINAL):
        return None  # "two forty fives" is two 45s, not 245s
    return rest[0], rest[1]


def _colloquial_ok(toks: Sequence[Token], i: int, end: int, n: int, out: list[Token]) -> bool:
    """Whether a colloquial hundreds reading over `toks[i:end]` can be a load."""
    if end < n and toks[end].norm in _BLOCK_AFTER:
        return False
    if i > 0:
        if toks[i - 1].norm in _BLOCK_BEFORE:
            return False
        if toks[i].norm == "one" and toks[i - 1].norm in _POINTING:
            return False  # "this one 20 kilos": "one" is the exercise, not a hundred
        prev = out[-1] if out else None
        if prev is not None and prev.value is not None and prev.value >= _LOAD_SIZED:
            return False
    return True


def _after_hundred(toks: Sequence[Token], value: float, j: int, n: int) -> _Found:
    """`value` hundreds already read up to `j`; add an optional "[and] <below 100>"."""
    k = _and(toks, j, n)
    if k < n and toks[k].kind == WORD:
        rest = _below100(toks, k, n)
        if rest is not None and rest[2] != _ORDINAL:
            r, end, shape = rest
            # "two hundred and eight reps" = 200 for 8 more often than 208 reps.
            blocked = shape == _UNIT and end < n and toks[end].norm in _BLOCK_AFTER
            if not blocked and (shape != _UNIT or r):
                if shape == _PLURAL:
                    return value + r, end, PLURAL
                if end < n and toks[end].norm == "thousand":
                    return _after_thousand(toks, (value + r) * 1000, end + 1, n)
                return _fraction(toks, value + r, end, n, WORDS)
    if j < n and toks[j].norm == "thousand":
        return _after_thousand(toks, value * 1000, j + 1, n)
    return _fraction(toks, value, j, n, WORDS)


def _after_thousand(toks: Sequence[Token], value: float, j: int, n: int) -> _Found:
    k = _and(toks, j, n)
    if k < n and toks[k].kind == WORD:
        if toks[k].norm == "hundred":
            return _after_hundred(toks, value + 100, k + 1, n)
        if k + 1 < n and toks[k].norm == "a" and toks[k + 1].norm == "hundred":
            return _after_hundred(toks, value + 100, k + 2, n)
        rest = _below100(toks, k, n)
        if rest is not None and rest[2] not in (_ORDINAL, _PLURAL):
            r, end, _ = rest
            h = _hyphen(toks, end, n)
            if h < n and toks[h].norm == "hundred":
                return _after_hundred(toks, value + r * 100, h + 1, n)
            return _fraction(toks, value + r, end, n, WORDS)
    return _fraction(toks, value, j, n, WORDS)


def _buck(toks: Sequence[Token], j: int, n: int) -> _Found:
    """After "buck": "buck thirty five" = 135, "buck oh five" = 105, "buck five" = 105."""
    rest = _colloquial_rest(toks, j, n)
    if rest is not None:
        return _fraction(toks, 100 + rest[0], rest[1], n, COLLOQUIAL)
    if j < n and toks[j].kind == DIGITS and toks[j].value and 10 <= toks[j].value < 100:
        return 100.0 + toks[j].value, j + 1, COLLOQUIAL  # "a buck 35"
    if j < n:
        unit = _UNITS.get(toks[j].norm)
        after = toks[j + 1] if j + 1 < n else None
        # "a buck one ten" is 100 then 1, 10; "a buck eight reps" is 100 for 8.
        if unit and (
            after is None
            or (after.norm not in _BLOCK_AFTER and after.norm not in _NUMBER_WORDS
                and after.kind != DIGITS)
        ):  # fmt: skip
            return 100.0 + unit, j + 1, COLLOQUIAL
    return None


def _fraction(toks: Sequence[Token], value: float, j: int, n: int, kind: str) -> _Found:
    """Extend a whole number with "and a half", "and a quarter" or "point <digits>"."""
    if j >= n:
        return value, j, kind
    word = toks[j].norm
    if word == "and" and j + 1 < n:
        w1 = toks[j + 1].norm
        if w1 == "half":
            return value + 0.5, j + 2, HALF
        if j + 2 < n:
            w2 = toks[j + 2].norm
            if w1 == "a" and w2 == "half":
                return value + 0.5, j + 3, HALF
            if w1 == "a" and w2 == "quarter":
                return value + 0.25, j + 3, HALF
            if w1 == "three" and w2 == "quarters":
                return value + 0.75, j + 3, HALF
        return value, j, kind
    if word == "point" and j + 1 < n:
        digits, end = _decimal_digits(toks, j + 1, n)
        if digits:
            return float(f"{int(value)}.{digits}"), end, DECIMAL
    return value, j, kind


def _decimal_digits(toks: Sequence[Token], j: int, n: int) -> tuple[str, int]:
    """Digits after "point": "five", "two five", "twenty five", or a digit token "5"."""
    tok = toks[j]
    if tok.kind == DIGITS:
        return tok.norm, j + 1
    if tok.norm in _TEENS or tok.norm in _TENS:
        rest = _below100(toks, j, n)
        if rest is not None and rest[2] in (_TEEN, _TENS_ONLY, _COMPOUND):
            return str(int(rest[0])), rest[1]
        return "", j
    digits: list[str] = []
    while j < n:
        word = toks[j].norm
        unit = 0 if word in _OH else _UNITS.get(word)
        if unit is None:
            break
        digits.append(str(unit))
        j += 1
    return "".join(digits), j


def _hyphen(toks: Sequence[Token], j: int, n: int) -> int:
    """Skip a hyphen that joins two number words ("twenty-five"); else return `j`."""
    if (
        j + 1 < n
        and toks[j].kind == PUNCT
        and toks[j].norm == "-"
        and toks[j + 1].norm in _NUMBER_WORDS
    ):
        return j + 1
    return j


def _and(toks: Sequence[Token], j: int, n: int) -> int:
    """Skip "and" or a hyphen (or both: "hundred-and-five") between number words."""
    k = j
    if k + 1 < n and toks[k].norm == "-" and toks[k + 1].norm == "and":
        k += 1
    if k < n and toks[k].norm == "and":
        k += 1
    return _hyphen(toks, k, n)


def _merged(
    toks: Sequence[Token], i: int, end: int, value: float, kind: str, source: str | None
) -> Token:
    first, last = toks[i], toks[end - 1]
    if source is not None:
        text = source[first.start : last.end]
    else:
        parts = [first.text]
        for a, b in zip(toks[i : end - 1], toks[i + 1 : end], strict=True):
            parts.append(" " * (b.start - a.end))
            parts.append(b.text)
        text = "".join(parts)
    norm = str(int(value)) if value == int(value) else repr(value)
    return Token(text, norm, first.start, last.end, kind, value)
