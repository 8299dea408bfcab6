"""OpenAI chat fine-tuning records: the hub format every other format converts through.

Rules follow OpenAI's supervised fine-tuning format, including what the cookbook's checker gets
wrong: `tool_calls`, `tool_call_id`, the `tool` role and top-level `tools` are valid, and
`content: null` is valid beside `tool_calls`/`function_call`.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from repvoice.data.formats.base import Converted, Format, FormatError, Limits, Record
from repvoice.data.formats.registry import register

TOP_LEVEL_KEYS = frozenset({"messages", "tools", "parallel_tool_calls", "functions"})
MESSAGE_KEYS = frozenset(
    {"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call"}
)
ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
CONTENT_PART_TYPES = frozenset({"text", "image_url"})


def _is_int01(value: Any) -> bool:
    return type(value) is int and value in (0, 1)


def check_tool_calls(calls: Any, where: str) -> list[FormatError]:
    """Problems with an assistant message's `tool_calls` list."""
    if not isinstance(calls, list) or not calls:
        return [FormatError(where, "tool_calls must be a non-empty list")]
    errors: list[FormatError] = []
    for j, call in enumerate(calls):
        at = f"{where}[{j}]"
        if not isinstance(call, dict):
            errors.append(FormatError(at, "a tool call must be an object"))
            continue
        if not isinstance(call.get("id"), str) or not call["id"]:
            errors.append(FormatError(f"{at}.id", "a tool call needs a non-empty string id"))
        if call.get("type", "function") != "function":
            errors.append(FormatError(f"{at}.type", 'tool call type must be "function"'))
        fn = call.get("function")
        if not isinstance(fn, dict):
            errors.append(FormatError(f"{at}.function", "a tool call needs a function object"))
            continue
        if not isinstance(fn.get("name"), str) or not fn["name"]:
            errors.append(FormatError(f"{at}.function.name", "function name must be a string"))
        args = fn.get("arguments")
        if not isinstance(args, str):
            errors.append(
                FormatError(f"{at}.function.arguments", "arguments must be a JSON string")
            )
        else:
            try:
                json.loads(args)
            except json.JSONDecodeError as exc:
                errors.append(
                    FormatError(f"{at}.function.arguments", f"arguments are not JSON ({exc.msg})")
                )
    return errors


def _check_content(msg: dict[str, Any], at: str) -> list[FormatError]:
    role = msg.get("role")
    content = msg.get("content")
    has_call = "tool_calls" in msg or "function_call" in msg
    if "content" not in msg and not has_call:
        return [FormatError(f"{at}.content", "message has no content")]
    if content is None:
        if has_call and role == "assistant":
            return []
        return [FormatError(f"{at}.content", "content is null (only allowed beside tool_calls)")]
    if isinstance(content, str):
        if not content.strip() and not has_call:
            return [FormatError(f"{at}.content", "content is empty")]
        return []
    if isinstance(content, list):
        errors = []
        if not content:
            errors.append(FormatError(f"{at}.content", "content is an empty list"))
        for j, part in enumerate(content):
            p = f"{at}.content[{j}]"
            if not isinstance(part, dict) or part.get("type") not in CONTENT_PART_TYPES:
                errors.append(FormatError(p, 'a content part must be {"type": "text"|"image_url"}'))
            elif part["type"] == "text" and not (
                isinstance(part.get("text"), str) and part["text"]
            ):
                errors.append(FormatError(f"{p}.text", "text part has no text"))
        return errors
    return [FormatError(f"{at}.content", f"content must be a string, not {type(content).__name__}")]


def check_openai(data: Any) -> list[FormatError]:
    """Every structural problem of one OpenAI chat fine-tuning record."""
    if not isinstance(data, dict):
        return [FormatError(None, f"a record must be a JSON object, not {_json_type(data)}")]
    errors: list[FormatError] = [
        FormatError(
            k, f"unknown top-level key {k!r} (allowed: {', '.join(sorted(TOP_LEVEL_KEYS))})"
        )
        for k in data
        if k not in TOP_LEVEL_KEYS
    ]
    messages = data.get("messages")
    if "messages" not in data:
        return [*errors, FormatError("messages", "record has no messages list")]
    if not isinstance(messages, list):
        return [*errors, FormatError("messages", "messages must be a list")]
    if not messages:
        return [*errors, FormatError("messages", "messages is empty")]

    call_ids: set[str] = set()
    roles: list[str | None] = []
    for i, msg in enumerate(messages):
        at = f"messages[{i}]"
        if not isinstance(msg, dict):
            errors.append(FormatError(at, f"a message must be an object, not {_json_type(msg)}"))
            roles.append(None)
            continue
        errors.extend(
            FormatError(f"{at}.{k}", f"unknown message key {k!r}")
            for k in msg
            if k not in MESSAGE_KEYS
        )
        role = msg.get("role")
        if "role" not in msg:
            errors.append(FormatError(f"{at}.role", "message has no role"))
        elif role not in ROLES:
            errors.append(
                FormatError(
                    f"{at}.role",
                    f"unknown role {role!r} (expected system, user, assistant or tool)",
                )
            )
        roles.append(role if role in ROLES else None)
        errors.extend(_check_content(msg, at))
        if "name" in msg and not isinstance(msg["name"], str):
            errors.append(FormatError(f"{at}.name", "name must be a string"))
        if "weight" in msg:
            if role != "assistant":
                errors.append(
                    FormatError(f"{at}.weight", "weight is only allowed on assistant messages")
                )
            elif not _is_int01(msg["weight"]):
                errors.append(
                    FormatError(f"{at}.weight", f"weight must be 0 or 1, not {msg['weight']!r}")
                )
        if "tool_calls" in msg:
            if role != "assistant":
                errors.append(
                    FormatError(f"{at}.tool_calls", "only assistant messages make tool calls")
                )
            else:
                errors.extend(check_tool_calls(msg["tool_calls"], f"{at}.tool_calls"))
                if isinstance(msg["tool_calls"], list):
                    for j, call in enumerate(msg["tool_calls"]):
                        cid = call.get("id") if isinstance(call, dict) else None
                        if not isinstance(cid, str):
                            continue
                        if cid in call_ids:
                            # a tool reply could not say which call it answers
                            errors.append(
                                FormatError(
                                    f"{at}.tool_calls[{j}].id",
                                    f"tool call id {cid!r} is used twice",
                                )
                            )
                        call_ids.add(cid)
        if role == "tool":
            tcid = msg.get("tool_call_id")
            if not isinstance(tcid, str) or not tcid:
                errors.append(
                    FormatError(f"{at}.tool_call_id", "a tool message needs a tool_call_id")
                )
            elif tcid not in call_ids:
                errors.append(
                    FormatError(
                        f"{at}.tool_call_id", f"tool_call_id {tcid!r} answers no earlier tool call"
                    )
                )
    errors.extend(check_role_order(roles))
    if "tools" in data:
        errors.extend(_check_tools(data["tools"]))
    if "parallel_tool_calls" in data and not isinstance(data["parallel_tool_calls"], bool):
        errors.append(
            FormatError("parallel_tool_calls", "parallel_tool_calls must be true or false")
        )
    return errors


