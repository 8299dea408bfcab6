"""Building blocks the format modules share: reducing a record to plain turns, tool-call ids,
and small structural checks for reading records back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from repvoice.data.formats.base import FormatError, Loss, Record


@dataclass(slots=True)
class Turn:
    """One plain text turn: role system, user or assistant; `index` is its source message."""

    role: str
    content: str
    index: int
    weight: int | None = None


def compact(value: Any) -> str:
    """Compact JSON, the form tool-call arguments are written back in."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def call_id(k: int) -> str:
    """The id given to the k-th tool call of a record read from a format without ids."""
    return f"call_{k}"


def content_text(content: Any, at: str, target: str, losses: list[Loss]) -> str | None:
    """A message's content as one string; reports joined parts and dropped non-text parts."""
    if content is None or isinstance(content, str):
        return content
    texts: list[str] = []
    for j, part in enumerate(content):
        if part.get("type") == "text":
            texts.append(part["text"])
        else:
            losses.append(Loss(f"{at}[{j}]", f"{target} cannot carry {part.get('type')} parts"))
    losses.append(Loss(at, f"{target} takes plain text; the content parts are joined"))
    return "".join(texts)


def drop_top_level(record: Record, target: str, losses: list[Loss], keep: tuple[str, ...] = ()):
    """Report the top-level keys besides `messages` that the target cannot carry."""
    for key in record:
        if key != "messages" and key not in keep:
            losses.append(Loss(key, f"{target} cannot carry {key}; dropped"))


def plain_turns(
    record: Record, target: str, *, keep_weight: bool = False
) -> tuple[list[Turn], list[Loss]]:
    """The record as plain text turns, for targets without tools, names or content parts.

    Everything dropped is reported. A developer message becomes a system turn.
    """
    losses: list[Loss] = []
    drop_top_level(record, target, losses)
    turns: list[Turn] = []
    for i, msg in enumerate(record["messages"]):
        at = f"messages[{i}]"
        role = msg["role"]
        if role in ("tool", "function"):
            losses.append(Loss(at, f"{target} has no {role} messages; dropped"))
            continue
        if role == "developer":
            losses.append(Loss(f"{at}.role", f"{target} has no developer role; written as system"))
            role = "system"
        if "name" in msg:
            losses.append(Loss(f"{at}.name", f"{target} cannot carry message names; dropped"))
        for key in ("tool_calls", "function_call"):
            if key in msg:
                losses.append(Loss(f"{at}.{key}", f"{target} cannot carry tool calls; dropped"))
        weight = msg.get("weight")
        if weight is not None and not keep_weight:
            losses.append(
                Loss(f"{at}.weight", f"{target} has no per-message weight; every reply is trained")
            )
            weight = None
        text = content_text(msg.get("content"), f"{at}.content", target, losses)
        if text:
            turns.append(Turn(role, text, i, weight))
    return turns, losses


def message_role(msg: dict[str, Any], at: str, target: str, losses: list[Loss]) -> str | None:
    """The role `target` writes `msg` with: a developer message becomes system; None for legacy
    function calling, which `target` drops whole. Both are reported."""
    if msg["role"] == "function" or "function_call" in msg:
        losses.append(Loss(at, "legacy function calling is not supported; dropped"))
        return None
    if msg["role"] == "developer":
        losses.append(Loss(f"{at}.role", f"{target} has no developer role; written as system"))
        return "system"
    return str(msg["role"])


def message_losses(msg: dict[str, Any], at: str, target: str, losses: list[Loss]) -> bool:
    """Report a message's name and weight, which `target` cannot carry; True when the message
    is legacy function calling, which it drops whole."""
    if "name" in msg:
        losses.append(Loss(f"{at}.name", f"{target} cannot carry message names; dropped"))
    if "weight" in msg:
        losses.append(Loss(f"{at}.weight", f"{target} has no per-message weight; dropped"))
    if msg["role"] == "function" or "function_call" in msg:
        losses.append(Loss(at, "legacy function calling is not supported; dropped"))
        return True
    return False


