"""Spoken-number normalisation: a table of gym utterances and the numbers they must yield."""

from __future__ import annotations

import pytest

from repvoice.parser.numbers import homophone_candidates, normalise, spoken_numbers
from repvoice.parser.tokens import tokenize


def values(text: str) -> list[float]:
    return [t.value for t in spoken_numbers(text) if t.value is not None]


def kinds(text: str) -> list[str]:
    return [t.kind for t in spoken_numbers(text) if t.value is not None]


CASES: list[tuple[str, list[float]]] = [
    # Colloquial hundreds.
    ("two twenty five", [225]),
    ("one thirty five", [135]),
    ("three fifteen", [315]),
    ("four oh five", [405]),
    ("two oh five", [205]),
    ("four o five", [405]),
    ("one oh one", [101]),
    ("one fifteen", [115]),
    ("one ten", [110]),
    ("three twenty", [320]),
    ("one eighty five pounds", [185]),
    ("two seventy", [270]),
    ("one fourteen", [114]),
    ("nine ninety nine", [999]),
    ("five oh five", [505]),
    ("weight two twenty five", [225]),
    ("deadlift three fifteen for five", [315, 5]),
    ("squat four oh five for three", [405, 3]),
    ("one thirty five for ten", [135, 10]),
    ("two twenty two and a half", [222.5]),
    ("one forty kilos", [140]),
    ("one thirty five point five", [135.5]),
    # Buck.
    ("a buck thirty five", [135]),
    ("buck thirty five", [135]),
    ("a buck", [100]),
    ("a buck oh five", [105]),
    ("a buck five", [105]),
    ("a buck ten for eight", [110, 8]),
    ("buck fifty", [150]),
    ("a buck for ten", [100, 10]),
    # Explicit hundreds and thousands.
    ("two hundred and twenty five", [225]),
    ("two hundred twenty five", [225]),
    ("a hundred", [100]),
    ("one hundred", [100]),
    ("a hundred and ten", [110]),
    ("hundred and five", [105]),
    ("three hundred", [300]),
    ("two hundred five", [205]),
    ("one hundred and fifteen kilos", [115]),
    ("twelve hundred", [1200]),
    ("twenty five hundred meters", [2500]),
    ("one thousand", [1000]),
    ("a thousand", [1000]),
    ("two thousand five hundred", [2500]),
    ("one thousand and five", [1005]),
    ("two thousand twenty", [2020]),
    ("2 hundred", [200]),
    ("two-hundred-and-twenty-five", [225]),
    # Cardinals.
    ("eleven", [11]),
    ("twenty two", [22]),
    ("fifteen", [15]),
    ("fifty", [50]),
    ("ninety five pounds", [95]),
    ("zero", [0]),
    ("seventy", [70]),
    ("fourty five", [45]),
    ("nineteen", [19]),
    ("sixty-two", [62]),
    ("twenty-one", [21]),
    ("a dozen", [12]),
    ("dozen", [12]),
    ("half a dozen", [6]),
    ("a half dozen", [6]),
    # Decimals and halves.
    ("eight and a half", [8.5]),
    ("eight and half", [8.5]),
    ("sixty two point five", [62.5]),
    ("sixty two and a half", [62.5]),
    ("rpe eight and a half", [8.5]),
    ("rpe 8 and a half", [8.5]),
    ("62 point 5", [62.5]),
    ("twenty two point five", [22.5]),
    ("eight point five", [8.5]),
    ("one point two five", [1.25]),
    ("two point five kilo plates", [2.5]),
    ("forty point twenty five", [40.25]),
    ("one hundred point five", [100.5]),
    ("seven and a quarter", [7.25]),
    ("seven and three quarters", [7.75]),
    ("one and a half", [1.5]),
    ("8.5", [8.5]),
    ("62.5kg", [62.5]),
    ("8½", [8.5]),
    ("ten point oh five", [10.05]),
    # Plurals.
    ("twenty fives", [25]),
    ("the eighties", [80]),
    ("curls twenty fives for twelve", [25, 12]),
    ("45s", [45]),
    ("45's", [45]),
    ("80s", [80]),
    ("forty fives", [45]),
    ("forty-fives", [45]),
    ("the tens", [10]),
    ("fives", [5]),
    ("twenty five's", [25]),
    ("2.5s", [2.5]),
    ("two forty fives a side", [2, 45]),
    ("one hundred twenty fives", [125]),
    # Ordinals.
    ("first set", [1]),
    ("third set", [3]),
    ("1st set", [1]),
    ("2nd set", [2]),
    ("23rd", [23]),
    ("twenty first", [21]),
    ("twelfth", [12]),
    # Never merge across slots.
    ("eight eight", [8, 8]),
    ("ten twelve", [10, 12]),
    ("five five", [5, 5]),
    ("three sets of ten twelve", [3, 10, 12]),
    ("sets of ten twelve", [10, 12]),
    ("bench two twenty five four eight", [225, 4, 8]),
    ("bench two twenty-five four eight", [225, 4, 8]),
    ("twelve eight", [12, 8]),
    ("twenty twenty", [20, 20]),
    ("ten eight six", [10, 8, 6]),
    ("four eight", [4, 8]),
    ("two ten reps", [2, 10]),
    ("one twelve reps", [1, 12]),
    ("rpe eight ten", [8, 10]),
    ("rir two ten", [2, 10]),
    ("225 one ten", [225, 1, 10]),
    ("two twenty five eight ten", [225, 8, 10]),
    ("two hundred and eight reps", [200, 8]),
    ("eight thirty seconds", [8, 30]),
    ("three, fifteen", [3, 15]),
    ("twenty two twenty five", [22, 25]),
    ("rpe eight", [8]),
    ("two in the tank", [2]),
    ("one rep", [1]),
    # Words that are not numbers.
    ("for eight", [8]),
    ("two twenty five for eight", [225, 8]),
    ("go to failure", []),
    ("oh that was heavy", []),
    ("bench press", []),
    ("phone someone", []),
    ("none", []),
    ("one arm row", [1]),
    ("a set of curls", []),
    ("at this point", []),
    ("buck", []),
    ("half rep", []),
    # Digits and mixes.
    ("2 twenty five", [225]),
    ("1 thirty five", [135]),
    ("4 oh five", [405]),
    ("225 for 8", [225, 8]),
    ("225, 8 reps", [225, 8]),
    ("10, 10, 8 at 80", [10, 10, 8, 80]),
    ("10,10,8", [10, 10, 8]),
    ("225lbs", [225]),
    ("100kg", [100]),
    ("4x8", [4, 8]),
    ("3x10 @ 135lbs", [3, 10, 135]),
    ("@8", [8]),
    ("22 5", [22, 5]),
    ("two 25", [2, 25]),
    ("225 four 10", [225, 4, 10]),
    ("60s plank", [60]),
    ("1:30", [90]),
    ("tempo 3-1-1", [3, 1, 1]),
    ("sets of 10-12", [10, 12]),
    # Whole utterances.
    ("bench press two twenty five for eight at RPE eight", [225, 8, 8]),
    ("Bench Press, 3 sets of 8 reps at 185 pounds, RPE 7", [3, 8, 185, 7]),
    ("squat one forty kilos for five rpe nine", [140, 5, 9]),
    ("sixty two point five kilos for eight", [62.5, 8]),
    ("incline db press the seventies for ten", [70, 10]),
    ("same again but at ninety", [90]),
    ("OHP 115: 6, 5, 5 @8", [115, 6, 5, 5, 8]),
    ("deadlift four oh five for three, rest two minutes", [405, 3, 2]),
    ("bench 225 for 5 rpe 8.5", [225, 5, 8.5]),
    ("three sets of twelve at one thirty five", [3, 12, 135]),
    ("last set two twenty five for five", [225, 5]),
    # STT's splits: a half load before kilos, "oh" between digits, "a buck" before digits
    ("bench 22 5 kilos for 5", [22.5, 5]),
    ("squat one forty two five kilos for 3", [142.5, 3]),
    ("squat 100 kilos 5 reps", [100, 5]),
    ("deadlift 4 oh 5 for three", [405, 3]),
    ("a buck 35 for 10", [135, 10]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_values(text: str, expected: list[float]) -> None:
    assert values(text) == expected


def test_table_is_large_and_distinct() -> None:
    inputs = [c[0] for c in CASES]
    assert len(inputs) >= 120
    assert len(set(inputs)) == len(inputs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("225", ["digits"]),
        ("eleven", ["words"]),
        ("two twenty five", ["colloquial_hundreds"]),
        ("a buck thirty five", ["colloquial_hundreds"]),
        ("two hundred and twenty five", ["words"]),
        ("sixty two point five", ["decimal"]),
        ("8.5", ["decimal"]),
        ("eight and a half", ["half"]),
        ("twenty fives", ["plural"]),
        ("80s", ["plural"]),
        ("the eighties", ["plural"]),
        ("third", ["ordinal"]),
        ("1:30", ["clock"]),
    ],
)
def test_kinds(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected


def test_pounds_stays_a_word_after_the_number() -> None:
    toks = spoken_numbers("ninety five pounds")
    assert [(t.norm, t.value) for t in toks] == [("95", 95.0), ("pounds", None)]
    assert all("£" not in t.text for t in toks)


def test_merged_token_keeps_original_text_and_span() -> None:
    text = "Bench  Two-Twenty-Five for EIGHT"
    toks = spoken_numbers(text)
    weight = toks[1]
    assert weight.text == "Two-Twenty-Five"
    assert text[weight.start : weight.end] == weight.text
    assert weight.span == (7, 22)
    assert weight.norm == "225"
    assert toks[3].text == "EIGHT" and toks[3].value == 8


def test_every_token_span_indexes_the_source() -> None:
    text = "Squat, 1 THIRTY five  kilos x8 @ rpe eight and a half; rest 1:30"
    for tok in spoken_numbers(text):
        assert text[tok.start : tok.end] == tok.text


def test_normalise_without_source_joins_words_by_their_gaps() -> None:
    toks = normalise(tokenize("two   twenty five"))
    assert toks[0].text == "two   twenty five"
    assert toks[0].value == 225


def test_non_number_tokens_pass_through_unchanged() -> None:
    raw = tokenize("bench press for eight")
    out = normalise(raw)
    assert out[:3] == raw[:3]
    assert out[0] is raw[0]


def test_decimal_norm_is_canonical() -> None:
    assert [t.norm for t in spoken_numbers("sixty two point five, eight")] == ["62.5", ",", "8"]


def test_empty_and_punctuation_only() -> None:
    assert spoken_numbers("") == []
    assert [t.kind for t in spoken_numbers("?!")] == ["punct", "punct"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("for", (4.0,)),
        ("fore", (4.0,)),
        ("to", (2.0,)),
        ("too", (2.0,)),
        ("ate", (8.0,)),
        ("FOR", (4.0,)),
        ("bench", ()),
        ("eight", ()),
    ],
)
def test_homophone_candidates(word: str, expected: tuple[float, ...]) -> None:
    assert homophone_candidates(word) == expected


def test_homophones_are_not_converted_by_the_normaliser() -> None:
    toks = spoken_numbers("two twenty five for eight ate reps to failure")
    assert [t.value for t in toks] == [225, None, 8, None, None, None, None]
    assert homophone_candidates(toks[1]) == (4.0,)
