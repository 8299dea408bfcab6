"""Aggregate one backend's results into the figures `eval`, `compare` and the HTML report show.

Every figure is over the N usable examples of the test file, one backend call each, except
field accuracy, which is over the answered ones:

- Answered: examples the backend replied to, whatever the reply holds. Unanswered: calls that
  failed after the backend's retries (errors), plus examples not asked because the run stopped
  after too many calls in a row failed. Unanswered examples are not judged: an empty answer is
  not counted as right where the gold answer is null.
- Field accuracy: right / judged over the answered examples, per field, as
  `repvoice.evaluate.metrics.score_fields` judges it: null = null counts as right; numbers by
  value, RPE to the half point; the exercise by name (case-insensitive) or catalogue id;
  `weight_unit` only where the gold answer has a weight; `notes` on presence. A reply with no
  JSON object is judged as the empty answer {}, so it is wrong wherever the gold answer has a
  value. A backend that answered nothing has no accuracy ("—").
- Core: exercise, weight, weight unit, reps and RPE all right together.
- JSON-valid rate: calls that returned one JSON object, over N.
- Schema-valid rate: calls whose answer validates as `WorkoutSet`, over N. Invalid answers are
  still judged field by field: a field that is right is right.
- Error rate: calls that failed after the backend's retries (transport, HTTP, timeout), over N.
- Cache: answers taken from the reply cache (no call made). The cache key holds the model's
  identity as the backend reports it (a checksum or version from the server's model list, a
  hosted model id); "identity unknown" means the server gives none, so a swapped model behind
  the same URL would still be answered from the cache (use --refresh).
- Latency p50/p95/p99: of the calls that were made (not answered from the cache) and did not
  fail, linear interpolation between ranks.
- Tokens in/out: totals over the calls that report them, and the mean per reporting call.
- Cost per 1,000 calls: mean `cost_usd` of the priced calls × 1,000; "free" for the local
  parser, "unknown" when no call was priced.
- Confidence, for backends that give one: accuracy of "all core fields right" per confidence
  bucket (the reliability table and diagram), at confidence >= 0.85 the accuracy of the answers
  kept and the coverage (answers kept / N), and the coverage-risk curve: for each threshold,
  the share of the N examples auto-accepted and the share both auto-accepted and wrong.
- Local + fallback (`--fallback`): what `repvoice serve` would answer, derived per example from
  the local run and the fallback's run (no extra calls): the local answer when its confidence
  is at or above the routing threshold, else the fallback's, its exercise resolved against the
  local catalogue and its confidence capped; the local answer when the fallback gave none
  usable. Sent to the fallback: examples below the threshold, over N; to confirm: answers the
  app would ask the user to confirm. Its latency adds both calls; its cost is the fallback's
  per request (unknown when a fallback call has no price).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from repvoice.backends.base import Identity
from repvoice.evaluate.metrics import CORE, FIELDS, same_answer
from repvoice.evaluate.runner import ExampleResult
from repvoice.parser.confidence import reliability_table
from repvoice.redact import redact
from repvoice.schema import CONFIRMATION_THRESHOLD

#: Every scored name in report order: the fields, then "core".
SCORED: tuple[str, ...] = (*FIELDS, "core")
#: Labels for people.
LABELS: dict[str, str] = {
    "weight_unit": "weight unit",
    "rpe": "RPE",
    "rir": "RIR",
    "rest_seconds": "rest",
    "duration_seconds": "duration",
    "notes": "notes present",
    "core": "all core fields",
}
#: The answer keys shown for a field when an answer is listed.
SHOWN_KEYS: dict[str, tuple[str, ...]] = {"exercise": ("exercise_name",)}
PERCENTILES: tuple[int, ...] = (50, 95, 99)
#: Thresholds at which the coverage-risk curve is given in --json.
CURVE_STEP = 0.05


def label(name: str) -> str:
    """How a scored name reads in tables."""
    return LABELS.get(name, name)


def shown(data: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The answer keys of `fields` (exercise -> exercise_name), in order."""
    return {k: data.get(k) for f in fields for k in SHOWN_KEYS.get(f, (f,))}


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation between ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass
class HybridFigures:
    """How a derived hybrid row was routed (see `repvoice.evaluate.hybrid`)."""

    threshold: float
    cap: float
    examples: int
    local: str = ""
    fallback: str = ""
    #: Examples whose local confidence was below the threshold, so the fallback was asked.
    asked: int = 0
    #: Of those, the ones where the fallback gave no usable answer (the local one stood).
    fallback_failed: int = 0
    #: Answers the app would ask the user to confirm (`requires_confirmation`).
    unconfirmed: int = 0
    #: Fallback answers without a price.
    unpriced: int = 0

    @property
    def fallback_share(self) -> float | None:
        """The share of the examples sent to the fallback."""
        return self.asked / self.examples if self.examples else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "local": self.local,
            "fallback": self.fallback,
            "threshold": self.threshold,
            "confidence_cap": self.cap,
            "sent_to_fallback": self.asked,
            "fallback_share": self.fallback_share,
            "fallback_unusable": self.fallback_failed,
            "unconfirmed": self.unconfirmed,
            "unconfirmed_rate": self.unconfirmed / self.examples if self.examples else None,
        }


