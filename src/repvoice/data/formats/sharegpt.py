"""ShareGPT as LLaMA-Factory reads it: `{"conversations": [{"from", "value"}], "system", "tools"}`.

Tags are `human`, `gpt`, `function_call` (a JSON `{"name", "arguments"}`, or a list of them for
parallel calls), `observation` (a tool reply; the replies to parallel calls as a JSON list of
strings) and `system`. Positions are strict: human/observation at even positions,
gpt/function_call at odd ones, an even count. `tools` is a JSON string of function declarations.
"""

from __future__ import annotations

import json
from typing import Any

from repvoice.data.formats._common import (
    arguments_of,
    call_id,
    compact,
    content_text,
    expect_keys,
    expect_list,
    expect_object,
    expect_text,
    message_losses,
    tool_call_losses,
)
from repvoice.data.formats.base import Converted, Format, FormatError, Loss, Record
from repvoice.data.formats.registry import register

ASKS = ("human", "observation")
ANSWERS = ("gpt", "function_call")


@register
class ShareGPTFormat(Format):
    name = "sharegpt"
    title = "ShareGPT (LLaMA-Factory)"
    source = "hiyouga/LLaMA-Factory data/README.md (sharegpt format)"

    def to_record(self, record: Record) -> Converted:
        losses: list[Loss] = []
        for key in ("functions", "parallel_tool_calls"):
            if key in record:
                losses.append(Loss(key, f"ShareGPT cannot carry {key}; dropped"))
        losses += tool_call_losses(record, "ShareGPT")
        systems: list[str] = []
        turns: list[list[Any]] = []  # [tag, value, message index, tool replies]
        for i, msg in enumerate(record["messages"]):
            at = f"messages[{i}]"
            role = msg["role"]
            if message_losses(msg, at, "ShareGPT", losses):
                continue
            text = content_text(msg.get("content"), f"{at}.content", "ShareGPT", losses)
            if role in ("system", "developer"):
                if role == "developer":
                    losses.append(
                        Loss(f"{at}.role", "ShareGPT has no developer role; written as system")
                    )
                systems.append(text or "")
            elif role == "tool":
                if turns and turns[-1][0] == "observation":
                    turns[-1][3].append(text)
                else:
                    turns.append(["observation", None, i, [text]])
            elif role == "user":
                turns.append(["human", text, i, None])
            elif "tool_calls" in msg:
                if text:
                    losses.append(
                        Loss(f"{at}.content", "ShareGPT function_call turns hold no text; dropped")
                    )
                calls = [
                    {
                        "name": c["function"]["name"],
                        "arguments": arguments_of(c, f"{at}.tool_calls[{j}]", "ShareGPT", losses),
                    }
                    for j, c in enumerate(msg["tool_calls"])
                ]
                turns.append(
                    ["function_call", compact(calls[0] if len(calls) == 1 else calls), i, None]
                )
            else:
                turns.append(["gpt", text, i, None])
        merged: list[list[Any]] = []
        for turn in turns:
            if merged and turn[0] == merged[-1][0] and turn[0] in ("human", "gpt"):
                losses.append(
                    Loss(f"messages[{turn[2]}]", "ShareGPT needs alternating turns; merged")
                )
                merged[-1][1] = f"{merged[-1][1]}\n\n{turn[1]}"
            else:
                merged.append(turn)
        conversations = []
        for n, (tag, value, index, replies) in enumerate(merged):
            if tag not in (ASKS if n % 2 == 0 else ANSWERS):
                raise FormatError(
                    f"messages[{index}]",
                    f"ShareGPT positions are strict; a {tag} turn cannot come at position {n}",
                )
            if tag == "observation":
                value = replies[0] if len(replies) == 1 else compact(replies)
            conversations.append({"from": tag, "value": value})
        if len(conversations) % 2:
            raise FormatError("messages", "ShareGPT needs an even number of turns")
        out: Record = {"conversations": conversations}
        if systems:
            if len(systems) > 1:
                losses.append(Loss("messages", "ShareGPT holds one system prompt; joined"))
            out["system"] = "\n\n".join(systems)
        if "tools" in record:
            out["tools"] = compact([t["function"] for t in record["tools"]])
            for j, tool in enumerate(record["tools"]):
                if "type" not in tool:
                    losses.append(Loss(f"tools[{j}]", 'read back with "type": "function"'))
        return self.verified(record, out, losses)

    def from_record(self, data: Any) -> Record:
        data = expect_object(data, None)
        expect_keys(data, {"conversations", "system", "tools"}, None)
        messages: list[Record] = []
        if "system" in data:
            messages.append({"role": "system", "content": expect_text(data["system"], "system")})
        items = expect_list(data.get("conversations"), "conversations")
        pending: list[str] = []
        k = 0
        n = 0
        for i, item in enumerate(items):
            at = f"conversations[{i}]"
            item = expect_object(item, at)
            expect_keys(item, {"from", "value"}, at)
            tag = item.get("from")
            value = expect_text(item.get("value"), f"{at}.value")
            if tag == "system":
                if n:
                    raise FormatError(f"{at}.from", "a system turn must come first")
                messages.append({"role": "system", "content": value})
                continue
            if tag not in (ASKS if n % 2 == 0 else ANSWERS):
                want = " or ".join(ASKS if n % 2 == 0 else ANSWERS)
                raise FormatError(f"{at}.from", f"expected {want} at this position, not {tag!r}")
            n += 1
            if tag == "human":
                messages.append({"role": "user", "content": value})
            elif tag == "gpt":
                messages.append({"role": "assistant", "content": value})
            elif tag == "function_call":
                calls, k = _calls(value, at, k)
                pending = [c["id"] for c in calls]
                messages.append({"role": "assistant", "tool_calls": calls})
            else:
                if not pending:
                    raise FormatError(f"{at}.from", "an observation must follow a function_call")
                replies = _replies(value, len(pending))
                for cid, reply in zip(pending, replies, strict=False):
                    messages.append({"role": "tool", "tool_call_id": cid, "content": reply})
                pending = []
        if n == 0 or n % 2:
            raise FormatError("conversations", "needs an even number of turns, ending with gpt")
        out: Record = {"messages": messages}
        if "tools" in data:
            out["tools"] = _tools(data["tools"])
        return out


def _calls(value: str, at: str, k: int) -> tuple[list[Record], int]:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{at}.value", f"a function_call value must be JSON ({exc.msg})"
        ) from None
    calls = []
    for call in parsed if isinstance(parsed, list) else [parsed]:
        if not isinstance(call, dict) or not isinstance(call.get("name"), str):
            raise FormatError(f"{at}.value", 'a function call is {"name": ..., "arguments": ...}')
        args = call.get("arguments", {})
        calls.append(
            {
                "id": call_id(k),
                "type": "function",
                "function": {
                    "name": call["name"],
                    "arguments": args if isinstance(args, str) else compact(args),
                },
            }
        )
        k += 1
    return calls, k


def _replies(value: str, n: int) -> list[str]:
    if n > 1:
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return [value]
        if (
            isinstance(parsed, list)
            and len(parsed) == n
            and all(isinstance(p, str) for p in parsed)
        ):
            return parsed
    return [value]


def _tools(value: Any) -> list[Record]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise FormatError("tools", f"tools must be JSON ({exc.msg})") from None
    out = []
    for j, fn in enumerate(expect_list(value, "tools", non_empty=False)):
        fn = expect_object(fn, f"tools[{j}]")
        out.append(
            fn
            if fn.get("type") == "function" and "function" in fn
            else {"type": "function", "function": fn}
        )
    return out
