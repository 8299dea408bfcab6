"""Alpaca as LLaMA-Factory reads it: `{"instruction", "input", "output", "system", "history"}`.

The last user/assistant pair is `instruction`/`output`, earlier pairs are `history` as
`[[user, assistant], ...]` (LLaMA-Factory trains history replies too). The prompt is
`instruction + "\\n" + input`; records are written with an empty `input`.
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
from repvoice.data.formats.base import Converted, Format, FormatError, Record
from repvoice.data.formats.registry import register


@register
class AlpacaFormat(Format):
    name = "alpaca"
    title = "Alpaca (LLaMA-Factory)"
    source = "hiyouga/LLaMA-Factory data/README.md (alpaca format)"

    def to_record(self, record: Record) -> Converted:
        turns, losses = plain_turns(record, "Alpaca")
        system, turns = split_system(turns, "Alpaca", losses)
        turns = merge_consecutive(turns, "Alpaca", losses)
        require_chat(turns, "Alpaca")
        pairs = [[turns[n].content, turns[n + 1].content] for n in range(0, len(turns), 2)]
        out: Record = {"instruction": pairs[-1][0], "input": "", "output": pairs[-1][1]}
        if system is not None:
            out["system"] = system
        if len(pairs) > 1:
            out["history"] = pairs[:-1]
        return self.verified(record, out, losses)

    def from_record(self, data: Any) -> Record:
        data = expect_object(data, None)
        expect_keys(data, {"instruction", "input", "output", "system", "history"}, None)
        messages: list[Record] = []
        if "system" in data:
            messages.append({"role": "system", "content": expect_text(data["system"], "system")})
        for i, pair in enumerate(expect_list(data.get("history", []), "history", non_empty=False)):
            at = f"history[{i}]"
            if not isinstance(pair, list) or len(pair) != 2:
                raise FormatError(at, "a history entry is a [user, assistant] pair")
            messages.append({"role": "user", "content": expect_text(pair[0], f"{at}[0]")})
            messages.append({"role": "assistant", "content": expect_text(pair[1], f"{at}[1]")})
        prompt = expect_text(data.get("instruction"), "instruction")
        extra = data.get("input", "")
        if not isinstance(extra, str):
            raise FormatError("input", "must be a string")
        if extra:
            prompt = f"{prompt}\n{extra}"
        messages.append({"role": "user", "content": prompt})
        messages.append({"role": "assistant", "content": expect_text(data.get("output"), "output")})
        return {"messages": messages}
