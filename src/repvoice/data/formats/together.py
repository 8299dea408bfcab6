"""Together AI conversational fine-tuning: `{"messages": [...]}` with system, user and assistant
roles only, strictly alternating, an int 0/1 `weight`, and no other keys.

Together documents function-calling data, but its SDK's `check_file` rejects a `tools` column
and the `tool` role, so tool calls are reported as lost rather than written.
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

ROLES = ("system", "user", "assistant")


@register
class TogetherFormat(Format):
    name = "together"
    title = "Together AI conversational JSONL"
    limits = Limits(min_examples=1, max_file_bytes=int(50.1 * 1024**3))
    source = (
        "docs.together.ai/docs/fine-tuning/data-preparation; togethercomputer/together-python "
        "src/together/utils/files.py"
    )

    def to_record(self, record: Record) -> Converted:
        turns, losses = plain_turns(record, "Together", keep_weight=True)
        system, turns = split_system(turns, "Together", losses)
        turns = merge_consecutive(turns, "Together", losses)
        require_chat(turns, "Together")
        messages: list[Record] = [{"role": "system", "content": system}] if system else []
        for t in turns:
            msg: Record = {"role": t.role, "content": t.content}
            if t.weight is not None:
                msg["weight"] = t.weight
            messages.append(msg)
        return self.verified(record, {"messages": messages}, losses)

    def from_record(self, data: Any) -> Record:
        data = expect_object(data, None)
        expect_keys(data, {"messages"}, None)
        items = expect_list(data.get("messages"), "messages")
        messages: list[Record] = []
        prev: str | None = None
        for i, msg in enumerate(items):
            at = f"messages[{i}]"
            msg = expect_object(msg, at)
            expect_keys(msg, {"role", "content", "weight"}, at)
            role = msg.get("role")
            if role not in ROLES:
                raise FormatError(f"{at}.role", f"role must be one of {', '.join(ROLES)}")
            if role == prev:
                raise FormatError(f"{at}.role", f"two {role} messages in a row")
            if role == "system" and i:
                raise FormatError(f"{at}.role", "a system message must come first")
            if i == (1 if items[0].get("role") == "system" else 0) and role != "user":
                raise FormatError(f"{at}.role", "the conversation must start with a user turn")
            out: Record = {
                "role": role,
                "content": expect_text(msg.get("content"), f"{at}.content"),
            }
            if "weight" in msg:
                w = msg["weight"]
                if type(w) is not int or w not in (0, 1):
                    raise FormatError(
                        f"{at}.weight", f"weight must be the integer 0 or 1, not {w!r}"
                    )
                out["weight"] = w
            messages.append(out)
            prev = role
        if not any(m["role"] == "assistant" for m in messages):
            raise FormatError("messages", "no assistant message")
        return {"messages": messages}
