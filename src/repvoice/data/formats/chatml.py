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
    # The added tokens of Qwen2.5 and Qwen3 (Qwen/Qwen2.5-7B-Instruct, Qwen/Qwen3-8B
    # tokenizer_config.json added_tokens_decoder): the tokenizer reads each as one token.
    special_tokens = (
        "<|im_start|>",
        "<|im_end|>",
        "<|endoftext|>",
        "<|object_ref_start|>",
        "<|object_ref_end|>",
        "<|box_start|>",
        "<|box_end|>",
        "<|quad_start|>",
        "<|quad_end|>",
        "<|vision_start|>",
        "<|vision_end|>",
        "<|vision_pad|>",
        "<|image_pad|>",
        "<|video_pad|>",
        "<tool_call>",
        "</tool_call>",
        "<|fim_prefix|>",
        "<|fim_middle|>",
        "<|fim_suffix|>",
        "<|fim_pad|>",
        "<|repo_name|>",
        "<|file_sep|>",
        "<tool_response>",
        "</tool_response>",
        "<think>",
        "</think>",
    )
    template = (
        "{% for message in messages %}"
        "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
        "{% endfor %}"
    )

    def from_record(self, data: Any) -> Record:
        turns = split_turns(self.text_of(data), "<|im_start|>", "\n", "<|im_end|>\n")
        return {"messages": [{"role": r, "content": c} for r, c in turns]}
