"""The app's voice-parse call as it was made to the fine-tuned gpt-4o-mini, with no change.

The OpenAI SDK reads OPENAI_BASE_URL and OPENAI_API_KEY from the environment, so pointing the
unchanged call at repvoice is a matter of setting them (needs the `openai` package, which
`repvoice[providers]` installs):

    OPENAI_BASE_URL=http://127.0.0.1:8765/v1 OPENAI_API_KEY=unused python examples/app_swap.py

In code, the same is `OpenAI(base_url="http://127.0.0.1:8765/v1", api_key="unused")`.
"""

from __future__ import annotations

import json

from openai import OpenAI

#: The app's inference prompt (VoiceFit voice_parser.py) and call settings.
SYSTEM = (
    "You are a voice command parser for workout logging. "
    "Parse the voice transcript into structured exercise data."
)
MODEL = "ft:gpt-4o-mini-2024-07-18:personal:voice-fit-complete-v1:CYENuc9G"


def parse(transcript: str, context: dict[str, object] | None = None) -> dict[str, object]:
    """The workout set for `transcript`, the previous set (if any) sent as a `Context:` suffix."""
    system = SYSTEM if context is None else f"{SYSTEM}\n\nContext: {json.dumps(context)}"
    client = OpenAI()
    reply = client.chat.completions.create(
        model=MODEL,
        temperature=0.1,
        max_tokens=500,
        messages=[{"role": "system", "content": system}, {"role": "user", "content": transcript}],
    )
    return json.loads(reply.choices[0].message.content or "{}")


if __name__ == "__main__":
    # Exercise 12 is Barbell Back Squat in the owner-style file's integer ids.
    previous = {"current_exercise_id": 12, "last_weight": 315, "last_reps": 5}
    print(json.dumps(parse("same weight for 6", previous)))
