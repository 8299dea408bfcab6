"""The local parser: a pipeline of small trained components, saved to a directory.

text -> tokens with spoken numbers read (numbers) -> exercise (resolver) -> slot labels (CRF
tagger) -> fields (decode, with the follow-up policy) -> calibrated confidence -> ParseResult.

A model directory holds `meta.json` (format version, training summary, follow-up policy,
confidence model), `tagger.crfsuite` (the CRF weights), `resolver.json` (learned exercises and
spoken forms), `catalog.json` (the catalogue it resolves against) and `vocab.json`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from repvoice.catalog import Catalog
from repvoice.parser.confidence import LogisticCalibrator
from repvoice.parser.decode import Decoded, FollowUpPolicy, decode
from repvoice.parser.features import sentence_features, unloaded
from repvoice.parser.kind import ExerciseKind
from repvoice.parser.numbers import spoken_numbers
from repvoice.parser.resolver import ExerciseResolver, Match
from repvoice.parser.tagger import Tagger
from repvoice.parser.tokens import PUNCT, Token
from repvoice.schema import CONFIRMATION_THRESHOLD, Alternative, Context, ParseResult

#: Bumped when the directory layout or a component's saved form changes.
MODEL_FORMAT = 1
#: Confidence never exceeds this when no exercise was named and none came from context.
NO_EXERCISE_CONFIDENCE = 0.4

CONFIDENCE_FEATURES: tuple[str, ...] = (
    "ex_exact",
    "ex_fuzzy",
    "ex_score",
    "ex_context",
    "ex_none",
    "ex_ambiguous",
    "min_marginal",
    "mean_marginal",
    "log_seq_prob",
    "unexplained_numbers",
    "repeated",
    "oov_share",
    "weight_change",
    "weight_context",
    "log_tokens",
    "slot_min_marginal",
    "unlabelled_number_min_marginal",
    "numbers",
    "reps_missing",
    "load_missing",
    "repaired",
)
#: Labels of the slots the core fields come from.
_CORE_SLOTS = frozenset({"W", "W_UP", "W_DOWN", "REPS", "RPE", "RIR", "FAIL"})


class ModelError(Exception):
    """A model directory that cannot be loaded."""


def bundled_model_path() -> Path:
    """The model trained on the bundled default dataset, shipped in the package."""
    return Path(str(resources.files("repvoice.parser").joinpath("default_model")))


@dataclass
class Analysis:
    """Everything the pipeline worked out for one utterance (for parsing and for training)."""

    tokens: list[Token]
    match: Match | None
    labels: list[str]
    marginals: list[float]
    sequence_probability: float
    decoded: Decoded
    exercise: tuple[str | None, str | None]  # (id, name)
    exercise_from_context: bool


class Parser:
    """Parse gym transcripts into `ParseResult`s. `Parser.load()` loads the bundled model."""

    def __init__(
        self,
        tagger: Tagger,
        resolver: ExerciseResolver,
        catalog: Catalog,
        *,
        policy: FollowUpPolicy | None = None,
        calibrator: LogisticCalibrator | None = None,
        vocab: frozenset[str] = frozenset(),
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.tagger = tagger
        self.resolver = resolver
        self.catalog = catalog
        self.policy = policy or FollowUpPolicy()
        self.calibrator = calibrator
        self.vocab = vocab
        self.meta = meta or {}

    # --- persistence ----------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> Parser:
        """Load a model directory (default: the bundled model)."""
        root = Path(path) if path is not None else bundled_model_path()
        if not root.is_dir():
            raise ModelError(f"{root}: not a model directory")
        try:
            meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{root}: no meta.json (not a repvoice model)") from None
        except json.JSONDecodeError as exc:
            raise ModelError(f"{root}/meta.json: not valid JSON ({exc.msg})") from None
        if meta.get("format") != MODEL_FORMAT:
            raise ModelError(
                f"{root}: model format {meta.get('format')!r}; this repvoice reads {MODEL_FORMAT}"
            )
        try:
            catalog = Catalog.load(root / "catalog.json")
            resolver = ExerciseResolver.from_dict(
                json.loads((root / "resolver.json").read_text(encoding="utf-8")), catalog
            )
            tagger = Tagger((root / "tagger.crfsuite").read_bytes())
            vocab = frozenset(json.loads((root / "vocab.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{root}: damaged model ({exc})") from None
        calibrator = (
            LogisticCalibrator.from_dict(meta["confidence"]) if meta.get("confidence") else None
        )
        return cls(
            tagger,
            resolver,
            catalog,
            policy=FollowUpPolicy.from_dict(meta.get("follow_up_policy", {})),
            calibrator=calibrator,
            vocab=vocab,
            meta=meta,
        )

    def save(self, path: str | Path) -> Path:
        """Write the model directory (created if needed) and return its path."""
        root = Path(path)
        root.mkdir(parents=True, exist_ok=True)
        meta = {
            **self.meta,
            "format": MODEL_FORMAT,
            "follow_up_policy": self.policy.to_dict(),
            "confidence": self.calibrator.to_dict() if self.calibrator else None,
        }
        (root / "tagger.crfsuite").write_bytes(self.tagger.model)
        _write_json(root / "resolver.json", self.resolver.to_dict())
        _write_json(root / "catalog.json", self.catalog.to_dict())
        _write_json(root / "vocab.json", sorted(self.vocab))
        _write_json(root / "meta.json", meta, indent=2)
        return root

    # --- parsing --------------------------------------------------------------------------

    def analyse(self, text: str, context: Context | None = None) -> Analysis:
        """Run the pipeline on one utterance."""
        tokens = spoken_numbers(text)
        match = self.resolver.find(tokens)
        ctx = context if context is not None and not context.is_empty() else None
        span = (match.start, match.end) if match else None
        features = sentence_features(
            tokens,
            span,
            has_context=ctx is not None,
            context_weight=ctx.weight if ctx else None,
            bodyweight=match is not None and unloaded(match.exercise),
        )
        labels, marginals = self.tagger.tag(features)
        seq_p = self.tagger.sequence_probability(labels)
        ctx_exercise = self._context_exercise(ctx)
        if match is not None:
            exercise = (match.id, match.name)
            from_context = ctx_exercise[0] is not None and ctx_exercise[0] == match.id
        else:
            exercise = ctx_exercise
            from_context = exercise[1] is not None
        decoded = decode(
            text,
            tokens,
            labels,
            ctx,
            follow_up=ctx is not None and (match is None or from_context),
            policy=self.policy,
            kind=ExerciseKind.of(
                match.exercise if match else self.resolver.exercises.get(exercise[0] or "")
            ),
            exercise=span,
        )
        return Analysis(tokens, match, labels, marginals, seq_p, decoded, exercise, from_context)

    def parse(self, text: str, context: Context | dict[str, Any] | None = None) -> ParseResult:
        """Parse one transcript; `context` is the previous logged set, if any."""
        ctx = Context.model_validate(context) if isinstance(context, dict) else context
        analysis = self.analyse(text, ctx)
        confidence = self.confidence(analysis)
        ex_id, ex_name = analysis.exercise
        alternatives = []
        if analysis.match is not None:
            alternatives = [
                Alternative(
                    exercise_id=e.id, exercise_name=e.name, score=round(analysis.match.score, 3)
                )
                for e in analysis.match.alternatives
                if e.id != ex_id
            ][:3]
        return ParseResult(
            exercise_id=ex_id,
            exercise_name=ex_name,
            **analysis.decoded.fields,
            confidence=confidence,
            requires_confirmation=confidence < CONFIRMATION_THRESHOLD,
            alternatives=alternatives,
        )

    def confidence_features(self, a: Analysis) -> list[float]:
        """The confidence model's inputs, in `CONFIDENCE_FEATURES` order."""
        m = a.match
        fields = a.decoded.fields
        words = [t.norm for t in a.tokens if t.kind != PUNCT and t.value is None]
        oov = sum(1 for w in words if w not in self.vocab) / len(words) if words else 0.0
        marg = a.marginals or [1.0]
        return [
            float(m is not None and m.method == "exact"),
            float(m is not None and m.method != "exact"),
            m.score if m is not None else 0.0,
            float(m is None and a.exercise[1] is not None),
            float(a.exercise[1] is None),
            float(m is not None and len(m.alternatives) > 1),
            min(marg),
            sum(marg) / len(marg),
            math.log(max(a.sequence_probability, 1e-12)),
            float(a.decoded.unexplained_numbers),
            float(a.decoded.repeated),
            oov,
            float(a.decoded.weight_source == "change"),
            float(a.decoded.weight_source == "context"),
            math.log1p(len(a.tokens)),
            min((p for p, lab in zip(marg, a.labels, strict=False) if lab in _CORE_SLOTS),
                default=1.0),
            min((p for t, p, lab in zip(a.tokens, marg, a.labels, strict=False)
                 if t.value is not None and lab == "O"), default=1.0),
            float(sum(1 for t in a.tokens if t.value is not None)),
            float("reps" not in fields and "duration_seconds" not in fields),
            float("weight" not in fields and m is not None and not unloaded(m.exercise)),
            float(a.decoded.repaired),
        ]  # fmt: skip

    def confidence(self, analysis: Analysis) -> float:
        """Calibrated probability that the whole answer's core fields are right."""
        if self.calibrator is None:
            raw = min(analysis.marginals or [1.0])
        else:
            raw = self.calibrator.predict(self.confidence_features(analysis))
        if analysis.exercise[1] is None:
            raw = min(raw, NO_EXERCISE_CONFIDENCE)
        return round(max(0.0, min(1.0, raw)), 3)

    def _context_exercise(self, ctx: Context | None) -> tuple[str | None, str | None]:
        if ctx is None:
            return None, None
        known = self.resolver.exercises
        if ctx.exercise_id and ctx.exercise_id in known:
            return ctx.exercise_id, known[ctx.exercise_id].name
        if ctx.exercise_name:
            found = self.catalog.by_name(ctx.exercise_name) or next(
                (e for e in known.values() if e.name.lower() == ctx.exercise_name.lower()), None
            )
            if found is not None:
                return found.id, found.name
            return ctx.exercise_id, ctx.exercise_name
        return ctx.exercise_id, None


def _write_json(path: Path, data: Any, indent: int | None = None) -> None:
    text = json.dumps(
        data, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":")
    )
    path.write_text(text + "\n", encoding="utf-8")
