"""Merge chat JSONL datasets into one, keeping where every record came from.

Records are copied in input order with their values unchanged (re-serialised compactly). A
sidecar `<out stem>.provenance.jsonl` has one line per output record: source file, line, task tag
and the sha256 of the written line. Every dropped line is reported with its reason: invalid,
an exact duplicate of an earlier record, or (with near dedupe) a near duplicate of an earlier
record's user text within the same task.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from repvoice.data.dedupe import group_key, user_text
from repvoice.data.issues import Issue
from repvoice.data.jsonl import JsonlReader, check_readable, dumps, loads
from repvoice.data.outputs import install, refuse_overwrite, signals_deferred, temp_path

#: Task tag of workout-set parsing records.
WORKOUT_TASK = "workout_parsing"
#: How records without a task tag are counted in reports.
UNTAGGED = "(untagged)"

_PARSER_PROMPT = re.compile(r"\bpars(e|er|es|ing)\b", re.IGNORECASE)
_WORKOUT_PROMPT = re.compile(r"\b(workout|voice command|voice transcript)s?\b", re.IGNORECASE)

Progress = Callable[[int], None]


class Dedupe(StrEnum):
    """What counts as a duplicate to drop."""

    exact = "exact"  # the whole record is identical to an earlier one
    near = "near"  # also: same task and user text equal after `near_key`


def is_workout_parsing(record: Any) -> bool:
    """True when a system prompt asks to parse workout/voice commands, or an assistant turn is
    a JSON object with exercise_name."""
    if not isinstance(record, dict):
        return False
    for msg in record.get("messages") or []:
        if not isinstance(msg, dict):
            continue
        content = msg.get("content")
        if not isinstance(content, str):
            continue
        role = msg.get("role")
        if role in ("system", "developer") and (
            _PARSER_PROMPT.search(content) and _WORKOUT_PROMPT.search(content)
        ):
            return True
        if role == "assistant" and "exercise_name" in content:
            try:
                answer = loads(content)
            except (ValueError, RecursionError):  # bad JSON, NaN, or a number too long
                continue
            if isinstance(answer, dict) and "exercise_name" in answer:
                return True
    return False


@dataclass(frozen=True, slots=True)
class Source:
    """One input file and the task tag its non-workout records get."""

    path: Path
    task: str | None = None

    @property
    def name(self) -> str:
        return str(self.path)


@dataclass(frozen=True, slots=True)
class Dropped:
    """A line left out of the output; `repeats` is "file:line" of the record it duplicates."""

    file: str
    line: int
    reason: str
    message: str
    repeats: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}: {self.message}"


@dataclass
class SourceStats:
    """Per input: lines read, records kept (by task tag), lines dropped by reason. `task` is the
    tag its records get unless recognised as workout parsing."""

    file: str
    task: str | None
    read: int = 0
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    tasks: Counter[str | None] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "task": self.task,
            "read": self.read,
            "kept": self.kept,
            "dropped": dict(sorted(self.dropped.items())),
            "kept_by_task": _task_counts(self.tasks),
        }


@dataclass
class MergeReport:
    """What a merge did. When `written` is False the output was not (re)written."""

    output: str
    provenance: str
    dedupe: Dedupe | None
    sources: list[SourceStats]
    tasks: Counter[str | None] = field(default_factory=Counter)
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    written: bool = False

    @property
    def kept(self) -> int:
        return sum(s.kept for s in self.sources)

    @property
    def invalid(self) -> list[Dropped]:
        return [d for d in self.dropped if d.reason == "invalid"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "provenance": self.provenance,
            "written": self.written,
            "dedupe": self.dedupe.value if self.dedupe else None,
            "kept": self.kept,
            "sources": [s.to_dict() for s in self.sources],
            "tasks": _task_counts(self.tasks),
            "dropped": [d.to_dict() for d in self.dropped],
            "notes": [n.to_dict() for n in self.notes],
        }


def _task_counts(tasks: Counter[str | None]) -> dict[str, int]:
    return {UNTAGGED if t is None else t: n for t, n in tasks.most_common()}


def provenance_path(out: str | Path) -> Path:
    """The sidecar of `out`: merged.jsonl -> merged.provenance.jsonl."""
    out = Path(out)
    stem = out.stem if out.suffix == ".jsonl" else out.name
    return out.with_name(f"{stem}.provenance.jsonl")


def sources_for(
    paths: Sequence[str | Path], tasks: Sequence[str] | None = None, *, tag_task: bool = False
) -> list[Source]:
    """Pair inputs with task tags: `tasks[i]` for input i ("" or "-" keeps the default), the
    default being the file stem when tagging and no tag otherwise."""
    if tasks and len(tasks) != len(paths):
        raise ValueError(
            f"--task was given {len(tasks)} time(s) for {len(paths)} input(s); give one per "
            "input, in the same order ('-' keeps the default)"
        )
    out = []
    for i, p in enumerate(paths):
        p = Path(p)
        given = tasks[i].strip() if tasks else ""
        if given and given != "-":
            task: str | None = given
        else:
            task = p.name.removesuffix(".jsonl").removesuffix(".json") if tag_task else None
        out.append(Source(p, task))
    return out


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def merge_files(
    sources: Sequence[Source],
    out: str | Path,
    *,
    dedupe: Dedupe | None = None,
    tag_task: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> MergeReport:
    """Merge `sources` into `out` and its provenance sidecar.

    The output is written only if no line is invalid or `skip_invalid` is set; either way the
    report lists every dropped line. Raises `DataError` for an input that cannot be read or an
    output that would overwrite an input.
    """
    out = Path(out)
    side = provenance_path(out)
    for src in sources:
        check_readable(src.path)
    refuse_overwrite([s.path for s in sources], [out, side])
    report = MergeReport(
        str(out), str(side), dedupe, [SourceStats(s.name, s.task) for s in sources]
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    # Digest of a record (or of task + near key) -> "file:line" of the first kept copy.
    exact_seen: dict[bytes, str] = {}
    near_seen: dict[bytes, str] = {}
    with (
        temp_path(out) as out_tmp,
        temp_path(side) as side_tmp,
        _text_file(out_tmp) as tmp_out,
        _text_file(side_tmp) as tmp_side,
    ):
        for src, stats in zip(sources, report.sources, strict=True):
            reader = JsonlReader(src.path)
            for line in reader:
                if progress:
                    progress(line.size)
                stats.read += 1
                drop = _check(src, line.number, line.data, line.error, line.code)
                task: str | None = src.task
                if drop is None:
                    record = line.data
                    if tag_task and is_workout_parsing(record):
                        task = WORKOUT_TASK
                    body = dumps(record)
                    if dedupe is not None:
                        keys = _Keys.of(record, task, dedupe)
                        drop = _duplicate(src.name, line.number, keys, task, exact_seen, near_seen)
                if drop is not None:
                    stats.dropped[drop.reason] += 1
                    report.dropped.append(drop)
                    continue
                if dedupe is not None:
                    here = f"{src.name}:{line.number}"
                    exact_seen.setdefault(keys.exact, here)
                    if keys.near is not None:
                        near_seen.setdefault(keys.near, here)
                tmp_out.write(body + "\n")
                tmp_side.write(
                    dumps(
                        {
                            "source": src.name,
                            "line": line.number,
                            "task": task,
                            "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
                        }
                    )
                    + "\n"
                )
                stats.kept += 1
                stats.tasks[task] += 1
                report.tasks[task] += 1
            report.notes.extend(reader.notes)
        tmp_out.close()
        tmp_side.close()
        if skip_invalid or not report.invalid:
            with signals_deferred():
                install(out_tmp, out)
                install(side_tmp, side)
            report.written = True
    return report


def _text_file(path: Path) -> TextIO:
    return path.open("w", encoding="utf-8", newline="\n")


def _near(task: str | None, text: str) -> bytes:
    return _digest(f"{task or ''}\x00") + group_key(text)


def _check(
    src: Source, number: int, data: Any, error: str | None, code: str | None
) -> Dropped | None:
    if error is not None:
        return Dropped(src.name, number, "invalid", f"{error} [{code}]")
    if not isinstance(data, dict):
        return Dropped(
            src.name,
            number,
            "invalid",
            f"expected a JSON object, got {type(data).__name__} [not_object]",
        )
    return None


@dataclass(frozen=True, slots=True)
class _Keys:
    exact: bytes
    near: bytes | None

    @classmethod
    def of(cls, record: dict[str, Any], task: str | None, dedupe: Dedupe) -> _Keys:
        exact = _digest(json.dumps(record, sort_keys=True, ensure_ascii=False))
        if dedupe is not Dedupe.near:
            return cls(exact, None)
        text = user_text(record)
        # Records without user text have nothing to be a near duplicate of.
        return cls(exact, _near(task, text) if text.strip() else None)


def _duplicate(
    file: str,
    number: int,
    keys: _Keys,
    task: str | None,
    exact_seen: dict[bytes, str],
    near_seen: dict[bytes, str],
) -> Dropped | None:
    """Why a valid record is a duplicate of an earlier kept one, if it is."""
    first = exact_seen.get(keys.exact)
    if first is not None:
        return Dropped(file, number, "exact_duplicate", f"same record as {first}", repeats=first)
    first = near_seen.get(keys.near) if keys.near is not None else None
    if first is not None:
        scope = f" (task {task})" if task else ""
        return Dropped(
            file,
            number,
            "near_duplicate",
            f"user text matches {first}{scope} ignoring case, punctuation and fillers",
            repeats=first,
        )
    return None
