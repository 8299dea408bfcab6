"""Mistral La Plateforme fine-tuning: OpenAI-like `messages`, with mistral-common's rules.

Tool-call ids are exactly 9 letters or digits, an assistant message with `tool_calls` has no
`content` key and no text-only assistant message next to it (mistral-common merges neighbouring
assistant messages, then rejects text with tool calls), there is one system message, messages
carry no `name` (except tool replies), and every tool declares a name, a description and
parameters. Ids that break the rule are rewritten to a deterministic 9-character id derived from
the original; Mistral records have nowhere to keep the original, so each rewrite is reported as
a loss.
"""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

from repvoice.data.formats._common import content_text, drop_top_level, message_role
from repvoice.data.formats.base import Converted, Format, FormatError, Limits, Loss, Record
from repvoice.data.formats.openai import check_openai, normalise
from repvoice.data.formats.registry import register

ID = re.compile(r"[A-Za-z0-9]{9}")
FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
ROLES = frozenset({"system", "user", "assistant", "tool"})


def mistral_id(original: str, taken: set[str]) -> str:
    """A 9-character alphanumeric id derived from `original`, unique among `taken`."""
    if ID.fullmatch(original) and original not in taken:
        return original
    salt = 0
    while True:
        digest = hashlib.sha256(f"{original}\0{salt}".encode()).hexdigest()[:9]
        if digest not in taken:
            return digest
        salt += 1


def check_mistral(data: Any) -> list[FormatError]:
    """Every problem of one record for Mistral fine-tuning (OpenAI rules plus Mistral's)."""
    errors = check_openai(data)
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        return errors
    for key in ("functions", "parallel_tool_calls"):
        if key in data:
            errors.append(FormatError(key, f"Mistral records have no {key}"))
    systems = 0
    for i, msg in enumerate(data["messages"]):
        if not isinstance(msg, dict):
            continue
        at = f"messages[{i}]"
        role = msg.get("role")
        if role in ("developer", "function"):
            errors.append(FormatError(f"{at}.role", f"Mistral has no {role} role"))
        systems += role == "system"
        if systems == 2 and role == "system":
            errors.append(FormatError(f"{at}.role", "Mistral allows only one system message"))
        if "name" in msg and role != "tool":
            errors.append(FormatError(f"{at}.name", "Mistral messages have no name"))
        if "function_call" in msg:
            errors.append(FormatError(f"{at}.function_call", "use tool_calls, not function_call"))
        if isinstance(msg.get("content"), list):
            errors.append(FormatError(f"{at}.content", "Mistral content must be a string"))
        if "tool_calls" in msg:
            if "content" in msg:
                errors.append(
                    FormatError(f"{at}.content", "a message with tool_calls must not have content")
                )
            for j, call in enumerate(
                msg["tool_calls"] if isinstance(msg["tool_calls"], list) else ()
            ):
                cid = call.get("id") if isinstance(call, dict) else None
                if isinstance(cid, str) and not ID.fullmatch(cid):
                    errors.append(
                        FormatError(
                            f"{at}.tool_calls[{j}].id",
                            f"tool call id {cid!r} must be exactly 9 letters or digits",
                        )
                    )
        tcid = msg.get("tool_call_id")
        if role == "tool" and isinstance(tcid, str) and not ID.fullmatch(tcid):
            errors.append(
                FormatError(f"{at}.tool_call_id", f"{tcid!r} must be exactly 9 letters or digits")
            )
    messages = data["messages"]
    for run in _assistant_runs(messages):
        if len(run) > 1 and any("tool_calls" in messages[i] for i in run):
            for i in run:
                if "tool_calls" not in messages[i]:
                    errors.append(
                        FormatError(
                            f"messages[{i}].content",
                            "text next to an assistant tool-call message: mistral-common merges "
                            "them into one turn and rejects text with tool calls",
                        )
                    )
    for j, tool in enumerate(data.get("tools") or ()):
        fn = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(fn, dict):
            continue
        at = f"tools[{j}].function"
        if isinstance(fn.get("name"), str) and not FUNCTION_NAME.fullmatch(fn["name"]):
            errors.append(FormatError(f"{at}.name", "name must match [a-zA-Z0-9_-]{1,64}"))
        for key in ("description", "parameters"):
            if key not in fn:
                errors.append(FormatError(f"{at}.{key}", f"Mistral tools need a {key}"))
    return errors


TEXT_BESIDE_CALLS = (
    "Mistral takes text or tool calls in an assistant turn, not both (mistral-common merges "
    "neighbouring assistant messages and then rejects the pair); the text is dropped"
)


