"""Tokenisation of transcripts: splitting, glued forms, spans and punctuation."""

from __future__ import annotations

import pytest

from repvoice.parser.tokens import Token, tokenize


def norms(text: str) -> list[str]:
    return [t.norm for t in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bench Press", ["bench", "press"]),
        ("225lbs", ["225", "lbs"]),
        ("100kg", ["100", "kg"]),
        ("60s", ["60", "s"]),
        ("80s", ["80", "s"]),
        ("4x8", ["4", "x", "8"]),
        ("3x10", ["3", "x", "10"]),
        ("3×10", ["3", "x", "10"]),
        ("@8", ["@", "8"]),
        ("8.5", ["8.5"]),
        ("62.5kg", ["62.5", "kg"]),
        ("1:30", ["1:30"]),
        ("10:00am", ["10:00", "am"]),
        ("two-twenty-five", ["two", "-", "twenty", "-", "five"]),
        ("t–bar row", ["t", "-", "bar", "row"]),
        ("225, 8 reps.", ["225", ",", "8", "reps", "."]),
        ("didn't", ["didn't"]),
        ("didn’t", ["didn't"]),
        ("45's", ["45", "'s"]),
        ("1st", ["1", "st"]),
        ("rpe8", ["rpe", "8"]),
        ("set 3.", ["set", "3", "."]),
        ("'squat'", ["'", "squat", "'"]),
        ("10,10,8", ["10", ",", "10", ",", "8"]),
        ("8½", ["8", "½"]),
        ("", []),
        ("   ", []),
        ("Café", ["café"]),
    ],
)
def test_tokenize_norms(text: str, expected: list[str]) -> None:
    assert norms(text) == expected


def test_kinds_and_values() -> None:
    toks = tokenize("Bench 62.5kg x 8, rest 1:30")
    assert [(t.norm, t.kind, t.value) for t in toks] == [
        ("bench", "word", None),
        ("62.5", "decimal", 62.5),
        ("kg", "word", None),
        ("x", "word", None),
        ("8", "digits", 8.0),
        (",", "punct", None),
        ("rest", "word", None),
        ("1:30", "clock", 90.0),
    ]


def test_text_keeps_case_and_spans_index_the_source() -> None:
    text = "RPE  Eight, 225LBS"
    toks = tokenize(text)
    assert [t.text for t in toks] == ["RPE", "Eight", ",", "225", "LBS"]
    for tok in toks:
        assert text[tok.start : tok.end] == tok.text
        assert tok.span == (tok.start, tok.end)


def test_glued_tokens_touch() -> None:
    a, b = tokenize("80s")
    assert a.end == b.start
    c, d = tokenize("80 s")
    assert c.end < d.start


def test_spans_survive_characters_that_grow_when_lowercased() -> None:
    text = "İstanbul squat 225"
    toks = tokenize(text)
    assert toks[-1].norm == "225"
    assert text[toks[-1].start : toks[-1].end] == "225"


def test_token_is_a_plain_value() -> None:
    tok = Token("Eight", "eight", 0, 5, "word")
    assert not tok.is_number
    assert tok == Token("Eight", "eight", 0, 5, "word")
    assert Token("8", "8", 0, 1, "digits", 8.0).is_number
