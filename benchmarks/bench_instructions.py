"""Instructions per parse, counted by callgrind: a speed comparison a noisy machine cannot move.

Run:  .venv/bin/python benchmarks/bench_instructions.py [--ref SRC_DIR] [--texts 150]

Counts the instructions of `Parser.parse` over the first `--texts` transcripts of this checkout's
tests/data/handwritten_eval.jsonl (a run that parses them minus one that only loads the model),
so a reference parses the very same texts. With `--ref`, the same is counted for another
checkout's `src` directory (put first on `PYTHONPATH`) and its bundled model, e.g. a
`git worktree add /tmp/ref COMMIT` of an earlier commit, and the two are printed side by side.
Needs valgrind (`apt-get install valgrind`). Prints, and with `--ref` writes the "Local parser:
instructions per parse" section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from _report import write_section

#: The transcripts parsed, read from this checkout for the reference too.
TEXTS = Path(__file__).resolve().parents[1] / "tests" / "data" / "handwritten_eval.jsonl"

CHILD = """
import json, sys
from repvoice.parser.model import Parser
parser = Parser.load()
texts = [json.loads(line)["messages"][1]["content"] for line in open(sys.argv[3])]
texts = texts[: int(sys.argv[2])]
parser.parse(texts[0])
if sys.argv[1] == "1":  # "0" only loads, so the difference is the parsing alone
    for text in texts:
        parser.parse(text)
"""


def instructions(src: Path | None, parses: int, texts: int) -> int:
    """Instructions of one child process (callgrind's `I refs`)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [
                "valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out",
                sys.executable, "-c", CHILD, str(parses), str(texts), str(TEXTS),
            ],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    found = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no instruction count:\n{out.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_parse(src: Path | None, texts: int) -> float:
    return (instructions(src, 1, texts) - instructions(src, 0, texts)) / texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", type=Path, help="another checkout's src directory to compare with")
    ap.add_argument("--texts", type=int, default=150, help="transcripts parsed")
    args = ap.parse_args()
    here = per_parse(None, args.texts)
    print(f"this checkout: {here / 1e6:.3f} M instructions per parse ({args.texts} texts)")
    if args.ref is not None:
        ref = per_parse(args.ref.resolve(), args.texts)
        print(f"reference {args.ref}: {ref / 1e6:.3f} M instructions per parse")
        print(f"change: {(here - ref) / ref:+.2%}")
        commit = subprocess.run(
            ["git", "-C", str(args.ref), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=False,
        ).stdout.strip() or str(args.ref)  # fmt: skip
        write_section(
            "Local parser: instructions per parse",
            f"Command: `.venv/bin/python benchmarks/bench_instructions.py --ref REF_SRC` (REF_SRC: "
            f"a worktree of commit {commit})\n\n"
            f"Instructions of `Parser.parse` per transcript (callgrind, the first {args.texts} "
            "transcripts of tests/data/handwritten_eval.jsonl, each checkout with its own "
            "bundled model), a count a busy machine cannot move:\n\n"
            "| checkout | M instructions per parse |\n|---|---|\n"
            f"| this one | {here / 1e6:.3f} |\n| {commit} | {ref / 1e6:.3f} |\n"
            f"| change | {(here - ref) / ref:+.1%} |",
        )


if __name__ == "__main__":
    main()
