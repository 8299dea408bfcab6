"""The local parser: a pipeline of small trained components, saved to a directory.

text -> tokens with spoken numbers read (numbers) -> exercise (resolver) -> slot labels (CRF
tagger) -> fields (decode, with the follow-up policy) -> calibrated confidence -> ParseResult.

A model directory holds `meta.json` (format version, training summary, follow-up policy,
confidence model, and the checksums of the other files), `tagger.crfsuite` (the CRF weights),
`resolver.json` (learned exercises and spoken forms), `catalog.json` (the catalogue it resolves
against), `vocab.json` and, when the training file had not-a-set examples, `gate.json` (the
not-a-set detector, `gate`). Loading verifies every checksum first (`integrity`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from repvoice.catalog import Catalog, Exercise
from repvoice.parser.confidence import LogisticCalibrator
from repvoice.parser.decode import Decoded, FollowUpPolicy, decode
from repvoice.parser.features import sentence_features, unloaded
from repvoice.parser.gate import GATE_FILE, NotASetGate
from repvoice.parser.integrity import (
    META,
    MODEL_FILES,
    OPTIONAL_FILES,
    ModelError,
    check_format,
    read_meta,
    read_verified,
    seal_meta,
)
from repvoice.parser.kind import ExerciseKind
from repvoice.parser.numbers import spoken_numbers
from repvoice.parser.resolver import ExerciseResolver, Match
from repvoice.parser.rules.common import CORRECTIONS, MEASURES, SETTINGS_AFTER, TIME_WORDS
from repvoice.parser.rules.shorthand import ShorthandOrder
from repvoice.parser.tagger import Tagger
from repvoice.parser.tokens import PUNCT, Token
from repvoice.schema import (
    CONFIRMATION_THRESHOLD,
    NOT_A_SET_CONFIDENCE,
    Alternative,
    Context,
    ExerciseId,
    ParseResult,
    same_id,
)

#: Bumped when the directory layout or a component's saved form changes (2: `gate.json`).
MODEL_FORMAT = 2
#: Formats still read: a format 1 model is one without a not-a-set detector.
OLDER_FORMATS: tuple[int, ...] = (1,)
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
    "repaired_core",
    "value_margin",
    "measure_near_value",
    "shorthand",
    "shorthand_labels",
    "leftover_name_words",
    "correction_cue",
)
#: Words that make a number next to them a distance, speed, setting or time.
_MEASURE_WORDS = MEASURES | SETTINGS_AFTER | TIME_WORDS | {"mph", "kph", "km", "mi"}
_SHORTHAND_JOINERS = frozenset({"x", "@", "*", "/"})
#: Labels of the slots the core fields come from.
_CORE_SLOTS = frozenset({"W", "W_UP", "W_DOWN", "REPS", "RPE", "RIR", "FAIL"})


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
    exercise: tuple[ExerciseId | None, str | None]  # (id, name)
    exercise_from_context: bool
    # the smallest gap between a number's label and its runner-up (CRF marginals)
    value_margin: float = 1.0
    # P(not a set) from the detector (None: the model has none); past its threshold the
    # answer names no exercise and no values
    not_a_set: float | None = None
    gated: bool = False


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
        gate: NotASetGate | None = None,
    ) -> None:
        self.tagger = tagger
        self.resolver = resolver
        self.catalog = catalog
        self.policy = policy or FollowUpPolicy()
        self.calibrator = calibrator
        self.vocab = vocab
        self.meta = meta or {}
        self.gate = gate
        if gate is not None:
            gate.warm(vocab)

    @property
    def meta(self) -> dict[str, Any]:
        """What `meta.json` records: provenance, report, threshold, shorthand order."""
        return self._meta

    @meta.setter
    def meta(self, value: dict[str, Any]) -> None:
        self._meta = value
        # read once here, not on every parse
        self._shorthand_order = ShorthandOrder.from_dict(value.get("shorthand"))

    # --- persistence ----------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> Parser:
        """Load a model directory (default: the bundled model).

        Every file is checked against the checksums in `meta.json` before any is used;
        `ModelError` (one line) for a missing, damaged, tampered or foreign directory.
        """
        root = Path(path) if path is not None else bundled_model_path()
        try:
            meta = read_meta(root)
            check_format(root, meta, MODEL_FORMAT, OLDER_FORMATS)
            contents = read_verified(root, meta)
        except OSError as exc:
            raise ModelError(f"{root}: cannot be read ({exc.strerror or exc})") from None
        try:
            catalog = Catalog.from_dict(_json(contents["catalog.json"]))
            resolver = ExerciseResolver.from_dict(_json(contents["resolver.json"]), catalog)
            vocab = _vocab(_json(contents["vocab.json"]))
            policy = _policy(meta.get("follow_up_policy", {}))
            calibrator = _calibrator(meta.get("confidence"))
            tagger = Tagger(contents["tagger.crfsuite"])
            gate = (
                NotASetGate.from_dict(_json(contents[GATE_FILE])) if GATE_FILE in contents else None
            )
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise ModelError(f"{root}: damaged model ({_first_line(exc)})") from None
        return cls(
            tagger,
            resolver,
            catalog,
            policy=policy,
            calibrator=calibrator,
            vocab=vocab,
            meta=meta,
            gate=gate,
        )

    def save(self, path: str | Path) -> Path:
        """Write the model directory (created if needed) and return its path.

        `ModelError` if the directory holds anything but a model's files: a model directory is
        verified file by file on load, and other files are never overwritten or removed.
        """
        root = Path(path)
        if root.is_dir():
            known = (META, *MODEL_FILES, *OPTIONAL_FILES)
            other = sorted(p.name for p in root.iterdir() if p.name not in known)
            if other:
                raise ModelError(
                    f"{root}: holds {', '.join(other[:3])}, not part of a model; choose another "
                    "directory"
                )
        root.mkdir(parents=True, exist_ok=True)
        contents = {
            "tagger.crfsuite": self.tagger.model,
            "resolver.json": _json_bytes(self.resolver.to_dict()),
            "catalog.json": _json_bytes(self.catalog.to_dict()),
            "vocab.json": _json_bytes(sorted(self.vocab)),
        }
        if self.gate is not None:
            contents[GATE_FILE] = _json_bytes(self.gate.to_dict())
        meta = seal_meta(
            {
                **self.meta,
                "format": MODEL_FORMAT,
                "follow_up_policy": self.policy.to_dict(),
                "confidence": self.calibrator.to_dict() if self.calibrator else None,
            },
            contents,
        )
        for name in OPTIONAL_FILES:  # a detector left by an earlier model is not this one's
            if name not in contents:
                (root / name).unlink(missing_ok=True)
        for name in contents:
            (root / name).write_bytes(contents[name])
        # meta.json last: until it is written, the directory fails verification as a whole
        (root / META).write_bytes(_json_bytes(meta, indent=2))
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
        # read now: the tagger keeps only the last sequence it tagged
        margin = self.tagger.margin(labels, [i for i, t in enumerate(tokens) if t.is_number])
        ctx_exercise = self._context_exercise(ctx)
        if match is not None:
            exercise = (match.id, match.name)
            from_context = same_id(ctx_exercise[0], match.id)
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
            kind=ExerciseKind.of(self._entry(match, exercise[0])),
            exercise=span,
            shorthand=self._shorthand_order,
        )
        analysis = Analysis(
            tokens, match, labels, marginals, seq_p, decoded, exercise, from_context, margin
        )
        if self.gate is not None:
            p = self.gate.probability_of(
                tokens, match, labels, decoded.fields, self.vocab, has_context=ctx is not None
            )
            analysis.not_a_set = p
            if p >= self.gate.threshold:
                analysis.gated = True
                analysis.match = None
                analysis.exercise = (None, None)
                analysis.exercise_from_context = False
                analysis.decoded = Decoded(labels=decoded.labels)
        return analysis

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
                    exercise_id=self.resolver.answer_id(e.id),
                    exercise_name=e.name,
                    score=round(analysis.match.score, 3),
                )
                for e in analysis.match.alternatives
                if e.id != ex_id
            ][:3]
        return ParseResult(
            exercise_id=self.resolver.answer_id(ex_id),
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
        vocab = self.vocab
        # one pass over the tokens for the counts and minima below (a tenth of a parse else)
        words = unknown = numbers = corrections = 0
        slot_min: float | None = None  # least marginal of a core slot's label
        free_min: float | None = None  # least marginal of a number labelled "O"
        for t, p, lab in zip(a.tokens, a.marginals, a.labels, strict=False):
            if t.value is not None:
                numbers += 1
                if lab == "O" and (free_min is None or p < free_min):
                    free_min = p
            elif t.kind != PUNCT:
                words += 1
                unknown += t.norm not in vocab
            if t.norm in CORRECTIONS:
                corrections += 1
            if lab in _CORE_SLOTS and (slot_min is None or p < slot_min):
                slot_min = p
        oov = unknown / words if words else 0.0
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
            1.0 if slot_min is None else slot_min,
            1.0 if free_min is None else free_min,
            float(numbers),
            float("reps" not in fields and "duration_seconds" not in fields),
            float("weight" not in fields and m is not None and not unloaded(m.exercise)),
            float(a.decoded.repaired),
            float(_repaired_core(a.labels, a.decoded.labels)),
            a.value_margin,
            float(_measure_near_value(a.tokens, a.decoded.labels)),
            float(_shorthand(a.tokens)),
            float(a.decoded.shorthand),
            float(self.resolver.leftover_words(a.tokens, m)),
            float(corrections),
        ]  # fmt: skip

    def confidence(self, analysis: Analysis) -> float:
        """Calibrated probability that the whole answer's core fields are right."""
        if self.calibrator is None:
            raw = min(analysis.marginals or [1.0])
        else:
            raw = self.calibrator.predict(self.confidence_features(analysis))
        if analysis.exercise[1] is None:
            raw = min(raw, NO_EXERCISE_CONFIDENCE)
        if analysis.gated:
            raw = min(raw, NOT_A_SET_CONFIDENCE)
        return round(max(0.0, min(1.0, raw)), 3)

    def _context_exercise(self, ctx: Context | None) -> tuple[ExerciseId | None, str | None]:
        if ctx is None:
            return None, None
        known = self.resolver.exercises
        ex_id = self._known_id(ctx.exercise_id)
        if ex_id is not None:
            return ex_id, known[ex_id].name
        if ctx.exercise_name:
            found = self._by_name(ctx.exercise_name)
            if found is not None:
                found = self.resolver.public(found)
                return found.id, found.name
            return ctx.exercise_id, ctx.exercise_name
        return ctx.exercise_id, None

    def knows(self, exercise_id: ExerciseId | None, exercise_name: str | None) -> bool:
        """Whether this model knows the exercise: by its id (in either type), else its name."""
        if exercise_id is not None:
            return self._known_id(exercise_id) is not None
        return exercise_name is not None and self._by_name(exercise_name) is not None

    def _by_name(self, name: str) -> Exercise | None:
        """The catalogue's or a learned exercise of that name (case-insensitive)."""
        return self.catalog.by_name(name) or next(
            (e for e in self.resolver.exercises.values() if e.name.lower() == name.lower()), None
        )

    def _entry(self, match: Match | None, ex_id: ExerciseId | None) -> Exercise | None:
        """The catalogue entry of the exercise found (by the resolver, or from context)."""
        if match is not None:
            return match.exercise
        return None if ex_id is None else self.resolver.exercises.get(ex_id)

    def _known_id(self, value: ExerciseId | None) -> ExerciseId | None:
        """The model's id that `value` names, in the model's type: an app that sends "17" to a
        model trained on whole-number ids means 17 (and 17 means "17" the other way round)."""
        if value is None or value == "":
            return None
        known = self.resolver.exercises
        if value in known:
            return value
        other: ExerciseId | None = str(value) if isinstance(value, int) else None
        if isinstance(value, str) and value.isascii() and value.isdigit():
            other = int(value) if str(int(value)) == value else None
        return other if other is not None and other in known else None


