"""Claude 3 Haiku fine-tuning on Amazon Bedrock: `{"system": str, "messages": [...]}`.

Plain text only: no tool calls, tool messages, names, weights or content parts; user and
assistant turns strictly alternate, from user to assistant, and no other keys are allowed. Text
may not hold `\\nHuman:` or `\\nAssistant:`, the turn markers of Claude's prompt format, and a
training file needs at least 32 records.
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

#: Claude's prompt-format turn markers, which Bedrock refuses inside training text.
RESERVED = ("\nHuman:", "\nAssistant:")


def _check_reserved(text: str, at: str) -> None:
    for marker in RESERVED:
        if marker in text:
            raise FormatError(
                at, f"contains {marker!r}, a turn marker Bedrock reserves for Claude's prompts"
            )


@register
class BedrockFormat(Format):
    name = "bedrock"
    title = "Claude 3 Haiku on Amazon Bedrock (legacy; EOL 2026-09-10)"
    # Bedrock lists Claude 3 Haiku as Legacy with end of life 2026-09-10 (FORMATS.md §0).
    available = False
    # At least 32 records: Bedrock's minimum for a fine-tuning file, documented for its Cohere
    # format (FORMATS.md §6); §3 found no separate figure for Claude 3 Haiku. The rest is §3.
    limits = Limits(
        tokens_per_example=32_000,
        min_examples=32,
        max_examples=10_000,
        max_validation_examples=1_000,
    )
    source = (
        "platform.claude.com/cookbook/finetuning-finetuning-on-bedrock; aws-samples/"
        "amazon-bedrock-samples/custom-models/bedrock-fine-tuning/claude-haiku/"
        "00_Setup_and_DataPrep_Haiku.ipynb"
    )

    def to_record(self, record: Record) -> Converted:
        turns, losses = plain_turns(record, "Bedrock")
        system_at = turns[0].index if turns and turns[0].role == "system" else 0
        system, turns = split_system(turns, "Bedrock", losses)
        turns = merge_consecutive(turns, "Bedrock", losses)
        require_chat(turns, "Bedrock")
        if system is not None:
            _check_reserved(system, f"messages[{system_at}].content")
        for t in turns:
            _check_reserved(t.content, f"messages[{t.index}].content")
        out: Record = {"system": system} if system is not None else {}
        out["messages"] = [{"role": t.role, "content": t.content} for t in turns]
        return self.verified(record, out, losses)

    def from_record(self, data: Any) -> Record:
        data = expect_object(data, None)
        expect_keys(data, {"system", "messages"}, None)
        messages: list[Record] = []
        if "system" in data:
            system = expect_text(data["system"], "system")
            _check_reserved(system, "system")
            messages.append({"role": "system", "content": system})
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
            text = expect_text(msg.get("content"), f"{at}.content")
            _check_reserved(text, f"{at}.content")
            messages.append({"role": want, "content": text})
        if len(items) % 2:
            raise FormatError(
                f"messages[{len(items) - 1}].role", "the last message must be assistant"
            )
        return {"messages": messages}
