"""The chat messages an LLM backend sends, in the form the original app sent them.

System turn: the prompt, then "\\n\\nContext: " + the previous set as VoiceFit's
`workout_context` JSON when there is one (VOICEFIT.md §1b); user turn: the raw transcript.
"""

from __future__ import annotations

import json
from typing import Any

from repvoice.schema import Context

#: VoiceFit's inference prompt for its fine-tuned model (VOICEFIT.md §1b), the default.
INFERENCE_PROMPT = (
    "You are a voice command parser for workout logging. "
    "Parse the voice transcript into structured exercise data."
)

#: VoiceFit's base-model fallback prompt (VOICEFIT.md §1c): names the fields, for base models.
FALLBACK_PROMPT = """You are a voice command parser for workout logging.
Parse the voice transcript into structured JSON with these fields:
- exercise_id: UUID of the exercise (required)
- exercise_name: Name of the exercise (required)
- weight: Weight in pounds or kilograms (optional)
- weight_unit: "lbs" or "kg" (optional)
- reps: Number of repetitions (optional)
- sets: Number of sets (optional)
- rpe: Rate of Perceived Exertion 1-10 (optional)
- rir: Reps in Reserve (optional)
- confidence: Your confidence score 0.0-1.0 (required)

Return ONLY valid JSON, no other text."""

PROMPTS: dict[str, str] = {"inference": INFERENCE_PROMPT, "fallback": FALLBACK_PROMPT}

CONTEXT_MARKER = "\n\nContext: "

# (our field, VoiceFit's workout_context key), in the order the training data writes them.
_CONTEXT_KEYS = (
    ("exercise_id", "current_exercise_id"),
    ("weight", "last_weight"),
    ("reps", "last_reps"),
    ("weight_unit", "last_weight_unit"),
    ("rpe", "last_rpe"),
    ("exercise_name", "current_exercise"),
)
# The app always sent these three, null or not.
_ALWAYS = frozenset({"current_exercise_id", "last_weight", "last_reps"})


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def workout_context(context: Context) -> dict[str, Any]:
    """`context` in VoiceFit's `workout_context` form: the app's three keys always, the others
    only when set."""
    fields = context.model_dump()
    return {
        theirs: _whole(fields[ours])
        for ours, theirs in _CONTEXT_KEYS
        if theirs in _ALWAYS or fields[ours] is not None
    }


def system_message(prompt: str, context: Context | None) -> str:
    """The system turn: `prompt`, plus the Context suffix when there is a non-empty context."""
    if context is None or context.is_empty():
        return prompt
    return prompt + CONTEXT_MARKER + json.dumps(workout_context(context))


def build_messages(text: str, context: Context | None, prompt: str) -> list[dict[str, str]]:
    """System and user turns for one transcript."""
    return [
        {"role": "system", "content": system_message(prompt, context)},
        {"role": "user", "content": text},
    ]
