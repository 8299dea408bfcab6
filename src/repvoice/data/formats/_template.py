"""Rendered chat-template text (`{"text": "..."}`) for open models, the way `transformers`
renders it: a Jinja template over role/content messages.

Templates carry text turns only: tool calls, tool replies, names and weights are reported lost.
Content holding any special token of the model family's tokenizers cannot be written (it would
forge turns). Texts start with the family's BOS token unless written `without_bos()`.
"""

from __future__ import annotations

import copy
import re
from functools import cached_property
from typing import Any, ClassVar

from jinja2 import Template
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from repvoice.data.formats._common import (
    expect_keys,
    expect_object,
    merge_consecutive,
    plain_turns,
    require_chat,
)
from repvoice.data.formats.base import Converted, Format, FormatError, Loss, Record


def _raise(message: str) -> None:
    raise TemplateError(message)


class TemplateFormat(Format):
    """A chat template. Subclasses set the template, tokens and, if readable, `parse_text`."""

    template: ClassVar[str]
    bos_token: ClassVar[str] = ""
    eos_token: ClassVar[str] = ""
    #: Every special token of the family's tokenizers: content holding one would be read as
    #: that token, not as text.
    special_tokens: ClassVar[tuple[str, ...]]
    #: Families of numbered tokens (reserved or unused slots), as one regex.
    special_pattern: ClassVar[str | None] = None
    #: The template `trim`s message content, so outer whitespace does not survive.
    trims: ClassVar[bool] = False
    #: The template raises unless user and assistant turns alternate.
    alternates: ClassVar[bool] = False
    #: Whether the text starts with `bos_token`: False for trainers that add the BOS themselves
    #: when tokenizing (TRL's SFTTrainer), which would otherwise train on two.
    include_bos: bool = True

    def without_bos(self) -> TemplateFormat:
        """This format writing texts without the BOS token."""
        other = copy.copy(self)
        other.include_bos = False
        return other

    @cached_property
    def _template(self) -> Template:
        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        env.globals["raise_exception"] = _raise
        return env.from_string(self.template)

    @cached_property
    def _special_re(self) -> re.Pattern[str]:
        alternatives = [re.escape(t) for t in sorted(self.special_tokens, key=len, reverse=True)]
        if self.special_pattern:
            alternatives.insert(0, self.special_pattern)
        return re.compile("|".join(alternatives))

    def special_token_in(self, text: str) -> str | None:
        """The first special token of this family in `text`, or None."""
        found = self._special_re.search(text)
        return found.group(0) if found else None

    def render(self, messages: list[dict[str, str]]) -> str:
        """The training text for role/content messages."""
        bos = self.bos_token if self.include_bos else ""
        return self._template.render(messages=messages, bos_token=bos, eos_token=self.eos_token)

    def to_record(self, record: Record) -> Converted:
        turns, losses = plain_turns(record, self.title)
        if self.alternates:
            # Leading system turns are folded by the template; only the rest must alternate.
            head = [t for t in turns if t.role == "system"]
            if len(head) > 1:
                losses.append(
                    Loss(
                        f"messages[{head[1].index}]",
                        f"{self.title} holds one system prompt; joined",
                    )
                )
                head = [
                    head[0].__class__("system", "\n\n".join(t.content for t in head), head[0].index)
                ]
            turns = head + merge_consecutive(
                [t for t in turns if t.role != "system"], self.title, losses
            )
        require_chat(turns, self.title)
        for t in turns:
            at = f"messages[{t.index}].content"
            token = self.special_token_in(t.content)
            if token is not None:
                raise FormatError(at, f"contains the special token {token!r} of {self.title}")
            if self.trims and t.content != t.content.strip():
                losses.append(Loss(at, f"{self.title} trims outer whitespace"))
        try:
            text = self.render([{"role": t.role, "content": t.content} for t in turns])
        except TemplateError as exc:
            raise FormatError("messages", f"{self.title} template: {exc.message}") from None
        return self.verified(record, {"text": text}, losses)

    def text_of(self, data: Any) -> str:
        data = expect_object(data, None)
        expect_keys(data, {"text"}, None)
        text = data.get("text")
        if not isinstance(text, str) or not text:
            raise FormatError("text", "must be a non-empty string")
        return text


def split_turns(text: str, start: str, sep: str, end: str) -> list[tuple[str, str]]:
    """(role, content) pairs from `start role sep content end` repeated to the end of `text`."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if not text.startswith(start, pos):
            raise FormatError("text", f"expected {start!r} at character {pos}")
        head = pos + len(start)
        cut = text.find(sep, head)
        stop = text.find(end, head)
        if cut < 0 or stop < 0 or stop < cut:
            raise FormatError("text", f"unterminated turn at character {pos}")
        role = text[head:cut]
        if role not in ("system", "user", "assistant"):
            raise FormatError("text", f"unknown role {role!r} at character {pos}")
        out.append((role, text[cut + len(sep) : stop]))
        pos = stop + len(end)
    if not out:
        raise FormatError("text", "no turns")
    return out
