"""Load and query the exercise catalogue (bundled JSON, or a user's JSON/CSV)."""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from repvoice.schema import ExerciseId


class Exercise(BaseModel):
    """One catalogue entry; `id` keeps the owner's type (a string or a whole number)."""

    id: ExerciseId
    name: str
    aliases: list[str] = Field(default_factory=list)
    equipment: str = "other"
    category: str = "strength"
    movement_pattern: str | None = None
    bodyweight: bool = False
    timed: bool = False


def bundled_catalog_path() -> Path:
    """Path of the catalogue shipped inside the package."""
    return Path(str(resources.files("repvoice.catalog").joinpath("exercises.json")))


def exercise_id_for(name: str) -> str:
    """The bundled catalogue's id scheme: uuid5(NAMESPACE_URL, 'exercise:' + lowercase name)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "exercise:" + name.lower()))


def normalise_alias(text: str) -> str:
    """Lowercase, hyphens to spaces, collapse whitespace: the form aliases are matched in."""
    return " ".join(text.lower().replace("-", " ").split())


@dataclass
class Catalog:
    """Exercises plus an alias index; ambiguous aliases resolve to their default."""

    exercises: list[Exercise]
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {e.id: e for e in self.exercises}
        self._by_name = {e.name.lower(): e for e in self.exercises}
        self._alias: dict[str, Exercise] = {}
        for e in self.exercises:
            for alias in [e.name, *e.aliases]:
                key = normalise_alias(alias)
                self._alias.setdefault(key, e)
        for alias, name in self.defaults.items():
            target = self._by_name.get(name.lower())
            if target is not None:
                self._alias[normalise_alias(alias)] = target

    def __len__(self) -> int:
        return len(self.exercises)

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises)

    def by_id(self, exercise_id: ExerciseId) -> Exercise | None:
        return self._by_id.get(exercise_id)

    def by_name(self, name: str) -> Exercise | None:
        return self._by_name.get(name.lower())

    def by_alias(self, alias: str) -> Exercise | None:
        return self._alias.get(normalise_alias(alias))

    def alternatives_for(self, alias: str) -> list[Exercise]:
        """Every exercise an ambiguous alias could mean, the default first; [] if unambiguous."""
        names = self.ambiguous.get(normalise_alias(alias), [])
        return [e for n in names if (e := self.by_name(n)) is not None]

    def aliases(self) -> dict[str, Exercise]:
        """Every normalised alias and the exercise it resolves to."""
        return dict(self._alias)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Catalog:
        """Load the bundled catalogue, or a JSON or CSV file (id, name, aliases)."""
        if path is None:
            return _bundled()
        path = Path(path)
        if path.suffix.lower() == ".csv":
            return cls(list(_read_csv(path)))
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, data: dict[str, Any] | list[Any]) -> Catalog:
        if isinstance(data, list):
            data = {"exercises": data}
        return cls(
            [Exercise.model_validate(e) for e in data.get("exercises", [])],
            ambiguous={normalise_alias(k): v for k, v in data.get("ambiguous_aliases", {}).items()},
            defaults=dict(data.get("default_for_ambiguous", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "exercises": [e.model_dump() for e in self.exercises],
            "ambiguous_aliases": self.ambiguous,
            "default_for_ambiguous": self.defaults,
        }

    def retyped(self, ids: Iterable[ExerciseId]) -> Catalog:
        """The catalogue with string ids that spell one of the whole-number `ids` made that
        number, so that a CSV catalogue ("17") answers in the type the owner's data uses (17)."""
        wanted = {str(i): i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
        if not wanted:
            return self
        exercises = [
            e.model_copy(update={"id": wanted[e.id]})
            if isinstance(e.id, str) and e.id in wanted and wanted[e.id] not in self._by_id
            else e
            for e in self.exercises
        ]
        return Catalog(exercises, dict(self.ambiguous), dict(self.defaults))

    def merged_with(self, extra: Iterable[Exercise]) -> Catalog:
        """A catalogue with `extra` entries added; an entry with a known id extends its aliases."""
        exercises = [e.model_copy(deep=True) for e in self.exercises]
        by_id = {e.id: e for e in exercises}
        for e in extra:
            if e.id in by_id:
                known = by_id[e.id]
                known.aliases.extend(a for a in e.aliases if a not in known.aliases)
            else:
                exercises.append(e)
                by_id[e.id] = e
        return Catalog(exercises, dict(self.ambiguous), dict(self.defaults))


@cache
def _bundled() -> Catalog:
    return Catalog.from_dict(json.loads(bundled_catalog_path().read_text(encoding="utf-8")))


def _read_csv(path: Path) -> Iterator[Exercise]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            aliases = [a.strip() for a in (row.get("aliases") or "").replace(";", "|").split("|")]
            yield Exercise(
                id=row["id"].strip(),
                name=row["name"].strip(),
                aliases=[a for a in aliases if a],
                equipment=(row.get("equipment") or "other").strip(),
                bodyweight=(row.get("bodyweight") or "").strip().lower() in {"1", "true", "yes"},
                timed=(row.get("timed") or "").strip().lower() in {"1", "true", "yes"},
            )
