"""Benchmark the local parser's accuracy per field on the bundled test split and the
hand-written sets.

Run:  .venv/bin/python benchmarks/bench_accuracy.py [--model DIR]

Parses every usable record of src/repvoice/data/default/test.jsonl and of every
tests/data/handwritten_eval*.jsonl (follow-ups with their context), judges each field with
`repvoice.evaluate.metrics.score_fields` (null = null counts as right), and reports accuracy
per field, "all core fields right", and accuracy and coverage at confidence >= 0.85. Prints the
tables, writes the "Local parser: accuracy" section of BENCHMARKS.md and exits 1 when a target
is missed on the bundled split or on a held-out set (the section is written either way).

Hand-written sets have one of two roles. Development sets were looked at to find gaps: their
misses are listed and their figures overstate transfer. Held-out sets were never looked at:
only their aggregate figures are printed, never a miss.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repvoice.data.bundled import default_test_path
from repvoice.evaluate.metrics import FIELDS, score_fields
from repvoice.parser.confidence import accuracy_at_or_above
from repvoice.parser.model import ModelError, Parser
from repvoice.parser.train import Example, TrainReport, read_examples
from repvoice.schema import CONFIRMATION_THRESHOLD

from _report import ROOT, write_section

DATA = ROOT / "tests" / "data"
SECTION = "Local parser: accuracy"
MISSES_SHOWN = 10
BUNDLED = "bundled test split"
#: Hand-written sets nobody has looked at; only aggregates are ever reported.
HELD_OUT = frozenset({4, 8, 12, 13, 15, 20})
#: The set kept for the final measurement, run once at the end of the work.
FINAL = 20

#: Minimum accuracy per field: the bundled split's own, and one bar for all hand-written speech.
BUNDLED_TARGETS = {"exercise": 0.99, "weight": 0.995, "weight_unit": 0.995, "reps": 0.995,
                   "rpe": 0.995}  # fmt: skip
SPEECH_TARGETS = {"exercise": 0.98, "weight": 0.97, "reps": 0.99, "rpe": 0.985, "core": 0.90}
#: How far the hand-written sets can still be called unseen; printed with every report.
HONESTY = (
    "None of the hand-written sets was ever trained on. Development sets (1, 2, 3, 5, 6, 7, 9, "
    "10, 11, 14, 16, 17, 18, 19) were used for error analysis: the parser's rules were written "
    "to fix the general gaps their misses showed, so their figures overstate how well it "
    "transfers. Seven were measured once before anyone looked at them: set 2 (150 utterances, "
    "commit 236501f) exercise 99.33%, weight 94.67%, reps 95.33%, RPE 98.00%, core 90.67%; set "
    "3 (120, commit 353f5da) exercise 92.50%, weight 95.00%, reps 88.33%, RPE 97.50%, core "
    "83.33%; set 9 (200, commit a7f43e7) exercise 98.50%, weight 98.50%, reps 97.00%, RPE 100%,"
    " core 95.00%; set 10 (200, commit a7f43e7) exercise 97.50%, weight 97.00%, reps 98.50%, "
    "RPE 100%, core 94.00%; set 11 (200, commit 9211860) exercise 98.50%, weight 99.50%, reps "
    "97.00%, RPE 97.50%, core 93.00%; set 14 (200, commit 528bbaa) exercise 99.00%, weight "
    "100%, reps 98.00%, RPE 100%, core 97.00%; set 16 (323, commit 6e4257a) exercise 96.90%, "
    "weight 93.19%, reps 96.28%, RPE 97.83%, core 85.76%. Held-out sets (4, 8, 12, 13, 15 and "
    "20) have never been looked at: their misses are never listed. Sets 4, 8, 12, 13 and 15 had"
    " their aggregate figures seen before later changes (set 8 at commit 3aa7e24: exercise "
    "99.00%, weight 99.00%, reps 98.00%, RPE 100%, core 96.00%; set 12 at commit 160b74f: "
    "exercise 99.00%, weight 99.00%, reps 97.50%, RPE 99.50%, core 96.50%; set 13 at commit "
    "7b5b958: exercise 99.50%, weight 100%, reps 98.50%, RPE 99.50%, core 98.00%; set 15, the "
    "final set of the accuracy issue, at commit 588963d: exercise 98.50%, weight 99.50%, reps "
    "99.50%, RPE 100%, core 97.50%), so they are slightly spent; set 17, written for the trust "
    "issue, was first measured at commit 49cc2d8 (exercise 96.25%, weight 99.58%, reps 97.50%, "
    "RPE 97.50%, core 92.50%) and then became a development set; set 18, written after it, was "
    "first measured at commit 70f0aab (exercise 96.50%, weight 98.00%, reps 99.50%, RPE 99.50%,"
    " core 94.50%) and became a development set too; set 19, written after that, was first "
    "measured at commit a9697b2 (exercise 97.00%, weight 98.50%, reps 99.50%, RPE 100%, core "
    "95.00%) and became a development set; set 20, written last, is the final measurement "
    "(first measured at commit 136f47d: exercise 96.00%, weight 99.50%, reps 99.50%, RPE "
    "99.50%, core 95.50%)."
)
#: The original fine-tuned gpt-4o-mini's published figures (its own test set, metric unknown).
PUBLISHED: dict[str, float] = {"weight": 0.9557, "reps": 0.9974, "rpe": 0.9818}
#: The schema keys shown for a field when listing a miss.
SHOWN_KEYS: dict[str, tuple[str, ...]] = {
    "exercise": ("exercise_name",),
    "weight": ("weight",),
    "weight_unit": ("weight_unit",),
}


@dataclass
class Miss:
    """One utterance with at least one field wrong."""

    text: str
    context: dict[str, Any] | None
    wrong: list[str]
    expected: dict[str, Any]
    predicted: dict[str, Any]
    core: bool


@dataclass
class SetResult:
    """Accuracy of one evaluation set."""

    name: str
    path: Path
    examples: int = 0
    skipped: int = 0
    right: dict[str, int] = field(default_factory=dict)
    judged: dict[str, int] = field(default_factory=dict)
    accuracy_at_threshold: float | None = None
    coverage_at_threshold: float = 0.0
    misses: list[Miss] = field(default_factory=list)

    def accuracy(self, name: str) -> float | None:
        judged = self.judged.get(name, 0)
        return self.right.get(name, 0) / judged if judged else None

    def verdicts(self) -> list[tuple[str, float | None, float | None, bool | None]]:
        """(field, accuracy, target, met) for every field and "core"."""
        targets = BUNDLED_TARGETS if self.name == BUNDLED else SPEECH_TARGETS
        rows = []
        for name in (*FIELDS, "core"):
            acc, target = self.accuracy(name), targets.get(name)
            met = None if target is None else acc is not None and acc >= target
            rows.append((name, acc, target, met))
        return rows

    @property
    def held_out(self) -> bool:
        return self.name != BUNDLED and set_number(self.path) in HELD_OUT

    @property
    def judged_by_targets(self) -> bool:
        """The bundled split and held-out sets decide the exit code; development sets,
        tuned against, only inform."""
        return self.name == BUNDLED or self.held_out

    def missed(self) -> list[str]:
        return [name for name, _, _, met in self.verdicts() if met is False]


def evaluate(parser: Parser, name: str, path: Path) -> SetResult:
    """Parse every usable record of `path` and score it."""
    report = TrainReport(source=str(path))
    examples = read_examples(path, report)
    result = SetResult(name, path, examples=len(examples), skipped=sum(report.skipped.values()))
    confidences: list[float] = []
    core_right: list[bool] = []
    for ex in examples:
        pred, confidence, verdict = _judge(parser, ex)
        confidences.append(confidence)
        core_right.append(bool(verdict["core"]))
        for key, ok in verdict.items():
            if ok is None:
                continue
            result.judged[key] = result.judged.get(key, 0) + 1
            result.right[key] = result.right.get(key, 0) + bool(ok)
        wrong = [f for f in FIELDS if verdict[f] is False]
        if wrong:
            result.misses.append(
                Miss(
                    ex.text,
                    ex.context.model_dump(exclude_none=True) if ex.context else None,
                    wrong,
                    _shown(ex.gold, wrong),
                    _shown(pred, wrong),
                    core=not verdict["core"],
                )
            )
    if examples:
        result.accuracy_at_threshold, result.coverage_at_threshold = accuracy_at_or_above(
            confidences, core_right, CONFIRMATION_THRESHOLD
        )
    # core misses first: they are what the targets are about
    result.misses.sort(key=lambda m: not m.core)
    return result


def set_number(path: Path) -> int:
    """1 for handwritten_eval.jsonl, N for handwritten_eval_N.jsonl."""
    tail = path.stem.removeprefix("handwritten_eval").lstrip("_")
    return int(tail) if tail else 1


def evaluation_sets() -> list[tuple[str, Path]]:
    """(name, path) of the bundled test split and every hand-written set, in number order."""
    sets = [(BUNDLED, default_test_path())]
    for path in sorted(DATA.glob("handwritten_eval*.jsonl"), key=set_number):
        n = set_number(path)
        role = "development"
        if n in HELD_OUT:
            role = "held out, final" if n == FINAL else "held out"
        sets.append((f"hand-written set {n} ({role})", path))
    return sets


def _judge(parser: Parser, ex: Example) -> tuple[dict[str, Any], float, dict[str, bool | None]]:
    """(prediction, confidence, verdicts); a parser failure is wrong on every field."""
    try:
        parsed = parser.parse(ex.text, ex.context)
    except Exception as exc:  # one failure must show up as a miss, not end the benchmark
        verdict: dict[str, bool | None] = dict.fromkeys((*FIELDS, "core"), False)
        return {"error": f"{type(exc).__name__}: {exc}"}, 0.0, verdict
    pred = parsed.model_dump()
    return pred, parsed.confidence, score_fields(pred, ex.gold)


def _shown(data: Mapping[str, Any], wrong: list[str]) -> dict[str, Any]:
    if data.get("error"):
        return {"error": data["error"]}
    keys = [k for f in wrong for k in SHOWN_KEYS.get(f, (f,))]
    return {k: data.get(k) for k in keys}


# --- output ---------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _values(data: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={_value(v)}" for k, v in data.items())


def _value(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "null" if v is None else str(v)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def set_markdown(res: SetResult) -> str:
    """Table and misses of one set."""
    rows = []
    for name, acc, target, met in res.verdicts():
        label = "all core fields right" if name == "core" else name
        verdict = "—" if met is None else ("yes" if met else "**NO**")
        rows.append(
            f"| {label} | {_pct(acc)} | {res.judged.get(name, 0)} | "
            f"{'—' if target is None else '>= ' + _pct(target)} | {verdict} |"
        )
    rel = res.path.relative_to(ROOT) if res.path.is_relative_to(ROOT) else res.path
    skipped = f", {res.skipped} unusable records left out" if res.skipped else ""
    lines = [
        f"### {res.name} (`{rel}`, {res.examples} examples{skipped})",
        "",
        "| field | accuracy | judged | target | met |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"At confidence >= 0.85: {_pct(res.accuracy_at_threshold)} of answers have every core "
        f"field right, covering {_pct(res.coverage_at_threshold)} of utterances (the rest "
        "would ask for confirmation).",
        "",
    ]
    if res.misses and res.held_out:
        lines.append(
            f"Misses: {len(res.misses)} utterances with a field wrong; not listed, so that "
            "nobody tunes against this set."
        )
    elif res.misses:
        core = sum(m.core for m in res.misses)
        lines += [
            f"Misses: {len(res.misses)} utterances with a field wrong ({core} with a core "
            f"field wrong); "
            + (f"the first {MISSES_SHOWN}" if len(res.misses) > MISSES_SHOWN else "all")
            + ", core first:",
            "",
            "| text | context | wrong | expected | predicted |",
            "|---|---|---|---|---|",
        ]
        for m in res.misses[:MISSES_SHOWN]:
            ctx = _values(m.context) if m.context else ""
            lines.append(
                f"| {_cell(m.text)} | {_cell(ctx)} | {', '.join(m.wrong)} | "
                f"{_cell(_values(m.expected))} | {_cell(_values(m.predicted))} |"
            )
    else:
        lines.append("Misses: none.")
    return "\n".join(lines)


SUMMARY_FIELDS = ("exercise", "weight", "weight_unit", "reps", "rpe", "core")


def summary_markdown(results: list[SetResult]) -> str:
    """One row per set, the core fields side by side; a figure under its target is bold."""
    head = "| set | examples | " + " | ".join(SUMMARY_FIELDS) + " | right at >= 0.85 |"
    rows = [head, "|---|---|" + "---|" * (len(SUMMARY_FIELDS) + 1)]
    for res in results:
        verdict = {name: met for name, _, _, met in res.verdicts()}
        cells = []
        for name in SUMMARY_FIELDS:
            text = _pct(res.accuracy(name))
            cells.append(f"**{text}**" if verdict.get(name) is False else text)
        rows.append(
            f"| {res.name} | {res.examples} | "
            + " | ".join(cells)
            + f" | {_pct(res.accuracy_at_threshold)} |"
        )
    held_out = [r for r in results if r.held_out]
    if held_out:
        cells = []
        for name in SUMMARY_FIELDS:
            right = sum(r.right.get(name, 0) for r in held_out)
            judged = sum(r.judged.get(name, 0) for r in held_out)
            acc = right / judged if judged else None
            target = SPEECH_TARGETS.get(name)
            text = _pct(acc)
            under = target is not None and acc is not None and acc < target
            cells.append(f"**{text}**" if under else text)
        examples = sum(r.examples for r in held_out)
        rows.append(f"| all held-out sets pooled | {examples} | " + " | ".join(cells) + " | — |")
    return "### All sets\n\nBold: under its target.\n\n" + "\n".join(rows)


def calibration(parser: Parser) -> str:
    """What the model's own training report says of its confidence on held-out folds."""
    rep = parser.meta.get("report", {})
    acc, cov = rep.get("accuracy_at_or_above_threshold"), rep.get("coverage_at_or_above_threshold")
    if acc is None or cov is None:
        return "The model's training report has no held-out confidence figures."
    return (
        f"Confidence, from the model's training report ({rep.get('folds', '?')}-fold held-out "
        f"cross-validation on its training file): {_pct(acc)} of answers at or above 0.85 have "
        f"every core field right, covering {_pct(cov)} of utterances."
    )


