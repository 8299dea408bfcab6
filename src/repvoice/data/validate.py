"""Validate a fine-tuning JSONL file in one streaming pass and report every problem.

Each problem is an `Issue` with file, line, field path and a plain explanation. Memory stays
flat: records are not kept, only counters, a token-count histogram, duplicate hashes and the
first `max_per_code` issues of each kind (counts stay exact).

Structural rules come from the file's `Format.check`; everything else (tokens, the workout-set
schema, duplicates, missing system prompt) is checked on the record's OpenAI form.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from repvoice.data.dedupe import DuplicateIndex, user_text
from repvoice.data.formats import Format, FormatError, detect_format, get_format
from repvoice.data.issues import DataError, Issue, Severity
from repvoice.data.jsonl import JsonlReader, Line, value_error_message
from repvoice.data.limits import DEFAULT_MODEL, model_limit
from repvoice.data.tokens import (
    DEFAULT_ENCODING,
    TOKENS_PER_REPLY,
    count_message,
    count_text,
    get_encoding,
)
from repvoice.schema import (
    NOT_A_SET_CONFIDENCE,
    NOT_A_SET_MAX_CONFIDENCE,
    SET_VALUE_FIELDS,
    WorkoutSet,
    is_not_a_set,
)

Task = Literal["auto", "workout", "none"]
TASKS: tuple[str, ...] = ("auto", "workout", "none")

#: Issues of one code kept for display; the counts are exact whatever this is.
MAX_ISSUES_PER_CODE = 200

#: A system prompt that says this is the workout-set task (`--task auto`).
WORKOUT_PROMPT = re.compile(r"workout logging|voice command pars", re.IGNORECASE)
#: Where the previous-set context starts in a workout system prompt.
CONTEXT_MARK = "Context:"

ProgressFn = Callable[[int, int], None]
_PROGRESS_EVERY = 2_000


@dataclass
class TokenStats:
    """Token counts per example: an exact histogram, so percentiles are real and memory flat."""

    encoding: str
    model: str | None
    limit: int | None
    histogram: Counter[int] = field(default_factory=Counter)
    count: int = 0
    total: int = 0
    over_limit: int = 0

    def add(self, n: int) -> None:
        self.histogram[n] += 1
        self.count += 1
        self.total += n
        if self.limit is not None and n > self.limit:
            self.over_limit += 1

    def percentile(self, p: float) -> int | None:
        """Nearest-rank percentile: the smallest count that at least p% of examples are at or
        below (p5 is the 5th percentile, not the 10th)."""
        if not self.count:
            return None
        rank = max(1, math.ceil(p / 100 * self.count))
        seen = 0
        for value in sorted(self.histogram):
            seen += self.histogram[value]
            if seen >= rank:
                return value
        return max(self.histogram)  # pragma: no cover - rank <= count always stops above

    def billed(self) -> int:
        """Tokens one epoch is billed for: over-long examples count up to the limit."""
        if self.limit is None:
            return self.total
        return sum(min(n, self.limit) * c for n, c in self.histogram.items())

    def to_dict(self) -> dict[str, Any]:
        return {
            "encoding": self.encoding,
            "model": self.model,
            "limit": self.limit,
            "examples": self.count,
            "total": self.total,
            "billed_per_epoch": self.billed(),
            "min": min(self.histogram) if self.histogram else None,
            "p5": self.percentile(5),
            "median": self.percentile(50),
            "mean": round(self.total / self.count, 1) if self.count else None,
            "p95": self.percentile(95),
            "max": max(self.histogram) if self.histogram else None,
            "over_limit": self.over_limit,
        }


@dataclass
class ValidationReport:
    """What `validate_file` found. `issues` holds up to `max_per_code` per code, in file order;
    `counts` and `severity_counts` are exact."""

    file: str
    format: str = "openai"
    task: str = "auto"
    records: int = 0
    valid: int = 0
    workout_records: int = 0
    # workout answers that log nothing (no exercise, no values): questions, commands, noise
    not_a_set: int = 0
    issues: list[Issue] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    severity_counts: Counter[str] = field(default_factory=Counter)
    tokens: TokenStats | None = None
    max_per_code: int = MAX_ISSUES_PER_CODE

    def add(self, issue: Issue) -> None:
        self.counts[issue.code] += 1
        self.severity_counts[issue.severity] += 1
        if self.counts[issue.code] <= self.max_per_code:
            self.issues.append(issue)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def error_count(self) -> int:
        return self.severity_counts["error"]

    @property
    def warning_count(self) -> int:
        return self.severity_counts["warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.error_count == 0

    def sort(self) -> None:
        """File-wide issues first, then by line, keeping discovery order within a line."""
        self.issues.sort(key=lambda i: -1 if i.line is None else i.line)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "task": self.task,
            "records": self.records,
            "valid": self.valid,
            "workout_records": self.workout_records,
            "not_a_set": self.not_a_set,
            "errors": [i.to_dict() for i in self.errors],
            "warnings": [i.to_dict() for i in self.warnings],
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "counts": dict(self.counts.most_common()),
            "shown_per_code": self.max_per_code,
            "tokens": self.tokens.to_dict() if self.tokens else None,
            "ok": self.ok,
        }


#: Words that mark a role error as one of order, not of an unknown role.
_ORDER_WORDS = ("alternate", "first", "last", "in a row", "start", "follow", "position", "ending")


def code_for(error: FormatError) -> str:
    """A stable issue code for a format's structural error, from its field path and message."""
    path = error.field or ""
    msg = error.message.lower()
    last = re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])
    if not path:
        return "not_object" if "object" in msg else "invalid_record"
    if "unknown" in msg and "key" in msg:
        return "unknown_key"
    ordered = any(w in msg for w in _ORDER_WORDS)
    if last in ("role", "from"):
        if "no role" in msg:
            return "missing_role"
        return "role_order" if ordered and "unknown" not in msg else "unknown_role"
    if "no assistant" in msg or "no model" in msg:
        return "no_assistant"
    if any(k in path for k in ("tool_call", "function_call", "functionCall", "functionResponse")):
        return "bad_tool_call"
    if path.startswith(("tools", "functions", "parallel_tool_calls")):
        return "bad_tools"
    if last == "weight":
        return "bad_weight"
    if last in ("content", "text", "parts"):
        return "empty_content" if "empty" in msg or "no text" in msg else "bad_content"
    if path in ("messages", "contents", "conversations"):
        return "role_order" if ordered else "missing_messages"
    return "invalid_record"


