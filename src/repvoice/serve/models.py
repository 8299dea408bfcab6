"""Request and response models of the HTTP API, for the OpenAPI docs (with examples).

Requests are read by hand (see `limits`), so that every kind of bad input gets a precise 4xx;
these models describe them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from repvoice.parser.batch import MAX_TEXT_CHARS
from repvoice.schema import ExerciseId, ParseResult, WeightUnit

_BENCH_ID = "0379744e-d66b-5830-a327-8f0777c83c1e"


class WorkoutContext(BaseModel):
    """The previous logged set. VoiceFit's names (`current_exercise_id`, `last_weight`,
    `last_reps`, ...) and repvoice's (`exercise_id`, `weight`, `reps`, ...) are both read."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [{"current_exercise_id": _BENCH_ID, "last_weight": 225, "last_reps": 8}]
        },
    )

    current_exercise_id: ExerciseId | None = None
    last_weight: float | None = Field(None, ge=0, le=9999.99)
    last_reps: int | None = Field(None, ge=0, le=999)
    last_weight_unit: WeightUnit | None = None
    workout_id: str | None = None


class VoiceParseRequest(BaseModel):
    """VoiceFit's request (`transcript`, `workout_context`, `user_id`); the mobile client's
    `text` and `context` are accepted in their place."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "anyOf": [{"required": ["transcript"]}, {"required": ["text"]}],
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

    transcript: str | None = Field(
        None, min_length=1, max_length=MAX_TEXT_CHARS, description="What the user said."
    )
    workout_context: WorkoutContext | None = None
    user_id: str | None = None
    text: str | None = Field(
        None, min_length=1, max_length=MAX_TEXT_CHARS, description="Mobile form of `transcript`."
    )
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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "message": "transcript: empty text (1 to 500 characters)",
                        "type": "invalid_request_error",
                        "field": "transcript",
                    }
                }
            ]
        }
    )

    error: ErrorDetail


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionRequest(BaseModel):
    """OpenAI's chat-completions request. The last user turn is the transcript; a system turn
    ending in `\\n\\nContext: {json}` gives the previous set. Sampling options are accepted and
    ignored (the parser is deterministic)."""

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

    model: str = "repvoice"
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool | None = False
    n: int | None = Field(1, ge=1, le=1)
    response_format: dict[str, Any] | None = Field(
        None, description='{"type": "text" | "json_object" | "json_schema", ...}'
    )
    stream_options: dict[str, Any] | None = None


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


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


#: Models described only through `openapi_extra`, added to the spec's components.
REQUEST_MODELS: tuple[type[BaseModel], ...] = (VoiceParseRequest, ChatCompletionRequest)

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Not JSON, not UTF-8, or an empty body"},
    401: {"model": ErrorResponse, "description": "Missing or wrong API key"},
    413: {"model": ErrorResponse, "description": "Request body over 64 KB"},
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
