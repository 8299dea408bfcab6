"""Spoken durations over normalised tokens."""

from __future__ import annotations

import pytest

from repvoice.parser.durations import parse_duration
from repvoice.parser.numbers import spoken_numbers


def duration(text: str, start: int = 0) -> tuple[int, int] | None:
    return parse_duration(spoken_numbers(text), start)


@pytest.mark.parametrize(
    ("text", "seconds", "used"),
    [
        ("a minute thirty", 90, 3),
        ("one minute thirty seconds", 90, 4),
        ("ninety seconds", 90, 2),
        ("90 secs", 90, 2),
        ("1:30", 90, 1),
        ("2:00", 120, 1),
        ("two minutes", 120, 2),
        ("2 min", 120, 2),
        ("a minute", 60, 2),
        ("a minute and a half", 90, 5),
        ("one and a half minutes", 90, 2),
        ("1.5 minutes", 90, 2),
        ("half a minute", 30, 3),
        ("60s", 60, 1),
        ("45 s", 45, 2),
        ("1m30s", 90, 3),
        ("a minute thirty seconds", 90, 4),
        ("three minutes and twenty seconds", 200, 5),
        ("two minutes and a half", 150, 5),
        ("thirty second rest", 30, 2),
        ("an hour", 3600, 2),
        ("an hour and a half", 5400, 5),
        ("2 minutes 10 reps", 120, 2),
        ("a minute 8 reps", 60, 2),
        ("two minutes ninety", 120, 2),
    ],
)
def test_parse_duration(text: str, seconds: int, used: int) -> None:
    assert duration(text) == (seconds, used)


@pytest.mark.parametrize(
    "text",
    ["ninety", "twenty fives", "rest", "a set", "one thirty five", "the 80s", "", "third minute"],
)
def test_not_a_duration(text: str) -> None:
    assert duration(text) is None


def test_duration_inside_an_utterance() -> None:
    toks = spoken_numbers("plank for a minute thirty then rest 90 seconds")
    assert parse_duration(toks, 2) == (90, 5)
    assert parse_duration(toks, 7) == (90, 9)
    assert parse_duration(toks, 0) is None
    assert parse_duration(toks, len(toks)) is None