def check_role_order(roles: list[str | None], *, alternate: bool = False) -> list[FormatError]:
    """System first, a user turn before any reply, an assistant turn last.

    With `alternate`, user and assistant turns must strictly take turns (Bedrock, Together).
    """
    errors: list[FormatError] = []
    known = [(i, r) for i, r in enumerate(roles) if r is not None]
    if not known:
        return errors
    seen_other = False
    for i, role in known:
        if role in ("system", "developer"):
            if seen_other:
                errors.append(
                    FormatError(f"messages[{i}].role", "a system message must come first")
                )
        else:
            seen_other = True
    convo = [(i, r) for i, r in known if r not in ("system", "developer")]
    if convo and convo[0][1] not in ("user",):
        i, role = convo[0]
        errors.append(
            FormatError(f"messages[{i}].role", f"the conversation starts with {role}, not user")
        )
    if not any(r == "assistant" for _, r in known):
        errors.append(FormatError("messages", "no assistant message to learn from"))
    elif roles[-1] != "assistant":
        errors.append(
            FormatError(
                f"messages[{len(roles) - 1}].role", "the last message must be from the assistant"
            )
        )
    if alternate:
        for (_, prev), (i, role) in itertools.pairwise(convo):
            if role == prev:
                errors.append(
                    FormatError(
                        f"messages[{i}].role", f"two {role} messages in a row; turns must alternate"
                    )
                )
    return errors


def _check_tools(tools: Any) -> list[FormatError]:
    if not isinstance(tools, list):
        return [FormatError("tools", "tools must be a list")]
    errors = []
    for j, tool in enumerate(tools):
        at = f"tools[{j}]"
        if not isinstance(tool, dict) or tool.get("type", "function") != "function":
            errors.append(FormatError(at, 'a tool must be {"type": "function", "function": {...}}'))
            continue
        fn = tool.get("function")
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            errors.append(FormatError(f"{at}.function.name", "a tool function needs a name"))
        elif "parameters" in fn and not isinstance(fn["parameters"], dict):
            errors.append(
                FormatError(f"{at}.function.parameters", "parameters must be a JSON Schema object")
            )
    return errors


def normalise(record: Record) -> Record:
    """The canonical form of a valid record, for comparing records that mean the same.

    `content` that is null or empty beside `tool_calls` is the same as no content, and a tool
    call without `type` is a `"function"` call.
    """
    messages = record.get("messages")
    if not isinstance(messages, list) or not any(
        isinstance(m, dict) and "tool_calls" in m for m in messages
    ):
        return record
    out = dict(record)
    out["messages"] = [_normalise_message(m) for m in messages]
    return out


def _normalise_message(msg: Any) -> Any:
    if not isinstance(msg, dict) or "tool_calls" not in msg:
        return msg
    msg = dict(msg)
    if msg.get("content", 0) in (None, ""):
        del msg["content"]
    calls = msg["tool_calls"]
    if isinstance(calls, list):
        msg["tool_calls"] = [
            {**c, "type": "function"} if isinstance(c, dict) and "type" not in c else c
            for c in calls
        ]
    return msg


def _json_type(value: Any) -> str:
    return {
        list: "an array",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "a boolean",
        type(None): "null",
        dict: "an object",
    }.get(type(value), type(value).__name__)


@register
class OpenAIFormat(Format):
    name = "openai"
    title = "OpenAI chat fine-tuning JSONL"
    limits = Limits(tokens_per_example=65_536, min_examples=10, max_file_bytes=512 * 1024 * 1024)
    source = "developers.openai.com/api/docs/guides/supervised-fine-tuning"

    def to_record(self, record: Record) -> Converted:
        return Converted(json.loads(json.dumps(record)))

    def from_record(self, data: Any) -> Record:
        errors = check_openai(data)
        if errors:
            raise errors[0]
        return data

    def check(self, data: Any) -> list[FormatError]:
        return check_openai(data)
