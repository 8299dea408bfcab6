"""Together AI conversational fine-tuning: `{"messages": [...], "tools": [...]}` with system,
user, assistant and tool roles, an int 0/1 `weight`, and no other top-level keys.

Function-calling data follows Together's function-calling fine-tuning guide and the current SDK's
`check_file` (together-py `lib/utils/files.py`): a `tools` column, assistant `tool_calls` (each
with a `type`, arguments that parse to an object, and a function declared in `tools`) and `tool`
messages with the results. Text turns still alternate, as the older SDK check demands; only tool
replies may follow each other (one per parallel call).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from repvoice.data.formats._common import (
    content_text,
    drop_top_level,
    expect_keys,
    expect_list,
    expect_object,
    expect_text,
    message_role,
)
from repvoice.data.formats.base import Converted, Format, FormatError, Limits, Loss, Record
from repvoice.data.formats.openai import check_openai, normalise
from repvoice.data.formats.registry import register

ROLES = ("system", "user", "assistant", "tool")
MESSAGE_KEYS = {"role", "content", "weight", "tool_calls", "tool_call_id"}


def _check_calls(record: Record) -> None:
    """Raise for tool calls Together's `check_file` rejects: arguments that are not an object,
    or (when the record declares tools) a function it does not declare."""
    declared = {t["function"]["name"] for t in record.get("tools") or ()}
    for i, msg in enumerate(record["messages"]):
        for j, call in enumerate(msg.get("tool_calls") or ()):
            at = f"messages[{i}].tool_calls[{j}].function"
            if not isinstance(json.loads(call["function"]["arguments"]), dict):
                raise FormatError(f"{at}.arguments", "Together needs arguments that are an object")
            if "tools" in record and call["function"]["name"] not in declared:
                raise FormatError(
                    f"{at}.name", f"calls {call['function']['name']!r}, which tools do not declare"
                )


@register
class TogetherFormat(Format):
    name = "together"
    title = "Together AI conversational JSONL"
    limits = Limits(min_examples=1, max_file_bytes=int(50.1 * 1024**3))
    source = (
        "docs.together.ai/docs/fine-tuning/data-preparation; docs.together.ai/docs/fine-tuning/"
        "function-calling; togethercomputer/together-py src/together/lib/utils/files.py"
    )

    def to_record(self, record: Record) -> Converted:
        losses: list[Loss] = []
        drop_top_level(record, "Together", losses, keep=("tools",))
        messages: list[Record] = []
        sources: list[int] = []  # the source index of each written message
        for i, src in enumerate(record["messages"]):
            at = f"messages[{i}]"
            role = message_role(src, at, "Together", losses)
            if role is None:
                continue
            if "name" in src:
                losses.append(Loss(f"{at}.name", "Together cannot carry message names; dropped"))
            msg: Record = {"role": role}
            text = content_text(src.get("content"), f"{at}.content", "Together", losses)
            if text:
                msg["content"] = text
            elif "tool_calls" not in src:
                continue  # only possible after dropping every non-text part: reported above
            for key in ("weight", "tool_call_id"):
                if key in src:
                    msg[key] = src[key]
            if "tool_calls" in src:
                msg["tool_calls"] = [
                    {"type": "function", **copy.deepcopy(call)} for call in src["tool_calls"]
                ]
            prev = messages[-1] if messages else None
            if (
                prev is not None
                and prev["role"] == role
                and role in ("system", "user", "assistant")
                and "tool_calls" not in prev
                and "tool_calls" not in msg
                and "content" in prev
            ):
                losses.append(
                    Loss(at, f"Together needs alternating turns; merged into the previous {role}")
                )
                prev["content"] = f"{prev['content']}\n\n{msg['content']}"
                if msg.get("weight", prev.get("weight")) != prev.get("weight"):
                    prev["weight"] = max(msg.get("weight", 1), prev.get("weight", 1))
                    losses.append(
                        Loss(f"{at}.weight", f"merged turns keep weight {prev['weight']}")
                    )
                continue
            messages.append(msg)
            sources.append(i)
        out: Record = {"messages": messages}
        if "tools" in record:
            out["tools"] = [{"type": "function", **copy.deepcopy(t)} for t in record["tools"]]
        try:
            back = self._structure(out)
        except FormatError as exc:
            raise FormatError(
                exc.field, f"cannot be written as Together data: {exc.message}"
            ) from None
        _check_calls(back)
        return self.verified(record, out, losses)

    def from_record(self, data: Any) -> Record:
        record = self._structure(data)
        errors = check_openai(record)
        if errors:
            raise errors[0]
        _check_calls(record)
        return normalise(record)

    @staticmethod
    def _structure(data: Any) -> Record:
        """The OpenAI record a Together record holds; raises for what Together rejects."""
        data = expect_object(data, None)
        expect_keys(data, {"messages", "tools"}, None)
        items = expect_list(data.get("messages"), "messages")
        messages: list[Record] = []
        for i, msg in enumerate(items):
            at = f"messages[{i}]"
            msg = expect_object(msg, at)
            expect_keys(msg, MESSAGE_KEYS, at)
            role = msg.get("role")
            if role not in ROLES:
                raise FormatError(f"{at}.role", f"role must be one of {', '.join(ROLES)}")
            prev = items[i - 1].get("role") if i else None
            if role == prev and role != "tool":
                raise FormatError(f"{at}.role", f"two {role} messages in a row")
            if role == "system" and i:
                raise FormatError(f"{at}.role", "a system message must come first")
            if i == (1 if items[0].get("role") == "system" else 0) and role != "user":
                raise FormatError(f"{at}.role", "the conversation must start with a user turn")
            out: Record = {"role": role}
            if "tool_calls" in msg:
                if role != "assistant":
                    raise FormatError(f"{at}.tool_calls", f"a {role} message cannot call tools")
                out["tool_calls"] = msg["tool_calls"]
                if msg.get("content") is not None:
                    out["content"] = msg["content"]
            else:
                out["content"] = expect_text(msg.get("content"), f"{at}.content")
            if "tool_call_id" in msg:
                out["tool_call_id"] = msg["tool_call_id"]
            if "weight" in msg:
                w = msg["weight"]
                if type(w) is not int or w not in (0, 1):
                    raise FormatError(
                        f"{at}.weight", f"weight must be the integer 0 or 1, not {w!r}"
                    )
                out["weight"] = w
            messages.append(out)
        if not any(m["role"] == "assistant" for m in messages):
            raise FormatError("messages", "no assistant message")
        record: Record = {"messages": messages}
        if "tools" in data:
            record["tools"] = expect_list(data["tools"], "tools")
        return record