def split_system(
    turns: list[Turn], target: str, losses: list[Loss], *, joiner: str = "\n\n"
) -> tuple[str | None, list[Turn]]:
    """The leading system turns as one prompt (joined, with a loss, when there are several)."""
    n = 0
    while n < len(turns) and turns[n].role == "system":
        n += 1
    if n == 0:
        return None, turns
    if n > 1:
        losses.append(
            Loss(
                f"messages[{turns[1].index}]",
                f"{target} holds one system prompt; {n} system messages are joined",
            )
        )
    return joiner.join(t.content for t in turns[:n]), turns[n:]


def merge_consecutive(turns: list[Turn], target: str, losses: list[Loss]) -> list[Turn]:
    """Merge neighbouring turns of one role, as targets with strict alternation need."""
    out: list[Turn] = []
    for turn in turns:
        if out and out[-1].role == turn.role:
            prev = out[-1]
            losses.append(
                Loss(
                    f"messages[{turn.index}]",
                    f"{target} needs alternating turns; merged into the previous {turn.role} turn",
                )
            )
            weight = prev.weight
            if turn.weight != prev.weight:
                weight = max(w for w in (prev.weight, turn.weight) if w is not None)
                losses.append(
                    Loss(f"messages[{turn.index}].weight", f"merged turns keep weight {weight}")
                )
            out[-1] = Turn(prev.role, f"{prev.content}\n\n{turn.content}", prev.index, weight)
        else:
            out.append(turn)
    return out


def require_chat(turns: list[Turn], target: str) -> None:
    """Raise unless the turns start with user and end with assistant, as every target needs."""
    convo = [t for t in turns if t.role != "system"]
    if not convo or convo[0].role != "user" or convo[-1].role != "assistant":
        raise FormatError(
            "messages",
            f"{target} needs a conversation from a user turn to an assistant reply; "
            "none is left after dropping what it cannot carry",
        )


def tool_call_losses(record: Record, target: str) -> list[Loss]:
    """Losses for tool-call ids that a format without ids cannot give back (it reads back
    `call_0`, `call_1`...)."""
    losses: list[Loss] = []
    k = 0
    for i, msg in enumerate(record["messages"]):
        for j, call in enumerate(msg.get("tool_calls") or ()):
            if call["id"] != call_id(k):
                losses.append(
                    Loss(
                        f"messages[{i}].tool_calls[{j}].id",
                        f"{target} has no tool-call ids; {call['id']!r} reads back as "
                        f"{call_id(k)!r}",
                    )
                )
            k += 1
    return losses


def arguments_of(call: dict[str, Any], at: str, target: str, losses: list[Loss]) -> Any:
    """A tool call's parsed arguments; reports arguments that are not in compact form."""
    text = call["function"]["arguments"]
    value = json.loads(text)
    if compact(value) != text:
        losses.append(
            Loss(f"{at}.function.arguments", f"{target} stores parsed arguments; re-serialised")
        )
    return value


# Reading helpers: each raises FormatError naming the field.


def expect_object(value: Any, at: str | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError(at, "must be a JSON object")
    return value


def expect_keys(obj: dict[str, Any], allowed: set[str], at: str | None) -> None:
    for key in obj:
        if key not in allowed:
            where = f"{at}.{key}" if at else key
            raise FormatError(where, f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")


def expect_list(value: Any, at: str, *, non_empty: bool = True) -> list[Any]:
    if not isinstance(value, list):
        raise FormatError(at, "must be a list")
    if non_empty and not value:
        raise FormatError(at, "is empty")
    return value


def expect_text(value: Any, at: str) -> str:
    if not isinstance(value, str):
        raise FormatError(at, "must be a string")
    if not value.strip():
        raise FormatError(at, "is empty")
    return value
