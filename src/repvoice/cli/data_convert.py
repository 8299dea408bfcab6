"""`repvoice data convert` and `repvoice data formats`: write a training file in another format,
and list the formats."""

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
    err_console,
    file_size,
    friendly_errors,
    print_json,
)
from repvoice.data.convert import ConvertReport, convert_file
from repvoice.data.formats import all_formats


@data_app.command("convert")
def convert(
    file: Annotated[Path, typer.Argument(help="The file to convert.", show_default=False)],
    to: Annotated[
        str, typer.Option("--to", "-t", help="Target format (see `repvoice data formats`).")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output file (a folder for `hf`).")
    ],
    from_: Annotated[
        str,
        typer.Option(
            "--from", "-f", help="Format of FILE (any readable format, or auto to guess it)."
        ),
    ] = "openai",
    lossy: Annotated[
        bool, typer.Option("--lossy", help="Convert records the target cannot fully carry.")
    ] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Leave out invalid records (listed).")
    ] = False,
    show: Annotated[int, typer.Option("--show", help="Problems to list.", min=0)] = 20,
    bos: Annotated[
        bool | None,
        typer.Option(
            "--bos/--no-bos",
            help="Start chat-template texts (llama3, gemma, mistral-instruct) with the BOS token; "
            "--no-bos for trainers that add it (TRL). Default: keep it, with a warning.",
            show_default=False,
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Convert a chat fine-tuning file to another provider's or model's format.

    Every record is checked, read into OpenAI chat form and written in the target format.
    Anything the target cannot carry (tool calls, weights, names...) is a loss, listed per
    record as file:line field: message. Without `--lossy` a lossy record, and without
    `--skip-invalid` an invalid one, stops the conversion and nothing is written (the output
    is only replaced once the whole file converted). `--from X` reads a file in format X back
    into OpenAI form (`--to openai`). An output that is FILE itself (the same path, a symlink or
    a hard link to it) is refused.

    Exit status: 0 written, 1 problems found (nothing written), 2 unusable input.

    Example: repvoice data convert train.jsonl --to vertex -o train.vertex.jsonl
    """
    with (
        friendly_errors(),
        byte_progress("converting", file_size(file), records=True) as bar,
    ):
        progress = (lambda done, n: bar.to(done, records=n)) if bar else None
        report = convert_file(
            file,
            output,
            to=to,
            from_=from_,
            lossy=lossy,
            skip_invalid=skip_invalid,
            progress=progress,
            bos=bos,
        )
    if json_out:
        print_json(report.to_dict())
    else:
        _print_report(report, show)
    if not report.ok:
        raise typer.Exit(1)


def _print_report(report: ConvertReport, show: int) -> None:
    table = Table(title=f"{report.from_} → {report.to}", title_justify="left", show_header=False)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_row("records read", f"{report.read:,}")
    table.add_row("written", f"{report.written:,}")
    table.add_row("lossy", f"{report.lossy:,}")
    table.add_row("invalid", f"{report.invalid:,}")
    if report.skipped:
        table.add_row("skipped (invalid)", f"{report.skipped:,}")
    console.print(table)
    for note in report.notes:
        console.print(f"[dim]note[/]: {escape(str(note))}", highlight=False)
    for issue in report.problems[:show]:
        colour = "yellow" if issue.severity == "warning" else "red"
        kind = "loss" if issue.code == "loss" else issue.code
        console.print(
            f"{escape(issue.location())}: [{colour}]{kind}[/]: {escape(issue.message)}",
            highlight=False,
            soft_wrap=True,
        )
    rest = report.problem_count - min(show, len(report.problems))
    if rest > 0:
        console.print(f"… and {rest:,} more problem(s) (--json lists up to 1,000)")
    if report.ok:
        console.print(f"[green]wrote[/] {report.written:,} records to {escape(report.output)}")
    else:
        err_console.print(f"[bold red]{escape(report.reason)}[/]", highlight=False)


@data_app.command("formats")
def formats(json_out: JsonOpt = False) -> None:
    """List every training-data format: name, what it is, whether it can be read back
    (`--from`), whether the provider still offers fine-tuning and its limits (`--json` adds the
    documentation each follows).

    Example: repvoice data formats --json
    """
    rows = [
        {
            "name": f.name,
            "title": f.title,
            "kind": f.kind,
            "readable": f.readable,
            "available": f.available,
            "limits": f.limits.to_dict(),
            "source": f.source,
        }
        for f in all_formats().values()
    ]
    if json_out:
        print_json(rows)
        return
    table = Table(title="Training-data formats", title_justify="left")
    table.add_column("name", no_wrap=True, style="bold")
    table.add_column("title")
    table.add_column("readable", no_wrap=True)
    table.add_column("available", no_wrap=True)
    table.add_column("limits")
    for row in rows:
        limits = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in row["limits"].items())
        table.add_row(
            row["name"],
            row["title"],
            "yes" if row["readable"] else "no",
            "yes" if row["available"] else "[red]no[/]",
            limits or "—",
        )
    console.print(table)
