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
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

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


#: Inputs smaller than this are done too fast to be worth a progress bar.
PROGRESS_MIN_BYTES = 4 * 1024 * 1024


class ByteBar:
    """A running byte-progress bar: `advance` by a count, or `to` an absolute position."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar, self._task = bar, task

    def advance(self, n: int) -> None:
        self._bar.advance(self._task, n)

    def to(self, done: int, total: int | None = None, **fields: Any) -> None:
        self._bar.update(self._task, completed=done, total=total, **fields)


@contextmanager
def byte_progress(label: str, total: int, *, records: bool = False) -> Iterator[ByteBar | None]:
    """A transient progress bar on stderr over `total` bytes; None (no bar) for small inputs
    or when stderr is not a terminal, so `--json` output and logs stay clean."""
    if total < PROGRESS_MIN_BYTES or not err_console.is_terminal:
        yield None
        return
    columns = [TextColumn(label), BarColumn(), DownloadColumn()]
    if records:
        columns.append(TextColumn("{task.fields[records]:,} records"))
    with Progress(*columns, TimeRemainingColumn(), console=err_console, transient=True) as bar:
        yield ByteBar(bar, bar.add_task(label, total=total, records=0))


def file_size(path: Path) -> int:
    """Size of a regular file in bytes; 0 for stdin (`-`) and anything else (the command reports
    that itself)."""
    try:
        return path.stat().st_size if str(path) != "-" and path.is_file() else 0
    except OSError:
        return 0


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
