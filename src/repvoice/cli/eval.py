"""`repvoice eval` and `repvoice compare`: score backends on a chat JSONL test file."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from repvoice.cli._app import JsonOpt, app, console, err_console, fail, friendly_errors
from repvoice.cli._app import print_json as emit_json

if TYPE_CHECKING:
    from repvoice.backends.base import Backend, Identity
    from repvoice.evaluate.runner import EvalExample, ExampleResult, TestSet
    from repvoice.evaluate.summary import Disagreement, Miss, Summary

_SHOWN_SKIPPED = 10

TestFileArg = Annotated[
    Path | None,
    typer.Argument(
        help="Chat JSONL test file (system, user, assistant turns).",
        show_default="the bundled test split",
    ),
]
LimitOpt = Annotated[
    int | None, typer.Option("--limit", "-n", min=1, help="Use only the first N usable examples.")
]
ConcurrencyOpt = Annotated[
    int, typer.Option("--concurrency", "-j", min=1, max=256, help="Calls in flight at once.")
]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", min=0.1, help="Seconds per request before it is retried.")
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Where replies are cached ($REPVOICE_CACHE_DIR, else ~/.cache/repvoice).",
        show_default=False,
    ),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Call the backend for every example; store nothing.")
]
RefreshOpt = Annotated[
    bool,
    typer.Option(
        "--refresh",
        help="Call the backend for every example, ignoring cached answers; store the new ones.",
    ),
]
RetriesOpt = Annotated[
    int,
    typer.Option("--retries", min=0, max=20, help="Retries per call on 429, 5xx and timeouts."),
]
MaxFailuresOpt = Annotated[
    int,
    typer.Option(
        "--max-failures",
        min=0,
        help="Stop asking a backend after N calls in a row get no answer (0: never stop).",
    ),
]
FallbackOpt = Annotated[
    str | None,
    typer.Option(
        "--fallback",
        help="Also score the local parser with this backend as its fallback, as `repvoice "
        "serve` routes: a row of its own, derived from both runs (no extra calls).",
        show_default=False,
    ),
]
ThresholdOpt = Annotated[
    float | None,
    typer.Option(
        "--threshold",
        min=0.0,
        max=1.0,
        help="Local confidence below which --fallback is asked (serve's `threshold`).",
        show_default="0.70, as repvoice serve",
    ),
]
FallbackCapOpt = Annotated[
    float | None,
    typer.Option(
        "--fallback-cap",
        min=0.0,
        max=1.0,
        help="Upper bound on the fallback's confidence (serve's `fallback_confidence_cap`).",
        show_default="1.0, no cap",
    ),
]
ReportOpt = Annotated[
    Path | None,
    typer.Option("--report", help="Write a self-contained HTML report (needs repvoice[report])."),
]


@app.command("eval")
def eval_command(
    file: TestFileArg = None,
    backend: Annotated[
        str,
        typer.Option(
            "--backend",
            "-b",
            help='Backend URI: "local", "local:MODEL_DIR", "openai:gpt-4o-mini", '
            '"openai-compatible:MODEL@URL", …',
        ),
    ] = "local",
    limit: LimitOpt = None,
    concurrency: ConcurrencyOpt = 4,
    timeout: TimeoutOpt = 30.0,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    refresh: RefreshOpt = False,
    retries: RetriesOpt = 3,
    max_failures: MaxFailuresOpt = 5,
    json_out: JsonOpt = False,
    report: ReportOpt = None,
    fallback: FallbackOpt = None,
    threshold: ThresholdOpt = None,
    fallback_cap: FallbackCapOpt = None,
    show_misses: Annotated[
        int, typer.Option("--misses", min=0, help="Misses to list (0 for none).")
    ] = 10,
) -> None:
    """Score one backend on a test file: accuracy per field, validity, latency, tokens, cost.

    Every example is sent to the backend (several at once, `--concurrency`), the answer judged
    field by field against the gold answer (null = null counts as right; `weight_unit` only
    where a weight was said; notes on presence). Accuracy is over the examples answered;
    those without an answer are counted apart. Answers are cached, keyed by the model's
    identity as the server reports it, so a re-run, or a run after Ctrl-C, only calls for
    what is missing (`--refresh` asks again). A server that cannot be reached fails at once;
    one that stops answering is left after `--max-failures` calls in a row. Lists the misses
    (text, expected and predicted values of the wrong fields). `--report` writes the HTML
    report with charts.

    `--fallback URI` scores what `repvoice serve` would answer with the local parser first
    and that backend asked when the local confidence is below `--threshold`: the fallback is
    run on every example too (cached as usual), and a third column, derived per example as
    the service's router decides, shows the pair together, with the share of examples sent
    to the fallback; the misses listed are that column's.

    Exit status: 0 scored every record, 1 some records were unusable (listed), the backend
    could not be reached, answered nothing or was stopped, 2 unusable input (no file, no
    usable examples, unknown backend).

    Example: repvoice eval test.jsonl --backend openai:gpt-4o-mini --report eval.html

    Example: repvoice eval test.jsonl --fallback openai:gpt-4o-mini --threshold 0.85
    """
    path = _test_file(file)
    routing = _routing(fallback, threshold, fallback_cap)
    if routing is not None:
        _check_hybrid(backend, routing.fallback)
    if report is not None:
        _check_report(report)
    testset = _read(path, limit)
    uris = [backend] if routing is None else [backend, routing.fallback]
    summaries, runs, opened = _run_all(
        uris, testset, timeout, retries, cache_dir, no_cache, refresh, concurrency, max_failures
    )
    if routing is not None:
        _add_hybrid(summaries, runs, opened, routing)
    summary = summaries[0]

    from repvoice.evaluate.summary import misses

    shown = summaries[-1]
    found = misses(runs[shown.backend])
    if report is not None:
        _write_report(report, summaries, runs, path)
    if json_out:
        emit_json(
            {
                "file": str(path),
                "skipped": _skipped(testset),
                "summary": summary.to_dict(),
                **(
                    {}
                    if routing is None
                    else {
                        "fallback": summaries[1].to_dict(),
                        "hybrid": shown.to_dict(),
                        "misses_of": shown.backend,
                    }
                ),
                "misses_total": len(found),
                "misses": [asdict(m) for m in found[:show_misses]],
                "report": None if report is None else str(report),
            }
        )
    else:
        _print_skipped(testset)
        _print_summaries(summaries)
        _print_misses(found, show_misses, None if routing is None else shown.backend)
        if report is not None:
            console.print(f"report written to [bold]{escape(str(report))}[/]", highlight=False)
    _exit(testset, summaries)


@app.command("compare")
def compare_command(
    file: TestFileArg = None,
    backends: Annotated[
        list[str],
        typer.Option(
            "--backend",
            "-b",
            help="Backend URI; give two or more (see `repvoice eval --help`).",
            show_default=False,
        ),
    ] = [],  # noqa: B006 - typer needs a list default for a repeated option
    limit: LimitOpt = None,
    concurrency: ConcurrencyOpt = 4,
    timeout: TimeoutOpt = 30.0,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    refresh: RefreshOpt = False,
    retries: RetriesOpt = 3,
    max_failures: MaxFailuresOpt = 5,
    json_out: JsonOpt = False,
    report: ReportOpt = None,
    fallback: FallbackOpt = None,
    threshold: ThresholdOpt = None,
    fallback_cap: FallbackCapOpt = None,
    show: Annotated[
        int,
        typer.Option("--disagreements", min=0, help="Disagreements to list (0 for none)."),
    ] = 10,
) -> None:
    """Score several backends on the same test file, side by side.

    One table with the fields as rows and the backends as columns, plus validity, latency,
    tokens and cost; then the examples where the backends disagree (one right and another
    wrong on a field, or all wrong with different answers, values compared as the scorer
    compares them). Every backend is checked before any is run, so an unreachable one fails
    at once. `--report` writes one self-contained HTML file with charts of error rates,
    latency, cost, validity and confidence. Caching, `--refresh` and `--max-failures` as for
    `repvoice eval`. `--fallback URI` (one of the backends) adds the column of the first
    local backend with that one as its fallback below `--threshold`, as `repvoice eval`.

    Exit status: 0 scored every record, 1 some records were unusable (listed), a backend
    could not be reached, answered nothing or was stopped, 2 unusable input (no file, no
    usable examples, unknown backend).

    Example: repvoice compare test.jsonl -b local -b openai:gpt-4o-mini --report compare.html
    """
    if len(backends) < 2:
        fail("compare needs two or more --backend options (use `repvoice eval` for one)")
    if len(set(backends)) != len(backends):
        twice = sorted({b for b in backends if backends.count(b) > 1})
        fail(f"--backend given twice: {', '.join(twice)}")
    path = _test_file(file)
    routing = _routing(fallback, threshold, fallback_cap)
    if routing is not None:
        local = next((b for b in backends if _is_local(b)), None)
        if local is None:
            fail("--fallback needs a local --backend: the parser the service runs first")
        _check_hybrid(local, routing.fallback, backends)
    if report is not None:
        _check_report(report)
    names = [_display(uri) for uri in backends]
    if len(set(names)) != len(names):
        fail("--backend given twice (the URIs differ only in credentials)")
    testset = _read(path, limit)
    summaries, runs, opened = _run_all(
        backends, testset, timeout, retries, cache_dir, no_cache, refresh, concurrency, max_failures
    )

    from repvoice.evaluate.summary import disagreements

    # The derived column joins the table and charts, not the disagreements: it repeats, per
    # example, one of the answers already there.
    found = disagreements(runs)
    if routing is not None:
        _add_hybrid(summaries, runs, opened, routing)
    if report is not None:
        _write_report(report, summaries, runs, path)
    if json_out:
        emit_json(
            {
                "file": str(path),
                "skipped": _skipped(testset),
                "backends": [s.to_dict() for s in summaries],
                "disagreements_total": len(found),
                "disagreements": [asdict(d) for d in found[:show]],
                "report": None if report is None else str(report),
            }
        )
    else:
        _print_skipped(testset)
        _print_summaries(summaries)
        _print_disagreements(found, show, names)
        if report is not None:
            console.print(f"report written to [bold]{escape(str(report))}[/]", highlight=False)
    _exit(testset, summaries)


# --- steps ----------------------------------------------------------------------------------


def _test_file(file: Path | None) -> Path:
    if file is not None:
        return file
    from repvoice.data.bundled import default_test_path

    path = default_test_path()
    err_console.print(f"[dim]using the bundled test split: {escape(str(path))}[/]")
    return path


def _check_report(report: Path) -> None:
    from repvoice.evaluate.html import ReportUnavailable, require_matplotlib

    try:
        require_matplotlib()
    except ReportUnavailable as exc:
        fail(str(exc))
    if report.is_dir():
        fail(f"{report}: is a directory; --report takes a file name")
    if not report.parent.is_dir():
        fail(f"{report.parent}: no such directory for --report")


def _read(path: Path, limit: int | None) -> TestSet:
    from repvoice.evaluate.runner import read_test_file

    with friendly_errors():
        testset = read_test_file(path, limit=limit)
    if not testset.examples:
        reasons = "; ".join(f"line {n}: {r}" for n, r in testset.skipped[:3])
        fail(f"{path}: no usable examples" + (f" ({reasons})" if reasons else ""))
    return testset


@dataclass
class Opened:
    """A backend built and probed, with the name it is shown under and what answers for it."""

    name: str
    backend: Backend
    identity: Identity


def _display(uri: str) -> str:
    from repvoice.backends.base import display_uri

    return display_uri(uri)


def _open(
    uri: str, timeout: float, retries: int, cache_dir: Path | None, no_cache: bool, refresh: bool
) -> Opened:
    """Build the backend and probe it; an unreachable one ends the command (exit 1)."""
    from repvoice.backends.base import BackendError, BackendUnreachable
    from repvoice.backends.registry import get_backend
    from repvoice.redact import redact

    name = _display(uri)
    options: dict[str, Any] = {"cache": not no_cache}
    if refresh:
        options["refresh"] = True
    try:
        backend = get_backend(uri, timeout=timeout, retries=retries, cache_dir=cache_dir, **options)
    except BackendError as exc:
        fail(f"--backend {name}: {redact(str(exc))}")
    try:
        identity = backend.probe()
    except BackendUnreachable as exc:
        backend.close()
        fail(f"--backend {name}: {redact(str(exc))}; nothing was scored", code=1)
    except BaseException:
        backend.close()
        raise
    return Opened(name, backend, identity)


def _run_all(
    uris: Sequence[str],
    testset: TestSet,
    timeout: float,
    retries: int,
    cache_dir: Path | None,
    no_cache: bool,
    refresh: bool,
    concurrency: int,
    max_failures: int,
) -> tuple[list[Summary], dict[str, list[ExampleResult]], list[Opened]]:
    """Open every backend (all reachable before the first run starts), then run each."""
    opened: list[Opened] = []
    try:
        for uri in uris:
            opened.append(_open(uri, timeout, retries, cache_dir, no_cache, refresh))
    except BaseException:
        for o in opened:
            o.backend.close()
        raise
    summaries: list[Summary] = []
    runs: dict[str, list[ExampleResult]] = {}
    for i, o in enumerate(opened):
        try:
            summary, results = _evaluate(o, testset.examples, concurrency, max_failures)
        except BaseException:
            for rest in opened[i + 1 :]:
                rest.backend.close()
            raise
        summaries.append(summary)
        runs[summary.backend] = results
    return summaries, runs, opened


@dataclass(frozen=True)
class Routing:
    """`--fallback`, `--threshold` and `--fallback-cap`, defaults filled in as serve's."""

    fallback: str
    threshold: float
    cap: float


