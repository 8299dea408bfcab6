"""`repvoice data cost`: what training on a file and serving the result would cost."""

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
from repvoice.data.cost import (
    DEFAULT_CALLS_PER_MONTH,
    ENCODING,
    CostReport,
    estimate_costs,
    parse_epochs,
)
from repvoice.data.pricing import PROVIDERS, PriceListMissing
from repvoice.data.stats import scan_tokens


@data_app.command("cost")
def cost(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The OpenAI chat JSONL file.", show_default="the bundled default dataset"
        ),
    ] = None,
    epochs: Annotated[
        str,
        typer.Option("--epochs", help="auto (each provider's default rule) or a whole number."),
    ] = "auto",
    calls_per_month: Annotated[
        int, typer.Option("--calls-per-month", min=0, help="Inference calls per month.")
    ] = DEFAULT_CALLS_PER_MONTH,
    tokens_per_call: Annotated[
        str,
        typer.Option(
            "--tokens-per-call",
            help="auto (the dataset's mean prompt and assistant tokens), N (prompt tokens) "
            "or IN,OUT.",
        ),
    ] = "auto",
    json_out: JsonOpt = False,
) -> None:
    """Training cost per provider and model, and monthly inference cost, from real token counts.

    Tokens are counted with o200k_base (exact for gpt-4o/4.1; an approximation elsewhere) and
    each example is capped at the model's per-example limit, as training bills it. Epochs
    follow each provider's default rule unless `--epochs` is given. Prices come from LiteLLM's
    bundled cost map (offline); a training price the map lacks is taken from the provider's
    published price where one is known, otherwise shown as not published.

    Exit status: 0 priced, 1 some lines are not chat records, 2 unusable input or no LiteLLM.

    Example: repvoice data cost train.jsonl --calls-per-month 30000
    """
    file = file_or_default(file)
    try:
        n_epochs = parse_epochs(epochs)
    except ValueError as exc:
        fail(str(exc))
    with friendly_errors(), byte_progress("counting tokens", file_size(file)) as bar:
        scan = scan_tokens(file, ENCODING, on_progress=bar.to if bar else None)
    if not scan.examples:
        fail(f"{file}: no chat records to price")
    try:
        report = estimate_costs(
            scan, epochs=n_epochs, calls_per_month=calls_per_month, tokens_per_call=tokens_per_call
        )
    except PriceListMissing as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(str(exc))
    if json_out:
        emit_json(report.to_dict())
    else:
        print_cost(report)
    if report.unreadable:
        raise typer.Exit(1)


def _money(value: float | None) -> str:
    if value is None:
        return "—"
    return f"${value:,.2f}" if value >= 1 else f"${value:,.4f}"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"${value:g}"


def print_cost(r: CostReport) -> None:
    """Rich tables for people."""
    console.print(
        f"[bold]{escape(r.file)}[/]  {r.examples:,} examples · "
        f"{r.tokens_per_epoch_uncapped:,} tokens per epoch ({r.encoding})",
        highlight=False,
    )
    pl = r.price_list
    console.print(
        f"prices: {pl['source']} (installed {pl['file_modified']}, revision "
        f"{pl['revision'][:12]}); training prices per 1M tokens, inference per 1M in/out",
        highlight=False,
    )
    notes: list[str] = []

    def note(text: str) -> str:
        if text not in notes:
            notes.append(text)
        return f"[{notes.index(text) + 1}]"

    training = Table(title="Training", title_justify="left")
    training.add_column("model", overflow="fold", max_width=32)
    training.add_column("epochs", justify="right")
    training.add_column("tokens/epoch", justify="right")
    training.add_column("billed", justify="right")
    training.add_column("$/1M", justify="right")
    training.add_column("cost", justify="right")
    inference = Table(title="Inference of the tuned model", title_justify="left")
    inference.add_column("model", overflow="fold", max_width=40)
    inference.add_column("in $/1M", justify="right")
    inference.add_column("out $/1M", justify="right")
    inference.add_column("per month", justify="right")

    provider = None
    for t in r.targets:
        if t.provider != provider:
            provider = t.provider
            training.add_row(f"[bold]{escape(t.provider_name)}[/]")
            inference.add_row(f"[bold]{escape(t.provider_name)}[/]")
        epochs = str(t.epochs) if t.epochs is not None else "— " + note(t.epochs_basis)
        price = (
            f"{_rate(t.training_price_per_m)} {note(t.training_price_source)}"
            if t.training_price_per_m is not None
            else "— " + note(t.training_price_source)
        )
        training.add_row(
            f"  {escape(t.model)}",
            epochs,
            f"{t.tokens_per_epoch:,}",
            "—" if t.billed_tokens is None else f"{t.billed_tokens:,}",
            price,
            _money(t.training_cost),
        )
        if t.input_price_per_m is None:
            inference.add_row(f"  {escape(t.model)}", "— " + note(t.inference_price_source), "", "")
        else:
            inference.add_row(
                f"  {escape(t.model)}",
                _rate(t.input_price_per_m),
                _rate(t.output_price_per_m),
                _money(t.monthly_inference_cost),
            )
    console.print(training)
    console.print(inference)
    for i, text in enumerate(notes, 1):
        console.print(f"[{i}] {escape(text)}", highlight=False, soft_wrap=True)
    console.print(
        f"inference: {r.calls_per_month:,} calls/month × {r.call.prompt:,.1f} prompt + "
        f"{r.call.output:,.1f} output tokens ({r.call.basis})",
        highlight=False,
    )
    rules = Table(title="Providers", title_justify="left")
    rules.add_column("provider")
    rules.add_column("default epochs", overflow="fold")
    rules.add_column("status", overflow="fold")
    for p in PROVIDERS.values():
        rules.add_row(p.name, escape(p.epoch_rule.text), escape(p.status))
    console.print(rules)
    truncated = [t for t in r.targets if t.truncated_examples]
    for t in truncated:
        console.print(
            f"[yellow]{t.truncated_examples:,} examples over {t.max_tokens_per_example:,} tokens"
            f"[/] are truncated for {escape(t.model)} (billed at the cap)",
            highlight=False,
        )
    if r.unreadable:
        first = ", ".join(str(p.line) for p in r.problems[:10])
        console.print(
            f"[red]{r.unreadable:,} lines are not chat records[/] and were not priced "
            f"(lines {first}{', …' if r.unreadable > 10 else ''}); "
            "run `repvoice data validate` for details",
            highlight=False,
        )
