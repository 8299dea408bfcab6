"""`repvoice data split`: deterministic, stratified, leak-free train/test/val files."""

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
    fail,
    file_size,
    friendly_errors,
)
from repvoice.cli._app import print_json as emit_json
from repvoice.data.split import MANIFEST, Fractions, SplitReport, split_file

#: Files smaller than this split too fast to be worth a progress bar.
#: Invalid lines listed in the table (all are in --json and the manifest).
_MAX_SHOWN = 20


@data_app.command("split")
def split(
    file: Annotated[Path, typer.Argument(help="The JSONL file to split.", show_default=False)],
    out_dir: Annotated[
        Path,
        typer.Option("--out", "-o", help="Directory for the split files.", show_default=False),
    ],
    test: Annotated[
        float, typer.Option("--test", min=0.0, max=1.0, help="Share of records for test.")
    ] = 0.1,
    val: Annotated[
        float,
        typer.Option("--val", min=0.0, max=1.0, help="Share for validation (0: no val file)."),
    ] = 0.0,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed; the same seed gives the same split.")
    ] = 0,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Leave out invalid lines (listed) instead of failing."),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Split FILE into DIR/train.jsonl, DIR/test.jsonl (and DIR/val.jsonl with `--val`).

    Stratified by exercise (the assistant's `exercise_name`; "(none)" for workout answers
    without one, "(not workout)" for other records), so each exercise keeps its share in every
    split. Exact and near-duplicate user texts are kept in one split, so nothing leaks from train
    into test. Exercises too rare to appear in every split go to train first. Lines are copied
    byte for byte; DIR/split.json records the source's sha256, the seed, the counts and, for
    every output line, its source line number. Nothing is written when one of those files
    would be FILE itself (splitting DIR/train.jsonl into DIR).

    Exit status: 0 written, 1 invalid lines found (nothing written unless `--skip-invalid`),
    2 unusable input or options.

    Example: repvoice data split train.jsonl --test 0.1 --val 0.1 --seed 7 -o splits/
    """
    try:
        fractions = Fractions(test, val)
    except ValueError as exc:
        fail(str(exc))
    if out_dir.exists() and not out_dir.is_dir():
        fail(f"{out_dir}: exists and is not a directory")
    # the bar covers both passes over the file
    with friendly_errors(), byte_progress("splitting", 2 * file_size(file)) as bar:
        report = split_file(
            file,
            out_dir,
            fractions,
            seed,
            skip_invalid=skip_invalid,
            progress=bar.advance if bar else None,
        )
    stale = out_dir / "val.jsonl"
    stale_val = bool(report.outputs) and val == 0 and stale.exists()
    if json_out:
        emit_json(report.to_dict() | {"written": bool(report.outputs)})
    else:
        _print_report(report, out_dir, skip_invalid)
    if stale_val:
        err_console.print(
            f"[yellow]warning[/]: {escape(str(stale))} is from an earlier split; "
            f"this one has no val set (see {MANIFEST})",
            highlight=False,
            soft_wrap=True,
        )
    raise typer.Exit(1 if report.invalid and not skip_invalid else 0)


def _print_report(report: SplitReport, out_dir: Path, skip_invalid: bool) -> None:
    if report.invalid:
        _print_invalid(report, skip_invalid)
        if not skip_invalid:
            return
    total = report.total
    table = Table(
        title=f"Split of {escape(report.source)} (seed {report.seed})", title_justify="left"
    )
    table.add_column("split")
    table.add_column("records", justify="right")
    table.add_column("share", justify="right")
    table.add_column("target", justify="right")
    table.add_column("exercises", justify="right")
    table.add_column("file")
    represented = report.represented()
    targets = report.fractions.by_split()
    for split, n in report.counts.items():
        share = n / total if total else 0.0
        out = report.outputs.get(split, {}).get("file", "")
        table.add_row(
            split,
            f"{n:,}",
            f"{share:.1%}",
            f"{targets[split]:.1%}",
            f"{represented[split]:,} / {len(report.strata):,}",
            escape(str(out_dir / out)) if out else "",
        )
    table.add_row("total", f"{total:,}", "", "", "", escape(str(out_dir / MANIFEST)), style="bold")
    console.print(table)
    name, dev = report.max_share_deviation()
    where = f" ({escape(name)})" if name else ""
    console.print(
        f"{len(report.strata):,} exercise strata · largest train/test share deviation "
        f"{dev:.2%}{where} · {report.duplicate_groups:,} duplicate group(s) "
        f"({report.duplicate_records:,} records) kept together",
        highlight=False,
        soft_wrap=True,
    )
    rare = report.rare_strata()
    if rare:
        held_out = [s for s in report.counts if s != "train"]
        only_train = sum(1 for st in rare if not any(st.counts.get(s) for s in held_out))
        spread = len(rare) - only_train
        rest = f", {spread:,} spread over splits to keep overall shares" if spread else ""
        console.print(
            f"{len(rare):,} rare strata (under {report.rare_threshold} records, too few for every "
            f"split): {only_train:,} only in train{rest}",
            highlight=False,
            soft_wrap=True,
        )
    for split, n in report.counts.items():
        if n == 0:
            console.print(
                f"[yellow]warning[/]: {split} is empty: too few records or duplicate groups "
                "for this share",
                highlight=False,
                soft_wrap=True,
            )
        if split == "train":
            continue
        missing = [
            st.name
            for st in report.strata
            if st.total >= report.rare_threshold and not st.counts.get(split)
        ]
        if missing:
            console.print(
                f"[yellow]warning[/]: {len(missing)} exercise(s) with ≥{report.rare_threshold} "
                f"records have none in {split} (large duplicate groups): "
                f"{escape(', '.join(missing[:5]))}",
                highlight=False,
                soft_wrap=True,
            )


def _print_invalid(report: SplitReport, skip_invalid: bool) -> None:
    verb = (
        "left out"
        if skip_invalid
        else "found; nothing written (use --skip-invalid to leave them out)"
    )
    n = len(report.invalid)
    colour = "yellow" if skip_invalid else "red"
    err_console.print(
        f"[{colour}]{n:,} invalid line{'s' if n != 1 else ''}[/] {verb}",
        highlight=False,
    )
    for issue in report.invalid[:_MAX_SHOWN]:
        err_console.print(
            f"  {escape(f'{issue.location()}: {issue.message} [{issue.code}]')}",
            highlight=False,
            soft_wrap=True,
        )
    if n > _MAX_SHOWN:
        err_console.print(f"  … and {n - _MAX_SHOWN:,} more (--json lists all)")