def _routing(fallback: str | None, threshold: float | None, cap: float | None) -> Routing | None:
    if fallback is None:
        given = [
            n for n, v in (("--threshold", threshold), ("--fallback-cap", cap)) if v is not None
        ]
        if given:
            fail(f"{' and '.join(given)} need --fallback (the backend asked below the threshold)")
        return None
    from repvoice.serve.config import DEFAULT_THRESHOLD

    return Routing(
        fallback, DEFAULT_THRESHOLD if threshold is None else threshold, 1.0 if cap is None else cap
    )


def _is_local(uri: str) -> bool:
    from repvoice.evaluate.summary import is_free

    return is_free(uri)


def _check_hybrid(local: str, fallback: str, backends: Sequence[str] | None = None) -> None:
    """The routed pair must be the local parser first and another backend as its fallback
    (for `compare`, one of its backends)."""
    if not _is_local(local):
        fail(f"--fallback needs a local --backend (the parser the service runs first), not {local}")
    if _display(fallback) == _display(local):
        fail("--fallback must be another backend than the local parser")
    if backends is not None and _display(fallback) not in {_display(b) for b in backends}:
        fail(f"--fallback {_display(fallback)} is not one of the --backend options")


def _add_hybrid(
    summaries: list[Summary],
    runs: dict[str, list[ExampleResult]],
    opened: Sequence[Opened],
    routing: Routing,
) -> None:
    """Append the derived column: the first local backend with `routing.fallback` below it."""
    from repvoice.evaluate.hybrid import summarise_hybrid

    fallback = _display(routing.fallback)
    i = next(i for i, o in enumerate(opened) if _is_local(o.name))
    j = next(j for j, o in enumerate(opened) if o.name == fallback)
    parser = getattr(opened[i].backend, "parser")  # noqa: B009 - only the local backend has one
    local, remote = summaries[i], summaries[j]
    summary, results = summarise_hybrid(
        parser,
        local,
        runs[local.backend],
        remote,
        runs[remote.backend],
        threshold=routing.threshold,
        cap=routing.cap,
    )
    summaries.append(summary)
    runs[summary.backend] = results


