"""Benchmark how far the app can trust the local parser's confidence: silent errors, auto-accepted
share and calibration on the hand-written spoken, typed and not-a-set sets.

Run:  .venv/bin/python benchmarks/bench_trust.py [--model DIR] [--threshold 0.85]
          [--sets development|held-out|all]

A *silent error* is an answer with a core field wrong (exercise, weight, unit, reps, RPE) whose
confidence is at or above the threshold, so the app saves it without asking; *auto-accepted* is
the share of answers at or above the threshold. A not-a-set line is right when the answer names
no exercise and its confidence is under 0.5. Every figure is over all utterances of the kind;
the reliability table pools each kind's sets. Writes the "Local parser: trust" section of
BENCHMARKS.md and exits 1 when a target is missed on a held-out set (development sets, whose
misses were read, only inform).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from repvoice.data.bundled import default_train_path
from repvoice.data.dedupe import user_text
from repvoice.data.jsonl import read_records
from repvoice.evaluate.metrics import score_fields
from repvoice.parser.confidence import reliability_table
from repvoice.parser.model import ModelError, Parser
from repvoice.parser.train import TrainReport, read_examples
from repvoice.schema import CONFIRMATION_THRESHOLD

from _report import ROOT, write_section

DATA = ROOT / "tests" / "data"
SECTION = "Local parser: trust"
#: Under this confidence a not-a-set answer is treated as "not a set" by the app.
NOT_A_SET_CONFIDENCE = 0.5
#: Per kind: the file pattern of its sets, and the sets nobody has read the misses of.
KINDS: dict[str, tuple[str, frozenset[int]]] = {
    "spoken": ("handwritten_eval*.jsonl", frozenset({4, 8, 12, 13, 15, 20})),
    "typed": ("typed_eval_*.jsonl", frozenset({5})),
    "not a set": ("offtopic_eval_*.jsonl", frozenset({5})),
}
#: Issue targets per kind: (core right at least, silent-wrong at most, auto-accepted at least).
TARGETS: dict[str, tuple[float, float, float]] = {
    "spoken": (0.98, 0.005, 0.92),
    "typed": (0.93, 0.015, 0.75),
}
NOT_A_SET_TARGET = 0.99
MISSES_SHOWN = 12
#: The first measurement of each set written for this benchmark, before its misses were read.
FIRST_FIGURES = (
    "First measured, before any miss was read (bundled model at commit be9b905, threshold "
    "0.85): typed set 1 (282 typed logs) right 77.7%, auto-accepted 75.5%, silent-wrong 7.8%; "
    "not-a-set set 1 (364 lines) right 76.1%, auto-accepted (a guessed exercise saved "
    "unasked) 2.2%. Both have been development sets since. The final held-out sets, written "
    "last and first measured at commit 49cc2d8 (the bundled model of commit 36789d0): spoken "
    "set 17 (240) right 92.5%, auto-accepted 85.4%, silent-wrong 4.2%; typed set 2 (220) right "
    "91.4%, auto-accepted 70.9%, silent-wrong 1.8%; not-a-set set 2 (240) right 95.8% (96.2% on "
    "the 239 lines not in the training file), a guessed exercise saved unasked 0.4%. They "
    "missed the targets and became development sets; the final held-out sets written after "
    "them, first measured at commit 70f0aab: spoken set 18 (200) right 94.5%, auto-accepted "
    "85.5%, silent-wrong 3.5%; typed set 3 (200) right 91.5%, auto-accepted 68.5%, "
    "silent-wrong 2.5%; not-a-set set 3 (200) right 91.0%, a guessed exercise saved unasked "
    "1.0%. They became development sets in turn; the final held-out sets written after them, "
    "first measured at commit a9697b2: spoken set 19 (200) right 95.0%, auto-accepted 82.0%, "
    "silent-wrong 2.5%; typed set 4 (200) right 84.5%, auto-accepted 65.5%, silent-wrong 5.0%; "
    "not-a-set set 4 (200) right 98.0%, a guessed exercise saved unasked 0.5%. They became "
    "development sets too; the final held-out sets written after them, first measured at "
    "commit 136f47d: spoken set 20 (200) right 95.5%, auto-accepted 86.0%, silent-wrong 3.5%; "
    "typed set 5 (200) right 79.0%, auto-accepted 58.5%, silent-wrong 5.0%; not-a-set set 5 "
    "(200) right 97.0%, a guessed exercise saved unasked 1.5%."
)


@dataclass
class KindResult:
    """Trust figures of one set."""

    kind: str
    name: str
    path: Path
    held_out: bool
    confidences: list[float] = field(default_factory=list)
    right: list[bool] = field(default_factory=list)
    named: list[bool] = field(default_factory=list)  # the answer names an exercise
    trained: list[bool] = field(default_factory=list)  # the text is in the training file
    # (text, what it answered, confidence) of silent errors: what the app would save unasked
    silent: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.right)

    def share(self, which: list[bool]) -> float:
        return sum(which) / self.n if self.n else 0.0

    def auto(self, threshold: float) -> list[bool]:
        return [c >= threshold for c in self.confidences]

    def silent_wrong(self, threshold: float) -> list[bool]:
        return [c >= threshold and not r for c, r in zip(self.confidences, self.right, strict=True)]


def set_number(path: Path) -> int:
    """N for NAME_N.jsonl, 1 for a file with no number (handwritten_eval.jsonl)."""
    found = re.search(r"_(\d+)$", path.stem)
    return int(found.group(1)) if found else 1


@cache
def _training_texts() -> frozenset[str]:
    return frozenset(
        " ".join(user_text(r).lower().split()) for _, r in read_records(default_train_path())
    )


def evaluate(parser: Parser, kind: str, path: Path, held: frozenset[int]) -> KindResult:
    trained = _training_texts()
    report = TrainReport(source=str(path))
    n = set_number(path)
    res = KindResult(kind, f"{kind} set {n}", path, n in held)
    for ex in read_examples(path, report):
        parsed = parser.parse(ex.text, ex.context)
        pred = parsed.model_dump()
        if kind == "not a set":
            ok = pred.get("exercise_name") is None and parsed.confidence < NOT_A_SET_CONFIDENCE
        else:
            ok = bool(score_fields(pred, ex.gold)["core"])
        res.confidences.append(parsed.confidence)
        res.right.append(ok)
        res.named.append(pred.get("exercise_name") is not None)
        res.trained.append(" ".join(ex.text.lower().split()) in trained)
        if not ok and parsed.confidence >= CONFIRMATION_THRESHOLD:
            shown = ", ".join(
                f"{k}={pred[k]}"
                for k in ("exercise_name", "weight", "weight_unit", "reps", "rpe")
                if pred.get(k) is not None
            )
            res.silent.append((ex.text, shown, parsed.confidence))
    return res


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def table(results: list[KindResult], threshold: float) -> str:
    rows = [
        "| set | utterances | right | auto-accepted | silent-wrong | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        target, met = _target(r, threshold)
        rows.append(
            f"| {r.name}{'' if r.held_out else ' (development)'} | {r.n} | "
            f"{_pct(r.share(r.right))} | {_pct(r.share(r.auto(threshold)))} | "
            f"{_pct(r.share(r.silent_wrong(threshold)))} | {target} | "
            f"{'—' if met is None else ('yes' if met else '**NO**')} |"
        )
    for r in results:
        fresh = [x for x, t in zip(r.right, r.trained, strict=True) if not t]
        if r.kind == "not a set" and len(fresh) < r.n:
            rows.append(
                f"\n{r.name}: {r.n - len(fresh)} of its lines (stock commands such as "
                f'"cancel") are also in the bundled training file; on the other {len(fresh)}, '
                f"right {_pct(sum(fresh) / len(fresh) if fresh else None)}."
            )
    return "\n".join(rows)


def _target(r: KindResult, threshold: float) -> tuple[str, bool | None]:
    if r.kind == "not a set":
        return f"right >= {_pct(NOT_A_SET_TARGET)}", r.share(r.right) >= NOT_A_SET_TARGET
    core, silent, auto = TARGETS[r.kind]
    met = (
        r.share(r.right) >= core
        and r.share(r.silent_wrong(threshold)) <= silent
        and r.share(r.auto(threshold)) >= auto
    )
    return f"right >= {_pct(core)}, silent <= {_pct(silent)}, auto >= {_pct(auto)}", met


def reliability(results: list[KindResult]) -> str:
    """Reliability of the answers that name an exercise, per kind of set: a "not a set"
    answer's low confidence means "nothing to log", not a probability of being right."""
    out = []
    for kind, held in ((kind, held) for kind in ("spoken", "typed") for held in (True, False)):
        pooled = [r for r in results if r.kind == kind and r.held_out == held]
        pairs = [
            (c, x)
            for r in pooled
            for c, x, named in zip(r.confidences, r.right, r.named, strict=True)
            if named
        ]
        if not pairs:
            continue
        conf, right = [c for c, _ in pairs], [x for _, x in pairs]
        out += [
            f"**{kind}, {'held-out' if held else 'development'} sets** ({len(conf)} answers "
            "naming an exercise, those sets pooled)",
            "",
            "| confidence | answers | mean confidence | observed right | gap |",
            "|---|---|---|---|---|",
        ]
        for b in reliability_table(conf, right):
            if not b.count:
                continue
            gap = (b.accuracy - b.mean_confidence) * 100
            out.append(
                f"| {b.lo:.2f}–{b.hi:.2f} | {b.count} | {b.mean_confidence:.3f} | "
                f"{_pct(b.accuracy)} | {gap:+.1f} points |"
            )
        out.append("")
    return "\n".join(out)