def _repaired_core(tagged: Sequence[str], final: Sequence[str]) -> int:
    """Tokens whose core label the rules gave or took away (tagger and rules disagree)."""
    return sum(
        1
        for a, b in zip(tagged, final, strict=False)
        if a != b and (a in _CORE_SLOTS or b in _CORE_SLOTS)
    )


def _measure_near_value(tokens: Sequence[Token], labels: Sequence[str]) -> int:
    """Core values said next to a distance, a speed, a setting or a time ("500-m row")."""
    n = len(tokens)
    count = 0
    for i, lab in enumerate(labels):
        if lab not in _CORE_SLOTS or i >= n or not tokens[i].is_number:
            continue
        for j in (i - 1, i + 1, i + 2):
            if 0 <= j < n and j != i and tokens[j].norm in _MEASURE_WORDS:
                count += 1
                break
    return count


def _shorthand(tokens: Sequence[Token]) -> int:
    """Typed shorthand joining numbers: "405x5x3", "3 x 8", "@ 185"."""
    return sum(
        1
        for i in range(1, len(tokens) - 1)
        if tokens[i].norm in _SHORTHAND_JOINERS
        and tokens[i + 1].is_number
        and (tokens[i - 1].is_number or tokens[i].norm == "@")
    )


def _json_bytes(data: Any, indent: int | None = None) -> bytes:
    text = json.dumps(
        data, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":")
    )
    return (text + "\n").encode("utf-8")


def _json(data: bytes) -> Any:
    return json.loads(data.decode("utf-8"))


def _vocab(data: Any) -> frozenset[str]:
    if not isinstance(data, list) or not all(isinstance(w, str) for w in data):
        raise ValueError("vocab.json is not a list of words")
    return frozenset(data)


def _policy(data: Any) -> FollowUpPolicy:
    if not isinstance(data, dict) or not all(isinstance(v, bool) for v in data.values()):
        raise ValueError("follow_up_policy is not an object of true/false values")
    return FollowUpPolicy.from_dict(data)


def _calibrator(data: Any) -> LogisticCalibrator | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ValueError("confidence is not a calibrator object")
    calibrator = LogisticCalibrator.from_dict(data)
    if tuple(calibrator.feature_names) != CONFIDENCE_FEATURES or not (
        len(calibrator.means)
        == len(calibrator.scales)
        == len(calibrator.weights_std)
        == len(CONFIDENCE_FEATURES)
    ):
        raise ValueError("the confidence model's features are not this repvoice's")
    return calibrator


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
