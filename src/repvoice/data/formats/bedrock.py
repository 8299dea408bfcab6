"""Claude 3 Haiku fine-tuning on Amazon Bedrock: `{"system": str, "messages": [...]}`.

Plain text only: no tool calls, tool messages, names, weights or content parts; user and
assistant turns strictly alternate, from user to assistant, and no other keys are allowed.
"""

from __future__ import annotations

from typing import Any

from repvoice.data.formats._common import (
    expect_keys,
    expect_list,
    expect_object,
    expect_text,
    merge_consecutive,
    plain_turns,
    require_chat,
    split_system,
)
from repvoice.data.formats.base import Converted, Format, FormatError, Limits, Record
from repvoice.data.formats.registry import register


@register
class BedrockFormat(Format):
    name = "bedrock"
    title = "Claude 3 Haiku on Amazon Bedrock (legacy; EOL 2026-09-10)"
    # Bedrock lists Claude 3 Haiku as Legacy with end of life 2026-09-10 (FORMATS.md §0).
    available = False
    limits = Limits(tokens_per_example=32_000, max_examples=10_000, max_validation_examples=1_000)
    source = (
        "platform.claude.com/cookbook/finetuning-finetuning-on-bedrock; aws-samples/"
        "amazon-bedrock-samples/custom-models/bedrock-fine-tuning/claude-haiku/"
        "00_Setup_and_DataPrep_Haiku.ipynb"
    )

    def to_record(self, record: Record) -> Converted:
        turns, losses = plain_turns(record, "Bedrock")
        system, turns = split_system(turns, "Bedrock", losses)
        turns = merge_consecutive(turns, "Bedrock", losses)
        require_chat(turns, "Bedrock")
        out: Record = {"system": system} if system is not None else {}
        out["messages"] = [{"role": t.role, "content": t.content} for t in turns]
        return self.verified(record, out, losses)

    def from_record(self, data: Any) -> Record:
        data = expect_object(data, None)
        expect_keys(data, {"system", "messages"}, None)
        messages: list[Record] = []
        if "system" in data:
            messages.append({"role": "system", "content": expect_text(data["system"], "system")})
        items = expect_list(data.get("messages"), "messages")
        if len(items) < 2:
            raise FormatError("messages", "needs at least 2 messages (user, assistant)")
        for i, msg in enumerate(items):
            at = f"messages[{i}]"
            msg = expect_object(msg, at)
            expect_keys(msg, {"role", "content"}, at)
            want = "user" if i % 2 == 0 else "assistant"
            if msg.get("role") != want:
                raise FormatError(
                    f"{at}.role",
                    f"must be {want!r}: turns alternate user/assistant, starting with user",
                )
            messages.append(
                {"role": want, "content": expect_text(msg.get("content"), f"{at}.content")}
            )
        if len(items) % 2:
            raise FormatError(
                f"messages[{len(items) - 1}].role", "the last message must be assistant"
            )
        return {"messages": messages}
