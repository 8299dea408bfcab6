"""Checks every hand-written evaluation set must pass: format, real catalogue ids, the label
conventions, and no text shared with any other data file. Each set's own test module calls
these (sets 4 on through `SetChecks`) and adds the counts of what that set covers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar

from repvoice.catalog import Catalog
from repvoice.data.bundled import default_test_path, default_train_path
from repvoice.data.dedupe import user_text
from repvoice.data.formats.openai import check_openai
from repvoice.data.jsonl import JsonlReader, read_records
from repvoice.data.synth.prompts import CONTEXT_SEPARATOR
from repvoice.schema import Context, WorkoutSet, parse_workout_json

DATA = Path(__file__).parent / "data"
CATALOG = Catalog.load()
#: The VoiceFit inference prompt (the fine-tuned model's system turn at serving time).
INFERENCE_PROMPT = (
    "You are a voice command parser for workout logging. "
    "Parse the voice transcript into structured exercise data."
)
CONTEXT_KEYS = {"current_exercise_id", "last_weight", "last_reps", "last_weight_unit"}
#: Side words a unilateral set's notes must repeat.
UNILATERAL = ("each side", "each arm", "each leg")


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def context_of(record: dict) -> str:
    """The JSON after the system prompt's `Context:` suffix, or ""."""
    return record["messages"][0]["content"].partition(CONTEXT_SEPARATOR)[2]


@cache
def load(path: Path) -> tuple[list[dict], list[WorkoutSet]]:
    records = [r for _, r in read_records(path)]
    return records, [parse_workout_json(r["messages"][2]["content"]) for r in records]


def check_lines(path: Path, count: int) -> None:
    reader = JsonlReader(path)
    lines = list(reader)
    assert len(lines) == count
    assert all(line.ok and isinstance(line.data, dict) for line in lines)
    assert not reader.notes  # no BOM, CRLF or blank lines


def check_format(records: list[dict]) -> None:
    assert len({norm(user_text(r)) for r in records}) == len(records)
    for record in records:
        assert check_openai(record) == []
        assert [m["role"] for m in record["messages"]] == ["system", "user", "assistant"]
        prompt, _, ctx = record["messages"][0]["content"].partition(CONTEXT_SEPARATOR)
        assert prompt == INFERENCE_PROMPT
        if ctx:
            raw = json.loads(ctx)
            assert set(raw) <= CONTEXT_KEYS and "current_exercise_id" in raw
            context = Context.model_validate(raw)
            assert CATALOG.by_id(context.exercise_id) is not None


def check_conventions(
    records: list[dict], labels: list[WorkoutSet], *, exercise_or_context: bool = False
) -> None:
    """Compact JSON, ids that match names, the RPE/RIR rules, a unit with every weight; with
    `exercise_or_context`, a line naming no exercise has no context either."""
    for record, label in zip(records, labels, strict=True):
        # compact: canonical field order, no nulls, whole numbers written as ints
        assert record["messages"][2]["content"] == label.to_compact_json()
        if label.exercise_id is None:
            assert label.exercise_name is None and label.confidence <= 0.5
            if exercise_or_context:
                assert not context_of(record)  # nothing to fall back on
        else:
            exercise = CATALOG.by_id(label.exercise_id)
            assert exercise is not None and exercise.name == label.exercise_name
        if label.rpe is not None and label.rpe % 1 == 0:
            assert label.rir == 10 - label.rpe
        if label.rpe is not None and label.rpe % 1:
            assert label.rir is None
        if label.rir is not None:
            assert label.rpe == 10 - label.rir
        assert (label.weight is None) == (label.weight_unit is None)


def check_follow_ups(records: list[dict], labels: list[WorkoutSet], *, unit: bool = False) -> None:
    """A follow-up keeps the context's exercise (and, with `unit`, its weight unit)."""
    for record, label in zip(records, labels, strict=True):
        if ctx := context_of(record):
            raw = json.loads(ctx)
            assert label.exercise_id == raw["current_exercise_id"]
            if unit and label.weight is not None and "last_weight_unit" in raw:
                assert label.weight_unit == raw["last_weight_unit"]


@cache
def _user_texts(path: Path) -> tuple[str, ...]:
    # every set compares itself with the same files: read each once per process
    return tuple(norm(user_text(r)) for _, r in read_records(path))


def check_no_shared_text(records: list[dict], others: Iterable[Path]) -> None:
    """No transcript of this set appears in another file (counted, never printed)."""
    mine = {norm(user_text(r)) for r in records}
    for path in others:
        shared = sum(text in mine for text in _user_texts(path))
        assert shared == 0, f"{path.name} shares {shared} user texts"