@dataclass
class Summary:
    """The figures of one backend on one test set (see the module docstring)."""

    backend: str
    examples: int
    right: dict[str, int] = field(default_factory=dict)
    judged: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    json_valid: int = 0
    schema_valid: int = 0
    errors: int = 0
    not_asked: int = 0
    stopped: str | None = None
    cached: int = 0
    identity: str | None = None
    identity_known: bool | None = None
    latencies_ms: list[float] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_reported: int = 0
    cost_usd: float = 0.0
    priced: int = 0
    free: bool = False
    with_confidence: int = 0
    reliability: list[dict[str, Any]] | None = None
    accuracy_at_threshold: float | None = None
    coverage_at_threshold: float | None = None
    #: (confidence, core right) of every answer with a confidence in [0, 1].
    scored_confidences: list[tuple[float, bool]] = field(default_factory=list)
    first_error: str | None = None
    seconds: float | None = None
    #: Set on a derived row: the local parser with a fallback below a threshold.
    hybrid: HybridFigures | None = None

    @property
    def unanswered(self) -> int:
        """Examples without an answer: failed calls and examples not asked."""
        return self.examples - self.answered

    @property
    def failed(self) -> bool:
        """No answer at all, or the run stopped early: the figures do not stand for the file."""
        return bool(self.examples) and (self.answered == 0 or self.stopped is not None)

    def coverage_risk(self, step: float = CURVE_STEP) -> list[dict[str, float]]:
        """For thresholds 0, step, ..., 1: the share of the N examples whose answer has at least
        that confidence (auto-accepted), and the share auto-accepted with a core field wrong."""
        if not self.scored_confidences or not self.examples:
            return []
        n = self.examples
        points = []
        for i in range(round(1 / step) + 1):
            t = round(i * step, 6)
            kept = [ok for c, ok in self.scored_confidences if c >= t]
            points.append(
                {
                    "threshold": t,
                    "accepted": len(kept) / n,
                    "wrong_accepted": sum(not ok for ok in kept) / n,
                }
            )
        return points

    def accuracy(self, name: str) -> float | None:
        """right / judged for a field or "core"; None when nothing was judged."""
        judged = self.judged.get(name, 0)
        return self.right.get(name, 0) / judged if judged else None

    def rate(self, count: int) -> float | None:
        return count / self.examples if self.examples else None

    def latency(self, q: float) -> float | None:
        return percentile(self.latencies_ms, q)

    @property
    def cost_per_1000(self) -> float | None:
        """USD per 1,000 calls: 0.0 when free, None when unknown."""
        if self.free:
            return 0.0
        return self.cost_usd / self.priced * 1000 if self.priced else None

    @property
    def cost_label(self) -> str:
        if self.free:
            return "free"
        per = self.cost_per_1000
        return "unknown" if per is None else f"${per:,.4f}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able figures (the `--json` output of `eval` and `compare`)."""
        made = self.examples - self.cached - self.not_asked
        return {
            "backend": self.backend,
            "identity": {"label": self.identity, "known": self.identity_known},
            "examples": self.examples,
            "answered": self.answered,
            "unanswered": self.unanswered,
            "not_asked": self.not_asked,
            "stopped": self.stopped,
            "failed": self.failed,
            "accuracy_over": "answered examples",
            "accuracy": {n: self.accuracy(n) for n in SCORED},
            "judged": {n: self.judged.get(n, 0) for n in SCORED},
            "right": {n: self.right.get(n, 0) for n in SCORED},
            "json_valid": self.json_valid,
            "json_valid_rate": self.rate(self.json_valid),
            "schema_valid": self.schema_valid,
            "schema_valid_rate": self.rate(self.schema_valid),
            "errors": self.errors,
            "error_rate": self.rate(self.errors),
            "first_error": self.first_error,
            "calls_made": made,
            "cached": self.cached,
            "latency_ms": {
                "measured": len(self.latencies_ms),
                **{f"p{q}": _round(self.latency(q)) for q in PERCENTILES},
            },
            "tokens": {
                "reported": self.tokens_reported,
                "in_total": self.tokens_in,
                "out_total": self.tokens_out,
                "in_mean": _mean(self.tokens_in, self.tokens_reported),
                "out_mean": _mean(self.tokens_out, self.tokens_reported),
            },
            "cost": {
                "per_1000_calls_usd": self.cost_per_1000,
                "label": self.cost_label,
                "total_usd": None if self.free or not self.priced else self.cost_usd,
                "priced_calls": self.priced,
            },
            "confidence": None
            if self.reliability is None
            else {
                "with_confidence": self.with_confidence,
                "reliability": self.reliability,
                "threshold": CONFIRMATION_THRESHOLD,
                "accuracy_at_or_above": self.accuracy_at_threshold,
                "coverage_at_or_above": self.coverage_at_threshold,
                "coverage_risk": self.coverage_risk(),
            },
            "seconds": None if self.seconds is None else round(self.seconds, 3),
        } | ({} if self.hybrid is None else {"hybrid": self.hybrid.to_dict()})


