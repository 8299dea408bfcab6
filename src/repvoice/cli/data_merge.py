"""`repvoice data merge`: combine JSONL datasets, with provenance and a report of every drop."""

from __future__ import annotations

from collections import Counter
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
    err_console,
    fail,
    file_size,
    friendly_errors,
)
from repvoice.cli._app import print_json as emit_json
from repvoice.data.merge import UNTAGGED, Dedupe, MergeReport, merge_files, sources_for

#: Dropped lines listed (all are in --json).
_MAX_SHOWN = 20
_REASONS = ("invalid", "exact_duplicate", "near_duplicate")


@data_app.command("merge")
def merge(
    files: Annotated[
        list[Path], typer.Argument(help="JSONL files to merge, in order.", show_default=False)
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Merged JSONL; provenance goes to OUT's stem + .provenance.jsonl.",
            show_default=False,
        ),
    ],
    dedupe: Annotated[
        Dedupe | None,
        typer.Option(
            "--dedupe",
            help="Drop duplicates: exact (identical records) or near (also same task and user "
            "text equal ignoring case, punctuation and fillers). Default: keep all.",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
    tag_task: Annotated[
        bool,
        typer.Option(
            "--tag-task",
            help="Tag each record's task: workout_parsing when it parses workout/voice commands, "
            "else its file's stem (or --task).",
        ),
    ] = False,
    task: Annotated[
        list[str] | None,
        typer.Option(
            "--task",
            help="Task tag per input, once per input in the same order ('-' keeps the default).",
            show_default=False,
        ),
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Leave out invalid lines (listed) instead of failing."),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Merge FILES into OUT, keeping each record's source file, line and task tag.

    Records are copied in order with values unchanged (JSON re-written compactly). OUT's sidecar
    (merged.jsonl -> merged.provenance.jsonl) has one line per output record:
    `{"source", "line", "task", "sha256"}`, sha256 being that of the output line. Every dropped
    line is reported with why: invalid (file:line and error), or with `--dedupe` a duplicate of
    an earlier record, naming the line it repeats.

    Exit status: 0 written, 1 invalid lines found (nothing written unless `--skip-invalid`),
    2 unusable input or options.

    Example: repvoice data merge voice.jsonl injury.jsonl -o all.jsonl --tag-task --dedupe exact
    """
    try:
        sources = sources_for(files, task, tag_task=tag_task)
    except ValueError as exc:
        fail(str(exc))
    with friendly_errors():
        total = sum(file_size(f) for f in files)
        with byte_progress("merging", total) as bar:
            report = merge_files(
                sources,
                out,
                dedupe=dedupe,
                tag_task=tag_task,
                skip_invalid=skip_invalid,
                progress=bar.advance if bar else None,
            )
    failed = bool(report.invalid) and not skip_invalid
    if json_out:
        emit_json(report.to_dict())
    else:
        _print_report(report, skip_invalid)
    raise typer.Exit(1 if failed else 0)


def _print_report(report: MergeReport, skip_invalid: bool) -> None:
    table = Table(title="Merge by source", title_justify="left")
    table.add_column("source", overflow="fold")
    table.add_column("tasks kept", overflow="fold")
    table.add_column("read", justify="right")
    table.add_column("kept", justify="right")
    for header in ("invalid", "exact dup", "near dup"):
        table.add_column(header, justify="right")
    totals: Counter[str] = Counter()
    names = [Path(s.file).name for s in report.sources]
    # Short names keep the table readable; full paths when two inputs share a name.
    short = len(set(names)) == len(names)
    for s, name in zip(report.sources, names, strict=True):
        table.add_row(
            escape(name if short else s.file),
            escape(", ".join(t for t in s.tasks if t is not None) or (s.task or "")),
            f"{s.read:,}",
            f"{s.kept:,}",
            *(f"{s.dropped.get(r, 0):,}" for r in _REASONS),
        )
        totals.update({"read": s.read, "kept": s.kept, **s.dropped})
    table.add_row(
        "total",
        "",
        f"{totals['read']:,}",
        f"{totals['kept']:,}",
        *(f"{totals[r]:,}" for r in _REASONS),
        style="bold",
    )
    console.print(table)
    if report.tasks and any(t is not None for t in report.tasks):
        by_task = Table(title="Kept by task", title_justify="left")
        by_task.add_column("task")
        by_task.add_column("records", justify="right")
        by_task.add_column("share", justify="right")
        kept = report.kept or 1
        for t, n in sorted(report.tasks.items(), key=lambda kv: (-kv[1], str(kv[0]))):
            by_task.add_row(escape(t or UNTAGGED), f"{n:,}", f"{n / kept:.1%}")
        console.print(by_task)
    _print_dropped(report)
    if report.written:
        console.print(
            f"[green]✓[/] wrote {report.kept:,} records to {escape(report.output)} "
            f"(provenance: {escape(report.provenance)})",
            highlight=False,
            soft_wrap=True,
        )
    else:
        err_console.print(
            f"[red]✗[/] {len(report.invalid):,} invalid line(s); nothing written "
            "(use --skip-invalid to leave them out)",
            highlight=False,
            soft_wrap=True,
        )


def _print_dropped(report: MergeReport) -> None:
    """One line per drop, `file:line: reason: detail`; invalid lines on stderr."""
    for reason in _REASONS:
        drops = [d for d in report.dropped if d.reason == reason]
        target = err_console if reason == "invalid" else console
        colour = "red" if reason == "invalid" else "yellow"
        for d in drops[:_MAX_SHOWN]:
            target.print(
                f"{escape(f'{d.file}:{d.line}')}: [{colour}]{reason}[/]: {escape(d.message)}",
                highlight=False,
                soft_wrap=True,
            )
        if len(drops) > _MAX_SHOWN:
            target.print(f"… and {len(drops) - _MAX_SHOWN:,} more {reason} (--json lists all)")
