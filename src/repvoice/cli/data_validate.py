"""`repvoice data validate`: every problem in a fine-tuning JSONL file, with file:line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from repvoice.cli._app import (
    JsonOpt,
    byte_progress,
    console,
    data_app,
    fail,
    file_or_default,
    file_size,
    friendly_errors,
)
from repvoice.cli._app import print_json as emit_json
from repvoice.data.issues import DataError
from repvoice.data.limits import DEFAULT_MODEL, UnknownModelError
from repvoice.data.validate import TASKS, ValidationReport, validate_file


@data_app.command("validate")
def validate(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The JSONL file to check (- for stdin).",
            show_default="the bundled default dataset",
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Format FILE is written in (openai, bedrock, vertex, ...). "
            "Default: detected from the first record.",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help=f"Target model; sets the token limit and tokenizer. Default: {DEFAULT_MODEL} "
            "for OpenAI files, the format's own limit otherwise.",
            show_default=False,
        ),
    ] = None,
    task: Annotated[
        str,
        typer.Option("--task", help="Which records to check as workout sets: auto, workout, none."),
    ] = "auto",
    json_out: JsonOpt = False,
    max_shown: Annotated[
        int, typer.Option("--max-shown", min=0, help="Problems listed in the table.")
    ] = 20,
) -> None:
    """Check a fine-tuning file and report every problem as `file:line  field  message`.

    Checks structure (for the file's format), roles and their order, content, weights, tool
    calls, tokens per example against the model's limit, file size, example count, duplicates
    and, for workout records, that each assistant reply is a valid workout-set JSON object.

    With `--task auto` a record is a workout record when its system prompt mentions "workout
    logging" or "voice command parsing", or when an assistant reply is a JSON object with an
    `exercise_name` key. Duplicates compare user text plus the system prompt's `Context:` part.

    Exit status: 0 no errors (warnings allowed), 1 errors found, 2 file unusable.

    `-` reads the file from stdin; problems then name it `<stdin>`.

    Example: repvoice data validate train.jsonl --model gpt-4o-mini
    """
    file = file_or_default(file)
    if task not in TASKS:
        fail(f"--task must be one of {', '.join(TASKS)}, not {task!r}")
    with friendly_errors():
        try:
            with byte_progress("validating", file_size(file)) as bar:
                report = validate_file(
                    file,
                    format=format,
                    model=model,
                    task=task,  # type: ignore[arg-type]
                    progress=bar.to if bar else None,
                )
        except UnknownModelError as exc:
            fail(str(exc))
        except DataError as exc:
            fail(f"{exc.issue.location()}: {exc.issue.message}")
    if json_out:
        emit_json(report.to_dict())
    else:
        _print_report(report, max_shown)
    raise typer.Exit(0 if report.ok else 1)


def _print_report(report: ValidationReport, max_shown: int) -> None:
    console.print(
        f"[bold]{escape(report.file)}[/]  {report.format} · {report.records:,} records · "
        f"{report.valid:,} valid · {report.workout_records:,} workout",
        highlight=False,
    )
    if report.not_a_set:
        console.print(f"not-a-set examples: {report.not_a_set:,}", highlight=False)
    tokens = report.tokens
    if tokens is not None and tokens.count:
        t = tokens.to_dict()
        limit = f"limit {t['limit']:,}" if t["limit"] else "no limit"
        who = f" for {t['model']}" if t["model"] else ""
        console.print(
            f"tokens ({t['encoding']}, {limit}{who}): min {t['min']:,} · p5 {t['p5']:,} · "
            f"median {t['median']:,} · mean {t['mean']:,} · p95 {t['p95']:,} · "
            f"max {t['max']:,} · total {t['total']:,} · over limit {t['over_limit']:,}",
            highlight=False,
        )
    if report.counts:
        severity = {i.code: i.severity for i in report.issues}
        counts = Table(title="Problems by kind", title_justify="left")
        counts.add_column("code")
        counts.add_column("severity")
        counts.add_column("count", justify="right")
        for code, n in report.counts.most_common():
            sev = severity.get(code, "warning")
            counts.add_row(code, f"[{'red' if sev == 'error' else 'yellow'}]{sev}[/]", f"{n:,}")
        console.print(counts)
    shown = report.issues[:max_shown] if max_shown else []
    if shown:
        table = Table(show_header=True, header_style="bold")
        table.add_column("where", no_wrap=True)
        table.add_column("field", overflow="fold")
        table.add_column("problem", overflow="fold")
        for i in shown:
            where = i.file if i.line is None else f"{i.file}:{i.line}"
            colour = "red" if i.severity == "error" else "yellow"
            table.add_row(escape(where), escape(i.field or ""), f"[{colour}]{escape(i.message)}[/]")
        console.print(table)
    hidden = report.error_count + report.warning_count - len(shown)
    if hidden > 0:
        console.print(f"… and {hidden:,} more (--max-shown N, or --json for all kept)")
    if report.ok:
        warn = f" ({_plural(report.warning_count, 'warning')})" if report.warning_count else ""
        console.print(f"[green]✓[/] no errors{warn}")
    else:
        console.print(
            f"[red]✗[/] {_plural(report.error_count, 'error')}, "
            f"{_plural(report.warning_count, 'warning')}",
            highlight=False,
        )


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
