"""Formats checked against the providers' own tools: mistral-common's tokenizer and validator,
and a real Llama 3.1 chat template rendered the way transformers 4.5x renders it."""

from __future__ import annotations

import functools
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Template
from jinja2.exceptions import TemplateError
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

from repvoice.data.bundled import default_train_path
from repvoice.data.convert import convert_file
from repvoice.data.formats import get_format

FIXTURES = Path(__file__).parent / "fixtures"
TOOLS = json.loads((FIXTURES / "convert" / "tools.jsonl").read_text(encoding="utf-8"))
BUNDLED = [json.loads(line) for line in default_train_path().read_text("utf-8").splitlines()]
MULTI_TURN = [
    {
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "3 sets of 5 squats"},
            {"role": "assistant", "content": '{"reps": 5}'},
            {"role": "user", "content": " and 100 kilos "},
            {"role": "assistant", "content": "  spaced\nreply "},
        ]
    },
    {
        "messages": [
            {"role": "system", "content": "one"},
            {"role": "system", "content": "two"},
            {"role": "user", "content": "a"},
            {"role": "user", "content": "b"},
            {"role": "assistant", "content": "c"},
            {"role": "assistant", "content": "d"},
            {"role": "user", "content": "ünïcödé 💪"},
            {"role": "assistant", "content": "ok"},
        ]
    },
    {"messages": [{"role": "user", "content": "no system"}, {"role": "assistant", "content": "x"}]},
]


# --- mistral-instruct against mistral-common's own V1 encoding ---------------------------------


@pytest.fixture(scope="module")
def mistral_v1() -> tuple[Any, Any]:
    """(mistral-common's V1 tokenizer in finetuning mode, the same SentencePiece model reading
    text literally: no dummy prefix, `<s>`/`</s>` as their control ids)."""
    mistral_common = pytest.importorskip("mistral_common")
    pytest.importorskip("google.protobuf")
    import sentencepiece
    from mistral_common.protocol.instruct.validator import ValidationMode
    from mistral_common.tokens.tokenizers.mistral import MistralTokenizer
    from sentencepiece import sentencepiece_model_pb2

    path = Path(mistral_common.__file__).parent / "data" / "tokenizer.model.v1"
    model = sentencepiece_model_pb2.ModelProto()
    model.ParseFromString(path.read_bytes())
    model.normalizer_spec.add_dummy_prefix = False
    literal = sentencepiece.SentencePieceProcessor(model_proto=model.SerializeToString())
    return MistralTokenizer.from_file(str(path), mode=ValidationMode.finetuning), literal


def literal_ids(text: str, sp: Any) -> list[int]:
    ids: list[int] = []
    for piece in re.split(r"(<s>|</s>)", text):
        if piece == "<s>":
            ids.append(sp.bos_id())
        elif piece == "</s>":
            ids.append(sp.eos_id())
        elif piece:
            ids.extend(sp.encode(piece))
    return ids


def mistral_common_ids(record: dict[str, Any], tokenizer: Any) -> list[int]:
    from mistral_common.protocol.instruct.request import ChatCompletionRequest

    request = ChatCompletionRequest(messages=record["messages"])
    return tokenizer.encode_chat_completion(request).tokens


def test_mistral_instruct_matches_mistral_common_token_ids(mistral_v1: tuple[Any, Any]) -> None:
    tokenizer, sp = mistral_v1
    fmt = get_format("mistral-instruct")
    # Every third bundled record (system prompt + user + reply) and hand-made multi-turn ones:
    # leading/trailing spaces, several system prompts, merged same-role turns, non-ASCII.
    records = [*BUNDLED[::3], *MULTI_TURN]
    mismatched = []
    for n, record in enumerate(records):
        text = fmt.to_record(record).record["text"]
        if literal_ids(text, sp) != mistral_common_ids(record, tokenizer):
            mismatched.append(n)
    assert mismatched == []
    assert len(records) > 1_000


def test_mistral_instruct_text_has_the_v1_spaces(mistral_v1: tuple[Any, Any]) -> None:
    tokenizer, sp = mistral_v1
    record = MULTI_TURN[0]
    text = get_format("mistral-instruct").to_record(record).record["text"]
    assert text == (
        '<s> [INST] You are terse.\n\n3 sets of 5 squats [/INST] {"reps": 5}</s>'
        " [INST]  and 100 kilos  [/INST]   spaced\nreply </s>"
    )
    # The text mistral-common decodes its own ids to, with SentencePiece's ▁ as a space.
    expected = tokenizer.instruct_tokenizer.decode(
        mistral_common_ids(record, tokenizer), special_token_policy=_keep()
    )
    assert text == expected.replace("▁", " ").replace("<0x0A>", "\n")
    # Without the space before [INST] (the old output) the ids differ.
    assert literal_ids(text.replace(" [INST]", "[INST]"), sp) != literal_ids(text, sp)


def _keep() -> Any:
    from mistral_common.tokens.tokenizers.base import SpecialTokenPolicy

    return SpecialTokenPolicy.KEEP


# --- mistral JSONL against mistral-common's validator and V3 encoder ---------------------------


