"""The system prompts of the training data, and how a follow-up's context is appended."""

from __future__ import annotations

import json
from typing import Any

#: The training-data system prompt of the fine-tuned model (VoiceFit, quoted verbatim).
TRAINING_PROMPT = """You are a voice command parser for workout logging.
Parse the user's voice transcript into structured exercise data.

Output format (JSON):
{
    "exercise_id": <int>,
    "exercise_name": <string>,
    "weight": <float or null>,
    "weight_unit": "lbs" or "kg",
    "reps": <int or null>,
    "duration_seconds": <int or null>,
    "rpe": <int 1-10 or null>,
    "rir": <int or null>,
    "tempo": <string or null>,
    "rest_seconds": <int or null>,
    "notes": <string or null>,
    "confidence": <float 0.0-1.0>
}"""

#: The shorter variant: the app's inference prompt for the fine-tuned model.
SHORT_PROMPT = (
    "You are a voice command parser for workout logging. "
    "Parse the voice transcript into structured exercise data."
)

PROMPTS: dict[str, str] = {"training": TRAINING_PROMPT, "short": SHORT_PROMPT}

#: Separator between the prompt and the JSON context, exactly as the app appended it.
CONTEXT_SEPARATOR = "\n\nContext: "


def system_message(prompt: str, context: dict[str, Any] | None = None) -> str:
    """The system turn: the prompt, plus `"\\n\\nContext: " + json.dumps(context)` if given."""
    if context is None:
        return prompt
    return prompt + CONTEXT_SEPARATOR + json.dumps(context)
