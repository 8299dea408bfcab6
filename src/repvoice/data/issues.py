"""Problems found in a data file: where (file, line, field path), what, and how bad."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
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


@dataclass
class IssueLog:
    """Collects issues; keeps every one, counts them by code and severity."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def counts(self) -> Counter[str]:
        return Counter(i.code for i in self.issues)

    def __bool__(self) -> bool:
        return bool(self.issues)
