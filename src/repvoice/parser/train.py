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
   the confidence model is fitted on. Data too small or too uniform for k folds (a fold with
   nothing held out, or nothing to train on) is trained without cross-validation: no held-out
   figures and no calibrated confidence, and the report says why.
6. Train the final tagger on everything and save the model directory.
7. When the file has not-a-set examples (an answer with no exercise and no values: questions,
   commands, chit-chat), fit the not-a-set detector (`gate`) on the held-out folds' analyses
   of every example, its threshold chosen on folds of those; without them there is no
   detector and the report says how to add them.

A file that skips more than `max_skipped` of its records (default 5%) is refused before any
training (`TooManySkipped`), so a wrong format never silently trains on a sliver of the data.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

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
    coverage_risk,
    reliability_table,
    threshold_for_risk,
)
from repvoice.parser.decode import FollowUpPolicy
from repvoice.parser.features import sentence_features, unloaded
from repvoice.parser.gate import NotASetGate, choose_threshold, fit_gate, gate_features
from repvoice.parser.integrity import read_meta
from repvoice.parser.model import CONFIDENCE_FEATURES, NO_EXERCISE_CONFIDENCE, Parser
from repvoice.parser.numbers import spoken_numbers
from repvoice.parser.resolver import ExerciseResolver, TrainingExample
from repvoice.parser.rules.shorthand import ShorthandOrder, learn_shorthand
from repvoice.parser.tagger import Tagger, train_crf
from repvoice.parser.tokens import PUNCT
from repvoice.schema import (
    CONFIRMATION_THRESHOLD,
    Context,
    WorkoutSet,
    describe_validation_error,
    is_not_a_set,
    same_id,
)

Progress = Callable[[str, int, int], None]

#: Largest share of a file's records `train` may skip before it refuses to train.
MAX_SKIPPED_SHARE = 0.05
#: Default silent-error budget: the share of all answers that may be auto-accepted and wrong.
RISK_BUDGET = 0.005
#: Skipped lines kept in the report (the counts by reason are always complete).
_KEPT_SKIPPED_LINES = 200


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
    # (line, reason, detail): the first `_KEPT_SKIPPED_LINES` skipped records
    skipped_examples: list[tuple[int, str, str | None]] = field(default_factory=list)
    max_skipped: float | None = MAX_SKIPPED_SHARE
    unaligned: Counter[str] = field(default_factory=Counter)
    # folds cross-validated (0 when it was not done: then every held-out figure is None)
    folds: int = 0
    cross_validation_skipped: str | None = None
    accuracy: dict[str, float] | None = None
    reliability: list[dict[str, Any]] | None = None
    accuracy_at_threshold: float | None = None
    coverage_at_threshold: float | None = None
    # the coverage-risk curve on held-out folds, and the threshold that meets `risk_budget`
    risk_budget: float = RISK_BUDGET
    coverage_risk: list[dict[str, float]] | None = None
    risk_threshold: dict[str, float] | None = None
    policy: dict[str, bool] | None = None
    # the owner's exercises (ids or names the catalogue does not have), and of those the ones
    # that took over a catalogue exercise (its aliases and kind) by name or usage
    exercises_learned: int = 0
    exercises_adopted: int = 0
    aliases_learned: int = 0
    # not-a-set examples and the detector fitted on them (None: no detector, see gate_skipped)
    not_a_set_examples: int = 0
    gate: dict[str, Any] | None = None
    gate_skipped: str | None = None
    seconds: float = 0.0

    @property
    def records(self) -> int:
        """Records read: the examples used plus the records skipped."""
        return self.examples + sum(self.skipped.values())

    @property
    def skipped_share(self) -> float:
        return sum(self.skipped.values()) / self.records if self.records else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "records": self.records,
            "examples": self.examples,
            "tagger_examples": self.tagger_examples,
            "skipped": dict(self.skipped),
            "skipped_share": round(self.skipped_share, 4),
            "max_skipped": self.max_skipped,
            "skipped_examples": [
                {"line": n, "reason": r, "detail": d} for n, r, d in self.skipped_examples
            ],
            "unaligned": dict(self.unaligned),
            "folds": self.folds,
            "cross_validation_skipped": self.cross_validation_skipped,
            "held_out_accuracy": self.accuracy,
            "reliability": self.reliability,
            "confidence_threshold": CONFIRMATION_THRESHOLD,
            "accuracy_at_or_above_threshold": self.accuracy_at_threshold,
            "coverage_at_or_above_threshold": self.coverage_at_threshold,
            "risk_budget": self.risk_budget,
            "coverage_risk": self.coverage_risk,
            "risk_threshold": self.risk_threshold,
            "follow_up_policy": self.policy,
            "exercises_learned": self.exercises_learned,
            "exercises_adopted": self.exercises_adopted,
            "aliases_learned": self.aliases_learned,
            "not_a_set_examples": self.not_a_set_examples,
            "not_a_set_detector": self.gate,
            "not_a_set_detector_skipped": self.gate_skipped,
            "seconds": round(self.seconds, 2),
        }