def _evaluate(
    opened: Opened,
    examples: Sequence[EvalExample],
    concurrency: int,
    max_failures: int,
) -> tuple[Summary, list[ExampleResult]]:
    from repvoice.evaluate.runner import run
    from repvoice.evaluate.summary import summarise

    name, backend = opened.name, opened.backend
    start = time.perf_counter()
    with _progress(name, len(examples)) as bar:
        done = [0]

        def progress(n: int, total: int) -> None:
            done[0] = n
            if bar is not None:
                bar.update(bar.task_ids[0], completed=n, total=total)

        try:
            results = run(
                backend,
                examples,
                concurrency=concurrency,
                progress=progress,
                max_failures=max_failures or None,
            )
        except KeyboardInterrupt:
            if bar is not None:
                bar.stop()
            err_console.print(
                f"[yellow]interrupted[/] after {done[0]:,} of {len(examples):,} examples of "
                f"{escape(name)}; answers received are cached, so a re-run resumes",
                highlight=False,
            )
            raise typer.Exit(130) from None
        finally:
            backend.close()
    seconds = time.perf_counter() - start
    return summarise(name, results, seconds=seconds, identity=opened.identity), results


@contextmanager
def _progress(uri: str, total: int) -> Iterator[Progress | None]:
    """A transient bar on stderr; none when stderr is not a terminal (logs, --json pipes)."""
    if not err_console.is_terminal:
        yield None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
    bar.add_task(escape(uri), total=total)
    with bar:
        yield bar


