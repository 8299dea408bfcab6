"""Cohere chat fine-tuning (deprecated 2025-09-15): roles `System`, `User`, `Chatbot`.

Only the first message may be a `System` preamble (later ones are speakers). Still converts, for
old pipelines and archives; `available` is False.
"""

from __future__ import annotations

from typing import Any

from repvoice.data.formats._common import (
    expect_keys,
    expect_list,
    expect_object,
    expect_text,
    plain_turns,
    require_chat,
    split_system,
)
from repvoice.data.formats.base import Converted, Format, FormatError, Limits, Record
from repvoice.data.formats.registry import register

TO_COHERE = {"system": "System", "user": "User", "assistant": "Chatbot"}
FROM_COHERE = {v: k for k, v in TO_COHERE.items()}


@register
class CohereFormat(Format):
    name = "cohere"
    title = "Cohere chat fine-tuning (deprecated)"
    available = False
    limits = Limits(min_examples=2)
    source = (
        "docs.cohere.com/docs/chat-fine-tuning; cohere-ai/cohere-developer-experience "
        "fern/pages/fine-tuning/chat-fine-tuning/chat-preparing-the-data.mdx"
    )

    def to_record(self, record: Record) -> Converted:
        turns, losses = plain_turns(record, "Cohere")
        system, turns = split_system(turns, "Cohere", losses)
        require_chat(turns, "Cohere")
        messages = [{"role": "System", "content": system}] if system else []
        messages += [{"role": TO_COHERE[t.role], "content": t.content} for t in turns]
        return self.verified(record, {"messages": messages}, losses)

    def from_record(self, data: Any) -> Record:
        data = expect_object(data, None)
        expect_keys(data, {"messages"}, None)
        messages: list[Record] = []
        for i, msg in enumerate(expect_list(data.get("messages"), "messages")):
            at = f"messages[{i}]"
            msg = expect_object(msg, at)
            expect_keys(msg, {"role", "content"}, at)
            role = FROM_COHERE.get(msg.get("role"))
            if role is None:
                raise FormatError(f"{at}.role", "role must be System, User or Chatbot")
            if role == "system" and i:
                raise FormatError(
                    f"{at}.role",
                    "a System message after the first is a speaker in Cohere; "
                    "OpenAI records cannot hold it",
                )
            messages.append(
                {"role": role, "content": expect_text(msg.get("content"), f"{at}.content")}
            )
        roles = {m["role"] for m in messages}
        if not {"user", "assistant"} <= roles:
            raise FormatError("messages", "needs at least one User and one Chatbot message")
        return {"messages": messages}
