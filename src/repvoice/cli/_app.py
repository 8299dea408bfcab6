"""The Typer apps and the helpers every command shares."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from repvoice import __version__
from repvoice.data.issues import DataError

app = typer.Typer(
    name="repvoice",
    help="Voice workout-set parsing you own: training data, a local parser, evaluation, a service.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(
    help="Validate, inspect, convert, split, merge and price chat fine-tuning JSONL.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(data_app, name="data")

console = Console()
err_console = Console(stderr=True)

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")
]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error line on stderr and exit."""
    err_console.print(f"[bold red]error[/]: {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def print_json(obj: Any) -> None:
    """JSON on stdout, with no rich markup or wrapping."""
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn data errors into one clear line and exit code 2, never a traceback."""
    try:
        yield
    except DataError as exc:
        issue = exc.issue
        fail(f"{issue.location()}: {issue.message} [{issue.code}]")
    except KeyError as exc:
        fail(str(exc.args[0]) if exc.args else str(exc))
    except OSError as exc:
        fail(f"{exc.filename or ''}: {exc.strerror or exc}")


def file_or_default(file: Path | None) -> Path:
    """`file`, or the bundled default training file when none was given (said on stderr)."""
    if file is not None:
        return file
    from repvoice.data.bundled import default_train_path

    path = default_train_path()
    err_console.print(f"[dim]using the bundled default dataset: {escape(str(path))}[/]")
    return path


def _version(value: bool) -> None:
    if value:
        console.print(f"repvoice {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Voice workout-set parsing you own."""
