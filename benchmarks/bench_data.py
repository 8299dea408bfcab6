"""Benchmark the data toolkit: validate, stats and convert of large files, one core each.

Run:  .venv/bin/python benchmarks/bench_data.py [--sizes 100000,400000]

Builds files of N examples from the bundled default dataset (each user text made distinct),
runs every command as its own process pinned to one core, and records wall time and peak RSS
in BENCHMARKS.md. Targets: under 30 s per command at 100,000 examples; peak RSS under 300 MB
whatever the file size.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from repvoice.data.bundled import default_train_path

from _report import run_measured, write_section

TARGET_SECONDS = 30.0
TARGET_RSS_MB = 300.0


def build_file(path: Path, n: int) -> int:
    """Write n examples cycling the bundled train file; returns the file size in bytes."""
    records = [json.loads(line) for line in default_train_path().read_text().splitlines()]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rec = records[i % len(records)]
            if i >= len(records):
                rec = json.loads(json.dumps(rec))
                for msg in rec["messages"]:
                    if msg["role"] == "user":
                        msg["content"] = f"{msg['content']} set {i // len(records) + 1}"
            fh.write(json.dumps(rec, separators=(",", ":")) + "\n")
    return path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,400000")
    args = parser.parse_args()
    exe = shutil.which("repvoice") or str(Path(sys.executable).with_name("repvoice"))
    rows = []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            src = Path(tmp) / f"train_{n}.jsonl"
            size = build_file(src, n)
            commands = {
                "validate": [exe, "data", "validate", str(src), "--json"],
                "stats": [exe, "data", "stats", str(src), "--json"],
                "convert --to vertex": [
                    exe,
                    "data",
                    "convert",
                    str(src),
                    "--to",
                    "vertex",
                    "-o",
                    f"{tmp}/out.jsonl",
                ],
            }
            for name, cmd in commands.items():
                run = run_measured(cmd)
                # validate exits 1 when it finds problems; anything else non-zero is a failure
                failed = run.returncode not in (0, 1) or (name != "validate" and run.returncode)
                met = run.seconds * 100_000 / n < TARGET_SECONDS and run.peak_rss_mb < TARGET_RSS_MB
                ok = ok and met and not failed
                rows.append(
                    f"| {name} | {n:,} | {size / 1_048_576:.0f} MB | {run.seconds:.1f} s | "
                    f"{n / run.seconds:,.0f} | {run.peak_rss_mb:.0f} MB | "
                    f"{'yes' if met and not failed else 'NO'} |"
                )
                print(rows[-1], flush=True)
                if failed:
                    print(run.stderr[-2000:], file=sys.stderr)
    body = (
        "Command: `.venv/bin/python benchmarks/bench_data.py --sizes " + args.sizes + "`\n\n"
        "Each command runs as its own process pinned to one core (`taskset -c 0`); peak RSS is "
        "the process's own maximum resident set (wait4). Target: under 30 s per 100,000 "
        "examples, peak RSS under 300 MB at any size.\n\n"
        "| command | examples | file | wall time | examples/s | peak RSS | target met |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(rows)
    )
    write_section("Data toolkit: validate, stats, convert", body)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