def _mean(total: int, n: int) -> float | None:
    return total / n if n else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def answered_label(s: Summary) -> str:
    """ "384 / 384", or with the reason when some are missing ("0 / 384: failed")."""
    text = f"{s.answered:,} / {s.examples:,}"
    if s.examples and not s.answered:
        return f"{text}: failed"
    return f"{text}: stopped" if s.stopped else text


def unanswered_note(s: Summary) -> str:
    """One line on the examples without an answer (empty when there are none)."""
    if not s.unanswered:
        return ""
    parts = [f"{s.errors:,} failed calls"] if s.errors else []
    if s.not_asked:
        parts.append(f"{s.not_asked:,} not asked")
    head = f"{s.unanswered:,} of {s.examples:,} examples unanswered ({', '.join(parts)})"
    if not s.answered:
        head += "; no accuracy: nothing was answered"
    else:
        head += f"; accuracy is over the {s.answered:,} answered"
    if s.stopped:
        head += f"; {s.stopped}"
    elif s.first_error:
        head += f"; first error: {s.first_error}"
    return head


def is_free(uri: str) -> bool:
    """Whether a backend costs nothing per call (the local parser)."""
    return uri.split(":", 1)[0] == "local"


def summarise(
    backend: str,
    results: Sequence[ExampleResult],
    *,
    seconds: float | None = None,
    identity: Identity | None = None,
) -> Summary:
    """The figures of `results` (one backend's answers to one test set); `identity` is what
    the backend said of itself before the run."""
    s = Summary(backend=backend, examples=len(results), free=is_free(backend), seconds=seconds)
    if identity is not None:
        s.identity, s.identity_known = redact(identity.label), identity.known
    confidences: list[float] = []
    core_right: list[bool] = []
    for r in results:
        for name, ok in r.verdicts.items():
            if ok is not None:
                s.judged[name] = s.judged.get(name, 0) + 1
                s.right[name] = s.right.get(name, 0) + bool(ok)
        reply = r.reply
        failed = reply.error is not None
        if reply.error_kind == "not_asked":
            s.not_asked += 1
            s.stopped = s.stopped or (reply.error or "").removeprefix("not asked: ")
            continue
        if failed:
            s.errors += 1
            s.first_error = s.first_error or reply.error
        else:
            s.answered += 1
        answered = not failed and isinstance(reply.data, dict)
        s.json_valid += answered and reply.json_valid
        s.schema_valid += answered and reply.json_valid and reply.schema_valid
        if reply.cached:
            s.cached += 1
        elif not failed:
            s.latencies_ms.append(float(reply.latency_ms))
        if reply.tokens_in is not None or reply.tokens_out is not None:
            s.tokens_reported += 1
            s.tokens_in += reply.tokens_in or 0
            s.tokens_out += reply.tokens_out or 0
        if reply.cost_usd is not None:
            s.priced += 1
            s.cost_usd += reply.cost_usd
        c = reply.confidence
        # An out-of-range confidence is already counted as schema-invalid; it has no bucket.
        if c is not None and math.isfinite(c) and 0.0 <= c <= 1.0:
            confidences.append(c)
            core_right.append(bool(r.verdicts.get("core")))
    if confidences:
        s.with_confidence = len(confidences)
        s.reliability = [
            {**asdict(b), "gap": b.gap} for b in reliability_table(confidences, core_right)
        ]
        kept = [ok for c, ok in zip(confidences, core_right, strict=True) if c >= 0.85]
        s.accuracy_at_threshold = sum(kept) / len(kept) if kept else None
        s.coverage_at_threshold = len(kept) / len(results)
        s.scored_confidences = list(zip(confidences, core_right, strict=True))
    return s