def _write_report(
    report: Path,
    summaries: list[Summary],
    runs: dict[str, list[ExampleResult]],
    path: Path,
) -> None:
    from repvoice.evaluate.html import write_report

    try:
        write_report(report, summaries, runs, source=str(path))
    except OSError as exc:
        fail(f"{report}: cannot write the report ({exc.strerror or exc})")


def _skipped(testset: TestSet) -> list[dict[str, Any]]:
    return [{"line": n, "reason": r} for n, r in testset.skipped]


def _exit(testset: TestSet, summaries: Sequence[Summary]) -> None:
    dead = [s for s in summaries if s.failed]
    for s in dead:
        if s.stopped:
            what = f"{s.stopped}; {s.not_asked:,} of {s.examples:,} examples not asked"
        else:
            what = f"every call failed; first: {s.first_error or ''}"
        err_console.print(
            f"[bold red]error[/]: {escape(s.backend)}: {escape(what)}",
            highlight=False,
            soft_wrap=True,
        )
    if testset.skipped or dead:
        raise typer.Exit(1)


# --- output for people ----------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _print_skipped(testset: TestSet) -> None:
    if not testset.skipped:
        return
    console.print(
        f"[yellow]left out {len(testset.skipped):,} unusable records[/] of "
        f"{escape(str(testset.path))}:",
        highlight=False,
    )
    for n, reason in testset.skipped[:_SHOWN_SKIPPED]:
        console.print(f"  line {n}: {escape(reason)}", highlight=False)
    if len(testset.skipped) > _SHOWN_SKIPPED:
        console.print(f"  … and {len(testset.skipped) - _SHOWN_SKIPPED:,} more (see --json)")


