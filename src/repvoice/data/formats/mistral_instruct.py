"""Mistral instruct text (tokenizer V1 layout): `<s>[INST] {user} [/INST] {assistant}</s>` per
exchange, the system prompt folded into the first user turn as `{system}\\n\\n{user}`, as
mistral-common does for V1.

Not readable: once folded, the system prompt cannot be told apart from the user's words.
"""

from __future__ import annotations

from repvoice.data.formats._template import TemplateFormat
from repvoice.data.formats.registry import register


@register
class MistralInstructFormat(TemplateFormat):
    name = "mistral-instruct"
    title = "Mistral instruct chat-template text"
    source = (
        "mistralai/cookbook concept-deep-dive/tokenization/templates.md (tokenizer V1); "
        "mistral-common InstructTokenizerV1"
    )
    readable = False
    unreadable_reason = "the system prompt is folded into the first user turn"
    bos_token = "<s>"
    eos_token = "</s>"
    special_tokens = ("<s>", "</s>", "[INST]", "[/INST]")
    alternates = True
    template = (
        "{% if messages[0]['role'] == 'system' %}"
        "{% set system = messages[0]['content'] %}{% set loop_messages = messages[1:] %}"
        "{% else %}{% set system = '' %}{% set loop_messages = messages %}{% endif %}"
        "{{ bos_token }}"
        "{% for message in loop_messages %}"
        "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant') }}"
        "{% endif %}"
        "{% if message['role'] == 'user' %}"
        "{% if loop.first and system %}"
        "{{ '[INST] ' + system + '\n\n' + message['content'] + ' [/INST]' }}"
        "{% else %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% endif %}"
        "{% else %}{{ ' ' + message['content'] + eos_token }}{% endif %}"
        "{% endfor %}"
    )
