"""The `repvoice` command line: one module per command, all registered on one Typer app."""

from __future__ import annotations

import importlib
import pkgutil

from repvoice.cli._app import app


def _load_commands() -> None:
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_load_commands()


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
