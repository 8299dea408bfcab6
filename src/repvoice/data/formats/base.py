"""What a training-data format is: how one OpenAI chat record becomes one target record and back.

The OpenAI chat record (`{"messages": [...], "tools": [...]}`) is the hub every conversion goes
through. A format module defines one `Format` subclass and registers it; see `registry`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

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


class Format(ABC):
    """One training-data format. Subclasses set the class attributes and the two conversions."""

    name: ClassVar[str]
    title: ClassVar[str]
    kind: ClassVar[Kind] = "jsonl"
    #: Whether `from_record` exists, so files in this format can be read back (`--from`).
    readable: ClassVar[bool] = True
    #: Whether this format is alive: False for providers that stopped fine-tuning.
    available: ClassVar[bool] = True
    limits: ClassVar[Limits] = Limits()
    #: Documentation this format follows.
    source: ClassVar[str] = ""

    @abstractmethod
    def to_record(self, record: Record) -> Converted:
        """Convert one valid OpenAI chat record; report anything the target cannot carry."""

    def from_record(self, data: Any) -> Record:
        """Convert one record of this format back to an OpenAI chat record.

        Raises `FormatError` naming the field when `data` is not a valid record of this format.
        """
        raise NotImplementedError(f"{self.name} files cannot be read back")

    def check(self, data: Any) -> list[FormatError]:
        """Every structural problem of one record of this format (empty when it is valid)."""
        try:
            self.from_record(data)
        except FormatError as exc:
            return [exc]
        return []