def _assistant_runs(messages: list[Any]) -> list[list[int]]:
    """Index runs of neighbouring assistant messages, which mistral-common merges into one."""
    runs: list[list[int]] = []
    for i, msg in enumerate(messages):
        if isinstance(msg, dict) and msg.get("role") == "assistant":
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    return runs


def _drop_text_beside_calls(
    messages: list[Record], record: Record, losses: list[Loss]
) -> list[Record]:
    """Drop text-only assistant messages next to an assistant message with tool calls."""
    drop: set[int] = set()
    for run in _assistant_runs(messages):
        if len(run) > 1 and any("tool_calls" in messages[i] for i in run):
            drop.update(i for i in run if "tool_calls" not in messages[i])
    if not drop:
        return messages
    # Report at the source message: the n-th assistant message of the output is the n-th
    # assistant message of the record that was kept.
    sources = [
        i
        for i, m in enumerate(record["messages"])
        if m["role"] == "assistant" and "function_call" not in m
    ]
    kept = (j for j, m in enumerate(messages) if m["role"] == "assistant")
    nth = {i: k for k, i in enumerate(kept)}
    for i in sorted(drop):
        losses.append(Loss(f"messages[{sources[nth[i]]}].content", TEXT_BESIDE_CALLS))
    return [m for i, m in enumerate(messages) if i not in drop]


@register
class MistralFormat(Format):
    name = "mistral"
    title = "Mistral La Plateforme fine-tuning JSONL"
    limits = Limits(min_examples=10, max_file_bytes=512 * 1024 * 1024)
    source = (
        "mistralai/platform-docs-public docs/capabilities/finetuning/text-finetuning.mdx; "
        "mistralai/mistral-finetune utils/validate_data.py; mistral-common "
        "protocol/instruct/validator.py"
    )

    def to_record(self, record: Record) -> Converted:
        losses: list[Loss] = []
        drop_top_level(record, "Mistral", losses, keep=("tools",))
        out: Record = {"messages": []}
        ids: dict[str, str] = {}
        taken: set[str] = set()
        system_at: int | None = None
        for i, src in enumerate(record["messages"]):
            at = f"messages[{i}]"
            msg = copy.deepcopy(src)
            role = message_role(msg, at, "Mistral", losses)
            if role is None:
                continue
            msg["role"] = role
            if "name" in msg and role != "tool":
                losses.append(Loss(f"{at}.name", "Mistral messages have no name; dropped"))
                del msg["name"]
            if isinstance(msg.get("content"), list):
                msg["content"] = content_text(msg["content"], f"{at}.content", "Mistral", losses)
            if role == "system" and system_at is not None:
                losses.append(Loss(at, "Mistral allows one system message; joined to the first"))
                first = out["messages"][system_at]
                first["content"] = f"{first['content']}\n\n{msg['content']}"
                continue
            if role == "system":
                system_at = len(out["messages"])
            if "tool_calls" in msg:
                if msg.pop("content", None):
                    losses.append(Loss(f"{at}.content", TEXT_BESIDE_CALLS))
                for j, call in enumerate(msg["tool_calls"]):
                    new = mistral_id(call["id"], taken)
                    if new != call["id"]:
                        losses.append(
                            Loss(
                                f"{at}.tool_calls[{j}].id",
                                f"id {call['id']!r} rewritten as {new!r} (Mistral needs exactly "
                                "9 letters or digits)",
                            )
                        )
                    ids[call["id"]] = new
                    taken.add(new)
                    call["id"] = new
                    call.setdefault("type", "function")
            if role == "tool":
                msg["tool_call_id"] = ids.get(msg["tool_call_id"], msg["tool_call_id"])
            out["messages"].append(msg)
        out["messages"] = _drop_text_beside_calls(out["messages"], record, losses)
        if "tools" in record:
            out["tools"] = copy.deepcopy(record["tools"])
            for j, tool in enumerate(out["tools"]):
                fn = tool["function"]
                tool.setdefault("type", "function")
                for key, empty in (
                    ("description", ""),
                    ("parameters", {"type": "object", "properties": {}}),
                ):
                    if key not in fn:
                        fn[key] = empty
                        losses.append(
                            Loss(f"tools[{j}].function.{key}", f"Mistral needs a {key}; added")
                        )
        return self.verified(record, out, losses)

    def check(self, data: Any) -> list[FormatError]:
        return check_mistral(data)

    def from_record(self, data: Any) -> Record:
        errors = check_mistral(data)
        if errors:
            raise errors[0]
        return normalise(data)