def _print_summaries(summaries: Sequence[Summary]) -> None:
    from repvoice.evaluate.html import operations_rows, routed
    from repvoice.evaluate.summary import SCORED, answered_label, label, unanswered_note

    n = summaries[0].examples
    table = Table(
        title=f"{n:,} examples; accuracy over the answered ones; null = null counts as right; "
        "core = exercise, weight, unit, reps, RPE",
        title_justify="left",
    )
    table.add_column("field")
    one = len(summaries) == 1
    for s in summaries:
        table.add_column(escape(s.backend), justify="right")
        if one:
            table.add_column("right / judged", justify="right", style="dim")
    answered: list[str] = []
    for s in summaries:
        cell = answered_label(s)
        answered.append(f"[bold red]{escape(cell)}[/]" if s.unanswered else escape(cell))
        if one:
            answered.append("")
    table.add_row("answered", *answered)
    for name in SCORED:
        cells: list[str] = []
        for s in summaries:
            cells.append(_pct(s.accuracy(name)))
            if one:
                cells.append(f"{s.right.get(name, 0):,} / {s.judged.get(name, 0):,}")
        if name == "core":
            table.add_row(f"[bold]{label(name)}[/]", *(f"[bold]{c}[/]" for c in cells))
        else:
            table.add_row(label(name), *cells)
    table.add_section()
    columns = [operations_rows(s, routed(summaries)) for s in summaries]
    for i, (name, _) in enumerate(columns[0]):
        cells = []
        for col in columns:
            cells.append(escape(col[i][1]))
            if one:
                cells.append("")
        table.add_row(name, *cells)
    console.print(table)
    for s in summaries:
        if s.unanswered:
            console.print(
                f"[bold red]{escape(s.backend)}: {escape(unanswered_note(s))}[/]",
                highlight=False,
                soft_wrap=True,
            )
        if s.identity_known is False and s.cached:
            console.print(
                f"[yellow]{escape(s.backend)}: {s.cached:,} answers came from the cache, and the "
                "server does not identify its model: if it now serves another one, use "
                "--refresh[/]",
                highlight=False,
                soft_wrap=True,
            )
        if s.reliability is not None:
            _print_confidence(s)


