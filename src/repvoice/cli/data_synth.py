"""`repvoice data synth`: generate realistic voice-command training data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from repvoice.catalog import Catalog
from repvoice.cli._app import (
    JsonOpt,
    console,
    data_app,
    err_console,
    fail,
    friendly_errors,
    print_json,
)
from repvoice.data.outputs import atomic_open
from repvoice.data.synth.dataset import default_test_path, write_dataset
from repvoice.data.synth.generator import MAX_NEGATIVES

_ROWS = (
    ("records", "records", "{:,}"),
    ("distinct_texts", "distinct user texts", "{:.1%}"),
    ("numbers_as_words", "numbers as words", "{:.1%}"),
    ("kg", "kg loads", "{:.1%}"),
    ("stt_noise", "speech-to-text errors", "{:.1%}"),
    ("followups", "follow-ups with context", "{:.1%}"),
    ("no_exercise", "no exercise named", "{:.1%}"),
    ("not_a_set", "not a set", "{:.1%}"),
    ("short_prompt", "short system prompt", "{:.1%}"),
    ("exercises", "exercises used", "{:,}"),
)


@data_app.command("synth")
def synth(
    output: Annotated[Path, typer.Option("-o", "--output", help="Training JSONL to write.")],
    n: Annotated[int, typer.Option("-n", "--count", min=1, help="Training records.")] = 3890,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same bytes.")] = 0,
    test_n: Annotated[
        int, typer.Option("--test-n", min=0, help="Test records (0: no test file).")
    ] = 384,
    test_output: Annotated[
        Path | None,
        typer.Option("--test-output", help="Test JSONL to write [default: OUTPUT.test.jsonl]."),
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option("--manifest", help="Also write a manifest (seed, sizes, sha256) here."),
    ] = None,
    catalog: Annotated[
        Path | None, typer.Option("--catalog", help="Exercise catalogue (JSON or CSV).")
    ] = None,
    negatives: Annotated[
        float,
        typer.Option(
            "--negatives",
            min=0.0,
            max=MAX_NEGATIVES,
            help="Share of not-a-set examples (questions, app commands, chit-chat, noise), "
            "answered with no exercise and a low confidence; e.g. 0.08.",
        ),
    ] = 0.0,
    as_json: JsonOpt = False,
) -> None:
    """Generate realistic voice-command training data (chat JSONL) and a held-out test file.

    Deterministic for a seed. The test file comes from an independent stream and shares no
    exact or near-duplicate user text with the training file.

    Example: repvoice data synth -n 3890 --seed 0 -o train.jsonl --test-n 384 --negatives 0.08
    """
    test_path = test_output or default_test_path(output)
    if test_n and test_path.resolve() == output.resolve():
        fail("--test-output must differ from --output")
    with friendly_errors():
        cat = Catalog.load(catalog) if catalog else Catalog.load()
        if not len(cat):
            fail(f"{catalog}: the catalogue has no exercises")
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
        ) as progress:
            tasks = {
                "train": progress.add_task("train", total=n),
                "test": progress.add_task("test", total=test_n, visible=bool(test_n)),
            }
            summary = write_dataset(
                output,
                n=n,
                seed=seed,
                test_n=test_n,
                test_path=test_path,
                catalog=cat,
                negatives=negatives,
                on_record=lambda stream: progress.advance(tasks[stream]),
            )
        info = summary.manifest()
        if manifest is not None:
            manifest.parent.mkdir(parents=True, exist_ok=True)
            with atomic_open(manifest) as fh:
                fh.write(json.dumps(info, indent=2) + "\n")
    if as_json:
        print_json({**info, "seconds": summary.seconds})
        return
    table = Table(title=f"repvoice data synth (seed {seed}, {summary.seconds:.2f} s)")
    table.add_column("")
    table.add_column(str(output), justify="right")
    if summary.test_path is not None:
        table.add_column(str(summary.test_path), justify="right")
    for key, label, fmt in _ROWS:
        row = [label, fmt.format(summary.train[key])]
        if summary.test_path is not None:
            row.append(fmt.format(summary.test[key]))
        table.add_row(*row)
    console.print(table)
