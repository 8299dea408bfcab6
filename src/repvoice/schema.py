"""The workout-set output schema: the single definition used by every part of repvoice.

`WorkoutSet` is the assistant turn of a training example and the answer of every backend.
`ParseResult` adds what the local parser and the service report beside it.
JSON Schema, validation and the docs all derive from these models.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

WeightUnit = Literal["lbs", "kg"]

#: Largest integer exercise id (ids are stored as signed 64-bit integers by most databases).
MAX_INT_ID = 2**63 - 1
#: Longest string exercise id.
MAX_ID_CHARS = 64

#: An exercise id as the owner's data has it: a string (a UUID in the bundled catalogue) or a
#: non-negative integer (VoiceFit's training prompt declares `"exercise_id": <int>`). A bool or a
#: float is no id.
ExerciseId = (
    Annotated[StrictInt, Field(ge=0, le=MAX_INT_ID)]
    | Annotated[str, Field(max_length=MAX_ID_CHARS)]
)

#: The app's auto-accept threshold: below it a parse must be confirmed by the user.
CONFIRMATION_THRESHOLD = 0.85

#: Field order of the compact assistant JSON, as the original training data wrote it.
FIELD_ORDER: tuple[str, ...] = (
    "exercise_id",
    "exercise_name",
    "weight",
    "weight_unit",
    "reps",
    "sets",
    "duration_seconds",
    "rpe",
    "rir",
    "tempo",
    "rest_seconds",
    "notes",
    "confidence",
)

#: The five fields judged together as "all core fields right".
CORE_FIELDS: tuple[str, ...] = ("exercise_name", "weight", "weight_unit", "reps", "rpe")


def _check_id(cls: type, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """One plain message for a bad id, instead of one per member of the union."""
    # JSON has one number type: 17.0 is the integer 17 to JSON Schema and to JavaScript.
    if isinstance(value, float) and value.is_integer() and 0 <= value <= MAX_INT_ID:
        value = int(value)
    try:
        return handler(value)
    except ValidationError:
        raise ValueError(
            f"must be a string (at most {MAX_ID_CHARS} characters) or a whole number from 0 to "
            f"{MAX_INT_ID}, not {_describe(value)}"
        ) from None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({json.dumps(value)})"
    if isinstance(value, str):
        return f"a string of {len(value):,} character{'s' if len(value) != 1 else ''}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    return f"a JSON {_json_kind(value)}"


def _json_kind(value: Any) -> str:
    return {dict: "object", list: "array"}.get(type(value), type(value).__name__)


def same_id(a: ExerciseId | None, b: ExerciseId | None) -> bool:
    """Whether two exercise ids name the same exercise: 17 and "17" do, None never does."""
    if a is None or b is None:
        return False
    return a == b or str(a) == str(b)


class WorkoutSet(BaseModel):
    """One logged set, as the voice parser answers it (the assistant turn of a training example)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    exercise_id: ExerciseId | None = Field(
        None,
        description="Exercise id: a string (a UUID in the bundled catalogue) or a whole number, "
        "as the owner's catalogue has it.",
        examples=["0379744e-d66b-5830-a327-8f0777c83c1e", 17],
    )
    exercise_name: str | None = Field(
        None,
        min_length=1,
        max_length=120,
        description="Canonical exercise name.",
        examples=["Barbell Bench Press"],
    )
    weight: float | None = Field(
        None,
        ge=0,
        le=9999.99,
        description="Load per set; null for unloaded bodyweight work.",
        examples=[225],
    )
    weight_unit: WeightUnit | None = Field(
        None, description="Unit of `weight`; lbs when none was said.", examples=["lbs"]
    )
    reps: int | None = Field(None, ge=0, le=999, description="Repetitions.", examples=[8])
    sets: int | None = Field(
        None, ge=1, le=99, description="Count of identical sets, when one was said.", examples=[3]
    )
    duration_seconds: int | None = Field(
        None, ge=0, le=86_400, description="Duration of a timed set, in seconds.", examples=[60]
    )
    rpe: float | None = Field(
        None, ge=1, le=10, description="Rate of perceived exertion, halves allowed.", examples=[8]
    )
    rir: int | None = Field(None, ge=0, le=10, description="Reps in reserve.", examples=[2])
    tempo: str | None = Field(
        None,
        min_length=1,
        max_length=16,
        description="Tempo as said, e.g. 3010.",
        examples=["3010"],
    )
    rest_seconds: int | None = Field(
        None, ge=0, le=3_600, description="Rest after the set, in seconds.", examples=[90]
    )
    notes: str | None = Field(
        None,
        min_length=1,
        max_length=500,
        description="Anything else worth keeping.",
        examples=["felt heavy today"],
    )
    confidence: float = Field(
        ...,
        ge=0,
        le=1,
        description="How sure the parser is that the whole answer is right.",
        examples=[0.95],
    )

    _exercise_id = field_validator("exercise_id", mode="wrap")(classmethod(_check_id))

    @field_validator("rpe")
    @classmethod
    def _rpe_in_halves(cls, value: float | None) -> float | None:
        if value is not None and (value * 2) != int(value * 2):
            raise ValueError("rpe must be a whole or half number (e.g. 8 or 8.5)")
        return value

    @model_validator(mode="after")
    def _unit_needs_weight(self) -> WorkoutSet:
        if self.weight is not None and self.weight_unit is None:
            raise ValueError("weight_unit is required when weight is given")
        return self

    def to_compact_json(self) -> str:
        """The one-line JSON the training data uses: fields in order, nulls left out."""
        fields = {k: _whole(v) for k, v in compact_dict(self.model_dump()).items()}
        return json.dumps(fields, separators=(", ", ": "))


