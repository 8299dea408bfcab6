"""Mistral instruct text (tokenizer V1): `<s>`, then ` [INST] {user} [/INST] {assistant}</s>` per
exchange, the system prompt folded into the first user turn as `{system}\\n\\n{user}`, byte for
byte what mistral-common's `InstructTokenizerV1` encodes.

mistral-common encodes each `[INST] ... [/INST]` and each reply as its own SentencePiece piece
of text, and SentencePiece starts every piece with a space (its "dummy prefix"), so the text has
a space before every `[INST]` and before every reply. Read back with that tokenizer (no dummy
prefix, `<s>`/`</s>` as control tokens) it gives mistral-common's token ids exactly.

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
    # mistral-common's SpecialTokens (tokens/tokenizers/base.py) and the control pieces of its
    # bundled SentencePiece V1-V7 models: V1 reads [INST] as text, but V3 and later as a token,
    # and either way it would forge a turn.
    special_tokens = (
        "<unk>",
        "<s>",
        "</s>",
        "<pad>",
        "[INST]",
        "[/INST]",
        "[AVAILABLE_TOOLS]",
        "[/AVAILABLE_TOOLS]",
        "[TOOL_RESULTS]",
        "[/TOOL_RESULTS]",
        "[TOOL_CALLS]",
        "[TOOL_CONTENT]",
        "[ARGS]",
        "[CALL_ID]",
        "[IMG]",
        "[IMG_BREAK]",
        "[IMG_END]",
        "[PREFIX]",
        "[MIDDLE]",
        "[SUFFIX]",
        "[SYSTEM_PROMPT]",
        "[/SYSTEM_PROMPT]",
        "[AUDIO]",
        "[BEGIN_AUDIO]",
        "[TRANSCRIBE]",
        "[THINK]",
        "[/THINK]",
        "[MODEL_SETTINGS]",
        "[/MODEL_SETTINGS]",
        "[STREAMING_PAD]",
        "[STREAMING_WORD]",
        "[NEXT_AUDIO_TEXT]",
        "[REPEAT_AUDIO_TEXT]",
        "[REF]",
        "[/REF]",
    )
    special_pattern = r"\[control_\d+\]|\[REFERENCE_DOC_\d+\]|<SPECIAL_\d+>"
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
        "{{ ' [INST] ' + system + '\n\n' + message['content'] + ' [/INST]' }}"
        "{% else %}{{ ' [INST] ' + message['content'] + ' [/INST]' }}{% endif %}"
        "{% else %}{{ ' ' + message['content'] + eos_token }}{% endif %}"
        "{% endfor %}"
    )
