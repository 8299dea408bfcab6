"""Gemini supervised tuning on Vertex AI: `systemInstruction` + `contents[].parts[]`.

Tool calls follow Kiln's mapping: assistant `tool_calls` become `functionCall` parts of a
`model` turn (arguments parsed into an object), consecutive `tool` messages become one turn of
`functionResponse` parts (`response: {"content": ...}`, the name recovered from the call), and
`tools` become one `functionDeclarations` list with JSON-schema types upper-cased. Vertex has
no tool-call ids and no weights: read back, calls get ids `call_0`, `call_1`...
"""

from __future__ import annotations

import copy
from typing import Any

from repvoice.data.formats._common import (
    arguments_of,
    call_id,
    compact,
    content_text,
    expect_keys,
    expect_list,
    expect_object,
    message_losses,
    tool_call_losses,
)
from repvoice.data.formats.base import Converted, Format, FormatError, Limits, Loss, Record
from repvoice.data.formats.registry import register

TYPES = ("string", "integer", "boolean", "number", "array", "object")
PART_KEYS = ("text", "functionCall", "functionResponse", "fileData", "inlineData")


def schema_to_vertex(schema: Any) -> Any:
    """JSON Schema with `type` names upper-cased, as Vertex function declarations want."""
    if isinstance(schema, dict):
        return {
            k: v.upper() if k == "type" and v in TYPES else schema_to_vertex(v)
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [schema_to_vertex(v) for v in schema]
    return schema


def schema_from_vertex(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {
            k: v.lower()
            if k == "type" and isinstance(v, str) and v.lower() in TYPES
            else schema_from_vertex(v)
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [schema_from_vertex(v) for v in schema]
    return schema


def _text_parts(content: Any, at: str, losses: list[Loss]) -> list[Record]:
    if isinstance(content, str):
        return [{"text": content}] if content else []
    if content is None:
        return []
    parts = []
    for j, part in enumerate(content):
        if part.get("type") == "text":
            parts.append({"text": part["text"]})
        else:
            losses.append(Loss(f"{at}[{j}]", f"Vertex cannot carry {part.get('type')} parts here"))
    return parts


@register
class VertexFormat(Format):
    name = "vertex"
    title = "Gemini supervised tuning on Vertex AI"
    # "A training dataset must include a minimum of 16 examples" (gemini-supervised-tuning-about);
    # the current page only recommends starting with 100.
    limits = Limits(
        tokens_per_example=131_072,
        min_examples=16,
        max_examples=1_000_000,
        max_file_bytes=1024**3,
        max_validation_examples=5_000,
    )
    source = (
        "cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare; "
        "Kiln-AI/Kiln libs/core/kiln_ai/adapters/fine_tune/vertex_formatter.py"
    )

    def to_record(self, record: Record) -> Converted:
        losses: list[Loss] = []
        for key in ("functions", "parallel_tool_calls"):
            if key in record:
                losses.append(Loss(key, f"Vertex cannot carry {key}; dropped"))
        losses += tool_call_losses(record, "Vertex")
        system: list[Record] = []
        contents: list[Record] = []
        names: dict[str, str] = {}
        responses: list[Record] = []

        starts: list[int] = []  # the source message of each content

        def add(role: str, parts: list[Record], index: int) -> None:
            # Google's validator rejects two turns of one role in a row; the parts of both go
            # in one turn instead, which Gemini reads as one message (and reads back in order).
            if contents and contents[-1]["role"] == role:
                contents[-1]["parts"].extend(parts)
                losses.append(
                    Loss(
                        f"messages[{index}]",
                        f"Vertex rejects two {role} turns in a row; its parts are joined to the "
                        f"turn of messages[{starts[-1]}]",
                    )
                )
            else:
                contents.append({"role": role, "parts": parts})
                starts.append(index)

        first_response = [0]  # the source message of the first pending tool reply

        def flush() -> None:
            if responses:
                add("user", list(responses), first_response[0])
                responses.clear()

        for i, msg in enumerate(record["messages"]):
            at = f"messages[{i}]"
            role = msg["role"]
            if message_losses(msg, at, "Vertex", losses):
                continue
            if role == "tool":
                text = content_text(msg["content"], f"{at}.content", "Vertex", losses)
                name = names[msg["tool_call_id"]]
                if not responses:
                    first_response[0] = i
                responses.append(
                    {"functionResponse": {"name": name, "response": {"content": text}}}
                )
                continue
            flush()
            if isinstance(msg.get("content"), list) and role != "system":
                n = sum(p.get("type") == "text" for p in msg["content"])
                if n == 1:
                    losses.append(Loss(f"{at}.content", "a one-part list reads back as a string"))
            if role in ("system", "developer"):
                if role == "developer":
                    losses.append(
                        Loss(f"{at}.role", "Vertex has no developer role; written as system")
                    )
                text = content_text(msg["content"], f"{at}.content", "Vertex", losses)
                system.append({"text": text})
                continue
            parts = _text_parts(msg.get("content"), f"{at}.content", losses)
            for j, call in enumerate(msg.get("tool_calls") or ()):
                cat = f"{at}.tool_calls[{j}]"
                args = arguments_of(call, cat, "Vertex", losses)
                if not isinstance(args, dict):
                    raise FormatError(f"{cat}.function.arguments", "Vertex needs object arguments")
                names[call["id"]] = call["function"]["name"]
                parts.append({"functionCall": {"name": call["function"]["name"], "args": args}})
            if not parts:
                raise FormatError(
                    f"{at}.content", "nothing Vertex can carry is left in this message"
                )
            add("model" if role == "assistant" else "user", parts, i)
        flush()
        out: Record = {}
        if system:
            out["systemInstruction"] = {"role": "system", "parts": system}
        out["contents"] = contents
        if "tools" in record:
            out["tools"] = [{"functionDeclarations": self._declarations(record["tools"], losses)}]
        return self.verified(record, out, losses)

    @staticmethod
    def _declarations(tools: list[Record], losses: list[Loss]) -> list[Record]:
        out = []
        for j, tool in enumerate(tools):
            fn = tool["function"]
            for key in fn:
                if key not in ("name", "description", "parameters"):
                    losses.append(
                        Loss(f"tools[{j}].function.{key}", f"Vertex has no {key}; dropped")
                    )
            decl = {k: fn[k] for k in ("name", "description") if k in fn}
            if "parameters" in fn:
                decl["parameters"] = schema_to_vertex(copy.deepcopy(fn["parameters"]))
            out.append(decl)
        return out

    def parse(self, data: Any) -> Converted:
        data = expect_object(data, None)
        expect_keys(data, {"systemInstruction", "contents", "tools"}, None)
        losses: list[Loss] = []
        messages: list[Record] = []
        if "systemInstruction" in data:
            si = expect_object(data["systemInstruction"], "systemInstruction")
            expect_keys(si, {"role", "parts"}, "systemInstruction")
            for j, part in enumerate(expect_list(si.get("parts"), "systemInstruction.parts")):
                at = f"systemInstruction.parts[{j}]"
                part = expect_object(part, at)
                if set(part) != {"text"} or not isinstance(part["text"], str):
                    raise FormatError(at, 'a system part must be {"text": "..."}')
                messages.append({"role": "system", "content": part["text"]})
        pending: list[tuple[str, str]] = []  # unanswered calls: (name, id)
        prev_role: str | None = None
        k = 0
        for i, content in enumerate(expect_list(data.get("contents"), "contents")):
            at = f"contents[{i}]"
            content = expect_object(content, at)
            expect_keys(content, {"role", "parts"}, at)
            role = content.get("role", "user")
            if role not in ("user", "model"):
                raise FormatError(f"{at}.role", 'role must be "user" or "model"')
            if role == prev_role:
                raise FormatError(
                    f"{at}.role", f"two {role} turns in a row (Google's validator rejects them)"
                )
            prev_role = role
            texts: list[str] = []
            calls: list[Record] = []
            for j, part in enumerate(expect_list(content.get("parts"), f"{at}.parts")):
                pat = f"{at}.parts[{j}]"
                part = expect_object(part, pat)
                kinds = [key for key in PART_KEYS if key in part]
                if len(kinds) != 1:
                    raise FormatError(pat, f"a part holds exactly one of {', '.join(PART_KEYS)}")
                kind = kinds[0]
                if kind == "text":
                    if not isinstance(part["text"], str):
                        raise FormatError(f"{pat}.text", "must be a string")
                    texts.append(part["text"])
                elif kind == "functionCall":
                    if role != "model":
                        raise FormatError(pat, "only model turns make function calls")
                    fc = expect_object(part["functionCall"], f"{pat}.functionCall")
                    name = fc.get("name")
                    if not isinstance(name, str) or not name:
                        raise FormatError(f"{pat}.functionCall.name", "needs a function name")
                    args = expect_object(fc.get("args", {}), f"{pat}.functionCall.args")
                    cid = call_id(k)
                    k += 1
                    pending.append((name, cid))
                    calls.append(
                        {
                            "id": cid,
                            "type": "function",
                            "function": {"name": name, "arguments": compact(args)},
                        }
                    )
                elif kind == "functionResponse":
                    if role != "user":
                        raise FormatError(pat, "function responses belong in user turns")
                    fr = expect_object(part["functionResponse"], f"{pat}.functionResponse")
                    name = fr.get("name")
                    match = next((p for p in pending if p[0] == name), None)
                    if match is None:
                        raise FormatError(
                            f"{pat}.functionResponse.name", f"answers no earlier call of {name!r}"
                        )
                    pending.remove(match)
                    resp = expect_object(fr.get("response"), f"{pat}.functionResponse.response")
                    text = (
                        resp["content"]
                        if set(resp) == {"content"} and isinstance(resp["content"], str)
                        else compact(resp)
                    )
                    messages.append({"role": "tool", "tool_call_id": match[1], "content": text})
                else:
                    losses.append(Loss(pat, f"OpenAI chat records cannot carry {kind} parts"))
            if role == "model":
                msg: Record = {"role": "assistant"}
                if texts:
                    msg["content"] = (
                        texts[0]
                        if len(texts) == 1
                        else [{"type": "text", "text": t} for t in texts]
                    )
                if calls:
                    msg["tool_calls"] = calls
                if len(msg) > 1:
                    messages.append(msg)
            elif texts:
                messages.append(
                    {
                        "role": "user",
                        "content": texts[0]
                        if len(texts) == 1
                        else [{"type": "text", "text": t} for t in texts],
                    }
                )
        out: Record = {"messages": messages}
        if "tools" in data:
            out["tools"] = self._tools_back(data["tools"])
        return Converted(out, losses)

    @staticmethod
    def _tools_back(tools: Any) -> list[Record]:
        out = []
        for j, group in enumerate(expect_list(tools, "tools", non_empty=False)):
            group = expect_object(group, f"tools[{j}]")
            decls = expect_list(
                group.get("functionDeclarations"),
                f"tools[{j}].functionDeclarations",
                non_empty=False,
            )
            for n, decl in enumerate(decls):
                at = f"tools[{j}].functionDeclarations[{n}]"
                decl = expect_object(decl, at)
                expect_keys(decl, {"name", "description", "parameters"}, at)
                fn = {k: decl[k] for k in ("name", "description") if k in decl}
                if "parameters" in decl:
                    fn["parameters"] = schema_from_vertex(decl["parameters"])
                out.append({"type": "function", "function": fn})
        return out
