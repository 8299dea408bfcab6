"""OpenAI-compatible `/v1/chat/completions` and `/v1/models`.

The official SDK pointed at `base_url=http://HOST:PORT/v1` gets what the fine-tuned model sent:
the compact workout-set JSON as the assistant content. The app's system turn may end in
`\\n\\nContext: {json}` (VOICEFIT.md §1b), read as the previous set.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from repvoice.data.stats import split_context
from repvoice.data.tokens import count_messages, count_text
from repvoice.schema import Context, ParseResult, compact_dict
from repvoice.serve import limits
from repvoice.serve.errors import ApiError
from repvoice.serve.models import (
    ERROR_RESPONSES,
    ChatCompletion,
    ChatCompletionRequest,
    ErrorResponse,
    ModelCard,
    ModelList,
)
from repvoice.serve.models import request_body as body_spec
from repvoice.serve.service import Service

router = APIRouter(prefix="/v1", tags=["openai"])

#: The model id /v1/models lists; any model name is accepted in requests (the app sends its
#: fine-tuned model's id, and only its base URL should change).
MODEL_ID = "repvoice"
_STARTED = int(time.time())
_FORMATS = ("text", "json_object", "json_schema")


@router.get("/models", summary="List models", response_model=ModelList)
async def list_models(request: Request) -> dict[str, Any]:
    """The one model this server answers as (requests may name any model), with the served
    model's `version` and `checksum`, so that clients (and their caches) can tell a restart
    with another model from the same one."""
    return {"object": "list", "data": [_card(MODEL_ID, request.app.state.service)]}


@router.get(
    "/models/{model_id:path}",
    summary="Describe a model",
    response_model=ModelCard,
    # The route reads ids of one line: a line break in the path matches no route.
    responses={404: {"model": ErrorResponse, "description": "An id with a line break in it"}},
)
async def get_model(model_id: str, request: Request) -> dict[str, Any]:
    """Any model id is served by the local parser, so any id is described."""
    return _card(model_id, request.app.state.service)


def _card(model_id: str, service: Service) -> dict[str, Any]:
    version, checksum = _served_identity(service)
    return {
        "id": model_id,
        "object": "model",
        "created": _STARTED,
        "owned_by": "repvoice",
        "version": version,
        "checksum": checksum,
    }


def _served_identity(service: Service) -> tuple[str | None, str]:
    """(the model's version: its meta's `version`, else when it was trained; a sha256 over the
    model and the chat route, since a fallback LLM also shapes the answers)."""
    from repvoice.backends.base import display_uri
    from repvoice.backends.identity import model_fingerprint

    parser = service.router.parser
    route = service.router.routes.get("chat")
    routing = (
        [display_uri(route.primary), display_uri(route.fallback or ""), route.threshold]
        if route is not None
        else []
    )
    blob = json.dumps([model_fingerprint(parser), routing], separators=(",", ":"))
    checksum = f"sha256:{hashlib.sha256(blob.encode()).hexdigest()}"
    version = parser.meta.get("version") or parser.meta.get("created")
    return (str(version) if version is not None else None), checksum


@router.post(
    "/chat/completions",
    summary="Parse the last user turn, as a chat completion",
    response_model=None,
    responses={
        200: {
            "model": ChatCompletion,
            "content": {"text/event-stream": {"description": "With stream: true"}},
        },
        **ERROR_RESPONSES,
    },
    openapi_extra=body_spec(ChatCompletionRequest),
)
async def chat_completions(request: Request) -> Response:
    """A chat completion whose content is the workout-set JSON the fine-tuned model returned.

    `response_format` `json_schema` shapes the object to the schema's properties (required ones
    present, null when unknown); `stream: true` answers with server-sent events.
    """
    service: Service = request.app.state.service
    body = limits.require_object(await limits.read_json(request))
    chat = _read_chat(body)
    routed = await service.router.route(chat.text, chat.context, "chat")
    service.record(routed)
    content = render_content(routed.result, chat.schema)
    usage = _usage(service, chat.messages, content)
    headers = {
        "x-repvoice-model-used": routed.model_used,
        "x-repvoice-requires-confirmation": str(routed.result.requires_confirmation).lower(),
    }
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if chat.stream:
        events = _stream(completion_id, created, chat.model, content, usage if chat.usage else None)
        return StreamingResponse(events, media_type="text/event-stream", headers=headers)
    answer = {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": chat.model,
        "system_fingerprint": None,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": usage,
    }
    return Response(json.dumps(answer), media_type="application/json", headers=headers)


class _Chat:
    """What a chat request asks for."""

    __slots__ = ("context", "messages", "model", "schema", "stream", "text", "usage")

    def __init__(
        self,
        text: str,
        context: Context | None,
        model: str,
        messages: list[dict[str, Any]],
        stream: bool,
        usage: bool,
        schema: dict[str, Any] | None,
    ) -> None:
        self.text = text
        self.context = context
        self.model = model
        self.messages = messages
        self.stream = stream
        self.usage = usage
        self.schema = schema


def _read_chat(body: dict[str, Any]) -> _Chat:
    model = body.get("model", MODEL_ID)
    if not isinstance(model, str) or not model:
        raise ApiError(422, "model must be a non-empty string", "model")
    stream = _optional(body, "stream", bool, False)
    n = _optional(body, "n", int, 1)
    if n != 1:
        raise ApiError(422, f"n must be 1 (one parse per transcript), not {n}", "n")
    options = _optional(body, "stream_options", dict, {})
    include_usage = options.get("include_usage")
    include_usage = False if include_usage is None else include_usage
    if not isinstance(include_usage, bool):
        raise ApiError(422, "stream_options.include_usage must be a boolean", "stream_options")
    schema = _read_response_format(body.get("response_format"))
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(
            422, f"messages must be a non-empty array, got {limits.json_type(messages)}", "messages"
        )
    text: str | None = None
    context: Context | None = None
    context_seen = False
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        message = limits.require_object(message, where)
        role = message.get("role")
        if not isinstance(role, str):
            raise ApiError(422, f"{where}.role must be a string", f"{where}.role")
        content = _content_text(message.get("content"), f"{where}.content")
        if role == "user" and content is not None:
            text = limits.transcript(content, f"{where}.content")  # the last user turn wins
        elif role in ("system", "developer") and content is not None and not context_seen:
            try:
                _, ctx, state = split_context(content)
            except ValueError as exc:  # e.g. an integer over Python's 4,300-digit limit
                raise ApiError(
                    422,
                    f"{where}.content: the Context suffix is not usable JSON "
                    f"({limits.json_value_error(exc)})",
                    f"{where}.content",
                ) from None
            if state == "unparsed":
                raise ApiError(
                    422,
                    f"{where}.content: the Context suffix is not a JSON object",
                    f"{where}.content",
                )
            context = limits.context(ctx, f"{where}.content", suffix=True)
            context_seen = True
    if text is None:
        raise ApiError(422, "messages has no user turn with text", "messages")
    return _Chat(text, context, model, messages, stream, include_usage, schema)


def _optional(body: dict[str, Any], name: str, kind: type, default: Any) -> Any:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ApiError(422, f"{name} must be {kind.__name__}, got {limits.json_type(value)}", name)
    return value


def _content_text(content: Any, where: str) -> str | None:
    """A message's text: a string, or the text parts of a list joined."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if not isinstance(part, dict) or not isinstance(part.get("text", ""), str):
                raise ApiError(422, f"{where}: content parts must be text objects", where)
            parts.append(part.get("text", ""))
        return "".join(parts)
    raise ApiError(
        422,
        f"{where} must be a string or an array of parts, got {limits.json_type(content)}",
        where,
    )