class Alternative(BaseModel):
    """Another exercise the words could have meant."""

    exercise_id: ExerciseId | None
    exercise_name: str
    score: float = Field(ge=0, le=1)

    _exercise_id = field_validator("exercise_id", mode="wrap")(classmethod(_check_id))


class ParseResult(WorkoutSet):
    """A `WorkoutSet` plus what the parser and the service report beside it."""

    requires_confirmation: bool = Field(
        False, description=f"True when confidence is below {CONFIRMATION_THRESHOLD}."
    )
    alternatives: list[Alternative] = Field(
        default_factory=list,
        max_length=3,
        description="Up to three other exercises an ambiguous alias could mean.",
    )
    error: str | None = Field(
        None, description="Why the text could not be parsed, if it could not."
    )

    def workout_set(self) -> WorkoutSet:
        """Just the schema fields, as the fine-tuned model answered them."""
        return WorkoutSet.model_validate(self.model_dump(include=set(WorkoutSet.model_fields)))


class Context(BaseModel):
    """The previous logged set, given so that follow-ups ("same weight for 7") can be resolved.

    Accepts the VoiceFit app's `workout_context` names too (`current_exercise_id`, `last_weight`,
    `last_reps`).
    """

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    exercise_id: ExerciseId | None = Field(None, validation_alias="exercise_id")
    exercise_name: str | None = None
    weight: float | None = Field(None, ge=0, le=9999.99)
    weight_unit: WeightUnit | None = None
    reps: int | None = Field(None, ge=0, le=999)
    rpe: float | None = Field(None, ge=1, le=10)

    _exercise_id = field_validator("exercise_id", mode="wrap")(classmethod(_check_id))

    @model_validator(mode="before")
    @classmethod
    def _accept_voicefit_names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for theirs, ours in (
                ("current_exercise_id", "exercise_id"),
                ("last_weight", "weight"),
                ("last_reps", "reps"),
                ("last_weight_unit", "weight_unit"),
                ("last_rpe", "rpe"),
                ("last_exercise", "exercise_name"),
                ("current_exercise", "exercise_name"),
            ):
                if data.get(ours) is None and data.get(theirs) is not None:
                    data[ours] = data[theirs]
        return data

    def is_empty(self) -> bool:
        return all(v is None for v in self.model_dump().values())


#: The confidence of a not-a-set answer (no exercise, no values: a question, a command, noise).
NOT_A_SET_CONFIDENCE = 0.1
#: A not-a-set answer above this confidence contradicts itself.
NOT_A_SET_MAX_CONFIDENCE = 0.3
#: Fields a logged set has beside its exercise; a not-a-set answer has none of them.
SET_VALUE_FIELDS: tuple[str, ...] = FIELD_ORDER[2:-1]


def is_not_a_set(answer: dict[str, Any]) -> bool:
    """True for an answer that logs nothing: no exercise and no set values."""
    return all(answer.get(k) is None for k in ("exercise_id", "exercise_name", *SET_VALUE_FIELDS))


def compact_dict(fields: dict[str, Any]) -> dict[str, Any]:
    """Order fields as `FIELD_ORDER` and drop nulls; unknown keys keep their place at the end."""
    ordered = {k: fields[k] for k in FIELD_ORDER if fields.get(k) is not None}
    for k, v in fields.items():
        if k not in ordered and k not in FIELD_ORDER and v is not None:
            ordered[k] = v
    return ordered


def _whole(value: Any) -> Any:
    """225.0 -> 225, as the training data writes whole numbers; other values unchanged."""
    if isinstance(value, float) and value.is_integer() and not isinstance(value, bool):
        return int(value)
    return value


def workout_json_schema() -> dict[str, Any]:
    """JSON Schema of `WorkoutSet`, for structured-output requests and docs."""
    return WorkoutSet.model_json_schema()


def strict_json_schema() -> dict[str, Any]:
    """JSON Schema in OpenAI strict form: every field required, optional ones nullable."""
    schema = WorkoutSet.model_json_schema()
    props = schema["properties"]
    for spec in props.values():
        spec.pop("default", None)
        spec.pop("examples", None)
    schema["required"] = list(props)
    schema["additionalProperties"] = False
    return schema


def parse_workout_json(text: str) -> WorkoutSet:
    """Parse and validate an assistant turn. Raises `ValueError` with a plain message."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    try:
        return WorkoutSet.model_validate(data)
    except ValidationError as exc:
        raise ValueError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    """One line per pydantic error: `field: message`."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(object)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)
