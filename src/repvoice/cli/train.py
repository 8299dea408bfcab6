"""`repvoice train`: train the local parser from chat JSONL and save the model directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from repvoice.cli._app import (
    JsonOpt,
    app,
    console,
    err_console,
    fail,
    file_or_default,
    friendly_errors,
)
from repvoice.cli._app import print_json as emit_json

if TYPE_CHECKING:
    from repvoice.catalog import Catalog
    from repvoice.parser.train import TooManySkipped

#: Default of `--max-skipped` (kept here so `--help` needs no parser import).
MAX_SKIPPED_SHARE = 0.05
#: Default of `--risk`.
RISK_BUDGET = 0.005

DEFAULT_MODEL_DIR = Path("repvoice-model")
_SHOWN_SKIPPED_LINES = 10


@app.command("train")
def train_command(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="OpenAI chat fine-tuning JSONL to learn from.",
            show_default="the bundled default dataset",
        ),
    ] = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Model directory to write (created if needed)."),
    ] = DEFAULT_MODEL_DIR,
    catalog_file: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            help="Exercise catalogue (JSON, or CSV: id,name,aliases) replacing the bundled one.",
        ),
    ] = None,
    folds: Annotated[
        int,
        typer.Option(
            "--folds", min=2, max=20, help="Cross-validation folds for the held-out report."
        ),
    ] = 3,
    max_skipped: Annotated[
        float,
        typer.Option(
            "--max-skipped",
            min=0.0,
            max=1.0,
            help="Largest share of the file's records that may be unusable; over it, nothing "
            "is trained or written.",
        ),
    ] = MAX_SKIPPED_SHARE,
    allow_skipped: Annotated[
        bool,
        typer.Option(
            "--allow-skipped", help="Train on the usable records however many are skipped."
        ),
    ] = False,
    risk: Annotated[
        float,
        typer.Option(
            "--risk",
            min=0.0001,
            max=0.5,
            help="Silent-error budget: the share of all answers that may be auto-accepted and "
            "wrong. The report says from which confidence threshold the held-out folds meet "
            "it, and the model records it.",
        ),
    ] = RISK_BUDGET,
    shorthand: Annotated[
        list[str] | None,
        typer.Option(
            "--shorthand",
            help="How typed chains read: weight,reps,sets (any order) for '405x5x3', "
            "sets,reps for '3x8'. Default: as the file's examples label them, else "
            "weight,reps,sets and sets,reps. May be given twice.",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Train the local parser and save it as a model directory.

    Learns your exercises and their spoken forms, a slot tagger, the follow-up policy ("same
    weight for 6") and a calibrated confidence model. Reports examples used and skipped (with
    reasons), held-out accuracy per field from k-fold cross-validation, how well confidence
    matches observed accuracy, and accuracy and coverage at the app's 0.85 auto-accept
    threshold. `--json` prints the report as a dict (see `repvoice.parser.train.TrainReport`).

    Exercise ids may be strings or whole numbers; the model answers in the type your file uses.
    When your ids are your own (not the bundled catalogue's), a catalogue exercise your file
    never uses is answered by name with no id.
    If more than `--max-skipped` of the records (default 5%) cannot be used, nothing is trained
    and no model is written; the reasons are listed (`--allow-skipped` trains anyway). Data too
    small or too uniform to split into `--folds` folds is trained without cross-validation, and
    the report says so (no held-out figures, confidence not calibrated).

    Exit status: 0 trained on every record, 1 trained but some records were skipped (listed),
    2 nothing trained (no file, no usable examples, too many records skipped, bad catalogue or
    output directory).

    Example: repvoice train train.jsonl -o my-model
    """
    file = file_or_default(file)
    _check_output(output)
    if shorthand:
        from repvoice.parser.rules.shorthand import ShorthandOrder

        try:
            ShorthandOrder.parse(shorthand)  # a bad order fails before any training
        except ValueError as exc:
            fail(str(exc))
    catalog = _load_catalog(catalog_file) if catalog_file is not None else None

    from repvoice.parser.model import ModelError
    from repvoice.parser.train import TooManySkipped, train

    with friendly_errors(), _StageProgress() as progress:
        try:
            parser, report = train(
                file,
                catalog=catalog,
                folds=folds,
                progress=progress,
                max_skipped=None if allow_skipped else max_skipped,
                risk_budget=risk,
                shorthand=shorthand or (),
            )
        except TooManySkipped as exc:
            _refuse(exc, json_out)
        except ValueError as exc:
            fail(str(exc))
        try:
            saved = parser.save(output)
        except ModelError as exc:
            fail(str(exc))

    data = report.to_dict()
    if json_out:
        emit_json({**data, "model_dir": str(saved)})
    else:
        print_report(data, saved)
    if report.skipped:
        raise typer.Exit(1)


