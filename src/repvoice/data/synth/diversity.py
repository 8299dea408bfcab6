"""Measure how varied a chat JSONL file of voice commands is, from the records alone."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from repvoice.data.dedupe import near_key, user_text
from repvoice.data.synth.prompts import CONTEXT_SEPARATOR
from repvoice.data.synth.spoken import NUMBER_WORDS
from repvoice.schema import is_not_a_set

_CORE_NUMBER_WORDS = NUMBER_WORDS - {"oh", "point", "half", "buck", "a", "and"}
_DIGITS = re.compile(r"\d+(?:[.:]\d+)?")
_WORD = re.compile(r"[a-z]+")


def count_numbers(text: str) -> tuple[int, int]:
    """(numbers written as digits, numbers written as words) in a transcript.

    A run of number words ("two hundred and twenty five", "eight and a half") counts once.
    """
    lowered = text.lower()
    digits = len(_DIGITS.findall(lowered))
    spoken = 0
    in_run = False
    for token in _WORD.findall(lowered.replace("-", " ")):
        if token in _CORE_NUMBER_WORDS:
            if not in_run:
                spoken += 1
            in_run = True
        elif not (in_run and token in NUMBER_WORDS):
            in_run = False
    return digits, spoken


def measure(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Shares that show how realistic and varied a dataset is (see the bundled-data tests).

    `no_exercise` counts sets that name no exercise; `not_a_set` answers that log nothing."""
    n = 0
    texts: set[str] = set()
    near: set[str] = set()
    digits = spoken = kg = followups = no_exercise = not_a_set = short_prompt = 0
    exercises: set[str] = set()
    for record in records:
        n += 1
        text = user_text(record)
        texts.add(text)
        near.add(near_key(text))
        d, w = count_numbers(text)
        digits += d
        spoken += w
        messages = record["messages"]
        system = messages[0]["content"]
        if CONTEXT_SEPARATOR in system:
            followups += 1
        if not system.startswith("You are a voice command parser for workout logging.\n"):
            short_prompt += 1
        answer = json.loads(messages[-1]["content"])
        if answer.get("weight_unit") == "kg":
            kg += 1
        if answer.get("exercise_id"):
            exercises.add(answer["exercise_id"])
        elif is_not_a_set(answer):
            not_a_set += 1
        else:
            no_exercise += 1
    share = lambda k: round(k / n, 4) if n else 0.0  # noqa: E731
    return {
        "records": n,
        "distinct_texts": share(len(texts)),
        "distinct_near": share(len(near)),
        "numbers_as_words": round(spoken / (spoken + digits), 4) if spoken + digits else 0.0,
        "kg": share(kg),
        "followups": share(followups),
        "no_exercise": share(no_exercise),
        "not_a_set": share(not_a_set),
        "short_prompt": share(short_prompt),
        "exercises": len(exercises),
    }
