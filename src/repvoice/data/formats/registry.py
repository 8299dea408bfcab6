"""The format registry: discovers every module in this package and any installed plugin."""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points
from typing import TypeVar

from repvoice.data.formats.base import Format

_FORMATS: dict[str, Format] = {}
_loaded = False
F = TypeVar("F", bound=type[Format])


def register(cls: F) -> F:
    """Class decorator: make a format available by its `name`."""
    _FORMATS[cls.name] = cls()
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import repvoice.data.formats as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in {"base", "registry"} and not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    for ep in entry_points(group="repvoice.formats"):
        ep.load()


def all_formats() -> dict[str, Format]:
    """Every registered format by name, in name order."""
    _load()
    return dict(sorted(_FORMATS.items()))


def get_format(name: str) -> Format:
    """The format called `name`; `KeyError` with the known names if there is none."""
    formats = all_formats()
    try:
        return formats[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(formats)}") from None