def is_workout_record(system: str | None, replies: list[Any]) -> bool:
    """The `--task auto` rule: the system prompt mentions workout logging or voice command
    parsing, or an assistant reply is a JSON object with an `exercise_name` key."""
    if system and WORKOUT_PROMPT.search(system):
        return True
    return any(isinstance(r, dict) and "exercise_name" in r for r in replies)


class Validator:
    """Checks lines one at a time into a `ValidationReport`; `validate_file` drives it."""

    def __init__(
        self,
        file: str,
        *,
        format: str | None = None,
        model: str | None = None,
        task: Task = "auto",
        max_per_code: int = MAX_ISSUES_PER_CODE,
    ) -> None:
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
        self.file = file
        self.model = model
        if model is not None:
            model_limit(model)  # fail before reading, not at the first record
        self.task: Task = task
        self.report = ValidationReport(file, task=task, max_per_code=max_per_code)
        self.fmt: Format | None = None
        if format is not None:
            self._use_format(get_format(format))
        self._dupes = DuplicateIndex()
        self._token_cache: dict[str, int] = {}

    # -- setup -------------------------------------------------------------------------------

    def _use_format(self, fmt: Format) -> None:
        if fmt.kind != "jsonl" or not fmt.readable:
            why = getattr(fmt, "unreadable_reason", "") or "it cannot be read back"
            if fmt.kind != "jsonl":
                why = "it is not a JSONL file format"
            raise DataError(
                Issue(
                    "unreadable_format", f"{fmt.name} files cannot be validated: {why}", self.file
                )
            )
        self.fmt = fmt
        self.report.format = fmt.name
        limit = fmt.limits.tokens_per_example
        model = self.model
        if model is None and fmt.name == "openai":
            model = DEFAULT_MODEL
        if model is not None:
            ml = model_limit(model)
            limit = ml.tokens_per_example if limit is None else min(limit, ml.tokens_per_example)
            self.report.tokens = TokenStats(ml.encoding, ml.model, limit)
        else:
            # other providers' tokenizers are not public; o200k_base is a close estimate
            self.report.tokens = TokenStats(DEFAULT_ENCODING, None, limit)
        self._encoding = get_encoding(self.report.tokens.encoding)

    def _detect(self, data: dict[str, Any]) -> None:
        self._use_format(get_format(detect_format(data) or "openai"))

    # -- per line ----------------------------------------------------------------------------

    def _issue(
        self,
        code: str,
        message: str,
        line: int | None,
        field: str | None = None,
        severity: Severity = "error",
    ) -> None:
        self.report.add(Issue(code, message, self.file, line, field, severity))

    def check_line(self, line: Line) -> None:
        """Check one line from `JsonlReader`; every problem lands in `report`."""
        self.report.records += 1
        before = self.report.error_count
        if not line.ok:
            self._issue(line.code or "bad_line", line.error or "unreadable line", line.number)
            return
        data = line.data
        if not isinstance(data, dict):
            self._issue(
                "not_object",
                f"a record must be a JSON object, not {_json_type(data)}",
                line.number,
            )
            return
        try:
            self._check_record(line.number, data)
        except DataError:
            raise
        except Exception as exc:  # a bug must cost one record, never the whole report
            self._issue("internal_error", f"could not check this record ({exc!r})", line.number)
        if self.report.error_count == before:
            self.report.valid += 1

    def _check_record(self, number: int, data: dict[str, Any]) -> None:
        if self.fmt is None:
            self._detect(data)
        fmt = self.fmt
        assert fmt is not None
        errors = fmt.check(data)
        for err in errors:
            self._issue(code_for(err), err.message, number, err.field)
        if errors:
            looks = detect_format(data)
            if looks not in (None, fmt.name, "openai"):
                self._issue(
                    "mixed_format",
                    f"this record looks like {looks}, but the file is read as {fmt.name} "
                    "(every record of a file must use one format)",
                    number,
                    severity="warning",
                )
        record: Any = None
        if fmt.name == "openai":
            record = data
        elif not errors:
            try:
                record = fmt.from_record(data)
            except FormatError as exc:
                self._issue(code_for(exc), exc.message, number, exc.field)
        if (
            isinstance(record, dict)
            and isinstance(record.get("messages"), list)
            and record["messages"]
        ):
            self._check_chat(number, record, fmt.name == "openai")

    def _check_chat(self, number: int, record: dict[str, Any], native: bool) -> None:
        """Checks on the OpenAI form. `native` is False when paths point into a converted
        record, which the messages then say."""
        raw = record["messages"]
        where = "" if native else f" (in the OpenAI form of this {self.report.format} record)"
        messages = [(i, m) for i, m in enumerate(raw) if isinstance(m, dict)]
        system = next(
            (m.get("content") for _, m in messages if m.get("role") in ("system", "developer")),
            None,
        )
        system = system if isinstance(system, str) else None
        if not any(m.get("role") in ("system", "developer") for _, m in messages):
            self._issue("missing_system", "no system message", number, "messages", "warning")
        assistants = [(i, m) for i, m in messages if m.get("role") == "assistant"]
        if assistants and all(m.get("weight") == 0 for _, m in assistants):
            self._issue(
                "nothing_trained",
                "every assistant message has weight 0, so nothing is learned from this example",
                number,
                "messages",
                "warning",
            )
        self._check_tokens(number, record, [m for _, m in messages])

        # parse assistant replies once; they decide the task and are checked against the schema
        replies: list[tuple[int, Any, json.JSONDecodeError | None]] = []
        for i, m in assistants:
            content = m.get("content")
            if not isinstance(content, str):
                continue
            try:
                replies.append((i, json.loads(content, parse_constant=_reject_constant), None))
            except json.JSONDecodeError as exc:
                replies.append((i, None, exc))
            except (ValueError, RecursionError) as exc:
                replies.append((i, None, json.JSONDecodeError(_plain(exc), content, 0)))
        workout = self.task == "workout" or (
            self.task == "auto" and is_workout_record(system, [r for _, r, _ in replies])
        )
        if workout:
            self.report.workout_records += 1
            for i, reply, exc in replies:
                self._check_workout(number, f"messages[{i}].content", reply, exc, where)
        self._check_duplicate(number, record, messages, system if workout else None)

    def _check_tokens(
        self, number: int, record: dict[str, Any], messages: list[Mapping[str, Any]]
    ) -> None:
        stats = self.report.tokens
        assert stats is not None
        cache = self._token_cache
        n = TOKENS_PER_REPLY
        for m in messages:
            content = m.get("content")
            if m.get("role") == "system" and isinstance(content, str) and len(m) == 2:
                # system prompts repeat across a file; count each distinct one once
                cached = cache.get(content)
                if cached is None:
                    if len(cache) > 1_000:
                        cache.clear()
                    cached = cache[content] = count_message(m, self._encoding)
                n += cached
            else:
                n += count_message(m, self._encoding)
        if "tools" in record:
            n += count_text(json.dumps(record["tools"], ensure_ascii=False), self._encoding)
        stats.add(n)
        if stats.limit is not None and n > stats.limit:
            whose = f"a {stats.model} example" if stats.model else "an example"
            self._issue(
                "too_many_tokens",
                f"example is {n:,} tokens ({stats.encoding}); {whose} may have {stats.limit:,}, "
                "the rest would be cut off",
                number,
                "messages",
            )

    def _check_workout(
        self,
        number: int,
        at: str,
        reply: Any,
        exc: json.JSONDecodeError | None,
        where: str,
    ) -> None:
        if exc is not None:
            self._issue(
                "workout_not_json",
                f"assistant reply is not JSON: {exc.msg} (column {exc.colno}){where}",
                number,
                at,
            )
            return
        if not isinstance(reply, dict):
            self._issue(
                "workout_not_json",
                f"assistant reply must be a JSON object, not {_json_type(reply)}{where}",
                number,
                at,
            )
            return
        try:
            answer = WorkoutSet.model_validate(reply)
        except ValidationError as err:
            for e in err.errors():
                loc = ".".join(str(p) for p in e["loc"])
                msg = "unknown field" if e["type"] == "extra_forbidden" else e["msg"]
                # an exercise id's message already says what it got
                if loc and e["type"] != "missing" and e["loc"][-1] != "exercise_id":
                    msg = f"{msg} (got {_short(e.get('input'))})"
                self._issue("workout_schema", f"{msg}{where}", number, f"{at}.{loc}" if loc else at)
            return
        self._check_not_a_set(number, at, answer.model_dump(), where)

    def _check_not_a_set(self, number: int, at: str, answer: dict[str, Any], where: str) -> None:
        """Count not-a-set answers and flag ones that contradict themselves: logging nothing
        with a high confidence, or a not-a-set confidence with values."""
        confidence = answer["confidence"]
        if is_not_a_set(answer):
            self.report.not_a_set += 1
            if confidence > NOT_A_SET_MAX_CONFIDENCE:
                self._issue(
                    "not_a_set_confidence",
                    f"the answer names no exercise and no values (not a set), but its confidence "
                    f"is {confidence:g}; a not-a-set answer has at most "
                    f"{NOT_A_SET_MAX_CONFIDENCE:g} (usually {NOT_A_SET_CONFIDENCE:g}){where}",
                    number,
                    f"{at}.confidence",
                    "warning",
                )
            return
        no_exercise = answer["exercise_id"] is None and answer["exercise_name"] is None
        if no_exercise and confidence < NOT_A_SET_MAX_CONFIDENCE:
            values = [k for k in SET_VALUE_FIELDS if answer.get(k) is not None]
            self._issue(
                "not_a_set_values",
                f"no exercise and confidence {confidence:g} mark a not-a-set answer, but "
                f"{', '.join(values)} {'is' if len(values) == 1 else 'are'} set (a set "
                f"with no exercise named has a confidence of at least "
                f"{NOT_A_SET_MAX_CONFIDENCE:g}; not a set has no values){where}",
                number,
                f"{at}.{values[0]}",
                "warning",
            )

    def _check_duplicate(
        self,
        number: int,
        record: dict[str, Any],
        messages: list[tuple[int, dict[str, Any]]],
        workout_system: str | None,
    ) -> None:
        text = user_text(record)
        if not text.strip():
            return
        key = text
        if workout_system is not None:
            # the same words after a different previous set are a different example
            at = workout_system.rfind(CONTEXT_MARK)
            if at >= 0:
                key = f"{text}\n{workout_system[at:]}"
        dup = self._dupes.add(number, key)
        if dup is None:
            return
        user_at = next((i for i, m in messages if m.get("role") == "user"), 0)
        what = "user text and context" if key is not text else "user text"
        if dup.kind == "exact":
            code, message = "duplicate", f"same {what} as line {dup.first_line}"
        else:
            code = "near_duplicate"
            message = (
                f"nearly the same {what} as line {dup.first_line} "
                "(equal ignoring case, punctuation and filler words)"
            )
        self._issue(code, message, number, f"messages[{user_at}].content", "warning")

    # -- end of file -------------------------------------------------------------------------

    def finish(self, reader: JsonlReader) -> ValidationReport:
        """File-wide checks once every line is read; returns the sorted report."""
        report = self.report
        for note in reader.notes:
            report.add(note)
        for code, n in reader.note_counts.items():
            # notes past the reader's own cap are counted, not stored
            stored = sum(1 for i in reader.notes if i.code == code)
            report.counts[code] += n - stored
            report.severity_counts["warning"] += n - stored
        if report.records == 0:
            raise DataError(Issue("empty_file", "file has only blank lines", self.file))
        if self.fmt is None:
            self._use_format(get_format("openai"))
        fmt = self.fmt
        assert fmt is not None
        limits = fmt.limits
        size = reader.size
        if limits.max_file_bytes is not None and size > limits.max_file_bytes:
            self._issue(
                "file_too_large",
                f"file is {size / 1_048_576:,.1f} MB; {fmt.name} accepts at most "
                f"{limits.max_file_bytes / 1_048_576:,.0f} MB per file (split it)",
                None,
            )
        if limits.min_examples is not None and report.valid < limits.min_examples:
            self._issue(
                "too_few_examples",
                f"{report.valid} valid example{'s' if report.valid != 1 else ''}; "
                f"{fmt.name} needs at least {limits.min_examples}",
                None,
            )
        if limits.max_examples is not None and report.records > limits.max_examples:
            self._issue(
                "too_many_examples",
                f"{report.records:,} examples; {fmt.name} accepts at most "
                f"{limits.max_examples:,} per file",
                None,
            )
        report.sort()
        return report