def report(results: list[SetResult], model: str, command: str, confidence: str = "") -> str:
    """The BENCHMARKS.md section body."""
    compare = [
        f"| {name} | {_pct(ref)} | " + " | ".join(_pct(r.accuracy(name)) for r in results) + " |"
        for name, ref in PUBLISHED.items()
    ]
    return "\n\n".join(
        [
            f"Command: `{command}`",
            f"Model: {model}. A field is right as `repvoice.evaluate.metrics.score_fields` "
            "judges it: null = null counts as right, numbers by value, RPE to the half point, "
            "the exercise by name or catalogue id, `weight_unit` only where the gold answer has "
            'a weight, `notes` on presence. "All core fields right" is exercise, weight, unit, '
            "reps and RPE right together.",
            *([confidence] if confidence else []),
            HONESTY,
            summary_markdown(results),
            *(set_markdown(r) for r in results),
            "### Against the original fine-tuned model\n\n"
            "The original app's fine-tuned gpt-4o-mini published these figures, measured on "
            "its own test set with a metric it does not describe: a reference, not a "
            "like-for-like comparison.\n\n"
            "| field | original (published) | "
            + " | ".join(r.name for r in results)
            + " |\n|---|---|"
            + "---|" * len(results)
            + "\n"
            + "\n".join(compare),
        ]
    )


