"""Statistics of an OpenAI chat fine-tuning JSONL file, in one streaming pass.

Memory stays flat: counters, and one int per example for each token distribution.

`compute_stats(path) -> DatasetStats`; `DatasetStats.to_dict()` is the stable machine form
(`schema` 1), with these top-level keys:

- `file`, `model`, `encoding`, `schema`
- `lines`: non-blank lines; `records`: chat records read; `unreadable`: lines that are not a chat
  record, with `problems` (first `MAX_PROBLEMS`: line, code, message) and `problem_counts`
- `notes`: file-level observations by code (BOM, CRLF, blank lines)
- `messages`, `tokens_total`, `tokens_assistant`, `tokens_prompt`: distributions (count, min,
  p5, p50, p95, max, mean, sum); `quantile_method` names how percentiles are computed
- `token_limit`, `over_token_limit`: the model's per-example training limit and examples above it
- `roles`: records without a system, user or assistant message
- `system_prompts`: distinct prompts (text without a trailing Context suffix) with counts;
  `context_suffix`: records whose system prompt ends in "\\n\\nContext: {json}"
- `answers`: the assistant JSON: states, schema-invalid count, top exercises, distinct
  exercises, weight units, numeric ranges and histograms, null rate per schema field, sets rate
- `duplicates`: exact and near-duplicate user texts with counts and examples
- `proportions`: share of records showing each transcript phenomenon in `PHENOMENA`

New phenomena are added with `register_phenomenon(Phenomenon(...))`.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from repvoice.data.dedupe import DuplicateIndex, user_text
from repvoice.data.jsonl import JsonlReader, display_name, loads
from repvoice.data.limits import UnknownModelError, model_limit
from repvoice.data.tokens import (
    TOKENS_PER_REPLY,
    count_assistant,
    count_message,
    encoding_name_for,
    get_encoding,
)
from repvoice.schema import FIELD_ORDER, WorkoutSet, is_not_a_set

SCHEMA_VERSION = 1
DEFAULT_MODEL = "gpt-4o-mini"
#: Unreadable lines kept with their message; all of them are counted.
MAX_PROBLEMS = 1000
#: Distinct system prompts kept with their text; further ones are only counted.
MAX_PROMPT_VARIANTS = 200
TOP_EXERCISES = 15
DUPLICATE_EXAMPLES = 5
CONTEXT_MARKER = "\n\nContext: "
QUANTILE_METHOD = (
    "linear interpolation between order statistics (Hyndman-Fan type 7, numpy's default)"
)
#: Weight histogram bin width per unit.
WEIGHT_BINS = {"lbs": 25.0, "kg": 10.0}
_DEFAULT_BIN = 25.0
_PROMPT_CACHE_SIZE = 4096


# ---------------------------------------------------------------- distributions


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """The q-quantile of ascending values: linear interpolation between order statistics."""
    if not sorted_values:
        raise ValueError("no values")
    h = (len(sorted_values) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


@dataclass(frozen=True, slots=True)
class Distribution:
    """Summary of per-example values; all None when there are none."""

    count: int
    min: float | None = None
    p5: float | None = None
    p50: float | None = None
    p95: float | None = None
    max: float | None = None
    mean: float | None = None
    sum: float = 0

    @classmethod
    def of(cls, values: Sequence[float]) -> Distribution:
        if not values:
            return cls(0)
        ordered = sorted(values)
        total = sum(ordered)
        return cls(
            count=len(ordered),
            min=ordered[0],
            p5=quantile(ordered, 0.05),
            p50=quantile(ordered, 0.50),
            p95=quantile(ordered, 0.95),
            max=ordered[-1],
            mean=total / len(ordered),
            sum=total,
        )

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


# ---------------------------------------------------------------- one record, parsed once


@dataclass(slots=True)
class Example:
    """What the collectors and phenomena see of one chat record."""

    line: int
    messages: list[dict[str, Any]]
    user: str
    system: str | None
    system_base: str | None
    context: dict[str, Any] | None
    context_state: str  # "none" | "json" | "unparsed"
    answer: Any = None
    answer_state: str = "no_assistant"  # see AnswerStats.states

    @property
    def workout(self) -> dict[str, Any] | None:
        return self.answer if self.answer_state == "workout" else None


def split_context(system: str) -> tuple[str, dict[str, Any] | None, str]:
    """(prompt without the suffix, context, state) for a system prompt that may end in
    "\\n\\nContext: {json}". State is "none", "json" or "unparsed" (marker, but no JSON object)."""
    at = system.rfind(CONTEXT_MARKER)
    if at < 0:
        return system, None, "none"
    try:
        context = loads(system[at + len(CONTEXT_MARKER) :])
    except (ValueError, RecursionError):  # bad JSON, NaN, or a number too long to read
        return system, None, "unparsed"
    if not isinstance(context, dict):
        return system, None, "unparsed"
    return system[:at], context, "json"


def _last_assistant_text(messages: list[dict[str, Any]]) -> str | None:
    for msg in reversed(messages):
        if msg.get("role") == "assistant":
            content = msg.get("content")
            return content if isinstance(content, str) else None
    return None


def _parse_answer(messages: list[dict[str, Any]]) -> tuple[Any, str]:
    text = _last_assistant_text(messages)
    if text is None:
        has_assistant = any(m.get("role") == "assistant" for m in messages)
        return None, "not_text" if has_assistant else "no_assistant"
    try:
        answer = loads(text)
    except (ValueError, RecursionError):  # bad JSON, NaN, or a number too long to read
        return None, "not_json"
    if not isinstance(answer, dict):
        return answer, "not_object"
    if not any(k in answer for k in FIELD_ORDER):
        return answer, "other_object"
    return answer, "workout"


def _example(line: int, messages: list[dict[str, Any]]) -> Example:
    system = next(
        (
            m["content"]
            for m in messages
            if m.get("role") in ("system", "developer") and isinstance(m.get("content"), str)
        ),
        None,
    )
    base, context, state = split_context(system) if system is not None else (None, None, "none")
    answer, answer_state = _parse_answer(messages)
    return Example(
        line,
        messages,
        user_text({"messages": messages}),
        system,
        base,
        context,
        state,
        answer,
        answer_state,
    )


# ---------------------------------------------------------------- phenomena


@dataclass(frozen=True, slots=True)
class Phenomenon:
    """A transcript property whose share of the data is reported.

    `test` answers True/False for an example, or None when it does not apply (the example is
    then left out of the denominator, which `applies_to` names).
    """

    name: str
    description: str
    applies_to: str
    test: Callable[[Example], bool | None]


NUMBER_WORDS = frozenset(
    {"zero", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
    | {"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"}
    | {"eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy"}
    | {"eighty", "ninety", "hundred", "thousand"}
)
# "one" is left out: exercise names use it ("one-arm row") far more often than counts do.
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(sorted(NUMBER_WORDS)) + r")\b", re.IGNORECASE)


def _numbers_as_words(ex: Example) -> bool | None:
    return bool(_NUMBER_WORD.search(ex.user)) if ex.user else None


def _kg_share(ex: Example) -> bool | None:
    w = ex.workout
    if w is None or w.get("weight") is None:
        return None
    return w.get("weight_unit") == "kg"


def _context_suffix(ex: Example) -> bool | None:
    return ex.context_state == "json"


# Speech-to-text slips seen in public gym-logging code (PARSING.md §4.1) and common mishearings
# of exercise words; a word list, so it undercounts slips it does not know.
_SLIPS = re.compile(
    r"\b(?:raps|wraps|ate (?:reps|raps)|are pee(?: e)?|r p e|r pay|are i are|r i r|rear delt"
    r"(?!s? (?:fly|flye|flies|raise|row))|dead[ -]lifts?|bench (?:priest|breast|rest)|"
    r"venture press|binch|girls|squads|lunches|school crushers|preach her|try sep|hip trusts|"
    r"pool downs|dumb bell|dumbell|kettle bell|bar bell|kilo's|keelos|for for|to to)\b",
    re.IGNORECASE,
)


def _speech_slips(ex: Example) -> bool | None:
    return bool(_SLIPS.search(ex.user)) if ex.user else None


def _no_exercise(ex: Example) -> bool | None:
    w = ex.workout
    return None if w is None else w.get("exercise_name") is None


PHENOMENA: list[Phenomenon] = [
    Phenomenon(
        "numbers_as_words",
        'user text has a number spoken as a word ("two twenty five"; word list, not "one")',
        "records with a user text",
        _numbers_as_words,
    ),
    Phenomenon("kg", "weight is in kg", "workout answers with a weight", _kg_share),
    Phenomenon(
        "speech_to_text_slips",
        'user text has a known speech-to-text slip ("raps", "are pee e", "dead lift"; word list)',
        "records with a user text",
        _speech_slips,
    ),
    Phenomenon(
        "no_exercise",
        "the answer names no exercise",
        "workout answers",
        _no_exercise,
    ),
    Phenomenon(
        "context_suffix",
        'system prompt ends in "\\n\\nContext: {json}" (a follow-up with the previous set)',
        "records",
        _context_suffix,
    ),
]


def register_phenomenon(phenomenon: Phenomenon) -> Phenomenon:
    """Add a phenomenon to every later `compute_stats` run; names are unique."""
    if any(p.name == phenomenon.name for p in PHENOMENA):
        raise ValueError(f"phenomenon {phenomenon.name!r} is already registered")
    PHENOMENA.append(phenomenon)
    return phenomenon


@dataclass(slots=True)
class Proportion:
    name: str
    description: str
    applies_to: str
    count: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "applies_to": self.applies_to,
            "count": self.count,
            "total": self.total,
            "share": self.share,
        }


# ---------------------------------------------------------------- collectors


@dataclass(frozen=True, slots=True)
class Problem:
    """A line that is not a chat record."""

    line: int
    code: str
    message: str


class TokenCounter:
    """Per-example token counts with one encoding; system prompts are memoised because a
    dataset repeats a handful of them."""

    def __init__(self, encoding_name: str) -> None:
        self.encoding_name = encoding_name
        self._enc = get_encoding(encoding_name)
        self._system: dict[str, int] = {}
        self.total = array("q")
        self.assistant = array("q")
        self.prompt = array("q")

    def _message(self, msg: dict[str, Any]) -> int:
        content = msg.get("content")
        if msg.get("role") == "system" and isinstance(content, str) and len(msg) == 2:
            n = self._system.get(content)
            if n is None:
                n = count_message(msg, self._enc)
                if len(self._system) < _PROMPT_CACHE_SIZE:
                    self._system[content] = n
            return n
        return count_message(msg, self._enc)

    def add(self, messages: list[dict[str, Any]]) -> int:
        prompt = total = TOKENS_PER_REPLY
        for msg in messages:
            n = self._message(msg)
            total += n
            if msg.get("role") != "assistant":
                prompt += n
        self.total.append(total)
        self.prompt.append(prompt)
        self.assistant.append(count_assistant(messages, self._enc))
        return total


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _label(value: float) -> str:
    return f"{value:g}"


@dataclass
class NumericField:
    """Range and histogram of one numeric answer field."""

    count: int = 0
    non_numeric: int = 0
    min: float | None = None
    max: float | None = None
    sum: float = 0.0
    histogram: Counter[str] = field(default_factory=Counter)

    def add(self, value: Any, bin_width: float | None = None) -> None:
        if value is None:
            return
        x = _num(value)
        if x is None or not math.isfinite(x):
            self.non_numeric += 1
            return
        self.count += 1
        self.sum += x
        self.min = x if self.min is None else min(self.min, x)
        self.max = x if self.max is None else max(self.max, x)
        if bin_width:
            lo = math.floor(x / bin_width) * bin_width
            self.histogram[f"{_label(lo)}-{_label(lo + bin_width)}"] += 1
        else:
            self.histogram[_label(x)] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "non_numeric": self.non_numeric,
            "min": self.min,
            "max": self.max,
            "mean": self.sum / self.count if self.count else None,
            "histogram": dict(sorted(self.histogram.items(), key=lambda kv: _bin_key(kv[0]))),
        }


_LEADING_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def _bin_key(label: str) -> float:
    """Sort key of a histogram label ("8", "9.5", "-25-0", "225-250"): its first number."""
    match = _LEADING_NUMBER.match(label)
    return float(match.group()) if match else math.inf


@dataclass
class AnswerStats:
    """Distributions of the assistant JSON of workout records."""

    #: "workout": an object with schema fields; "other_object": an object without any;
    #: "not_object": JSON but not an object; "not_json"; "not_text": assistant content is not a
    #: string; "no_assistant".
    states: Counter[str] = field(default_factory=Counter)
    schema_invalid: int = 0
    # answers that log nothing (no exercise, no values): questions, commands, noise
    not_a_set: int = 0
    schema_invalid_lines: list[int] = field(default_factory=list)
    exercises: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)
    exercise_names: Counter[str] = field(default_factory=Counter)
    exercise_ids: Counter[str] = field(default_factory=Counter)
    weight_units: Counter[str] = field(default_factory=Counter)
    nulls: Counter[str] = field(default_factory=Counter)
    unknown_fields: Counter[str] = field(default_factory=Counter)
    weight: dict[str, NumericField] = field(default_factory=dict)
    weight_all: NumericField = field(default_factory=NumericField)
    reps: NumericField = field(default_factory=NumericField)
    rpe: NumericField = field(default_factory=NumericField)
    rir: NumericField = field(default_factory=NumericField)

    def add(self, ex: Example) -> None:
        self.states[ex.answer_state] += 1
        w = ex.workout
        if w is None:
            return
        try:
            WorkoutSet.model_validate(w)
        except ValidationError:
            self.schema_invalid += 1
            if len(self.schema_invalid_lines) < MAX_PROBLEMS:
                self.schema_invalid_lines.append(ex.line)
        if is_not_a_set(w):
            self.not_a_set += 1
        for name in FIELD_ORDER:
            if w.get(name) is None:
                self.nulls[name] += 1
        for key in w:
            if key not in FIELD_ORDER:
                self.unknown_fields[str(key)] += 1
        name, ex_id = w.get("exercise_name"), w.get("exercise_id")
        name = None if name is None else str(name)
        ex_id = None if ex_id is None else str(ex_id)
        self.exercises[(name, ex_id)] += 1
        if name is not None:
            self.exercise_names[name] += 1
        if ex_id is not None:
            self.exercise_ids[ex_id] += 1
        unit = w.get("weight_unit")
        self.weight_units["(none)" if unit is None else str(unit)] += 1
        if w.get("weight") is not None:
            unit_key = str(unit) if unit is not None else "(no unit)"
            hist = self.weight.setdefault(unit_key, NumericField())
            hist.add(w["weight"], WEIGHT_BINS.get(unit_key, _DEFAULT_BIN))
            self.weight_all.add(w["weight"])
        self.reps.add(w.get("reps"))
        self.rpe.add(w.get("rpe"))
        self.rir.add(w.get("rir"))

    @property
    def workouts(self) -> int:
        return self.states["workout"]

    def to_dict(self) -> dict[str, Any]:
        n = self.workouts
        weight_all = self.weight_all.to_dict()
        weight_all.pop("histogram")
        return {
            "states": dict(self.states.most_common()),
            "workout_records": n,
            "not_a_set": self.not_a_set,
            "schema_invalid": self.schema_invalid,
            "schema_invalid_lines": self.schema_invalid_lines,
            "top_exercises": [
                {"exercise_name": name, "exercise_id": ex_id, "count": c}
                for (name, ex_id), c in self.exercises.most_common(TOP_EXERCISES)
            ],
            "distinct_exercise_names": len(self.exercise_names),
            "distinct_exercise_ids": len(self.exercise_ids),
            "weight_units": dict(self.weight_units.most_common()),
            "weight": {
                **weight_all,
                "by_unit": {u: f.to_dict() for u, f in sorted(self.weight.items())},
            },
            "reps": self.reps.to_dict(),
            "rpe": self.rpe.to_dict(),
            "rir": self.rir.to_dict(),
            "null_rate": {k: (self.nulls[k] / n if n else None) for k in FIELD_ORDER},
            "sets_present_rate": (n - self.nulls["sets"]) / n if n else None,
            "unknown_fields": dict(self.unknown_fields.most_common()),
        }


@dataclass
class DuplicateStats:
    """Exact and near-duplicate user texts (see `repvoice.data.dedupe`)."""

    index: DuplicateIndex = field(default_factory=DuplicateIndex)
    checked: int = 0
    exact: int = 0
    near: int = 0
    examples: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"exact": [], "near": []}
    )

    def add(self, ex: Example) -> None:
        if not ex.user.strip():
            return
        self.checked += 1
        dup = self.index.add(ex.line, ex.user)
        if dup is None:
            return
        if dup.kind == "exact":
            self.exact += 1
        else:
            self.near += 1
        shown = self.examples[dup.kind]
        if len(shown) < DUPLICATE_EXAMPLES:
            shown.append({"line": dup.line, "first_line": dup.first_line, "text": ex.user})

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_texts": self.checked,
            "exact": self.exact,
            "near": self.near,
            "distinct": self.checked - self.exact - self.near,
            "examples": self.examples,
        }


@dataclass
class PromptStats:
    """Distinct system prompts (Context suffix removed) and Context-suffix counts."""

    variants: Counter[str] = field(default_factory=Counter)
    overflow: int = 0
    no_system: int = 0
    context_json: int = 0
    context_unparsed: int = 0

    def add(self, ex: Example) -> None:
        if ex.system_base is None:
            self.no_system += 1
        elif ex.system_base in self.variants or len(self.variants) < MAX_PROMPT_VARIANTS:
            self.variants[ex.system_base] += 1
        else:
            self.overflow += 1
        if ex.context_state == "json":
            self.context_json += 1
        elif ex.context_state == "unparsed":
            self.context_unparsed += 1


# ---------------------------------------------------------------- the report


@dataclass
class DatasetStats:
    """Everything `repvoice data stats` reports about one file."""

    file: str
    model: str
    encoding: str
    lines: int = 0
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_counts: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    messages: Distribution = field(default_factory=lambda: Distribution(0))
    tokens_total: Distribution = field(default_factory=lambda: Distribution(0))
    tokens_assistant: Distribution = field(default_factory=lambda: Distribution(0))
    tokens_prompt: Distribution = field(default_factory=lambda: Distribution(0))
    token_limit: int | None = None
    over_token_limit: int = 0
    missing_roles: Counter[str] = field(default_factory=Counter)
    prompts: PromptStats = field(default_factory=PromptStats)
    answers: AnswerStats = field(default_factory=AnswerStats)
    duplicates: DuplicateStats = field(default_factory=DuplicateStats)
    proportions: list[Proportion] = field(default_factory=list)

    @property
    def unreadable(self) -> int:
        return sum(self.problem_counts.values())

    def to_dict(self) -> dict[str, Any]:
        n = self.records
        return {
            "schema": SCHEMA_VERSION,
            "file": self.file,
            "model": self.model,
            "encoding": self.encoding,
            "lines": self.lines,
            "records": n,
            "unreadable": self.unreadable,
            "problem_counts": dict(self.problem_counts.most_common()),
            "problems": [asdict(p) for p in self.problems],
            "notes": dict(self.notes.most_common()),
            "quantile_method": QUANTILE_METHOD,
            "messages": self.messages.to_dict(),
            "tokens_total": self.tokens_total.to_dict(),
            "tokens_assistant": self.tokens_assistant.to_dict(),
            "tokens_prompt": self.tokens_prompt.to_dict(),
            "token_limit": self.token_limit,
            "over_token_limit": self.over_token_limit,
            "roles": {
                f"missing_{role}": self.missing_roles[role]
                for role in ("system", "user", "assistant")
            },
            "system_prompts": {
                # a lower bound once MAX_PROMPT_VARIANTS texts are kept
                "distinct": len(self.prompts.variants),
                "distinct_is_lower_bound": bool(self.prompts.overflow),
                "variants": [
                    {"text": text, "count": c, "share": c / n if n else None}
                    for text, c in self.prompts.variants.most_common()
                ],
                "other_variants_records": self.prompts.overflow,
                "no_system": self.prompts.no_system,
            },
            "context_suffix": {
                "records": self.prompts.context_json,
                "share": self.prompts.context_json / n if n else None,
                "unparsed": self.prompts.context_unparsed,
            },
            "answers": self.answers.to_dict(),
            "duplicates": self.duplicates.to_dict(),
            "proportions": [p.to_dict() for p in self.proportions],
        }


# ---------------------------------------------------------------- the pass


def _chat_messages(data: Any) -> tuple[list[dict[str, Any]] | None, str, str]:
    """(messages, code, message): the messages of a chat record, or why there are none."""
    if not isinstance(data, dict):
        return None, "not_object", f"a record must be a JSON object, not {type(data).__name__}"
    messages = data.get("messages")
    if not isinstance(messages, list) or not messages:
        return None, "no_messages", "record has no non-empty messages list"
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            return None, "bad_message", f"messages[{i}] is not an object"
    return messages, "", ""


class ChatRecords:
    """Iterate (line, messages) over every chat record of a file; every other line goes to
    `on_problem`. Raises `DataError` at once for a file that cannot be read at all."""

    def __init__(
        self,
        path: str | Path,
        on_problem: Callable[[Problem], None],
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self._reader = JsonlReader(Path(path))
        self._on_problem = on_problem
        self._on_progress = on_progress

    @property
    def notes(self) -> Counter[str]:
        """File-level observations (BOM, CRLF, blank lines) by code, once iterated."""
        return Counter(n.code for n in self._reader.notes)

    def __iter__(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        progress = self._on_progress
        for i, line in enumerate(self._reader):
            if progress is not None and i % 2048 == 0:
                progress(self._reader.bytes_read)
            if not line.ok:
                self._on_problem(Problem(line.number, line.code or "bad_line", line.error or ""))
                continue
            messages, code, message = _chat_messages(line.data)
            if messages is None:
                self._on_problem(Problem(line.number, code, message))
                continue
            yield line.number, messages
        if progress is not None:
            progress(self._reader.bytes_read)


def compute_stats(
    path: str | Path,
    model: str = DEFAULT_MODEL,
    *,
    phenomena: Sequence[Phenomenon] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> DatasetStats:
    """Read `path` once and compute every statistic. `on_progress(bytes_read)` is called now
    and then. Raises `DataError` for a missing, empty or unreadable file."""
    try:
        known = model_limit(model)
        encoding, limit = known.encoding, known.tokens_per_example
    except UnknownModelError:
        # other providers' models: o200k_base approximates their tokenizers; limit unknown
        encoding, limit = encoding_name_for(model), None
    stats = DatasetStats(display_name(path), model, encoding, token_limit=limit)
    tokens = TokenCounter(encoding)
    n_messages: Counter[int] = Counter()
    chosen = list(PHENOMENA if phenomena is None else phenomena)
    props = [Proportion(p.name, p.description, p.applies_to) for p in chosen]
    tests = [p.test for p in chosen]

    def problem(p: Problem) -> None:
        stats.problem_counts[p.code] += 1
        if len(stats.problems) < MAX_PROBLEMS:
            stats.problems.append(p)

    records = ChatRecords(path, problem, on_progress)
    for number, messages in records:
        stats.records += 1
        n_messages[len(messages)] += 1
        total = tokens.add(messages)
        if stats.token_limit is not None and total > stats.token_limit:
            stats.over_token_limit += 1
        roles = {r for m in messages if isinstance(r := m.get("role"), str)}
        for role in ("system", "user", "assistant"):
            if role not in roles and not (role == "system" and "developer" in roles):
                stats.missing_roles[role] += 1
        ex = _example(number, messages)
        stats.prompts.add(ex)
        stats.answers.add(ex)
        stats.duplicates.add(ex)
        for prop, test in zip(props, tests, strict=True):
            verdict = test(ex)
            if verdict is not None:
                prop.total += 1
                prop.count += bool(verdict)

    stats.notes = records.notes
    stats.lines = stats.records + stats.unreadable
    stats.messages = Distribution.of(list(n_messages.elements()))
    stats.tokens_total = Distribution.of(tokens.total)
    stats.tokens_assistant = Distribution.of(tokens.assistant)
    stats.tokens_prompt = Distribution.of(tokens.prompt)
    stats.proportions = props
    return stats


@dataclass
class TokenScan:
    """Per-example token counts of a file, for pricing."""

    file: str
    encoding: str
    total: array[int]
    prompt: array[int]
    assistant: array[int]
    problems: list[Problem]
    problem_counts: Counter[str]

    @property
    def examples(self) -> int:
        return len(self.total)


def scan_tokens(
    path: str | Path,
    encoding: str = "o200k_base",
    *,
    on_progress: Callable[[int], None] | None = None,
) -> TokenScan:
    """Only the token counts of every chat record (a lighter pass than `compute_stats`)."""
    tokens = TokenCounter(encoding)
    problems: list[Problem] = []
    counts: Counter[str] = Counter()

    def problem(p: Problem) -> None:
        counts[p.code] += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(p)

    for _, messages in ChatRecords(path, problem, on_progress):
        tokens.add(messages)
    return TokenScan(
        str(path), encoding, tokens.total, tokens.prompt, tokens.assistant, problems, counts
    )
