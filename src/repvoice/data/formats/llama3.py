"""Llama 3 instruct text: `<|begin_of_text|>`, then per message
`<|start_header_id|>{role}<|end_header_id|>\\n\\n{content}<|eot_id|>` (content stripped).

This is Meta's `ChatFormat` and the Llama 3.0 HF template; the 3.1/3.3 HF templates add a dated
system block that is not written here.
"""

from __future__ import annotations

from typing import Any

from repvoice.data.formats._template import TemplateFormat, split_turns
from repvoice.data.formats.base import Record
from repvoice.data.formats.registry import register

BOS = "<|begin_of_text|>"


@register
class Llama3Format(TemplateFormat):
    name = "llama3"
    title = "Llama 3 chat-template text"
    source = (
        "meta-llama/llama3 llama/tokenizer.py ChatFormat; Meta-Llama-3-8B-Instruct chat_template"
    )
    bos_token = BOS
    eos_token = "<|eot_id|>"
    # The added tokens of the Llama 3/3.1/3.2/3.3 tokenizers: huggingface/transformers
    # models/llama/convert_llama_weights_to_hf.py (DEFAULT_LLAMA_SPECIAL_TOKENS) and
    # meta-llama/llama-models tokenizer.py; the remaining ids are <|reserved_special_token_N|>.
    special_tokens = (
        BOS,
        "<|end_of_text|>",
        "<|start_header_id|>",
        "<|end_header_id|>",
        "<|eot_id|>",
        "<|eom_id|>",
        "<|python_tag|>",
        "<|finetune_right_pad_id|>",
        "<|step_id|>",
        "<|image|>",
    )
    special_pattern = r"<\|reserved_special_token_\d+\|>"
    trims = True
    template = (
        "{% for message in messages %}"
        "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
        " + message['content'] | trim + '<|eot_id|>' %}"
        "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
        "{{ content }}"
        "{% endfor %}"
    )

    def from_record(self, data: Any) -> Record:
        # Without BOS when written with --no-bos for trainers that add it.
        text = self.text_of(data)
        turns = split_turns(
            text.removeprefix(BOS), "<|start_header_id|>", "<|end_header_id|>\n\n", "<|eot_id|>"
        )
        return {"messages": [{"role": r, "content": c} for r, c in turns]}
