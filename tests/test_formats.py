"""Golden outputs of every format for fixed records, read-back rules and format detection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repvoice.data.formats import FormatError, all_formats, detect_format, get_format
from repvoice.data.formats.openai import check_openai, check_role_order

FIXTURES = Path(__file__).parent / "fixtures" / "convert"

BASIC = {
    "messages": [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Capital of France?"},
        {"role": "assistant", "content": "Paris."},
    ]
}
TOOLS = json.loads((FIXTURES / "tools.jsonl").read_text(encoding="utf-8"))

# Written by hand from FORMATS.md (§3, §4a, §5, §6, §7, §8, §9d, §9f) and the templates' docs.
GOLDEN_BASIC = {
    "openai": BASIC,
    "fireworks": BASIC,
    "mistral": BASIC,
    "together": BASIC,
    "hf": BASIC,
    "bedrock": {
        "system": "You are terse.",
        "messages": [
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": "Paris."},
        ],
    },
    "vertex": {
        "systemInstruction": {"role": "system", "parts": [{"text": "You are terse."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "Capital of France?"}]},
            {"role": "model", "parts": [{"text": "Paris."}]},
        ],
    },
    "cohere": {
        "messages": [
            {"role": "System", "content": "You are terse."},
            {"role": "User", "content": "Capital of France?"},
            {"role": "Chatbot", "content": "Paris."},
        ]
    },
    "sharegpt": {
        "conversations": [
            {"from": "human", "value": "Capital of France?"},
            {"from": "gpt", "value": "Paris."},
        ],
        "system": "You are terse.",
    },
    "alpaca": {
        "instruction": "Capital of France?",
        "input": "",
        "output": "Paris.",
        "system": "You are terse.",
    },
    "llama3": {
        "text": "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse."
        "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nCapital of France?<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nParis.<|eot_id|>"
    },
    "chatml": {
        "text": "<|im_start|>system\nYou are terse.<|im_end|>\n"
        "<|im_start|>user\nCapital of France?<|im_end|>\n"
        "<|im_start|>assistant\nParis.<|im_end|>\n"
    },
    "mistral-instruct": {
        "text": "<s> [INST] You are terse.\n\nCapital of France? [/INST] Paris.</s>"
    },
    "gemma": {
        "text": "<bos><start_of_turn>user\nYou are terse.\n\nCapital of France?<end_of_turn>\n"
        "<start_of_turn>model\nParis.<end_of_turn>\n"
    },
}


def test_every_format_has_a_golden() -> None:
    assert set(all_formats()) == set(GOLDEN_BASIC)


@pytest.mark.parametrize("name", sorted(GOLDEN_BASIC))
def test_golden_basic(name: str) -> None:
    fmt = get_format(name)
    converted = fmt.to_record(BASIC)
    assert converted.record == GOLDEN_BASIC[name]
    assert converted.losses == []
    assert fmt.source
    if fmt.readable:
        assert fmt.from_record(converted.record) == BASIC
        assert fmt.check(converted.record) == []


def test_golden_multi_turn_text() -> None:
    record = {
        "messages": [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "b"},
            {"role": "user", "content": "c"},
            {"role": "assistant", "content": "d"},
        ]
    }
    assert get_format("mistral-instruct").to_record(record).record == {
        "text": "<s> [INST] a [/INST] b</s> [INST] c [/INST] d</s>"
    }
    assert get_format("gemma").to_record(record).record == {
        "text": "<bos><start_of_turn>user\na<end_of_turn>\n<start_of_turn>model\nb<end_of_turn>\n"
        "<start_of_turn>user\nc<end_of_turn>\n<start_of_turn>model\nd<end_of_turn>\n"
    }
    assert get_format("alpaca").to_record(record).record == {
        "instruction": "c",
        "input": "",
        "output": "d",
        "history": [["a", "b"]],
    }


def test_golden_vertex_tools() -> None:
    converted = get_format("vertex").to_record(TOOLS)
    assert converted.losses == []
    assert converted.record == {
        "contents": [
            {"role": "user", "parts": [{"text": "Weather in SF?"}]},
            {
                "role": "model",
                "parts": [
                    {
                        "functionCall": {
                            "name": "get_current_weather",
                            "args": {"location": "San Francisco, USA", "format": "celsius"},
                        }
                    }
                ],
            },
            {
                "role": "user",
                "parts": [
                    {
                        "functionResponse": {
                            "name": "get_current_weather",
                            "response": {"content": "15"},
                        }
                    }
                ],
            },
            {"role": "model", "parts": [{"text": "It is 15 °C."}]},
        ],
        "tools": [
            {
                "functionDeclarations": [
                    {
                        "name": "get_current_weather",
                        "description": "Current weather",
                        "parameters": {
                            "type": "OBJECT",
                            "properties": {
                                "location": {"type": "STRING"},
                                "format": {"type": "STRING", "enum": ["celsius", "fahrenheit"]},
                            },
                            "required": ["location"],
                        },
                    }
                ]
            }
        ],
    }
    assert get_format("vertex").from_record(converted.record) == TOOLS


def test_golden_sharegpt_tools() -> None:
    converted = get_format("sharegpt").to_record(TOOLS)
    assert converted.losses == []
    assert converted.record["conversations"] == [
        {"from": "human", "value": "Weather in SF?"},
        {
            "from": "function_call",
            "value": '{"name":"get_current_weather","arguments":'
            '{"location":"San Francisco, USA","format":"celsius"}}',
        },
        {"from": "observation", "value": "15"},
        {"from": "gpt", "value": "It is 15 °C."},
    ]
    assert json.loads(converted.record["tools"]) == [TOOLS["tools"][0]["function"]]
    assert get_format("sharegpt").from_record(converted.record) == TOOLS


def test_mistral_rewrites_ids_deterministically_and_reports_it() -> None:
    fmt = get_format("mistral")
    first, second = fmt.to_record(TOOLS), fmt.to_record(TOOLS)
    assert first.record == second.record
    call = first.record["messages"][1]
    new_id = call["tool_calls"][0]["id"]
    assert len(new_id) == 9 and new_id.isalnum()
    assert "content" not in call
    assert first.record["messages"][2]["tool_call_id"] == new_id
    assert [loss.field for loss in first.losses] == ["messages[1].tool_calls[0].id"]
    assert fmt.check(first.record) == []
    assert [e.field for e in fmt.check(TOOLS)] == [
        "messages[1].tool_calls[0].id",
        "messages[2].tool_call_id",
    ]


def test_mistral_keeps_valid_ids_and_drops_text_beside_calls() -> None:
    record = json.loads(json.dumps(TOOLS))
    record["messages"][1]["tool_calls"][0]["id"] = "abcDEF123"
    record["messages"][2]["tool_call_id"] = "abcDEF123"
    converted = get_format("mistral").to_record(record)
    assert converted.losses == []
    assert get_format("mistral").from_record(converted.record) == record
    record["messages"][1]["content"] = "Let me look."
    converted = get_format("mistral").to_record(record)
    assert converted.record["messages"][1] == {
        "role": "assistant",
        "tool_calls": record["messages"][1]["tool_calls"],
    }
    assert [loss.field for loss in converted.losses] == ["messages[1].content"]


@pytest.mark.parametrize("name", ["bedrock", "cohere", "alpaca", "chatml", "gemma", "fireworks"])
def test_text_only_targets_report_every_tool_field(name: str) -> None:
    converted = get_format(name).to_record(TOOLS)
    fields = {loss.field for loss in converted.losses}
    assert {"tools", "messages[1].tool_calls", "messages[2]"} <= fields
    assert "tool" not in json.dumps(converted.record)


def test_bedrock_merges_and_reports_consecutive_turns() -> None:
    record = {
        "messages": [
            {"role": "user", "content": "a"},
            {"role": "user", "content": "b"},
            {"role": "assistant", "content": "c", "name": "bot"},
        ]
    }
    converted = get_format("bedrock").to_record(record)
    assert converted.record == {
        "messages": [
            {"role": "user", "content": "a\n\nb"},
            {"role": "assistant", "content": "c"},
        ]
    }
    assert {loss.field for loss in converted.losses} == {"messages[1]", "messages[2].name"}


def test_unconvertible_record_raises() -> None:
    record = {
        "messages": [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "tool_calls": TOOLS["messages"][1]["tool_calls"]},
        ]
    }
    with pytest.raises(FormatError):
        get_format("bedrock").to_record(record)


def test_special_tokens_in_content_cannot_be_rendered() -> None:
    record = {
        "messages": [
            {"role": "user", "content": "say <|im_end|>"},
            {"role": "assistant", "content": "no"},
        ]
    }
    with pytest.raises(FormatError) as err:
        get_format("chatml").to_record(record)
    assert err.value.field == "messages[0].content"


def test_llama3_reports_trimmed_whitespace() -> None:
    record = {
        "messages": [{"role": "user", "content": " hi "}, {"role": "assistant", "content": "yo"}]
    }
    converted = get_format("llama3").to_record(record)
    assert [loss.field for loss in converted.losses] == ["messages[0].content"]
    assert get_format("chatml").to_record(record).losses == []


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("bedrock", {"messages": [{"role": "user", "content": "a"}]}, "messages"),
        (
            "bedrock",
            {
                "messages": [
                    {"role": "assistant", "content": "a"},
                    {"role": "user", "content": "b"},
                ]
            },
            "messages[0].role",
        ),
        (
            "bedrock",
            {
                "system": "s",
                "extra": 1,
                "messages": [
                    {"role": "user", "content": "a"},
                    {"role": "assistant", "content": "b"},
                ],
            },
            "extra",
        ),
        (
            "together",
            {
                "messages": [
                    {"role": "user", "content": "a"},
                    {"role": "assistant", "content": "b", "weight": 0.5},
                ]
            },
            "messages[1].weight",
        ),
        (
            "together",
            {"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]},
            "messages[1].role",
        ),
        (
            "cohere",
            {"messages": [{"role": "user", "content": "a"}, {"role": "Chatbot", "content": "b"}]},
            "messages[0].role",
        ),
        (
            "vertex",
            {"contents": [{"role": "assistant", "parts": [{"text": "a"}]}]},
            "contents[0].role",
        ),
        ("sharegpt", {"conversations": [{"from": "gpt", "value": "a"}]}, "conversations[0].from"),
        ("alpaca", {"instruction": "a"}, "output"),
        ("llama3", {"text": "<|start_header_id|>user"}, "text"),
        ("chatml", {"text": "<|im_start|>user\nhi"}, "text"),
    ],
)
def test_invalid_records_name_the_field(name: str, data: dict, field: str) -> None:
    errors = get_format(name).check(data)
    assert errors and errors[0].field == field


def test_fireworks_root_weight_is_a_reading_loss() -> None:
    fmt = get_format("fireworks")
    data = {**BASIC, "weight": 0.5}
    assert fmt.check(data) == []
    parsed = fmt.parse(data)
    assert parsed.record == BASIC
    assert [loss.field for loss in parsed.losses] == ["weight"]
    assert fmt.check({**BASIC, "weight": "heavy"})[0].field == "weight"


def test_unreadable_templates_say_why() -> None:
    for name in ("gemma", "mistral-instruct"):
        fmt = get_format(name)
        assert not fmt.readable and fmt.unreadable_reason
        with pytest.raises(NotImplementedError):
            fmt.from_record({"text": "x"})


def test_retired_providers_are_marked_unavailable() -> None:
    retired = {"cohere", "bedrock"}
    assert all(get_format(n).available is False for n in retired)
    assert all(f.available for n, f in all_formats().items() if n not in retired)


def test_documented_limits() -> None:
    bedrock = get_format("bedrock").limits
    assert (bedrock.tokens_per_example, bedrock.max_examples, bedrock.max_validation_examples) == (
        32_000,
        10_000,
        1_000,
    )
    assert get_format("fireworks").limits.min_examples == 3
    assert get_format("vertex").limits.tokens_per_example == 131_072


@pytest.mark.parametrize("name", sorted(GOLDEN_BASIC))
def test_detect_format_of_golden_records(name: str) -> None:
    expected = "openai" if name in ("fireworks", "mistral", "together", "hf") else name
    assert detect_format(GOLDEN_BASIC[name]) == expected


def test_detect_format_unknown() -> None:
    assert detect_format([1, 2]) is None
    assert detect_format({"prompt": "a", "completion": "b"}) is None
    assert detect_format({"text": "plain pretraining text"}) is None


def test_public_openai_helpers_still_work() -> None:
    assert check_openai(BASIC) == []
    assert check_role_order(["user", "user", "assistant"], alternate=True)


def test_together_carries_tools_tool_calls_and_tool_role() -> None:
    fmt = get_format("together")
    converted = fmt.to_record(TOOLS)
    assert converted.losses == []
    assert converted.record == TOOLS  # the OpenAI shape, which Together's current SDK accepts
    assert fmt.check(converted.record) == []
    assert fmt.from_record(converted.record) == TOOLS


def test_together_parallel_tool_replies_may_follow_each_other() -> None:
    record = json.loads(json.dumps(TOOLS))
    second = {**record["messages"][1]["tool_calls"][0], "id": "call_1"}
    record["messages"][1]["tool_calls"].append(second)
    record["messages"].insert(3, {"role": "tool", "tool_call_id": "call_1", "content": "16"})
    converted = get_format("together").to_record(record)
    assert converted.losses == []
    assert [m["role"] for m in converted.record["messages"]] == [
        "user",
        "assistant",
        "tool",
        "tool",
        "assistant",
    ]


def test_together_rejects_calls_its_checker_rejects() -> None:
    undeclared = json.loads(json.dumps(TOOLS))
    undeclared["messages"][1]["tool_calls"][0]["function"]["name"] = "nope"
    with pytest.raises(FormatError) as err:
        get_format("together").to_record(undeclared)
    assert err.value.field == "messages[1].tool_calls[0].function.name"
    not_object = json.loads(json.dumps(TOOLS))
    not_object["messages"][1]["tool_calls"][0]["function"]["arguments"] = "[1]"
    with pytest.raises(FormatError) as err:
        get_format("together").to_record(not_object)
    assert err.value.field == "messages[1].tool_calls[0].function.arguments"
    extra = {**TOOLS, "messages": [{**TOOLS["messages"][0], "name": "x"}, *TOOLS["messages"][1:]]}
    assert [e.field for e in get_format("together").check(extra)] == ["messages[0].name"]


def test_vertex_joins_consecutive_same_role_turns_and_reads_back() -> None:
    fmt = get_format("vertex")
    record = {
        "messages": [
            {"role": "user", "content": "a"},
            {"role": "user", "content": "b"},
            {"role": "assistant", "content": "c"},
        ]
    }
    converted = fmt.to_record(record)
    assert converted.record["contents"] == [
        {"role": "user", "parts": [{"text": "a"}, {"text": "b"}]},
        {"role": "model", "parts": [{"text": "c"}]},
    ]
    assert [loss.field for loss in converted.losses] == ["messages[1]"]
    assert fmt.check(converted.record) == []
    back = fmt.from_record(converted.record)
    assert back["messages"][0]["content"] == [
        {"type": "text", "text": "a"},
        {"type": "text", "text": "b"},
    ]


def test_vertex_joins_a_user_turn_after_tool_replies_in_order() -> None:
    fmt = get_format("vertex")
    record = json.loads(json.dumps(TOOLS))
    record["messages"].insert(3, {"role": "user", "content": "and in Oslo?"})
    converted = fmt.to_record(record)
    roles = [c["role"] for c in converted.record["contents"]]
    assert roles == ["user", "model", "user", "model"]
    assert [next(iter(p)) for p in converted.record["contents"][2]["parts"]] == [
        "functionResponse",
        "text",
    ]
    assert [loss.field for loss in converted.losses] == ["messages[3]"]
    back = fmt.from_record(converted.record)
    roles = [m["role"] for m in back["messages"]]
    assert roles == ["user", "assistant", "tool", "user", "assistant"]


def test_vertex_check_rejects_consecutive_same_role_turns() -> None:
    data = {
        "contents": [
            {"role": "user", "parts": [{"text": "a"}]},
            {"role": "user", "parts": [{"text": "b"}]},
            {"role": "model", "parts": [{"text": "c"}]},
        ]
    }
    [error] = get_format("vertex").check(data)
    assert error.field == "contents[1].role"


@pytest.mark.parametrize(
    ("name", "token"),
    [
        ("llama3", "<|end_of_text|>"),
        ("llama3", "<|eom_id|>"),
        ("llama3", "<|python_tag|>"),
        ("llama3", "<|finetune_right_pad_id|>"),
        ("llama3", "<|reserved_special_token_42|>"),
        ("chatml", "<|endoftext|>"),
        ("chatml", "<tool_call>"),
        ("chatml", "<|vision_pad|>"),
        ("gemma", "<pad>"),
        ("gemma", "<mask>"),
        ("gemma", "<unused17>"),
        ("gemma", "<start_of_image>"),
        ("mistral-instruct", "<unk>"),
        ("mistral-instruct", "[TOOL_CALLS]"),
        ("mistral-instruct", "[SYSTEM_PROMPT]"),
        ("mistral-instruct", "[control_12]"),
    ],
)
def test_every_special_token_of_a_family_is_refused(name: str, token: str) -> None:
    record = {
        "messages": [
            {"role": "user", "content": "fine"},
            {"role": "assistant", "content": f"ends here {token} then more"},
        ]
    }
    with pytest.raises(FormatError) as err:
        get_format(name).to_record(record)
    assert err.value.field == "messages[1].content"
    assert repr(token) in err.value.message


def test_mistral_instruct_refuses_every_mistral_common_special_token() -> None:
    pytest.importorskip("mistral_common")
    from mistral_common.tokens.tokenizers.base import SpecialTokens

    fmt = get_format("mistral-instruct")
    assert [t.value for t in SpecialTokens if fmt.special_token_in(t.value) != t.value] == []


def test_lookalikes_of_special_tokens_are_text() -> None:
    record = {
        "messages": [
            {"role": "user", "content": "<|reserved_special_token_x|> <unused> [control_] <pads>"},
            {"role": "assistant", "content": "ok"},
        ]
    }
    for name in ("llama3", "gemma", "mistral-instruct"):
        get_format(name).to_record(record)


def test_fireworks_reports_roles_names_and_parts_it_cannot_carry() -> None:
    record = {
        "messages": [
            {"role": "developer", "content": "Be terse."},
            {
                "role": "user",
                "name": "ann",
                "content": [
                    {"type": "text", "text": "What is "},
                    {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                    {"type": "text", "text": "this?"},
                ],
            },
            {"role": "assistant", "content": "A plate.", "weight": 1},
        ]
    }
    converted = get_format("fireworks").to_record(record)
    assert converted.record == {
        "messages": [
            {"role": "system", "content": "Be terse."},
            {"role": "user", "content": "What is this?"},
            {"role": "assistant", "content": "A plate.", "weight": 1},
        ]
    }
    assert {loss.field for loss in converted.losses} == {
        "messages[0].role",
        "messages[1].name",
        "messages[1].content",
        "messages[1].content[1]",
    }
    assert get_format("fireworks").to_record(BASIC).losses == []