def silent_list(results: list[KindResult]) -> str:
    out = []
    for r in results:
        if r.held_out or not r.silent:
            continue
        out += [f"**{r.name}**: {len(r.silent)} silent errors; the first {MISSES_SHOWN}:", ""]
        out += [f"- `{t}` → {a or 'nothing'} ({c:.3f})" for t, a, c in r.silent[:MISSES_SHOWN]]
        out.append("")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model directory (default: the bundled model)")
    ap.add_argument("--threshold", type=float, default=CONFIRMATION_THRESHOLD)
    ap.add_argument(
        "--sets",
        choices=("development", "held-out", "all"),
        default="development",
        help="which sets to measure (held-out sets are measured once, at the end of a change)",
    )
    args = ap.parse_args()
    try:
        parser = Parser.load(args.model)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = []
    for kind, (pattern, held) in KINDS.items():
        for path in sorted(DATA.glob(pattern), key=set_number):
            is_held = set_number(path) in held
            if args.sets == "all" or (args.sets == "held-out") == is_held:
                results.append(evaluate(parser, kind, path, held))
    body = table(results, args.threshold)
    print(body)
    command = ".venv/bin/python benchmarks/bench_trust.py"
    if args.model:
        command += f" --model {args.model}"
    if args.sets != "development":
        command += f" --sets {args.sets}"
    if args.threshold != CONFIRMATION_THRESHOLD:
        command += f" --threshold {args.threshold}"
    write_section(
        SECTION,
        "\n\n".join(
            [
                f"Command: `{command}`",
                f"Threshold: {args.threshold} (the app saves without asking at or above it). "
                "Silent-wrong: a core field wrong at or above the threshold, over all "
                "utterances. A not-a-set line is right when no exercise is named and the "
                "confidence is under 0.5.",
                body,
                FIRST_FIGURES,
                "### Reliability\n\n" + reliability(results),
                "### Silent errors on development sets\n\n" + silent_list(results),
            ]
        ),
    )
    missed = [r.name for r in results if r.held_out and _target(r, args.threshold)[1] is False]
    if missed:
        print(f"\ntargets missed on held-out sets: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
