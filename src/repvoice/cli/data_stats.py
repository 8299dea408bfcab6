"""`repvoice data stats`: what a chat fine-tuning file contains, in one streaming pass."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from repvoice.cli._app import (
    JsonOpt,
    byte_progress,
    console,
    data_app,
    file_or_default,
    file_size,
    friendly_errors,
)
from repvoice.cli._app import print_json as emit_json
from repvoice.data.stats import DEFAULT_MODEL, QUANTILE_METHOD, DatasetStats, compute_stats

_PROGRESS_MIN_BYTES = 4 * 1024 * 1024
_PROMPT_CHARS = 90


@data_app.command("stats")
def stats(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The OpenAI chat JSONL file.", show_default="the bundled default dataset"
        ),
    ] = None,
    model: Annotated[
        str,
        typer.Option("--model", "-m", help="Model whose tokenizer and token limit to use."),
    ] = DEFAULT_MODEL,
    json_out: JsonOpt = False,
) -> None:
    """Token, prompt, field and duplicate statistics of a chat fine-tuning file.

    Reports records and unreadable lines (by line number), messages and tokens per example
    (min, p5, median, p95, max, mean), system-prompt variants and Context-suffix share, the
    assistant JSON of workout records (exercises, units, ranges, null rate per field),
    duplicate user texts and the share of transcript phenomena. `--json` prints a stable dict
    (see `repvoice.data.stats`).

    Exit status: 0 every line read, 1 some lines are not chat records, 2 file unusable.

    Example: repvoice data stats train.jsonl
    """
    file = file_or_default(file)
    with friendly_errors(), byte_progress("reading", file_size(file)) as bar:
        result = compute_stats(file, model, on_progress=bar.to if bar else None)
    if json_out:
        emit_json(result.to_dict())
    else:
        print_stats(result)
    if result.unreadable:
        raise typer.Exit(1)


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.{digits}f}"
    return f"{int(value):,}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _hist(histogram: dict[str, int], limit: int = 12) -> str:
    items = list(histogram.items())
    shown = "  ".join(f"{k}:{v}" for k, v in items[:limit])
    return shown + (f"  …(+{len(items) - limit})" if len(items) > limit else "")


def _clip(text: str, width: int = _PROMPT_CHARS) -> str:
    one_line = text.replace("\n", "⏎ ")
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"


def print_stats(s: DatasetStats) -> None:
    """Rich tables for people."""
    d = s.to_dict()
    n = s.records
    console.print(
        f"[bold]{escape(s.file)}[/]  {n:,} records · {s.unreadable:,} unreadable lines · "
        f"tokens: {s.encoding} ({escape(s.model)})",
        highlight=False,
    )
    if d["notes"]:
        notes = ", ".join(f"{k} ×{v}" for k, v in d["notes"].items())
        console.print(f"[yellow]notes[/]: {notes}", highlight=False)

    dist = Table(
        title="Per example", title_justify="left", caption=f"percentiles: {QUANTILE_METHOD}"
    )
    dist.add_column("")
    for col in ("min", "p5", "p50", "p95", "max", "mean", "total"):
        dist.add_column(col, justify="right")
    for label, key in (
        ("messages", "messages"),
        ("tokens (all)", "tokens_total"),
        ("tokens (assistant)", "tokens_assistant"),
        ("tokens (prompt)", "tokens_prompt"),
    ):
        v = d[key]
        dist.add_row(
            label,
            *(_fmt(v[c]) for c in ("min", "p5", "p50", "p95", "max", "mean", "sum")),
        )
    console.print(dist)
    limit = d["token_limit"]
    if limit:
        console.print(
            f"over the {limit:,}-token limit (truncated in training): {d['over_token_limit']:,}",
            highlight=False,
        )
    missing = {k: v for k, v in d["roles"].items() if v}
    if missing:
        console.print(
            "records " + ", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in missing.items()),
            highlight=False,
        )

    sp = d["system_prompts"]
    prompts = Table(
        title=f"System prompts ({sp['distinct']} distinct; Context suffix removed)",
        title_justify="left",
    )
    prompts.add_column("records", justify="right")
    prompts.add_column("share", justify="right")
    prompts.add_column("prompt", overflow="fold")
    for v in sp["variants"][:10]:
        prompts.add_row(f"{v['count']:,}", _pct(v["share"]), escape(_clip(v["text"])))
    if len(sp["variants"]) > 10:
        rest = sum(v["count"] for v in sp["variants"][10:])
        prompts.add_row(
            f"{rest:,}", _pct(rest / n if n else None), f"… {len(sp['variants']) - 10} more"
        )
    if sp["other_variants_records"]:
        prompts.add_row(f"{sp['other_variants_records']:,}", "", "(further variants, not kept)")
    if sp["no_system"]:
        prompts.add_row(f"{sp['no_system']:,}", _pct(sp["no_system"] / n if n else None), "(none)")
    console.print(prompts)
    cs = d["context_suffix"]
    unparsed = f" ({cs['unparsed']:,} more with an unparsable Context)" if cs["unparsed"] else ""
    console.print(
        f"Context suffix: {cs['records']:,} of {n:,} records ({_pct(cs['share'])}){unparsed}",
        highlight=False,
    )

    _print_answers(d["answers"])
    _print_duplicates(d["duplicates"])

    props = Table(title="Proportions", title_justify="left")
    props.add_column("phenomenon")
    props.add_column("share", justify="right")
    props.add_column("count", justify="right")
    props.add_column("of")
    for p in d["proportions"]:
        props.add_row(
            p["name"], _pct(p["share"]), f"{p['count']:,}", f"{p['total']:,} {p['applies_to']}"
        )
    console.print(props)

    if s.problems:
        bad = Table(title=f"Unreadable lines ({s.unreadable:,})", title_justify="left")
        bad.add_column("line", justify="right")
        bad.add_column("code")
        bad.add_column("problem", overflow="fold")
        for p in s.problems[:20]:
            bad.add_row(str(p.line), p.code, escape(p.message))
        console.print(bad)
        if s.unreadable > 20:
            console.print(f"… and {s.unreadable - 20:,} more (see --json)", highlight=False)


def _print_answers(a: dict[str, Any]) -> None:
    n = a["workout_records"]
    states = ", ".join(f"{k} {v:,}" for k, v in a["states"].items())
    console.print(
        f"\n[bold]Assistant JSON[/]: {states}; schema-invalid workouts {a['schema_invalid']:,}; "
        f"{a['distinct_exercise_names']:,} distinct exercises "
        f"({a['distinct_exercise_ids']:,} ids); sets present {_pct(a['sets_present_rate'])}",
        highlight=False,
    )
    console.print(f"not-a-set examples: {a['not_a_set']:,}", highlight=False)
    if not n:
        return
    ex = Table(title="Top exercises", title_justify="left")
    ex.add_column("count", justify="right")
    ex.add_column("exercise_name")
    ex.add_column("exercise_id", overflow="fold")
    for e in a["top_exercises"]:
        ex.add_row(
            f"{e['count']:,}", escape(str(e["exercise_name"])), escape(str(e["exercise_id"]))
        )
    console.print(ex)

    nums = Table(title="Values", title_justify="left")
    nums.add_column("field")
    for col in ("n", "min", "max", "mean"):
        nums.add_column(col, justify="right")
    nums.add_column("histogram", overflow="fold")
    w = a["weight"]
    nums.add_row(
        "weight", f"{w['count']:,}", _fmt(w["min"]), _fmt(w["max"]), _fmt(w["mean"], 2), ""
    )
    for unit, f in w["by_unit"].items():
        nums.add_row(
            f"  weight {escape(unit)}",
            f"{f['count']:,}",
            _fmt(f["min"]),
            _fmt(f["max"]),
            _fmt(f["mean"], 2),
            _hist(f["histogram"]),
        )
    for key in ("reps", "rpe", "rir"):
        f = a[key]
        nums.add_row(
            key,
            f"{f['count']:,}",
            _fmt(f["min"]),
            _fmt(f["max"]),
            _fmt(f["mean"], 2),
            _hist(f["histogram"]),
        )
    console.print(nums)
    units = ", ".join(f"{escape(k)} {v:,}" for k, v in a["weight_units"].items())
    console.print(f"weight_unit: {units}", highlight=False)

    nulls = Table(title=f"Null rate per field ({n:,} workout answers)", title_justify="left")
    nulls.add_column("field")
    nulls.add_column("null", justify="right")
    nulls.add_column("present", justify="right")
    for field, rate in a["null_rate"].items():
        nulls.add_row(field, _pct(rate), _pct(None if rate is None else 1 - rate))
    console.print(nulls)
    if a["unknown_fields"]:
        extra = ", ".join(f"{escape(k)} {v:,}" for k, v in a["unknown_fields"].items())
        console.print(f"[yellow]fields outside the schema[/]: {extra}", highlight=False)


def _print_duplicates(dup: dict[str, Any]) -> None:
    console.print(
        f"\n[bold]User texts[/]: {dup['user_texts']:,} · {dup['distinct']:,} distinct · "
        f"{dup['exact']:,} exact duplicates · {dup['near']:,} near duplicates",
        highlight=False,
    )
    rows = [(kind, e) for kind in ("exact", "near") for e in dup["examples"][kind]]
    if not rows:
        return
    table = Table(title="Duplicate examples", title_justify="left")
    table.add_column("kind")
    table.add_column("line", justify="right")
    table.add_column("first seen", justify="right")
    table.add_column("text", overflow="fold")
    for kind, e in rows:
        table.add_row(kind, str(e["line"]), str(e["first_line"]), escape(_clip(e["text"])))
    console.print(table)