class TooManySkipped(ValueError):
    """More of the file was skipped than `max_skipped` allows; nothing was trained."""

    def __init__(self, report: TrainReport) -> None:
        self.report = report
        skipped = sum(report.skipped.values())
        reasons = ", ".join(f"{r} ×{n:,}" for r, n in report.skipped.most_common())
        super().__init__(
            f"{report.source}: {skipped:,} of {report.records:,} records "
            f"({report.skipped_share:.1%}) could not be used, more than the "
            f"{report.max_skipped * 100:g}% allowed ({reasons}); no model was written "
            "(fix the records, or pass --allow-skipped / --max-skipped to train anyway)"
        )


def read_examples(path: Path, report: TrainReport) -> list[Example]:
    """Usable examples of a chat JSONL file; everything else is counted in `report.skipped`."""
    examples: list[Example] = []

    def skip(line: int, reason: str, detail: str | None = None) -> None:
        report.skipped[reason] += 1
        if len(report.skipped_examples) < _KEPT_SKIPPED_LINES:
            report.skipped_examples.append((line, reason, detail))

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
        except ValidationError as exc:
            skip(line.number, "answer is not a valid workout-set JSON", _detail(exc))
            continue
        context = None
        if isinstance(system, str):
            _, ctx, state = split_context(system)
            if state == "unparsed":
                skip(line.number, "Context suffix is not JSON")
                continue
            if ctx:
                try:
                    context = Context.model_validate(ctx)
                except ValidationError as exc:
                    skip(line.number, "Context suffix does not fit the schema", _detail(exc))
                    continue
        examples.append(Example(line.number, user, context, gold))
    return examples


def _detail(exc: ValidationError) -> str:
    text = describe_validation_error(exc)
    return text if len(text) <= 300 else text[:299] + "…"


def _role(message: Any) -> str | None:
    return message.get("role") if isinstance(message, dict) else None


def learn_policy(examples: Iterable[Example], resolver: ExerciseResolver) -> FollowUpPolicy:
    """Majority behaviour of follow-ups that do not name a new exercise."""
    votes: dict[str, Counter[bool]] = {"weight": Counter(), "reps": Counter(), "rpe": Counter()}
    for ex in examples:
        ctx = ex.context
        if ctx is None or is_not_a_set(ex.gold):
            continue
        match = resolver.find(spoken_numbers(ex.text))
        if match is not None and not same_id(match.id, ctx.exercise_id):
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


def shorthand_order(examples: Iterable[Example], specs: Sequence[str] = ()) -> dict[str, Any]:
    """`meta["shorthand"]`: each typed-chain order as `specs` give it (`ShorthandOrder.parse`),
    else as the examples label it (`learn_shorthand`), else the default; with where each came
    from and the examples' votes."""
    loaded, unloaded, votes = learn_shorthand((ex.text, ex.gold) for ex in examples)
    default = ShorthandOrder()
    learned = ShorthandOrder(loaded or default.loaded, unloaded or default.unloaded)  # type: ignore[arg-type]
    order = ShorthandOrder.parse(specs, learned)
    flagged = {"loaded" if "weight" in spec.lower() else "unloaded" for spec in specs}
    source = {
        part: "flag" if part in flagged else "training" if found else "default"
        for part, found in (("loaded", loaded), ("unloaded", unloaded))
    }
    return {**order.to_dict(), "source": source, "votes": votes}