def _read_response_format(value: Any) -> dict[str, Any] | None:
    """The JSON Schema asked for (None for text / json_object / absent). The parts are checked
    as the spec describes them whatever the type, though only json_schema reads them."""
    if value is None:
        return None
    fmt = limits.require_object(value, "response_format")
    kind = fmt.get("type")
    if kind not in _FORMATS:
        raise ApiError(
            422, f"response_format.type must be one of {', '.join(_FORMATS)}", "response_format"
        )
    # OpenAI nests the schema in "json_schema"; llama.cpp also takes it flat.
    nested = "json_schema" in fmt
    spec = fmt
    if nested:
        spec = limits.require_object(fmt["json_schema"], "response_format.json_schema")
        for name, kind_of, called in (("name", str, "a string"), ("strict", bool, "a boolean")):
            item = spec.get(name)
            if item is not None and not isinstance(item, kind_of):
                where = f"response_format.json_schema.{name}"
                raise ApiError(
                    422, f"{where} must be {called}, got {limits.json_type(item)}", where
                )
    schemas = [(spec, "response_format.json_schema.schema" if nested else "response_format.schema")]
    if nested:
        schemas.append((fmt, "response_format.schema"))
    for holder, where in schemas:
        if holder.get("schema") is not None:
            limits.require_object(holder["schema"], where)
    if kind != "json_schema":
        return None
    return spec.get("schema")


def render_content(result: ParseResult, schema: dict[str, Any] | None) -> str:
    """The assistant content: the compact JSON the fine-tuned model wrote, or, for a JSON
    Schema, an object with the schema's properties (required ones null when unknown)."""
    fields = result.workout_set().model_dump()
    props = schema.get("properties") if schema else None
    if not isinstance(props, dict) or not props:
        return json.dumps({k: _whole(v) for k, v in compact_dict(fields).items()})
    listed = schema.get("required") if schema else None
    # A JSON Schema's `required` is a list of names; anything else in it names nothing.
    required = {k for k in listed if isinstance(k, str)} if isinstance(listed, list) else set()
    out = {k: _whole(fields.get(k)) for k in props if fields.get(k) is not None or k in required}
    return json.dumps(out)


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _usage(service: Service, messages: list[dict[str, Any]], content: str) -> dict[str, int]:
    prompt = count_messages(messages, service.encoding)
    completion = count_text(content, service.encoding)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _stream(
    completion_id: str, created: int, model: str, content: str, usage: dict[str, int] | None
) -> Iterator[str]:
    """Server-sent events as OpenAI streams them: the role, the content, the stop, [DONE]."""

    def chunk(delta: dict[str, Any], finish: str | None) -> str:
        event: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        if usage is not None:
            event["usage"] = None
        return f"data: {json.dumps(event)}\n\n"

    yield chunk({"role": "assistant", "content": "", "refusal": None}, None)
    yield chunk({"content": content}, None)
    yield chunk({}, "stop")
    if usage is not None:
        final = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": None,
            "choices": [],
            "usage": usage,
        }
        yield f"data: {json.dumps(final)}\n\n"
    yield "data: [DONE]\n\n"