#: Longest stock phrase a not-a-set set may share with generated data: the app's own questions
#: ("how many sets do I have left", the issue's example) are said word for word by everyone.
STOCK_WORDS = 7


def check_only_stock_phrases_shared(
    records: list[dict], others: Iterable[Path], most: float
) -> None:
    """Commands are a small language: "cancel" or "next exercise" may also be in generated
    training data, but only such short stock phrases, and at most a `most` share of the set
    (the trust benchmark reports the figure on the unshared lines too)."""
    mine = {norm(user_text(r)) for r in records}
    theirs = {text for path in others for text in _user_texts(path)}
    shared = mine & theirs
    assert all(len(text.split()) <= STOCK_WORDS for text in shared), "a long line is shared"
    assert len(shared) <= most * len(mine), f"{len(shared)} user texts shared"


def check_no_exercise_confidence(labels: list[WorkoutSet]) -> None:
    """A line that names no exercise (and has no context) answers with confidence 0.4."""
    for label in labels:
        if label.exercise_id is None:
            assert label.confidence == 0.4


class SetChecks:
    """The checks every hand-written set from the fourth on shares. A set's module subclasses
    this as `TestSetN`, says what differs, and adds what that set covers."""

    path: ClassVar[Path]
    count: ClassVar[int]
    #: How many other hand-written sets must be there to compare against.
    min_other_sets: ClassVar[int] = 1
    #: Words that say a set went to failure (RPE 10, RIR 0), and phrases that say it did not.
    failure_words: ClassVar[tuple[str, ...]] = ("failure",)
    failure_unless: ClassVar[tuple[str, ...]] = ()
    #: How many lines, at least, say failure (0: no count is checked).
    min_failures: ClassVar[int] = 0
    unilateral: ClassVar[tuple[str, ...]] = UNILATERAL

    @property
    def records(self) -> list[dict]:
        return load(self.path)[0]

    @property
    def labels(self) -> list[WorkoutSet]:
        return load(self.path)[1]

    @property
    def users(self) -> list[str]:
        return [norm(user_text(r)) for r in self.records]

    def test_every_line_is_a_chat_record(self) -> None:
        check_lines(self.path, self.count)

    def test_format_labels_and_follow_ups(self) -> None:
        check_format(self.records)
        check_conventions(self.records, self.labels, exercise_or_context=True)
        check_follow_ups(self.records, self.labels, unit=True)

    def test_failure_is_rpe_ten(self) -> None:
        said = 0
        for user, label in zip(self.users, self.labels, strict=True):
            failed = any(w in user for w in self.failure_words)
            if failed and not any(u in user for u in self.failure_unless):
                said += 1
                assert (label.rpe, label.rir) == (10, 0)
        if self.min_failures:
            assert said >= self.min_failures

    def test_unilateral_sets_say_so_in_notes(self) -> None:
        for user, label in zip(self.users, self.labels, strict=True):
            for phrase in (u for u in self.unilateral if u in user):
                assert label.notes is not None and phrase in label.notes

    def test_shares_no_text_with_other_data(self) -> None:
        others = sorted(p for p in DATA.glob("handwritten_eval*.jsonl") if p != self.path)
        assert len(others) >= self.min_other_sets
        check_no_shared_text(self.records, (default_train_path(), default_test_path(), *others))


#: A distance or a speed typed after a number.
_DISTANCE = re.compile(r"\b\d[\d,.]*\s*-?\s*(m|km|mi|mph|kph)\b")


@dataclass(frozen=True)
class TypedCoverage:
    """Least counts a typed set covers: `AxBxC` chains, `@`, `/commands`, leading dates or
    times, labels with sets, kg loads, durations and lines naming no exercise."""

    chains: int = 8
    at_signs: int = 20
    commands: int = 5
    stamps: int = 5
    sets: int = 40
    kg: int = 30
    durations: int = 12
    no_exercise: int = 5