def _refuse(exc: TooManySkipped, json_out: bool) -> NoReturn:
    """Too many records skipped: the reasons, per line, then one error line; no model."""
    data = exc.report.to_dict()
    if json_out:
        emit_json({**data, "model_dir": None, "error": str(exc)})
    else:
        _print_skipped(data, err_console)
    fail(str(exc))


def _check_output(output: Path) -> None:
    # Never scatter model files into a directory that holds something else.
    from repvoice.parser.integrity import META, MODEL_FILES, OPTIONAL_FILES

    if output.exists() and not output.is_dir():
        fail(f"{output}: exists and is not a directory")
    if output.is_dir() and any(output.iterdir()) and not (output / META).is_file():
        fail(f"{output}: directory is not empty and holds no repvoice model; choose another -o")
    if output.is_dir():
        other = sorted(
            p.name for p in output.iterdir() if p.name not in (META, *MODEL_FILES, *OPTIONAL_FILES)
        )
        if other:
            fail(
                f"{output}: holds {', '.join(other[:3])} besides a model's files; move them out "
                "or choose another -o"
            )


def _load_catalog(path: Path) -> Catalog:
    from repvoice.catalog import Catalog

    if not path.is_file():
        fail(f"{path}: no such catalogue file")
    try:
        catalog = Catalog.load(path)
    except KeyError as exc:
        fail(f"{path}: missing column {exc.args[0]!r} (need id, name, aliases)")
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        fail(f"{path}: not a usable catalogue ({_first_line(exc)})")
    if not len(catalog):
        fail(f"{path}: the catalogue has no exercises")
    return catalog


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class _StageProgress:
    """A stderr progress bar fed by `train`'s (stage, done, total) callback."""

    def __init__(self) -> None:
        self._bar = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
        )
        self._task = self._bar.add_task("reading examples", total=None)

    def __call__(self, stage: str, done: int, total: int) -> None:
        self._bar.update(self._task, description=stage, completed=done, total=total)

    def __enter__(self) -> _StageProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _print_skipped(d: dict[str, Any], out: Console) -> None:
    skipped = sum(d["skipped"].values())
    if not skipped:
        return
    reasons = ", ".join(f"{escape(r)} ×{n:,}" for r, n in d["skipped"].items())
    cap = d["max_skipped"]
    limit = "no limit" if cap is None else f"at most {cap * 100:g}% allowed"
    out.print(
        f"[yellow]skipped {skipped:,} records[/]: {reasons} ({d['skipped_share']:.1%} of "
        f"{d['records']:,} records; {limit})",
        highlight=False,
    )
    shown = d["skipped_examples"][:_SHOWN_SKIPPED_LINES]
    for s in shown:
        detail = f" ({escape(s['detail'])})" if s.get("detail") else ""
        out.print(f"  line {s['line']}: {escape(s['reason'])}{detail}", highlight=False)
    if skipped > len(shown):
        out.print(f"  … and {skipped - len(shown):,} more (see --json)", highlight=False)