@dataclass
class Miss:
    """An example with at least one field wrong: the wrong fields' expected and given values."""

    line: int
    text: str
    context: dict[str, Any] | None
    wrong: list[str]
    expected: dict[str, Any]
    predicted: dict[str, Any]
    error: str | None = None

    @property
    def core(self) -> bool:
        return any(f in CORE for f in self.wrong)


def misses(results: Sequence[ExampleResult]) -> list[Miss]:
    """Every example with a field wrong, those with a core field wrong first, else in order."""
    out = []
    for r in results:
        wrong = [f for f in FIELDS if r.verdicts.get(f) is False]
        if not wrong:
            continue
        out.append(
            Miss(
                r.line,
                r.text,
                r.context.model_dump(exclude_none=True) if r.context else None,
                wrong,
                shown(r.gold, wrong),
                _answer(r, wrong),
                r.reply.error,
            )
        )
    out.sort(key=lambda m: not m.core)
    return out


@dataclass
class Disagreement:
    """An example where backends answer a field differently: gold and each backend's values."""

    line: int
    text: str
    fields: list[str]
    gold: dict[str, Any]
    answers: dict[str, dict[str, Any]]
    right: dict[str, list[str]]


def disagreements(runs: Mapping[str, Sequence[ExampleResult]]) -> list[Disagreement]:
    """Examples where the backends' verdicts on a field differ (one right, another wrong), or
    all are wrong with different values. `runs` maps backend to results of the same examples."""
    names = list(runs)
    if len(names) < 2:
        return []
    out = []
    for rows in zip(*runs.values(), strict=True):
        # Only answers can disagree: a backend without an answer here has no say.
        answered = [r for r in rows if r.reply.answered]
        if len(answered) < 2:
            continue
        disputed = []
        for f in FIELDS:
            verdicts = {r.verdicts.get(f) for r in answered}
            first = answered[0].predicted
            differ = any(not same_answer(f, first, r.predicted) for r in answered[1:])
            if len(verdicts) > 1 or (verdicts == {False} and differ):
                disputed.append(f)
        if not disputed:
            continue
        first = rows[0]
        pairs = list(zip(names, rows, strict=True))
        out.append(
            Disagreement(
                first.line,
                first.text,
                disputed,
                shown(first.gold, disputed),
                {n: _answer(r, disputed) for n, r in pairs},
                {n: [f for f in disputed if r.verdicts.get(f)] for n, r in pairs},
            )
        )
    return out


#: What is shown for a reply that holds no JSON object (and no error).
NO_OBJECT = {"answer": "no JSON object"}


def _answer(r: ExampleResult, fields: list[str]) -> dict[str, Any]:
    if r.reply.error is not None:
        return {"error": r.reply.error}
    if not isinstance(r.reply.data, dict):
        return dict(NO_OBJECT)
    return shown(r.predicted, fields)
