"""Train the local parser from OpenAI chat JSONL (the owner's fine-tuning file, or the bundled
default).

1. Read every record: the user turn is the transcript, a `Context: {json}` suffix of the system
   turn the previous set, the assistant JSON the gold answer. Unusable records are counted by
   reason, never dropped silently.
2. Learn the owner's exercises and spoken forms (resolver).
3. Align each gold answer onto its transcript to get token labels; examples whose values are
   not in their text are reported and left out of the tagger's training.
4. Learn the follow-up policy (what "same again" takes from the previous set).
5. Cross-validate (k folds, grouped so near-duplicate texts share a fold): train a tagger on
   the other folds, parse the held-out fold; this gives honest held-out accuracy and the data
   the confidence model is fitted on.
6. Train the final tagger on everything and save the model directory.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from repvoice import __version__
from repvoice.catalog import Catalog
from repvoice.data.dedupe import group_key
from repvoice.data.jsonl import JsonlReader
from repvoice.data.stats import split_context
from repvoice.evaluate.metrics import FIELDS, score_fields
from repvoice.parser.align import align
from repvoice.parser.confidence import (
    LogisticCalibrator,
    accuracy_at_or_above,
    reliability_table,
)
from repvoice.parser.decode import FollowUpPolicy
from repvoice.parser.features import sentence_features, unloaded
from repvoice.parser.model import CONFIDENCE_FEATURES, NO_EXERCISE_CONFIDENCE, Parser
from repvoice.parser.numbers import spoken_numbers
from repvoice.parser.resolver import ExerciseResolver, TrainingExample
from repvoice.parser.tagger import Tagger, train_crf
from repvoice.parser.tokens import PUNCT
from repvoice.schema import CONFIRMATION_THRESHOLD, Context, WorkoutSet

Progress = Callable[[str, int, int], None]


@dataclass
class Example:
    """One usable training record."""

    line: int
    text: str
    context: Context | None
    gold: dict[str, Any]


@dataclass
class TrainReport:
    """What `train` did and how well the model does on held-out folds."""

    source: str
    examples: int = 0
    tagger_examples: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    skipped_examples: list[tuple[int, str]] = field(default_factory=list)
    unaligned: Counter[str] = field(default_factory=Counter)
    folds: int = 0
    accuracy: dict[str, float] = field(default_factory=dict)
    reliability: list[dict[str, Any]] = field(default_factory=list)
    accuracy_at_threshold: float = 0.0
    coverage_at_threshold: float = 0.0
    policy: dict[str, bool] = field(default_factory=dict)
    exercises_learned: int = 0
    aliases_learned: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "examples": self.examples,
            "tagger_examples": self.tagger_examples,
            "skipped": dict(self.skipped),
            "skipped_examples": [{"line": n, "reason": r} for n, r in self.skipped_examples],
            "unaligned": dict(self.unaligned),
            "folds": self.folds,
            "held_out_accuracy": self.accuracy,
            "reliability": self.reliability,
            "confidence_threshold": CONFIRMATION_THRESHOLD,
            "accuracy_at_or_above_threshold": self.accuracy_at_threshold,
            "coverage_at_or_above_threshold": self.coverage_at_threshold,
            "follow_up_policy": self.policy,
            "exercises_learned": self.exercises_learned,
            "aliases_learned": self.aliases_learned,
            "seconds": round(self.seconds, 2),
        }


def read_examples(path: Path, report: TrainReport) -> list[Example]:
    """Usable examples of a chat JSONL file; everything else is counted in `report.skipped`."""
    examples: list[Example] = []

    def skip(line: int, reason: str) -> None:
        report.skipped[reason] += 1
        if len(report.skipped_examples) < 200:
            report.skipped_examples.append((line, reason))

    for line in JsonlReader(path):
        if not line.ok:
            skip(line.number, f"unreadable line ({line.code})")
            continue
        data = line.data
        messages = data.get("messages") if isinstance(data, dict) else None
        if not isinstance(messages, list):
            skip(line.number, "not a chat record")
            continue
        system = next((m.get("content") for m in messages if _role(m) == "system"), None)
        user = next((m.get("content") for m in messages if _role(m) == "user"), None)
        answer = next(
            (m.get("content") for m in reversed(messages) if _role(m) == "assistant"), None
        )
        if not isinstance(user, str) or not user.strip():
            skip(line.number, "no user text")
            continue
        if not isinstance(answer, str):
            skip(line.number, "no assistant answer")
            continue
        try:
            gold = WorkoutSet.model_validate_json(answer).model_dump()
        except ValueError:
            skip(line.number, "answer is not a valid workout-set JSON")
            continue
        context = None
        if isinstance(system, str):
            _, ctx, state = split_context(system)
            if state == "unparsed":
                skip(line.number, "Context suffix is not JSON")
                continue
            if ctx:
                context = Context.model_validate(ctx)
        examples.append(Example(line.number, user, context, gold))
    return examples


def _role(message: Any) -> str | None:
    return message.get("role") if isinstance(message, dict) else None


def learn_policy(examples: Iterable[Example], resolver: ExerciseResolver) -> FollowUpPolicy:
    """Majority behaviour of follow-ups that do not name a new exercise."""
    votes: dict[str, Counter[bool]] = {"weight": Counter(), "reps": Counter(), "rpe": Counter()}
    for ex in examples:
        ctx = ex.context
        if ctx is None:
            continue
        match = resolver.find(spoken_numbers(ex.text))
        if match is not None and match.id != ctx.exercise_id:
            continue
        for key in ("weight", "reps", "rpe"):
            previous, gold = getattr(ctx, key), ex.gold.get(key)
            if previous is None:
                continue
            # A gold value that differs from the previous one was said or changed ("add 10"):
            # no vote. Unsaid and absent, or equal to the previous one: a vote.
            if gold is None:
                votes[key][False] += 1
            elif abs(gold - previous) < 1e-6:
                votes[key][True] += 1
    return FollowUpPolicy(
        copy_weight=votes["weight"][True] >= votes["weight"][False],
        copy_reps=votes["reps"][True] >= votes["reps"][False],
        copy_rpe=votes["rpe"][True] > votes["rpe"][False],
    )


def _fold_of(text: str, folds: int) -> int:
    return int.from_bytes(hashlib.blake2b(group_key(text), digest_size=4).digest()) % folds


def _tagger_data(
    examples: list[Example], resolver: ExerciseResolver, report: TrainReport | None
) -> tuple[list[list[list[str]]], list[list[str]]]:
    xs, ys = [], []
    for ex in examples:
        tokens = spoken_numbers(ex.text)
        if not tokens:
            continue
        alignment = align(tokens, ex.gold, ex.context)
        if not alignment.ok:
            if report is not None:
                for what in alignment.missing:
                    report.unaligned[what.split()[0]] += 1
            continue
        match = resolver.find(tokens)
        ctx = ex.context
        xs.append(
            sentence_features(
                tokens,
                (match.start, match.end) if match else None,
                has_context=ctx is not None and not ctx.is_empty(),
                context_weight=ctx.weight if ctx else None,
                bodyweight=match is not None and unloaded(match.exercise),
            )
        )
        ys.append(alignment.labels)
    return xs, ys


def _vocab(examples: Iterable[Example]) -> frozenset[str]:
    return frozenset(
        t.norm
        for ex in examples
        for t in spoken_numbers(ex.text)
        if t.kind != PUNCT and t.value is None
    )


def _resolver_for(catalog: Catalog, examples: list[Example]) -> ExerciseResolver:
    resolver = ExerciseResolver(catalog)
    resolver.learn(
        TrainingExample(
            ex.text,
            ex.gold.get("exercise_id"),
            ex.gold.get("exercise_name"),
            ex.context is not None
            and ex.context.exercise_id is not None
            and ex.context.exercise_id == ex.gold.get("exercise_id"),
        )
        for ex in examples
    )
    return resolver


def train(
    path: str | Path,
    *,
    catalog: Catalog | None = None,
    folds: int = 3,
    progress: Progress | None = None,
    crf_params: dict[str, Any] | None = None,
) -> tuple[Parser, TrainReport]:
    """Train a parser from chat JSONL; returns it with its report (save it with `.save`)."""
    started = time.perf_counter()
    path = Path(path)
    catalog = catalog or Catalog.load()
    report = TrainReport(str(path), folds=folds)
    examples = read_examples(path, report)
    report.examples = len(examples)
    if not examples:
        raise ValueError(f"{path}: no usable training examples")

    def step(what: str, done: int, total: int) -> None:
        if progress is not None:
            progress(what, done, total)

    # held-out folds: honest accuracy, and the data the confidence model is fitted on
    fold_of = [_fold_of(ex.text, folds) for ex in examples]
    conf_x: list[list[float]] = []
    conf_y: list[int] = []
    no_exercise: list[bool] = []
    verdicts: list[dict[str, bool | None]] = []
    for k in range(folds):
        step("cross-validation", k, folds + 1)
        train_part = [ex for ex, f in zip(examples, fold_of, strict=True) if f != k]
        held_out = [ex for ex, f in zip(examples, fold_of, strict=True) if f == k]
        resolver = _resolver_for(catalog, train_part)
        xs, ys = _tagger_data(train_part, resolver, None)
        parser = Parser(
            Tagger(train_crf(xs, ys, params=crf_params)),
            resolver,
            catalog,
            policy=learn_policy(train_part, resolver),
            vocab=_vocab(train_part),
        )
        for ex in held_out:
            analysis = parser.analyse(ex.text, ex.context)
            pred = {
                "exercise_id": analysis.exercise[0],
                "exercise_name": analysis.exercise[1],
                **analysis.decoded.fields,
            }
            verdict = score_fields(pred, ex.gold)
            verdicts.append(verdict)
            conf_x.append(parser.confidence_features(analysis))
            conf_y.append(int(bool(verdict["core"])))
            no_exercise.append(analysis.exercise[1] is None)
    step("final model", folds, folds + 1)
    calibrator = None
    if 0 < sum(conf_y) < len(conf_y):  # a calibrator needs both right and wrong answers
        calibrator = LogisticCalibrator.fit(conf_x, conf_y, feature_names=CONFIDENCE_FEATURES)
    resolver = _resolver_for(catalog, examples)
    xs, ys = _tagger_data(examples, resolver, report)
    report.tagger_examples = len(xs)
    policy = learn_policy(examples, resolver)
    parser = Parser(
        Tagger(train_crf(xs, ys, params=crf_params)),
        resolver,
        catalog,
        policy=policy,
        calibrator=calibrator,
        vocab=_vocab(examples),
    )
    # held-out confidence: the fitted model on the held-out folds' features, capped as `parse`
    # caps it when no exercise was found
    confidences = [
        min(p, NO_EXERCISE_CONFIDENCE) if none else p
        for p, none in zip(
            calibrator.predict_many(conf_x) if calibrator else [1.0] * len(conf_x),
            no_exercise,
            strict=True,
        )
    ]
    report.accuracy = _accuracy(verdicts)
    correct = [bool(v["core"]) for v in verdicts]
    report.reliability = [asdict(b) for b in reliability_table(confidences, correct)]
    report.accuracy_at_threshold, report.coverage_at_threshold = accuracy_at_or_above(
        confidences, correct, CONFIRMATION_THRESHOLD
    )
    report.policy = policy.to_dict()
    learned = resolver.to_dict()
    report.exercises_learned = len(learned.get("added", {}))
    report.aliases_learned = len(learned.get("learned", {}))
    report.seconds = time.perf_counter() - started
    parser.meta = {
        "repvoice_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "source": path.name,
        "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "report": report.to_dict(),
    }
    step("done", folds + 1, folds + 1)
    return parser, report


def _accuracy(verdicts: list[dict[str, bool | None]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for f in (*FIELDS, "core"):
        judged = [v[f] for v in verdicts if v.get(f) is not None]
        out[f] = round(sum(1 for v in judged if v) / len(judged), 4) if judged else 1.0
    return out


def load_report(model_dir: str | Path) -> dict[str, Any]:
    """The training report stored in a model directory."""
    meta = json.loads((Path(model_dir) / "meta.json").read_text(encoding="utf-8"))
    return meta.get("report", {})


__all__ = [
    "Example",
    "TrainReport",
    "learn_policy",
    "load_report",
    "read_examples",
    "train",
]