def mistral_v3_accepts(record: dict[str, Any]) -> None:
    """Raises unless mistral-common validates (finetuning mode) and encodes `record`."""
    mistral_common = pytest.importorskip("mistral_common")
    from mistral_common.protocol.instruct.request import ChatCompletionRequest
    from mistral_common.protocol.instruct.validator import (
        MistralRequestValidatorV3,
        ValidationMode,
    )
    from mistral_common.tokens.tokenizers.mistral import MistralTokenizer

    request = ChatCompletionRequest(**record)
    MistralRequestValidatorV3(ValidationMode.finetuning).validate_request(request)
    path = Path(mistral_common.__file__).parent / "data"
    tokenizer = MistralTokenizer.from_file(
        str(path / "mistral_instruct_tokenizer_240323.model.v3"), mode=ValidationMode.finetuning
    )
    assert tokenizer.encode_chat_completion(request).tokens


def _content_and_calls() -> list[dict[str, Any]]:
    one = json.loads(json.dumps(TOOLS))
    one["messages"][1]["content"] = "Let me check."  # text and tool calls in one message
    two = json.loads(json.dumps(TOOLS))
    two["messages"].insert(1, {"role": "assistant", "content": "Let me check."})
    return [one, two]


@pytest.mark.parametrize("record", _content_and_calls(), ids=["one-message", "split-messages"])
def test_mistral_content_with_tool_calls_is_accepted_by_mistral_common(
    record: dict[str, Any],
) -> None:
    pytest.importorskip("mistral_common")
    fmt = get_format("mistral")
    converted = fmt.to_record(record)
    mistral_v3_accepts(converted.record)
    assert fmt.check(converted.record) == []
    assert "messages[1].content" in {loss.field for loss in converted.losses}
    assert "Let me check." not in json.dumps(converted.record)


def test_mistral_check_flags_text_next_to_tool_calls() -> None:
    split = {
        "messages": [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "content": "Let me check."},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "abcDEF123",
                        "type": "function",
                        "function": {"name": "get_current_weather", "arguments": "{}"},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "abcDEF123", "content": "15"},
            {"role": "assistant", "content": "15 °C."},
        ]
    }
    assert [e.field for e in get_format("mistral").check(split)] == ["messages[1].content"]
    with pytest.raises(ValueError, match="tool calls and content"):
        mistral_v3_accepts(split)


# --- hf rows under a real Llama 3.1 chat template ---------------------------------------------

LLAMA31 = (FIXTURES / "templates" / "llama-3.1-instruct.jinja").read_text(encoding="utf-8")


@functools.cache
def _llama31() -> Template:
    """The template compiled as transformers 4.5x's `_compile_jinja_template` compiles it: the
    same sandboxed environment, extensions, globals and filters."""

    def raise_exception(message: str) -> None:
        raise TemplateError(message)

    def tojson(x: Any, ensure_ascii: bool = False, indent: Any = None, **kw: Any) -> str:
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, **kw)

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env.from_string(LLAMA31)


def render_like_transformers_4_5x(messages: list[dict[str, Any]], **kwargs: Any) -> str:
    """`apply_chat_template(messages, tokenize=False)` as transformers 4.5x does it, with the
    messages passed as they are (transformers 5 drops `None` values first; 4.5x does not)."""
    return _llama31().render(
        messages=messages, add_generation_prompt=False, bos_token="<|begin_of_text|>", **kwargs
    )


def test_llama31_template_raises_on_null_keys() -> None:
    # The failure the old export caused: every message carried tool_calls (and more) as null.
    messages = [
        {"role": "user", "content": "hi", "tool_calls": None, "name": None},
        {"role": "assistant", "content": "yo", "tool_calls": None, "name": None},
    ]
    with pytest.raises(TypeError):
        render_like_transformers_4_5x(messages)


def _hf_rows(tmp_path: Path, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    datasets = pytest.importorskip("datasets")
    src, out = tmp_path / "in.jsonl", tmp_path / "ds"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = convert_file(src, out, to="hf")
    assert report.ok, report.problems
    return list(datasets.load_from_disk(str(out)))


def test_hf_plain_rows_render_with_llama31(tmp_path: Path) -> None:
    rows = _hf_rows(tmp_path, BUNDLED[:200])
    for row, record in zip(rows, BUNDLED[:200], strict=True):
        assert row["messages"] == record["messages"]  # role and content only, no null keys
        text = render_like_transformers_4_5x(row["messages"])
        assert record["messages"][2]["content"] in text


def test_hf_mixed_rows_keep_each_messages_own_keys(tmp_path: Path) -> None:
    weighted = {
        "messages": [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "b", "weight": 0},
            {"role": "user", "content": "c"},
            {"role": "assistant", "content": "d"},
        ]
    }
    one_call = json.loads(json.dumps(TOOLS))
    records = [one_call, weighted, BUNDLED[0]]
    rows = _hf_rows(tmp_path, records)
    for row, record in zip(rows, records, strict=True):
        assert row["messages"] == record["messages"]
        tools = json.loads(row["tools"]) if row.get("tools") else None
        text = render_like_transformers_4_5x(row["messages"], tools=tools)
        assert record["messages"][-1]["content"] in text
    assert '{"name": "get_current_weather", "parameters": ' in render_like_transformers_4_5x(
        rows[0]["messages"], tools=json.loads(rows[0]["tools"])
    )
