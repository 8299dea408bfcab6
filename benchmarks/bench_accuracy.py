"""Benchmark the local parser's accuracy per field on the bundled test split and hand-written set.

Run:  .venv/bin/python benchmarks/bench_accuracy.py [--model DIR]

Parses every usable record of src/repvoice/data/default/test.jsonl and
tests/data/handwritten_eval.jsonl (follow-ups with their context), judges each field with
`repvoice.evaluate.metrics.score_fields` (null = null counts as right), and reports accuracy
per field, "all core fields right", and accuracy and coverage at confidence >= 0.85. Prints the
tables, writes the "Local parser: accuracy" section of BENCHMARKS.md and exits 1 when a target
is missed (the section is written either way).
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

HANDWRITTEN = ROOT / "tests" / "data" / "handwritten_eval.jsonl"
HANDWRITTEN_2 = ROOT / "tests" / "data" / "handwritten_eval_2.jsonl"
HANDWRITTEN_3 = ROOT / "tests" / "data" / "handwritten_eval_3.jsonl"
#: Kept unseen: only its aggregate figures are ever reported, never its misses.
HANDWRITTEN_4 = ROOT / "tests" / "data" / "handwritten_eval_4.jsonl"
UNSEEN = "fourth hand-written set (unseen)"
SECTION = "Local parser: accuracy"
MISSES_SHOWN = 10

#: Minimum accuracy per field, per set.
TARGETS: dict[str, dict[str, float]] = {
    "bundled test split": {
        "exercise": 0.99,
        "weight": 0.995,
        "weight_unit": 0.995,
        "reps": 0.995,
        "rpe": 0.995,
    },
    "hand-written set": {
        "exercise": 0.98,
        "weight": 0.97,
        "reps": 0.99,
        "rpe": 0.985,
        "core": 0.90,
    },
}
# The second hand-written set is judged by the same targets as the first.
for _name in ("second hand-written set", "third hand-written set", UNSEEN):
    TARGETS[_name] = TARGETS["hand-written set"]
#: How far the hand-written sets can still be called unseen; printed with every report.
HONESTY = (
    "None of the hand-written sets was ever trained on. The first three were used for error "
    "analysis: the parser's rules were written to fix the general gaps their misses showed, "
    "so their figures overstate how well it transfers to speech nobody has looked at. Each was "
    "measured once before it was looked at: the second set (150 utterances, at commit "
    "236501f) gave exercise 99.33%, weight 94.67%, reps 95.33%, RPE 98.00%, all core fields "
    "90.67%; the third (120, at commit 353f5da) exercise 92.50%, weight 95.00%, reps 88.33%, "
    "RPE 97.50%, core 83.33%. The fourth set has never been looked at (its misses are not "
    "listed): its figures are the honest estimate of transfer to new speech."
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
        targets = TARGETS.get(self.name, {})
        rows = []
        for name in (*FIELDS, "core"):
            acc, target = self.accuracy(name), targets.get(name)
            met = None if target is None else acc is not None and acc >= target
            rows.append((name, acc, target, met))
        return rows

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
    if res.misses and res.name == UNSEEN:
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


def report(results: list[SetResult], model: str, command: str) -> str:
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
            HONESTY,
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
    sets = (
        ("bundled test split", default_test_path()),
        ("hand-written set", HANDWRITTEN),
        ("second hand-written set", HANDWRITTEN_2),
        ("third hand-written set", HANDWRITTEN_3),
        (UNSEEN, HANDWRITTEN_4),
    )
    results = [evaluate(parser, name, path) for name, path in sets]
    print_results(results)
    command = ".venv/bin/python benchmarks/bench_accuracy.py"
    if args.model:
        command += f" --model {args.model}"
    write_section(SECTION, report(results, _model_description(parser, args.model), command))
    missed = [f"{r.name}: {name}" for r in results for name in r.missed()]
    if missed:
        print(f"\ntargets missed: {'; '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
