"""Problems found in a data file: where (file, line, field path), what, and how bad."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem. `line` is 1-based, or None for the whole file; `field` is a path like
    `messages[2].content`."""

    code: str
    message: str
    file: str
    line: int | None = None
    field: str | None = None
    severity: Severity = "error"

    def location(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} {self.field}" if self.field else where

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class DataError(Exception):
    """A file that cannot be read at all (missing, a directory, empty...)."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue
