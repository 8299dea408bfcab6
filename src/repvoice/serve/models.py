"""Request and response models of the HTTP API, for the OpenAPI docs (with examples).

Requests are read by hand (see `limits`), so that every kind of bad input gets a precise 4xx;
these models describe them.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from repvoice.parser.batch import MAX_TEXT_CHARS
from repvoice.schema import MAX_ID_CHARS, MAX_INT_ID, ParseResult, WeightUnit
from repvoice.serve.errors import UNAUTHORIZED, error_body, too_large
from repvoice.serve.limits import MAX_BODY_BYTES

_BENCH_ID = "0379744e-d66b-5830-a327-8f0777c83c1e"


# What the service takes as a transcript (see `limits.transcript`): not all whitespace, no
# control characters but tab, newline and carriage return. Lone surrogates (an escape such as
# "\\ud800", which no UTF-8 text can hold) are refused too, but left out of the patterns, as
# JSON Schema validators built on Rust's regex engine cannot read them. The patterns are for the
# docs only: requests are read by hand.
_CONTROL = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
_SPACE = r"\t\n\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TRANSCRIPT_PATTERN = f"^[^{_CONTROL}]*[^{_SPACE}{_CONTROL}][^{_CONTROL}]*$"
#: A context string the answer may copy: no control characters.
PLAIN_PATTERN = f"^[^{_CONTROL}]*$"


def _transcript(description: str) -> Any:
    return Field(
        None,
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description=description,
        json_schema_extra={"pattern": TRANSCRIPT_PATTERN},
    )


def _plain(max_length: int, min_length: int = 0, description: str | None = None) -> Any:
    return Field(
        None,
        min_length=min_length,
        max_length=max_length,
        description=description,
        json_schema_extra={"pattern": PLAIN_PATTERN},
    )


#: A context's exercise id: the answer's `ExerciseId`, with the plain-text rule on strings that
#: the service enforces (the answer copies the id).
_ContextId = (
    Annotated[StrictInt, Field(ge=0, le=MAX_INT_ID)]
    | Annotated[str, Field(max_length=MAX_ID_CHARS, json_schema_extra={"pattern": PLAIN_PATTERN})]
)


class WorkoutContext(BaseModel):
    """The previous logged set. VoiceFit's names (`current_exercise_id`, `last_weight`,
    `last_reps`, ...) and repvoice's (`exercise_id`, `weight`, `reps`, ...) are both read; where
    both are given, repvoice's wins. The exercise id and name are held to the answer's limits,
    since a follow-up copies them."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [{"current_exercise_id": _BENCH_ID, "last_weight": 225, "last_reps": 8}]
        },
    )

    current_exercise_id: _ContextId | None = None
    last_weight: float | None = Field(None, ge=0, le=9999.99)
    last_reps: int | None = Field(None, ge=0, le=999)
    last_weight_unit: WeightUnit | None = None
    last_rpe: float | None = Field(None, ge=1, le=10)
    last_exercise: str | None = _plain(120, 1)
    current_exercise: str | None = _plain(120, 1)
    workout_id: str | None = None
    exercise_id: _ContextId | None = None
    exercise_name: str | None = _plain(120, 1)
    weight: float | None = Field(None, ge=0, le=9999.99)
    weight_unit: WeightUnit | None = None
    reps: int | None = Field(None, ge=0, le=999)
    rpe: float | None = Field(None, ge=1, le=10)


class VoiceParseRequest(BaseModel):
    """VoiceFit's request (`transcript`, `workout_context`, `user_id`); the mobile client's
    `text` and `context` are accepted in their place (a non-null `transcript` wins)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "anyOf": [
                {"required": ["transcript"], "properties": {"transcript": {"type": "string"}}},
                {"required": ["text"], "properties": {"text": {"type": "string"}}},
            ],
            "examples": [
                {
                    "transcript": "same weight for 7",
                    "workout_context": {
                        "current_exercise_id": _BENCH_ID,
                        "last_weight": 225,
                        "last_reps": 8,
                    },
                    "user_id": "user-123",
                },
                {"text": "bench press two twenty five for eight at RPE eight", "context": None},
            ],
        },
    )

    transcript: str | None = _transcript("What the user said.")
    workout_context: WorkoutContext | None = None
    user_id: str | None = None
    text: str | None = _transcript("Mobile form of `transcript`.")
    context: WorkoutContext | None = Field(None, description="Mobile form of `workout_context`.")


class VoiceParseResponse(ParseResult):
    """The parsed set, plus who answered and how long it took."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "exercise_id": _BENCH_ID,
                    "exercise_name": "Barbell Bench Press",
                    "weight": 225,
                    "weight_unit": "lbs",
                    "reps": 8,
                    "rpe": 8,
                    "rir": 2,
                    "confidence": 0.993,
                    "requires_confirmation": False,
                    "model_used": "local",
                    "latency_ms": 0.41,
                }
            ]
        }
    )

    model_used: str = Field(description='"local", or the fallback backend that answered.')
    latency_ms: float = Field(ge=0, description="Time spent parsing, in milliseconds.")


class ErrorDetail(BaseModel):
    message: str
    type: str
    field: str | None = Field(None, description="The request field at fault, if one is.")


class ErrorResponse(BaseModel):
    """Every error answer."""

    error: ErrorDetail


class TextPart(BaseModel):
    """One part of a message's content; only text parts are read."""

    model_config = ConfigDict(extra="allow")

    type: Literal["text"] = "text"
    text: str = ""


_USER_CONTENT = {
    "anyOf": [
        {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS,
         "pattern": TRANSCRIPT_PATTERN},
        {"type": "array", "minItems": 1, "maxItems": 1, "items": {
            "type": "object", "required": ["text"], "properties": {"text": {
                "type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS,
                "pattern": TRANSCRIPT_PATTERN}}}},
        {"type": "null"},
    ]
}  # fmt: skip


class ChatMessage(BaseModel):
    """One turn. A user turn's text is a transcript (the last one is parsed); a system or
    developer turn may end in `\\n\\nContext: {json}`, the previous set."""

    model_config = ConfigDict(
        extra="allow",
        # Every user turn with content is read as a transcript, so it is held to its limits.
        json_schema_extra={
            "if": {"properties": {"role": {"const": "user"}}},
            "then": {"properties": {"content": _USER_CONTENT}},
        },
    )

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None


class JsonSchemaFormat(BaseModel):
    """`response_format.json_schema`: the schema the answer takes the properties of."""

    model_config = ConfigDict(extra="allow")

    name: str | None = None
    schema_: dict[str, Any] | None = Field(None, alias="schema")
    strict: bool | None = None


class ResponseFormat(BaseModel):
    """OpenAI's `response_format`; with `json_schema`, the answer takes the schema's
    properties. The schema may also sit flat in `schema` (llama.cpp's form)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["text", "json_object", "json_schema"]
    # Not nullable: with type json_schema, a null here is an error (absent is fine).
    json_schema: JsonSchemaFormat = Field(
        None,  # type: ignore[assignment]
        description="With type json_schema.",
    )
    schema_: dict[str, Any] | None = Field(None, alias="schema")


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool | None = False


class ChatCompletionRequest(BaseModel):
    """OpenAI's chat-completions request. The last user turn is the transcript; a system turn
    ending in `\\n\\nContext: {json}` gives the previous set. Sampling options are accepted
    and ignored (the parser is deterministic)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": "ft:gpt-4o-mini-2024-07-18:personal:voice-fit-complete-v1:CYENuc9G",
                    "messages": [
                        {
                            "role": "system",
                            "content": "You are a voice command parser for workout logging. "
                            "Parse the voice transcript into structured exercise data."
                            '\n\nContext: {"current_exercise_id": "' + _BENCH_ID + '", '
                            '"last_weight": 225, "last_reps": 8}',
                        },
                        {"role": "user", "content": "same weight for 7"},
                    ],
                    "temperature": 0.1,
                    "max_tokens": 500,
                }
            ]
        },
    )

    model: str = Field("repvoice", min_length=1)
    messages: list[ChatMessage] = Field(
        min_length=1,
        description="At least one user turn with text.",
        json_schema_extra={
            "contains": {
                "type": "object",
                "required": ["role", "content"],
                "properties": {"role": {"const": "user"}, "content": {"not": {"type": "null"}}},
            }
        },
    )
    stream: bool | None = False
    n: int | None = Field(1, ge=1, le=1)
    response_format: ResponseFormat | None = None
    stream_options: StreamOptions | None = None


class ChatCompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(examples=['{"exercise_name": "Barbell Bench Press", "confidence": 0.9}'])
    refusal: None = None


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatCompletionMessage
    logprobs: None = None
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    """OpenAI's chat completion: the assistant content is the compact workout-set JSON."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "repvoice"
    #: The served model's version (its meta's `version`, else its training time).
    version: str | None = None
    #: "sha256:<hex>" of the served model and chat routing: changes whenever the answers may.
    checksum: str | None = None


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


#: Models described only through `openapi_extra`, added to the spec's components.
REQUEST_MODELS: tuple[type[BaseModel], ...] = (VoiceParseRequest, ChatCompletionRequest)


def _example(status: int, message: str, field: str | None = None) -> dict[str, Any]:
    """A documented error answer, as the service writes it (`field` null included, which
    FastAPI would drop: the app puts these in the spec itself, see `ERROR_EXAMPLES`)."""
    return json.loads(error_body(status, message, field))


#: The error answers each operation documents, with an example of each.
ERROR_EXAMPLES: dict[int, dict[str, Any]] = {
    400: _example(400, "request body is not valid JSON (Expecting value at line 1 column 1)"),
    401: _example(401, UNAUTHORIZED),
    413: _example(413, too_large(MAX_BODY_BYTES)),
    415: _example(415, "Content-Type must be application/json, got 'text/plain'"),
    422: _example(422, "transcript: empty text (1 to 500 characters)", "transcript"),
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorResponse,
        "description": "Not JSON, not UTF-8, an empty body, or two Authorization headers",
    },
    401: {"model": ErrorResponse, "description": "Missing or wrong API key (with a key set)"},
    413: {"model": ErrorResponse, "description": "Request body over 64 KB"},
    415: {"model": ErrorResponse, "description": "A Content-Type other than application/json"},
    422: {"model": ErrorResponse, "description": "A field is missing, of the wrong type, or bad"},
}


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` describing a JSON request body of `model`."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }
