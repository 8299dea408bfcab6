"""What a training-data format is: how one OpenAI chat record becomes one target record and back.

The OpenAI chat record (`{"messages": [...], "tools": [...]}`) is the hub every conversion goes
through. A format module defines one `Format` subclass and registers it; see `registry`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar, Literal, Protocol

from repvoice.data.jsonl import JsonlReader, Line, dumps

Record = dict[str, Any]
Kind = Literal["jsonl", "dataset"]


@dataclass(frozen=True, slots=True)
class Loss:
    """Something the target cannot carry; `field` is a path in the OpenAI record."""

    field: str
    message: str


@dataclass(slots=True)
class Converted:
    """A converted record and what was lost on the way (empty when nothing was)."""

    record: Record
    losses: list[Loss] = field(default_factory=list)


class FormatError(ValueError):
    """A record that is not valid in its format; `field` is the path of the offending value."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Limits:
    """A target's documented limits; None where the provider documents none."""

    tokens_per_example: int | None = None
    min_examples: int | None = None
    max_examples: int | None = None
    max_file_bytes: int | None = None
    max_validation_examples: int | None = None

    def to_dict(self) -> dict[str, int]:
        """The documented limits only."""
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}


class RecordWriter(Protocol):
    """Where converted records go. `close` finishes the output; `abort` leaves nothing behind."""

    def write(self, record: Record) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


class JsonlWriter:
    """Writes one compact JSON object per line (UTF-8, LF)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] = path.open("w", encoding="utf-8", newline="\n")

    def write(self, record: Record) -> None:
        self._fh.write(dumps(record))
        self._fh.write("\n")

    def close(self) -> None:
        self._fh.close()

    def abort(self) -> None:
        self._fh.close()
        self.path.unlink(missing_ok=True)


class Format(ABC):
    """One training-data format. Subclasses set the class attributes and the two conversions."""

    name: ClassVar[str]
    title: ClassVar[str]
    kind: ClassVar[Kind] = "jsonl"
    #: Whether `from_record` exists, so files in this format can be read back (`--from`).
    readable: ClassVar[bool] = True
    #: Why a format cannot be read back, when it cannot.
    unreadable_reason: ClassVar[str] = ""
    #: Whether this format is alive: False for providers that stopped fine-tuning.
    available: ClassVar[bool] = True
    limits: ClassVar[Limits] = Limits()
    #: Documentation this format follows.
    source: ClassVar[str] = ""

    @abstractmethod
    def to_record(self, record: Record) -> Converted:
        """Convert one valid OpenAI chat record; report anything the target cannot carry.

        Raises `FormatError` when the record cannot be expressed in the target at all.
        """

    def from_record(self, data: Any) -> Record:
        """Convert one record of this format back to an OpenAI chat record.

        Raises `FormatError` naming the field when `data` is not a valid record of this format.
        """
        return self.parse(data).record

    def parse(self, data: Any) -> Converted:
        """Like `from_record`, also listing what OpenAI records cannot carry (paths in `data`)."""
        if type(self).from_record is Format.from_record:
            raise NotImplementedError(f"{self.name} files cannot be read back")
        return Converted(self.from_record(data))

    def check(self, data: Any) -> list[FormatError]:
        """Every structural problem of one record of this format (empty when it is valid)."""
        try:
            self.from_record(data)
        except FormatError as exc:
            return [exc]
        return []

    def read(self, path: Path) -> Iterator[Line]:
        """Every record of a file in this format, as `Line`s (JSONL by default)."""
        return iter(JsonlReader(path))

    def open_writer(self, path: Path) -> RecordWriter:
        """A writer that puts converted records at `path` (a file, or a folder for datasets)."""
        return JsonlWriter(path)

    def verified(self, original: Record, out: Record, losses: list[Loss]) -> Converted:
        """`Converted(out, losses)`, after proving that a loss-free result reads back exactly.

        A readable format's output is read back; if nothing was reported lost but the record
        does not come back equal to `original`, the difference is reported as a loss, so "no
        losses" always means "the round trip restores the record".
        """
        if not self.readable or losses:
            return Converted(out, losses)
        from repvoice.data.formats.openai import normalise

        try:
            back = self.from_record(out)
        except FormatError as exc:
            raise FormatError(
                exc.field, f"cannot be written as valid {self.title}: {exc.message}"
            ) from None
        for path, message in diff(normalise(original), back):
            losses.append(Loss(path, message))
        return Converted(out, losses)


def diff(a: Any, b: Any, path: str = "", limit: int = 3) -> list[tuple[str, str]]:
    """Where `b` differs from `a`, as (path, explanation); at most `limit` entries."""
    out: list[tuple[str, str]] = []
    _diff(a, b, path, out, limit)
    return out


def _diff(a: Any, b: Any, path: str, out: list[tuple[str, str]], limit: int) -> None:
    if len(out) >= limit:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            at = f"{path}.{k}" if path else k
            if k not in b:
                out.append((at, "is not carried by the target"))
            else:
                _diff(a[k], b[k], at, out, limit)
        for k in b:
            if k not in a:
                out.append((f"{path}.{k}" if path else k, "would be added on the way back"))
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append((path, f"has {len(a)} items but reads back with {len(b)}"))
            return
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, f"{path}[{i}]", out, limit)
    elif a != b or type(a) is not type(b):
        out.append((path, f"reads back as {_short(b)} instead of {_short(a)}"))


def _short(value: Any) -> str:
    text = dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."
