"""Fireworks AI supervised fine-tuning: the OpenAI chat format ("existing OpenAI SFT datasets work
with no conversion required"), at least 3 examples, as far as its message schema goes: each
message is a `role` (system, user or assistant) and its `content`, plus a 0/1 `weight`.

Everything else an OpenAI record may hold is reported per record when converting: tool and
developer roles, tool calls and tools, message names, and content parts (joined into one text;
non-text parts dropped). Fireworks also takes a root-level float `weight` for weighted training;
OpenAI records cannot hold it, so reading one back reports it as lost.
"""

from __future__ import annotations

from typing import Any

from repvoice.data.formats._common import plain_turns, require_chat
from repvoice.data.formats.base import Converted, Format, FormatError, Limits, Loss, Record
from repvoice.data.formats.openai import check_openai
from repvoice.data.formats.registry import register


@register
class FireworksFormat(Format):
    name = "fireworks"
    title = "Fireworks AI chat fine-tuning JSONL"
    limits = Limits(min_examples=3, max_examples=3_000_000)
    source = (
        "docs.fireworks.ai/fine-tuning/fine-tuning-models (message schema); "
        "docs.fireworks.ai/fine-tuning/weighted-training"
    )

    def to_record(self, record: Record) -> Converted:
        turns, losses = plain_turns(record, "Fireworks", keep_weight=True)
        require_chat(turns, "Fireworks")
        messages: list[Record] = []
        for t in turns:
            msg: Record = {"role": t.role, "content": t.content}
            if t.weight is not None:
                msg["weight"] = t.weight
            messages.append(msg)
        return self.verified(record, {"messages": messages}, losses)

    def check(self, data: Any) -> list[FormatError]:
        if not isinstance(data, dict) or "weight" not in data:
            return check_openai(data)
        errors = check_openai({k: v for k, v in data.items() if k != "weight"})
        w = data["weight"]
        if isinstance(w, bool) or not isinstance(w, int | float):
            errors.append(FormatError("weight", f"a root weight must be a number, not {w!r}"))
        return errors

    def parse(self, data: Any) -> Converted:
        errors = self.check(data)
        if errors:
            raise errors[0]
        if "weight" not in data:
            return Converted(data)
        record = {k: v for k, v in data.items() if k != "weight"}
        return Converted(record, [Loss("weight", "OpenAI records have no root weight; dropped")])
