"""Gemma text: `<bos>`, then `<start_of_turn>{user|model}\\n{content}<end_of_turn>\\n` per turn
(content trimmed), the system prompt folded into the first user turn as `{system}\\n\\n`, as the
Gemma 3 HF template does.

Not readable: once folded, the system prompt cannot be told apart from the user's words.
"""

from __future__ import annotations

from repvoice.data.formats._template import TemplateFormat
from repvoice.data.formats.registry import register


@register
class GemmaFormat(TemplateFormat):
    name = "gemma"
    title = "Gemma chat-template text"
    source = "google/gemma-3-*-it tokenizer_config.json chat_template"
    readable = False
    unreadable_reason = "the system prompt is folded into the first user turn"
    bos_token = "<bos>"
    eos_token = "<end_of_turn>"
    # The special tokens of the Gemma 2 and Gemma 3 tokenizers (google/gemma-3-4b-it
    # tokenizer_config.json; <mask>, <2mass>, [@BOS@] as llama.cpp's convert_hf_to_gguf.py lists
    # them for Gemma); the reserved slots are <unusedN>.
    special_tokens = (
        "<pad>",
        "<eos>",
        "<bos>",
        "<unk>",
        "<mask>",
        "<2mass>",
        "[@BOS@]",
        "<start_of_turn>",
        "<end_of_turn>",
        "<start_of_image>",
        "<end_of_image>",
        "<image_soft_token>",
    )
    special_pattern = r"<unused\d+>"
    trims = True
    alternates = True
    template = (
        "{{ bos_token }}"
        "{% if messages[0]['role'] == 'system' %}"
        "{% set first_user_prefix = messages[0]['content'] + '\n\n' %}"
        "{% set loop_messages = messages[1:] %}"
        "{% else %}{% set first_user_prefix = '' %}{% set loop_messages = messages %}{% endif %}"
        "{% for message in loop_messages %}"
        "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant') }}"
        "{% endif %}"
        "{% set role = 'model' if message['role'] == 'assistant' else message['role'] %}"
        "{{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else '') }}"
        "{{ message['content'] | trim }}"
        "{{ '<end_of_turn>\n' }}"
        "{% endfor %}"
    )