def _fold_of(text: str, folds: int) -> int:
    return int.from_bytes(hashlib.blake2b(group_key(text), digest_size=4).digest()) % folds


def _tagger_data(
    examples: list[Example], resolver: ExerciseResolver, report: TrainReport | None
) -> tuple[list[list[list[str]]], list[list[str]]]:
    """The tagger's sentences and labels. Not-a-set lines are left out: the detector answers
    them, and their all-"O" labels would teach the tagger that "plank 60" logs nothing."""
    xs, ys = [], []
    for ex in examples:
        if is_not_a_set(ex.gold):
            continue
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
    """The words of the sets (not-a-set lines' words would make every word look known)."""
    return frozenset(
        t.norm
        for ex in examples
        if not is_not_a_set(ex.gold)
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
            ex.context is not None and same_id(ex.context.exercise_id, ex.gold.get("exercise_id")),
        )
        for ex in examples
        if not is_not_a_set(ex.gold)
    )
    return resolver


def train(
    path: str | Path,
    *,
    catalog: Catalog | None = None,
    folds: int = 3,
    progress: Progress | None = None,
    crf_params: dict[str, Any] | None = None,
    max_skipped: float | None = MAX_SKIPPED_SHARE,
    risk_budget: float = RISK_BUDGET,
    shorthand: Sequence[str] = (),
) -> tuple[Parser, TrainReport]:
    """Train a parser from chat JSONL; returns it with its report (save it with `.save`).

    `risk_budget` is the silent-error budget the confidence threshold is chosen for on the
    held-out folds (recorded in the model as `meta["threshold"]`, beside the report).
    Typed `W x R x S` and `S x R` chains read in the order the training examples label them
    (`learn_shorthand`), else weight, reps, sets and sets, reps; `shorthand` ("weight,reps,sets",
    "sets,reps") overrides either. The order is kept in the model's `meta["shorthand"]`.

    Raises `TooManySkipped` when more than `max_skipped` (a share; None: no limit) of the
    records cannot be used, and `ValueError` when nothing can be trained on.
    """
    started = time.perf_counter()
    path = Path(path)
    report = TrainReport(str(path), max_skipped=max_skipped, risk_budget=risk_budget)
    examples = read_examples(path, report)
    report.examples = len(examples)
    if not examples:
        raise ValueError(f"{path}: no usable training examples")
    if max_skipped is not None and report.skipped_share > max_skipped:
        raise TooManySkipped(report)
    # A CSV catalogue's "17" is the owner's 17 when their answers use whole numbers.
    catalog = (catalog or Catalog.load()).retyped(ex.gold.get("exercise_id") for ex in examples)

    def step(what: str, done: int, total: int) -> None:
        if progress is not None:
            progress(what, done, total)

    resolver = _resolver_for(catalog, examples)
    xs, ys = _tagger_data(examples, resolver, report)
    report.tagger_examples = len(xs)
    if not xs:
        raise ValueError(
            f"{path}: none of the {len(examples):,} examples has its answer's values in its "
            "text, so there is nothing to train the slot tagger on"
        )
    order = shorthand_order(examples, shorthand)
    held = _cross_validate(examples, catalog, folds, crf_params, step, order)
    if isinstance(held, str):
        report.cross_validation_skipped = held
        calibrator = None
    else:
        report.folds = folds
        calibrator = held.calibrator()
    report.not_a_set_examples = sum(1 for ex in examples if is_not_a_set(ex.gold))
    gate = _fit_gate(held, folds, report)
    step("final model", folds, folds + 1)
    policy = learn_policy(examples, resolver)
    parser = Parser(
        Tagger(train_crf(xs, ys, params=crf_params)),
        resolver,
        catalog,
        policy=policy,
        calibrator=calibrator,
        vocab=_vocab(examples),
        gate=gate,
    )
    if not isinstance(held, str):
        held.fill(report, calibrator)
    report.policy = policy.to_dict()
    learned = resolver.to_dict()
    report.exercises_learned = len(learned["exercises"])
    report.exercises_adopted = len(learned["adopted"])
    report.aliases_learned = len(learned["aliases"])
    report.seconds = time.perf_counter() - started
    parser.meta = {
        "repvoice_version": __version__,
        "threshold": report.risk_threshold and report.risk_threshold["threshold"],
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "source": path.name,
        "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "report": report.to_dict(),
        "shorthand": order,
    }
    step("done", folds + 1, folds + 1)
    return parser, report