def _print_confidence(s: Summary) -> None:
    from repvoice.schema import CONFIRMATION_THRESHOLD

    rel = Table(title=f"{escape(s.backend)}: confidence vs core accuracy", title_justify="left")
    for name in ("confidence", "answers", "mean confidence", "core accuracy"):
        rel.add_column(name, justify="right")
    for b in s.reliability or []:
        rel.add_row(
            f"{b['lo']:.2f}–{b['hi']:.2f}",
            f"{b['count']:,}",
            _pct(b["mean_confidence"]),
            _pct(b["accuracy"]),
        )
    console.print(rel)
    console.print(
        f"at confidence ≥ {CONFIRMATION_THRESHOLD}: [bold]{_pct(s.accuracy_at_threshold)}[/] "
        f"accurate, covering {_pct(s.coverage_at_threshold)} of examples",
        highlight=False,
    )


def _values(data: dict[str, Any]) -> str:
    def value(v: Any) -> str:
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return "null" if v is None else str(v)

    return ", ".join(f"{k}={value(v)}" for k, v in data.items())


def _print_misses(found: list[Miss], limit: int, of: str | None = None) -> None:
    head = "misses" if of is None else f"misses of {escape(of)}"
    if not found:
        console.print(f"{head}: none", highlight=False)
        return
    if not limit:
        lead = "" if of is None else f"{head}: "
        console.print(
            f"{lead}{len(found):,} examples with a field wrong (--misses N lists them)",
            highlight=False,
        )
        return
    table = Table(
        title=f"{head}: {len(found):,} examples with a field wrong"
        + (f", the first {limit:,} (core first)" if len(found) > limit else ""),
        title_justify="left",
    )
    for name in ("line", "text", "wrong", "expected", "predicted"):
        table.add_column(name, justify="right" if name == "line" else "left")
    for m in found[:limit]:
        predicted = f"error: {m.error}" if m.error else _values(m.predicted)
        table.add_row(
            str(m.line),
            escape(m.text),
            ", ".join(m.wrong),
            escape(_values(m.expected)),
            f"[red]{escape(predicted)}[/]",
        )
    console.print(table)


def _print_disagreements(found: list[Disagreement], limit: int, backends: list[str]) -> None:
    if not found:
        console.print("the backends agree on every example", highlight=False)
        return
    if not limit:
        console.print(f"{len(found):,} examples where the backends disagree")
        return
    table = Table(
        title=f"{len(found):,} examples where the backends disagree"
        + (f", the first {limit:,}" if len(found) > limit else ""),
        title_justify="left",
    )
    table.add_column("line", justify="right")
    table.add_column("text")
    table.add_column("gold")
    for b in backends:
        table.add_column(escape(b))
    for d in found[:limit]:
        cells = [
            escape(_values(d.answers[b]))
            if len(d.right[b]) == len(d.fields)
            else f"[red]{escape(_values(d.answers[b]))}[/]"
            for b in backends
        ]
        table.add_row(str(d.line), escape(d.text), escape(_values(d.gold)), *cells)
    console.print(table)