class TypedSetChecks:
    """The checks every typed-log set shares; a set's module subclasses this as `TestTypedN`
    (shorthand labelled as in the first typed set)."""

    path: ClassVar[Path]
    count: ClassVar[int]
    covers: ClassVar[TypedCoverage] = TypedCoverage()

    @property
    def users(self) -> list[str]:
        return [norm(user_text(r)) for r in load(self.path)[0]]

    def test_every_line_is_a_chat_record(self) -> None:
        check_lines(self.path, self.count)

    def test_format_labels_and_follow_ups(self) -> None:
        records, labels = load(self.path)
        check_format(records)
        check_conventions(records, labels)
        check_follow_ups(records, labels, unit=True)

    def test_a_distance_or_speed_is_never_a_number_field(self) -> None:
        for user, label in zip(self.users, load(self.path)[1], strict=True):
            if _DISTANCE.search(user):
                assert label.notes is not None, user

    def test_covers_the_shorthand(self) -> None:
        texts, labels, least = self.users, load(self.path)[1], self.covers
        assert sum(bool(re.search(r"\d\s*x\s*\d+\s*x\s*\d", u)) for u in texts) >= least.chains
        assert sum("@" in u for u in texts) >= least.at_signs
        assert sum(u.startswith("/") for u in texts) >= least.commands
        assert sum(bool(re.match(r"^\[?\d{1,4}[/:-]\d", u)) for u in texts) >= least.stamps
        assert sum(la.sets is not None for la in labels) >= least.sets
        assert sum(la.weight_unit == "kg" for la in labels) >= least.kg
        assert sum(la.duration_seconds is not None for la in labels) >= least.durations
        assert sum(la.exercise_id is None for la in labels) >= least.no_exercise

    def test_shares_no_text_with_other_data(self) -> None:
        others = sorted(p for p in DATA.glob("*.jsonl") if p != self.path)
        check_no_shared_text(
            load(self.path)[0], (default_train_path(), default_test_path(), *others)
        )


@dataclass(frozen=True)
class NotASetCoverage:
    """Least counts a not-a-set set covers: questions, timer/next/skip/undo commands, near
    misses naming a lift, and lines with a digit."""

    questions: int = 30
    commands: int = 12
    lifts: int = 40
    digits: int = 25


class NotASetChecks:
    """The checks every not-a-set set shares; a set's module subclasses this as
    `TestNotASetN`. Every answer is "not a set": no exercise, no fields."""

    path: ClassVar[Path]
    count: ClassVar[int]
    covers: ClassVar[NotASetCoverage] = NotASetCoverage()

    def test_every_line_is_a_chat_record(self) -> None:
        check_lines(self.path, self.count)

    def test_every_answer_is_not_a_set(self) -> None:
        records, labels = load(self.path)
        assert len({norm(user_text(r)) for r in records}) == self.count
        for record, label in zip(records, labels, strict=True):
            assert check_openai(record) == []
            assert [m["content"] for m in record["messages"][:1]] == [INFERENCE_PROMPT]
            assert record["messages"][2]["content"] == '{"confidence": 0.1}'
            assert label.exercise_name is None and label.exercise_id is None

    def test_covers_the_kinds(self) -> None:
        users = [norm(user_text(r)) for r in load(self.path)[0]]
        least = self.covers
        asked = sum(u.endswith("?") or u.split()[0] in {"how", "what", "is", "do"} for u in users)
        assert asked >= least.questions
        commands = ("timer", "next", "skip", "undo")
        assert sum(any(w in u for w in commands) for u in users) >= least.commands
        words = ("bench", "squat", "deadlift", "curl", "row", "press", "lunge")
        assert sum(any(w in u for w in words) for u in users) >= least.lifts
        assert sum(any(c.isdigit() for c in u) for u in users) >= least.digits

    def test_shares_only_stock_phrases_with_other_data(self) -> None:
        records = load(self.path)[0]
        check_no_shared_text(records, sorted(DATA.glob("handwritten_eval*.jsonl")))
        check_no_shared_text(records, sorted(DATA.glob("typed_eval_*.jsonl")))
        others = sorted(p for p in DATA.glob("offtopic_eval_*.jsonl") if p != self.path)
        check_only_stock_phrases_shared(
            records, (default_train_path(), default_test_path(), *others), 0.07
        )


class FinalSpokenChecks(SetChecks):
    """`SetChecks` and the coverage the trust issue's spoken sets (17 on) were written to."""

    def test_covers_the_phenomena(self) -> None:
        records, labels, users = self.records, self.labels, self.users
        assert sum(bool(context_of(r)) for r in records) >= 20
        assert sum(la.exercise_id is None for la in labels) >= 5
        assert sum(la.weight_unit == "kg" for la in labels) >= 40
        assert sum(la.weight_unit == "lbs" for la in labels) >= 40
        assert sum(la.duration_seconds is not None for la in labels) >= 8
        assert sum(la.rpe is not None for la in labels) >= 20
        assert len({la.exercise_id for la in labels if la.exercise_id}) >= 80
        assert sum(any(c.isdigit() for c in u) for u in users) >= 40
