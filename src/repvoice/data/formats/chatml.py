"""ChatML text: `<|im_start|>{role}\\n{content}<|im_end|>\\n` per message, no BOS (Qwen and
others; axolotl's `chatml` template)."""

from __future__ import annotations

from typing import Any

from repvoice.data.formats._template import TemplateFormat, split_turns
from repvoice.data.formats.base import Record
from repvoice.data.formats.registry import register


@register
class ChatMLFormat(TemplateFormat):
    name = "chatml"
    title = "ChatML chat-template text"
    source = "huggingface.co/docs/transformers/chat_templating (ChatML template)"
    eos_token = "<|im_end|>"
    special_tokens = ("<|im_start|>", "<|im_end|>")
    template = (
        "{% for message in messages %}"
        "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
        "{% endfor %}"
    )

    def from_record(self, data: Any) -> Record:
        turns = split_turns(self.text_of(data), "<|im_start|>", "\n", "<|im_end|>\n")
        return {"messages": [{"role": r, "content": c} for r, c in turns]}