@dataclass
class _HeldOut:
    """What the parsers trained on the other folds made of each held-out example."""

    conf_x: list[list[float]] = field(default_factory=list)
    conf_y: list[int] = field(default_factory=list)
    no_exercise: list[bool] = field(default_factory=list)
    verdicts: list[dict[str, bool | None]] = field(default_factory=list)
    # every example's detector features, whether it is not a set, and its fold
    gate_x: list[list[str]] = field(default_factory=list)
    gate_y: list[bool] = field(default_factory=list)
    gate_fold: list[int] = field(default_factory=list)

    def calibrator(self) -> LogisticCalibrator | None:
        if 0 < sum(self.conf_y) < len(self.conf_y):  # it needs both right and wrong answers
            return LogisticCalibrator.fit(
                self.conf_x, self.conf_y, feature_names=CONFIDENCE_FEATURES
            )
        return None

    def fill(self, report: TrainReport, calibrator: LogisticCalibrator | None) -> None:
        """The held-out figures: accuracy, and the fitted confidence on the held-out folds'
        features, capped as `parse` caps it when no exercise was found."""
        confidences = [
            min(p, NO_EXERCISE_CONFIDENCE) if none else p
            for p, none in zip(
                calibrator.predict_many(self.conf_x) if calibrator else [1.0] * len(self.conf_x),
                self.no_exercise,
                strict=True,
            )
        ]
        report.accuracy = _accuracy(self.verdicts)
        correct = [bool(v["core"]) for v in self.verdicts]
        # a no-exercise answer's capped confidence says "nothing to log", not how likely it
        # is right, so reliability is read on the answers that name an exercise
        named = [(c, ok) for c, ok, none in zip(confidences, correct, self.no_exercise,
                                                 strict=True) if not none]  # fmt: skip
        report.reliability = [
            asdict(b) for b in reliability_table([c for c, _ in named], [ok for _, ok in named])
        ]
        report.accuracy_at_threshold, report.coverage_at_threshold = accuracy_at_or_above(
            confidences, correct, CONFIRMATION_THRESHOLD
        )
        report.coverage_risk = [asdict(p) for p in coverage_risk(confidences, correct)]
        point = threshold_for_risk(confidences, correct, report.risk_budget)
        report.risk_threshold = None if point is None else asdict(point)


def _cross_validate(
    examples: list[Example],
    catalog: Catalog,
    folds: int,
    crf_params: dict[str, Any] | None,
    step: Progress,
    shorthand: dict[str, Any] | None = None,
) -> _HeldOut | str:
    """Held-out results of k-fold cross-validation, or why the data cannot be split so."""
    fold_of = [_fold_of(ex.text, folds) for ex in examples]
    groups = len({group_key(ex.text) for ex in examples})
    if len(set(fold_of)) < folds:
        return (
            f"too few examples for {folds} cross-validation folds: "
            f"{_count(len(examples), 'example')} with {_count(groups, 'distinct text')} cannot "
            "give every fold one to hold out"
        )
    held = _HeldOut()
    for k in range(folds):
        step("cross-validation", k, folds + 1)
        train_part = [ex for ex, f in zip(examples, fold_of, strict=True) if f != k]
        held_out = [ex for ex, f in zip(examples, fold_of, strict=True) if f == k]
        resolver = _resolver_for(catalog, train_part)
        xs, ys = _tagger_data(train_part, resolver, None)
        if not xs:
            return (
                f"holding out fold {k + 1} of {folds} leaves no example whose answer's values "
                "are in its text to train on"
            )
        parser = Parser(
            Tagger(train_crf(xs, ys, params=crf_params)),
            resolver,
            catalog,
            policy=learn_policy(train_part, resolver),
            vocab=_vocab(train_part),
            meta={"shorthand": shorthand} if shorthand else None,
        )
        for ex in held_out:
            analysis = parser.analyse(ex.text, ex.context)
            negative = is_not_a_set(ex.gold)
            held.gate_x.append(
                gate_features(
                    analysis.tokens,
                    analysis.match,
                    analysis.labels,
                    analysis.decoded.fields,
                    parser.vocab,
                    has_context=ex.context is not None and not ex.context.is_empty(),
                )
            )
            held.gate_y.append(negative)
            held.gate_fold.append(k)
            if negative:  # the detector answers these; accuracy and confidence are of sets
                continue
            pred = {
                "exercise_id": analysis.exercise[0],
                "exercise_name": analysis.exercise[1],
                **analysis.decoded.fields,
            }
            verdict = score_fields(pred, ex.gold)
            held.verdicts.append(verdict)
            held.conf_x.append(parser.confidence_features(analysis))
            held.conf_y.append(int(bool(verdict["core"])))
            held.no_exercise.append(analysis.exercise[1] is None)
    return held


