"""Benchmark the local parser: model load, latency, batch throughput, memory and training time.

Run:  .venv/bin/python benchmarks/bench_parser.py [--model DIR] [--loads 7] [--calls 5000]
      [--batch 20000]

Every measurement runs in its own fresh process pinned to one core (`taskset -c 0`). The texts
are the transcripts of the bundled test split and of tests/data/handwritten_eval.jsonl. Prints a
table, writes the "Local parser: speed and memory" section of BENCHMARKS.md and exits 1 when a
target is missed (the section is written either way). `--model DIR` measures a model from
`repvoice train` instead of the bundled one (training is always timed on the bundled train file).

The in-process measurements run this file again as `bench_parser.py --child load|latency`, which
prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from _report import ROOT, Run, run_measured, write_section

HANDWRITTEN = ROOT / "tests" / "data" / "handwritten_eval.jsonl"
SINGLE_TEXT = "bench press two twenty five for eight at RPE eight"
SECTION = "Local parser: speed and memory"

if TYPE_CHECKING:
    from repvoice.parser.train import Example

TARGET_LOAD_S = 0.5
TARGET_P50_MS = 0.3
TARGET_P99_MS = 2.0
TARGET_THROUGHPUT = 3000.0
TARGET_RSS_MB = 150.0
TARGET_TRAIN_S = 60.0


@dataclass
class Row:
    """One line of the results table; `met` is None where there is no target."""

    measure: str
    value: str
    target: str = "—"
    met: bool | None = None

    def markdown(self) -> str:
        verdict = "—" if self.met is None else ("yes" if self.met else "**NO**")
        return f"| {self.measure} | {self.value} | {self.target} | {verdict} |"


# --- child processes: each prints one JSON object -------------------------------------------


def child_load(model: str | None) -> dict[str, float]:
    """Seconds to import repvoice and to load the model, in this fresh process."""
    started = time.perf_counter()
    import repvoice  # noqa: F401  (the import is what is being timed)
    from repvoice.parser.model import Parser

    imported = time.perf_counter()
    Parser.load(model)
    loaded = time.perf_counter()
    return {"load_s": loaded - imported, "import_and_load_s": loaded - started}


def child_latency(model: str | None, calls: int) -> dict[str, float]:
    """Per-call `Parser.parse` time in ms over the test texts (with their contexts)."""
    from repvoice.parser.model import Parser

    parser = Parser.load(model)
    requests = [(ex.text, ex.context) for ex in _examples()]
    for text, context in requests:  # warm-up: caches, lazy tables, branch predictors
        parser.parse(text, context)
    rounds = math.ceil(calls / len(requests))
    timings: list[int] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for text, context in requests:
            start = clock()
            parser.parse(text, context)
            timings.append(clock() - start)
    ms = [t / 1e6 for t in timings]
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "calls": len(ms),
        "texts": len(requests),
        "p50_ms": statistics.median(ms),
        "p90_ms": cuts[89],
        "p99_ms": cuts[98],
        "max_ms": max(ms),
        "mean_ms": statistics.fmean(ms),
    }


def _examples() -> list[Example]:
    """The usable examples of the bundled test split and the hand-written set, in that order."""
    from repvoice.data.bundled import default_test_path
    from repvoice.parser.train import TrainReport, read_examples

    examples: list[Example] = []
    for path in (default_test_path(), HANDWRITTEN):
        examples.extend(read_examples(path, TrainReport(source=str(path))))
    return examples


# --- the parent: one process per measurement ------------------------------------------------


def _child(mode: str, model: str | None, *extra: str) -> dict[str, float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *extra]
    run = run_measured(cmd + (["--model", model] if model else []))
    _check(run, f"--child {mode}")
    return json.loads(run.stdout)


def _check(run: Run, what: str, ok_codes: tuple[int, ...] = (0,)) -> None:
    if run.returncode not in ok_codes:
        sys.exit(f"{what} failed with exit status {run.returncode}:\n{run.stderr[-2000:]}")


def _repvoice() -> str:
    return shutil.which("repvoice") or str(Path(sys.executable).with_name("repvoice"))


def measure(model: str | None, loads: int, calls: int, batch: int) -> list[Row]:
    """Run every measurement and return the table rows."""
    exe = _repvoice()
    model_opt = ["--model", model] if model else []
    which = f"`{model}`" if model else "the bundled model"
    rows: list[Row] = []

    print(f"model load: {loads} fresh processes …", file=sys.stderr, flush=True)
    load_runs = [_child("load", model) for _ in range(loads)]
    load_s = statistics.median(r["load_s"] for r in load_runs)
    both_s = statistics.median(r["import_and_load_s"] for r in load_runs)
    rows.append(
        Row(
            f"`Parser.load()` of {which} (median of {loads} processes)",
            f"{load_s * 1000:.0f} ms",
            f"< {TARGET_LOAD_S * 1000:.0f} ms",
            load_s < TARGET_LOAD_S,
        )
    )
    rows.append(Row("`import repvoice` + `Parser.load()`", f"{both_s * 1000:.0f} ms"))

    print(f"latency: {calls:,}+ parses in one process …", file=sys.stderr, flush=True)
    lat = _child("latency", model, "--calls", str(calls))
    per = f"{int(lat['calls']):,} calls over {int(lat['texts'])} texts"
    rows.append(
        Row(f"latency p50 ({per})", f"{lat['p50_ms']:.3f} ms", f"< {TARGET_P50_MS} ms",
            lat["p50_ms"] < TARGET_P50_MS)
    )  # fmt: skip
    rows.append(Row("latency p90", f"{lat['p90_ms']:.3f} ms"))
    rows.append(
        Row("latency p99", f"{lat['p99_ms']:.3f} ms", f"< {TARGET_P99_MS:g} ms",
            lat["p99_ms"] < TARGET_P99_MS)
    )  # fmt: skip
    rows.append(Row("latency max", f"{lat['max_ms']:.3f} ms"))

    with tempfile.TemporaryDirectory() as tmp:
        texts = [ex.text.replace("\n", " ").strip() for ex in _examples()]
        src = Path(tmp) / "transcripts.txt"
        src.write_text(
            "".join(texts[i % len(texts)] + "\n" for i in range(batch)), encoding="utf-8"
        )
        out = Path(tmp) / "answers.jsonl"

        print(f"batch: {batch:,} transcripts …", file=sys.stderr, flush=True)
        run = run_measured([exe, "parse", "--input", str(src), "--output", str(out), *model_opt])
        _check(run, "repvoice parse --input")
        answered = sum(1 for _ in out.open(encoding="utf-8"))
        if answered != batch:
            sys.exit(f"repvoice parse --input wrote {answered} answers for {batch} lines")
        rate = batch / run.seconds
        rows.append(
            Row(f"batch `repvoice parse --input` ({batch:,} lines, incl. start-up)",
                f"{rate:,.0f} utterances/s ({run.seconds:.2f} s)",
                f">= {TARGET_THROUGHPUT:,.0f}/s", rate >= TARGET_THROUGHPUT)
        )  # fmt: skip
        rows.append(
            Row("peak RSS, batch run", f"{run.peak_rss_mb:.0f} MB", f"< {TARGET_RSS_MB:.0f} MB",
                run.peak_rss_mb < TARGET_RSS_MB)
        )  # fmt: skip

        print("single run …", file=sys.stderr, flush=True)
        single = run_measured([exe, "parse", SINGLE_TEXT, *model_opt])
        _check(single, "repvoice parse TEXT")
        rows.append(
            Row(f'peak RSS, `repvoice parse "{SINGLE_TEXT}"`', f"{single.peak_rss_mb:.0f} MB",
                f"< {TARGET_RSS_MB:.0f} MB", single.peak_rss_mb < TARGET_RSS_MB)
        )  # fmt: skip
        rows.append(Row("wall time, single `repvoice parse` run", f"{single.seconds:.2f} s"))

        from repvoice.data.bundled import default_train_path

        print("training on the bundled train file …", file=sys.stderr, flush=True)
        model_dir = Path(tmp) / "model"
        train = run_measured([exe, "train", str(default_train_path()), "-o", str(model_dir)])
        # exit 1 means trained, with some records skipped: still a timed training run
        _check(train, "repvoice train", ok_codes=(0, 1))
        rows.append(
            Row("`repvoice train` on the bundled train file", f"{train.seconds:.1f} s",
                f"< {TARGET_TRAIN_S:.0f} s", train.seconds < TARGET_TRAIN_S)
        )  # fmt: skip
        rows.append(Row("peak RSS, training", f"{train.peak_rss_mb:.0f} MB"))
    return rows


def report(rows: list[Row], command: str) -> str:
    """The BENCHMARKS.md section body."""
    table = "\n".join(row.markdown() for row in rows)
    return (
        f"Command: `{command}`\n\n"
        "Each measurement runs in its own fresh process pinned to one core (`taskset -c 0`); "
        "peak RSS is that process's own maximum resident set (wait4). Texts: the transcripts of "
        "the bundled test split and of `tests/data/handwritten_eval.jsonl` (follow-ups with "
        "their context). Load time is measured inside the process, after interpreter start-up. "
        "Latency is `Parser.parse` timed per call with `time.perf_counter_ns` after one warm-up "
        "pass. Batch throughput is the input lines divided by the whole process's wall time, "
        "start-up and model load included.\n\n"
        "| measure | figure | target | met |\n|---|---|---|---|\n" + table
    )


def _options(args: argparse.Namespace) -> str:
    """The non-default options, as typed on the command line."""
    opts = f" --model {args.model}" if args.model else ""
    if (args.loads, args.calls, args.batch) != (7, 5000, 20000):
        opts += f" --loads {args.loads} --calls {args.calls} --batch {args.batch}"
    return opts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model directory (default: the bundled model)")
    ap.add_argument("--loads", type=int, default=7, help="fresh processes timing the load")
    ap.add_argument("--calls", type=int, default=5000, help="minimum parses timed for latency")
    ap.add_argument("--batch", type=int, default=20000, help="lines in the batch input")
    ap.add_argument("--child", choices=("load", "latency"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "load":
        print(json.dumps(child_load(args.model)))
        return 0
    if args.child == "latency":
        print(json.dumps(child_latency(args.model, args.calls)))
        return 0

    rows = measure(args.model, args.loads, args.calls, args.batch)
    width = max(len(r.measure) for r in rows)
    for row in rows:
        verdict = "" if row.met is None else ("  ok" if row.met else "  MISSED")
        target = "" if row.met is None else f"  (target {row.target})"
        print(f"{row.measure:<{width}}  {row.value}{target}{verdict}")
    command = ".venv/bin/python benchmarks/bench_parser.py" + _options(args)
    write_section(SECTION, report(rows, command))
    missed = [r.measure for r in rows if r.met is False]
    if missed:
        print(f"{len(missed)} target(s) missed", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
