"""`POST /api/voice/parse`: VoiceFit's voice endpoint (VOICEFIT.md §2a), mobile form included."""

from __future__ import annotations

import json
import time

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from repvoice.parser.batch import result_dict
from repvoice.serve import limits
from repvoice.serve.errors import ApiError
from repvoice.serve.models import ERROR_RESPONSES, VoiceParseRequest, VoiceParseResponse
from repvoice.serve.models import request_body as body_spec
from repvoice.serve.service import Service

router = APIRouter(tags=["voice"])

PATH = "/api/voice/parse"


@router.post(
    PATH,
    summary="Parse one transcript into a workout set",
    response_model=None,
    responses={200: {"model": VoiceParseResponse}, **ERROR_RESPONSES},
    openapi_extra=body_spec(VoiceParseRequest),
)
async def voice_parse(request: Request) -> Response:
    """Parse `transcript` (or `text`) with the previous set in `workout_context` (or `context`).

    The answer has the schema fields that were found, `confidence`, `requires_confirmation`
    (confidence below 0.85, or a fallback that could not be used), `model_used` and
    `latency_ms`.
    """
    service: Service = request.app.state.service
    data = limits.require_object(await limits.read_json(request))
    if data.get("transcript") is not None:
        text = limits.transcript(data["transcript"], "transcript")
    elif data.get("text") is not None:
        text = limits.transcript(data["text"], "text")
    else:
        raise ApiError(422, 'give the transcript as "transcript" (or "text")', "transcript")
    ctx_field = "workout_context" if data.get("workout_context") is not None else "context"
    context = limits.context(data.get(ctx_field), ctx_field)
    user_id = data.get("user_id")
    if user_id is not None and not isinstance(user_id, str):
        raise ApiError(422, f"user_id must be a string, got {limits.json_type(user_id)}", "user_id")
    start = time.perf_counter()
    routed = await service.router.route(text, context, "voice")
    latency_ms = round((time.perf_counter() - start) * 1000, 3)
    service.record(routed)
    answer = result_dict(routed.result)
    answer["model_used"] = routed.model_used
    answer["latency_ms"] = latency_ms
    return Response(json.dumps(answer), media_type="application/json")