def print_report(d: dict[str, Any], model_dir: Path) -> None:
    """The training report for people."""
    examples = f"{d['examples']:,} example{'s' if d['examples'] != 1 else ''}"
    console.print(
        f"[bold green]trained[/] on {examples} from {escape(d['source'])} "
        f"in {d['seconds']:.1f} s → [bold]{escape(str(model_dir))}[/]",
        highlight=False,
    )
    _print_skipped(d, console)
    left_out = d["examples"] - d["tagger_examples"]
    if left_out:
        by_field = ", ".join(f"{escape(f)} {n:,}" for f, n in d["unaligned"].items())
        detail = f" ({by_field})" if by_field else ""
        console.print(
            f"the tagger left out {left_out:,} examples whose values are not in their text"
            f"{detail}; they still count for exercises, policy and evaluation",
            highlight=False,
        )
    if d["exercises_learned"] or d["aliases_learned"]:
        console.print(
            f"learned {d['exercises_learned']:,} of your exercises ({d['exercises_adopted']:,} "
            f"matched to catalogue exercises, {d['exercises_learned'] - d['exercises_adopted']:,} "
            f"new) and {d['aliases_learned']:,} spoken forms",
            highlight=False,
        )

    if d["cross_validation_skipped"]:
        console.print(
            f"\n[yellow]no cross-validation[/]: {escape(d['cross_validation_skipped'])}; "
            "trained on every example without held-out figures, and confidence is the tagger's "
            "own probability, not calibrated",
            highlight=False,
        )
        _print_policy(d)
        return
    console.print(
        f"\n[bold]Held-out accuracy[/] ({d['folds']}-fold cross-validation; core fields: "
        "exercise, weight, weight_unit, reps, rpe)",
        highlight=False,
    )
    acc = Table()
    acc.add_column("field")
    acc.add_column("accuracy", justify="right")
    for field, value in d["held_out_accuracy"].items():
        if field == "core":
            acc.add_row("[bold]all core fields[/]", f"[bold]{_pct(value)}[/]")
        else:
            acc.add_row(field, _pct(value))
    console.print(acc)

    console.print(
        "\n[bold]Reliability[/] (held out): does confidence match the observed accuracy?",
        highlight=False,
    )
    rel = Table()
    rel.add_column("confidence", justify="right")
    rel.add_column("examples", justify="right")
    rel.add_column("mean confidence", justify="right")
    rel.add_column("core accuracy", justify="right")
    for b in d["reliability"]:
        rel.add_row(
            f"{b['lo']:.2f}–{b['hi']:.2f}",
            f"{b['count']:,}",
            _pct(b["mean_confidence"]),
            _pct(b["accuracy"]),
        )
    console.print(rel)

    threshold = d["confidence_threshold"]
    console.print(
        f"at confidence ≥ {threshold}: [bold]{_pct(d['accuracy_at_or_above_threshold'])}[/] "
        f"accurate, auto-accepting {_pct(d['coverage_at_or_above_threshold'])} of utterances "
        "(the rest ask for confirmation)",
        highlight=False,
    )
    _print_risk(d)
    _print_policy(d)


def _print_risk(d: dict[str, Any]) -> None:
    curve = d.get("coverage_risk")
    if not curve:
        return
    console.print(
        "\n[bold]Coverage and risk[/] (held out): auto-accepting at or above a threshold",
        highlight=False,
    )
    table = Table()
    table.add_column("threshold", justify="right")
    table.add_column("auto-accepted", justify="right")
    table.add_column("silent errors", justify="right")
    for p in curve:
        table.add_row(f"{p['threshold']:.2f}", _pct(p["coverage"]), _pct(p["silent_error_rate"]))
    console.print(table)
    budget, chosen = d["risk_budget"], d.get("risk_threshold")
    if chosen is None:
        console.print(
            f"a {_pct(budget)} silent-error budget cannot be shown on "
            f"{d['examples']:,} held-out answers",
            highlight=False,
        )
        return
    console.print(
        f"a {_pct(budget)} silent-error budget is met from confidence "
        f"[bold]{chosen['threshold']:.3f}[/] (conformal bound on the held-out folds), "
        f"auto-accepting {_pct(chosen['coverage'])} (recorded in the model as its threshold; "
        "the app's auto-accept threshold is 0.85)",
        highlight=False,
    )


def _print_policy(d: dict[str, Any]) -> None:
    policy = d["follow_up_policy"]
    copies = [k.removeprefix("copy_") for k, v in policy.items() if v]
    console.print(
        "follow-ups that name no new value copy from the previous set: "
        + (", ".join(copies) if copies else "nothing"),
        highlight=False,
    )
    gate = d.get("not_a_set_detector")
    if gate:
        console.print(
            f"not a set: {d['not_a_set_examples']:,} examples; the detector (threshold "
            f"{gate['threshold']:g}) catches {gate['held_out_not_a_set_caught']:.1%} of them held "
            f"out and calls {gate['held_out_sets_lost']:.2%} of sets not a set",
            highlight=False,
        )
    elif d.get("not_a_set_detector_skipped"):
        console.print(f"no not-a-set detector: {d['not_a_set_detector_skipped']}", highlight=False)
