"""`repvoice parse`: parse one transcript, or a file of them, with the local parser."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.markup import escape

from repvoice.cli._app import app, byte_progress, err_console, fail, file_size
from repvoice.cli._app import print_json as emit_json
from repvoice.data.issues import DataError
from repvoice.data.jsonl import LINE_SEPARATORS, STDIN, display_name, is_stdin, open_stdin
from repvoice.data.outputs import atomic_open, same_file

if TYPE_CHECKING:
    from repvoice.parser.model import Parser
    from repvoice.schema import Context

_SHOWN_ERRORS = 5


@app.command("parse")
def parse_command(
    text: Annotated[
        str | None,
        typer.Argument(help="The transcript to parse; - parses each line of stdin (as --input -)."),
    ] = None,
    context: Annotated[
        str | None,
        typer.Option(
            "--context",
            "-c",
            help="The previous set as a JSON object: exercise_name, exercise_id, weight, "
            "weight_unit, reps, rpe (or current_exercise_id, last_weight, last_reps).",
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option("--model", "-m", help="Model directory from `repvoice train`."),
    ] = None,
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="Parse every line of a file (- for stdin): plain text, JSONL {text, context} "
            "or chat JSONL.",
        ),
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            "--output", "-o", help="Where --input answers go, one JSON line each; - for stdout."
        ),
    ] = "-",
) -> None:
    """Parse a gym transcript into a workout-set JSON object with the local parser.

    Prints the schema fields that were found (nulls left out, whole numbers as integers, in the
    training data's field order), then `confidence`, `requires_confirmation` (confidence below
    0.85) and `alternatives` when an alias was ambiguous.

    With `--input FILE` (`-` or a TEXT of `-` for stdin), parses each line (plain text, JSONL
    `{"text", "context"}`, or chat JSONL whose system turn may end in `Context: {json}`) and
    writes one JSON line per input line, in order. A line that cannot be parsed (including one
    over 64 KB, which is not read) gets `confidence` 0, `requires_confirmation` true and an
    `error` naming the problem.

    Exit status: 0 parsed, 1 some input lines could not be parsed, 2 unusable input or model.

    Example: repvoice parse "bench press 225 for 8 at rpe 8" -c '{"weight": 215, "reps": 8}'
    """
    if text == STDIN and input_file is None:
        text, input_file = None, Path(STDIN)
    if input_file is not None:
        if text is not None or context is not None:
            fail("give either TEXT (with --context) or --input FILE, not both")
        _parse_file(_load(model), input_file, output)
        return
    if text is None:
        fail('give a transcript (repvoice parse "bench 225 for 8") or --input FILE')

    from repvoice.parser.batch import check_text, result_dict

    try:
        text = check_text(text)
    except ValueError as exc:
        fail(f"TEXT: {exc}")
    ctx = _context_option(context) if context is not None else None
    parser = _load(model)
    try:
        result = parser.parse(text, ctx)
    except Exception as exc:  # a parser fault must still end in one clear line
        fail(f"the parser failed on this text ({type(exc).__name__}: {exc})", 1)
    emit_json(result_dict(result))


def _load(model: Path | None) -> Parser:
    from repvoice.parser.model import ModelError, Parser

    try:
        return Parser.load(model)
    except ModelError as exc:
        if model is None:
            fail(
                f"no bundled model ({exc}); train one with `repvoice train -o DIR` "
                "and pass --model DIR"
            )
        fail(str(exc))


def _context_option(value: str) -> Context | None:
    from repvoice.parser.batch import parse_context

    try:
        data = json.loads(value)
    except json.JSONDecodeError as exc:
        fail(f"--context: not valid JSON ({exc.msg} at column {exc.colno})")
    try:
        return parse_context(data)
    except ValueError as exc:
        fail(f"--context: {exc}")


def _parse_file(parser: Parser, path: Path, output: str) -> None:
    from repvoice.parser.batch import error_result, iter_requests, result_dict

    name = display_name(path)
    if is_stdin(path):
        try:
            open_stdin()
        except DataError as exc:
            fail(f"{name}: {exc.issue.message}")
    elif not path.is_file():
        fail(f"{path}: {'is a directory' if path.is_dir() else 'no such file'}")
    if output != "-" and same_file(output, path):
        fail(f"{output}: the output would overwrite the input")
    lines = parsed = errors = confirm = 0
    shown: list[str] = []
    started = time.perf_counter()
    with _open_output(output) as out, byte_progress("parsing", file_size(path)) as bar:
        for item in iter_requests(path):
            lines += 1
            if item.text is None:
                result = error_result(item.error or "no text")
            else:
                try:
                    result = parser.parse(item.text, item.context)
                except Exception as exc:  # one bad line must not cost the other answers
                    result = error_result(f"parser failed: {type(exc).__name__}: {exc}")
            if result.error is None:
                parsed += 1
                confirm += result.requires_confirmation
            else:
                errors += 1
                if len(shown) < _SHOWN_ERRORS:
                    shown.append(f"{name}:{item.line}: {result.error}")
            answer = json.dumps(result_dict(result), ensure_ascii=False)
            out.write(answer.translate(LINE_SEPARATORS) + "\n")
            if bar is not None:
                bar.to(item.end)
    seconds = time.perf_counter() - started
    for line in shown:
        err_console.print(f"[yellow]error[/]: {escape(line)}", highlight=False, soft_wrap=True)
    if errors > len(shown):
        err_console.print(f"… and {errors - len(shown):,} more errors", highlight=False)
    rate = lines / seconds if seconds > 0 else 0.0
    where = "" if output == "-" else f" → {escape(output)}"
    err_console.print(
        f"{lines:,} lines · {parsed:,} parsed ({confirm:,} need confirmation) · "
        f"{errors:,} errors · {rate:,.0f} lines/s{where}",
        highlight=False,
        soft_wrap=True,
    )
    if errors:
        raise typer.Exit(1)


@contextmanager
def _open_output(output: str) -> Iterator[TextIO]:
    """stdout, or a file written beside its final name and moved there only when complete."""
    if output == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    final = Path(output)
    if final.is_dir():
        fail(f"{output}: is a directory")
    if not final.parent.is_dir():
        fail(f"{output}: no such directory {final.parent}")
    with atomic_open(final) as fh:
        yield fh
