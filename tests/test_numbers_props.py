"""Property tests: gym renderings of 1..999 read back exactly; slot-separate numbers stay apart."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from repvoice.parser.numbers import spoken_numbers

UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")  # fmt: skip
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def below100(n: int, sep: str = " ") -> str:
    if n < 10:
        return UNITS[n]
    if n < 20:
        return TEENS[n - 10]
    tens, unit = divmod(n, 10)
    return TENS[tens] + (sep + UNITS[unit] if unit else "")


def renderings(n: int) -> list[str]:
    """The ways people say `n` (1..999) in a gym."""
    out = [str(n)]
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return [*out, below100(n), below100(n, "-")]
    lead = UNITS[hundreds]
    if not rest:
        out += [f"{lead} hundred"]
        if hundreds == 1:
            out += ["a hundred", "a buck"]
        return out
    out += [
        f"{lead} hundred {below100(rest)}",
        f"{lead} hundred and {below100(rest)}",
        f"{lead}-hundred-and-{below100(rest, '-')}",
    ]
    if rest < 10:
        out += [f"{lead} oh {UNITS[rest]}", f"{hundreds} oh {UNITS[rest]}"]
    else:
        out += [f"{lead} {below100(rest)}", f"{lead}-{below100(rest, '-')}"]
        out += [f"{hundreds} {below100(rest)}"]  # "2 twenty five"
    if hundreds == 1:
        out += [f"a hundred and {below100(rest)}"]
        if rest >= 10:
            out += [f"a buck {below100(rest)}", f"buck {below100(rest)}"]
    return out


def values(text: str) -> list[float]:
    return [t.value for t in spoken_numbers(text) if t.value is not None]


@st.composite
def said_number(draw: st.DrawFn) -> tuple[int, str]:
    n = draw(st.integers(1, 999))
    return n, draw(st.sampled_from(renderings(n)))


CONTEXTS = ("{}", "bench {}", "squat {} for eight", "{} pounds", "deadlift {} kilos for 5")


@settings(max_examples=400, deadline=None)
@given(said_number(), st.sampled_from(CONTEXTS))
def test_any_gym_rendering_reads_back(said: tuple[int, str], context: str) -> None:
    n, words = said
    got = values(context.format(words))
    expected = [float(n), 8.0] if "eight" in context else [float(n)]
    if "for 5" in context:
        expected = [float(n), 5.0]
    assert got == expected, words


def test_every_rendering_of_every_number() -> None:
    for n in range(1, 1000):
        for words in renderings(n):
            assert values(words) == [n], words


# Pairs English would never join: (a said, then b said) -> two numbers.
def _separate(a: int, b: int) -> bool:
    """False where English joins the pair: "twenty five", or a colloquial load "two twenty"
    (that one is tested with a blocking context below)."""
    tens_only = a >= 20 and a % 10 == 0
    return not ((tens_only and b < 10) or (a < 10 and b >= 10))


# Both numbers are 1..99, so "oh"/"zero" are not in play.
pairs = st.tuples(st.integers(1, 99), st.integers(1, 99)).filter(lambda p: _separate(*p))


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_two_numbers_in_a_row_stay_separate(pair: tuple[int, int]) -> None:
    a, b = pair
    assert values(f"{below100(a)} {below100(b)}") == [a, b]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 9), st.integers(10, 99), st.sampled_from(["reps", "seconds", "sets"]))
def test_colloquial_merge_is_blocked_before_a_rep_or_time_word(a: int, b: int, word: str) -> None:
    assert values(f"{below100(a)} {below100(b)} {word}") == [a, b]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 99), st.integers(1, 99))
def test_a_comma_always_separates(a: int, b: int) -> None:
    assert values(f"{below100(a)}, {below100(b)}") == [a, b]


@settings(max_examples=200, deadline=None)
# A load ending in a tens word or "hundred" would take the next unit ("two twenty one" = 221),
# as English reads it; the rule under test is about what follows a finished load.
@given(st.integers(100, 999).filter(lambda n: n % 10), st.integers(1, 9), st.integers(10, 19))
def test_after_a_load_the_next_numbers_are_not_merged(load: int, a: int, b: int) -> None:
    words = renderings(load)[-1]
    got = values(f"bench {words} {below100(a)} {below100(b)}")
    assert got == [load, a, b]


VOCAB = [
    "bench", "two", "twenty", "five", "oh", "hundred", "and", "a", "half", "point", "buck",
    "-", ",", "225lbs", "4x8", "@", "8.5", "1:30", "80s", "45's", "for", "reps", "  ", "½",
    "Dozen", "İ", "first", "fives", "thousand", "quarter", "three", "quarters",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), max_size=14), st.sampled_from([" ", "", "-"]))
def test_spans_index_the_source_for_any_word_salad(words: list[str], sep: str) -> None:
    text = sep.join(words)
    toks = spoken_numbers(text)
    last = 0
    for tok in toks:
        assert text[tok.start : tok.end] == tok.text
        assert tok.start >= last
        last = tok.end
        assert (tok.value is None) == (tok.kind in ("word", "punct"))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_raises(text: str) -> None:
    for tok in spoken_numbers(text):
        assert text[tok.start : tok.end] == tok.text