#: What calling a real set "not a set" costs against missing one not-a-set line: the set is
#: lost from the log, while a missed line is mostly still asked about (its confidence is low).
LOST_SET_COST = 3.0

#: What train's report says when a file has no not-a-set examples.
NO_NEGATIVES_HINT = (
    "the training file has no not-a-set examples (answers with no exercise and no values), so "
    "the parser cannot learn to tell questions, commands and chit-chat from sets; add some with "
    "`repvoice data synth --negatives 0.08 ...` and `repvoice data merge`"
)


def _fit_gate(held: _HeldOut | str, folds: int, report: TrainReport) -> NotASetGate | None:
    """The not-a-set detector, fitted on every example's held-out analysis, with a threshold
    chosen on folds of those (None, and why in the report, when it cannot be fitted)."""
    if report.not_a_set_examples == 0:
        report.gate_skipped = NO_NEGATIVES_HINT
        return None
    if isinstance(held, str):
        report.gate_skipped = f"cross-validation was skipped ({held})"
        return None
    if all(held.gate_y):
        report.gate_skipped = "every example is not a set: there are no sets to tell them from"
        return None
    probabilities = [0.0] * len(held.gate_y)
    for k in range(folds):
        inside = [i for i, f in enumerate(held.gate_fold) if f != k]
        outside = [i for i, f in enumerate(held.gate_fold) if f == k]
        ys = [held.gate_y[i] for i in inside]
        if not any(ys) or all(ys):
            report.gate_skipped = (
                f"fold {k + 1} of {folds} leaves only one kind of example (sets or not-a-set "
                "lines) to fit the detector on; add more not-a-set examples"
            )
            return None
        fold_gate = fit_gate([held.gate_x[i] for i in inside], ys)
        for i in outside:
            probabilities[i] = fold_gate.probability(held.gate_x[i])
    threshold = choose_threshold(probabilities, held.gate_y, set_cost=LOST_SET_COST)
    gate = fit_gate(held.gate_x, held.gate_y)
    gate.threshold = threshold
    negatives = [p for p, y in zip(probabilities, held.gate_y, strict=True) if y]
    sets = [p for p, y in zip(probabilities, held.gate_y, strict=True) if not y]
    report.gate = {
        "threshold": threshold,
        "features": len(gate.weights),
        "held_out_not_a_set_caught": round(
            sum(p >= threshold for p in negatives) / len(negatives), 4
        ),
        "held_out_sets_lost": round(sum(p >= threshold for p in sets) / len(sets), 4),
    }
    return gate


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _accuracy(verdicts: list[dict[str, bool | None]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for f in (*FIELDS, "core"):
        judged = [v[f] for v in verdicts if v.get(f) is not None]
        out[f] = round(sum(1 for v in judged if v) / len(judged), 4) if judged else 1.0
    return out


def load_report(model_dir: str | Path) -> dict[str, Any]:
    """The training report stored in a model directory (`ModelError` if it has none)."""
    report = read_meta(Path(model_dir)).get("report", {})
    return report if isinstance(report, dict) else {}


__all__ = [
    "MAX_SKIPPED_SHARE",
    "NO_NEGATIVES_HINT",
    "Example",
    "TooManySkipped",
    "TrainReport",
    "learn_policy",
    "load_report",
    "read_examples",
    "shorthand_order",
    "train",
]