def validate_file(
    path: str | Path,
    *,
    format: str | None = None,
    model: str | None = None,
    task: Task = "auto",
    max_per_code: int = MAX_ISSUES_PER_CODE,
    progress: ProgressFn | None = None,
) -> ValidationReport:
    """Validate one JSONL file in `format` (detected from the first record when None) for
    `model` (default gpt-4o-mini for OpenAI files; other formats use their own limit).

    Raises `DataError` when the file cannot be read at all, `KeyError` for an unknown format,
    `UnknownModelError` for an unknown model. `progress(bytes_read, total)` is called now and
    then. A `path` of `-` reads standard input, named `<stdin>` in the report.
    """
    reader = JsonlReader(Path(path))
    validator = Validator(
        reader.name, format=format, model=model, task=task, max_per_code=max_per_code
    )
    total = reader.size
    for n, line in enumerate(reader, 1):
        validator.check_line(line)
        if progress is not None and n % _PROGRESS_EVERY == 0:
            progress(reader.bytes_read, total)
    if progress is not None:
        progress(total, total)
    return validator.finish(reader)


def _plain(exc: Exception) -> str:
    return value_error_message(exc) if isinstance(exc, ValueError) else str(exc)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _short(value: Any, width: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    if isinstance(value, bool) or value is None or isinstance(value, (list, str)):
        return names[type(value)]
    return "a number" if isinstance(value, (int, float)) else type(value).__name__