def print_results(results: list[SetResult]) -> None:
    for res in results:
        print(f"\n{res.name}: {res.examples} examples ({res.skipped} unusable records left out)")
        for name, acc, target, met in res.verdicts():
            tail = "" if met is None else f"  target >= {_pct(target)}  {'ok' if met else 'MISSED'}"
            print(f"  {name:<17}{_pct(acc):>8}  ({res.judged.get(name, 0)} judged){tail}")
        print(
            f"  confidence >= 0.85: accuracy {_pct(res.accuracy_at_threshold)}, "
            f"coverage {_pct(res.coverage_at_threshold)}; {len(res.misses)} utterances missed"
        )


def _model_description(parser: Parser, model: str | None) -> str:
    meta = parser.meta
    made = f"trained on `{meta.get('source', '?')}`, {meta.get('created', 'date unknown')}"
    return f"`{model}` ({made})" if model else f"the bundled model ({made})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model directory (default: the bundled model)")
    args = ap.parse_args()

    try:
        parser = Parser.load(args.model)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = [evaluate(parser, name, path) for name, path in evaluation_sets()]
    print_results(results)
    command = ".venv/bin/python benchmarks/bench_accuracy.py"
    if args.model:
        command += f" --model {args.model}"
    write_section(
        SECTION,
        report(results, _model_description(parser, args.model), command, calibration(parser)),
    )
    missed = [f"{r.name}: {name}" for r in results if r.judged_by_targets for name in r.missed()]
    if missed:
        print(f"\ntargets missed: {'; '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
