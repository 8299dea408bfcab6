"""Batch input reading: one request (or one error) per line, in order, for every input form."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from repvoice.parser.batch import (
    MAX_TEXT_CHARS,
    error_result,
    iter_requests,
    read_request,
    result_dict,
)
from repvoice.schema import FIELD_ORDER, Alternative, ParseResult

CONTEXT = {"exercise_name": "Barbell Bench Press", "weight": 225, "weight_unit": "lbs", "reps": 8}


def _chat_line(user: str, context: dict | str | None) -> str:
    system = "You parse workout transcripts."
    if context is not None:
        suffix = context if isinstance(context, str) else json.dumps(context)
        system += "\n\nContext: " + suffix
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return json.dumps({"messages": messages})


def test_every_form_and_every_broken_line_in_order(tmp_path: Path) -> None:
    lines = [
        "bench press 225 for 8",
        json.dumps({"text": "same weight for 6", "context": CONTEXT}),
        _chat_line("same again", {"current_exercise_id": "abc", "last_weight": 100}),
        "",
        '{"text": "bad',
        "[1, 2]",
        "a" * 600,
        json.dumps({"text": "squat", "context": {"weight": "heavy"}}),
        json.dumps({"note": "no text here"}),
        "  deadlift 405 for 3  ",
    ]
    path = tmp_path / "in.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_requests(path))
    assert [i.line for i in items] == list(range(1, len(lines) + 1))
    assert [i.text for i in items] == [
        "bench press 225 for 8",
        "same weight for 6",
        "same again",
        None,
        None,
        None,
        None,
        None,
        None,
        "deadlift 405 for 3",
    ]
    assert items[0].context is None and items[0].ok
    assert items[1].context is not None and items[1].context.weight == 225
    assert items[2].context is not None
    assert (items[2].context.exercise_id, items[2].context.weight) == ("abc", 100)
    errors = [i.error for i in items]
    assert errors[3] == "empty line"
    assert errors[4] is not None and errors[4].startswith("not valid JSON")
    assert errors[5] == "expected a JSON object, got an array"
    assert errors[6] == f"text is 600 characters (at most {MAX_TEXT_CHARS})"
    assert errors[7] is not None and errors[7].startswith("context: weight:")
    assert errors[8] == 'JSON object has no "text" (or "messages")'
    # byte offsets grow to the file size (the progress bar's position)
    assert items[-1].end == path.stat().st_size
    assert all(a.end < b.end for a, b in pairwise(items))


def test_bom_crlf_and_bad_utf8(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(b"\xef\xbb\xbfbench 225 for 8\r\n\xff\xfe squat\r\nrow 135 for 10")
    items = list(iter_requests(path))
    assert items[0].text == "bench 225 for 8"
    assert items[1].error == "not UTF-8 text (byte 1)"
    assert items[2].text == "row 135 for 10"


def test_text_length_limit_is_inclusive() -> None:
    assert read_request("a" * MAX_TEXT_CHARS)[0] == "a" * MAX_TEXT_CHARS
    assert read_request("a" * (MAX_TEXT_CHARS + 1))[2] is not None


def test_json_variants() -> None:
    assert read_request('{"transcript": "bench 225"}')[:2] == ("bench 225", None)
    assert read_request('{"text": null, "transcript": "bench 225"}')[0] == "bench 225"
    assert read_request('{"text": 5}')[2] == '"text" must be a string, got a number'
    assert read_request('{"text": "   "}')[2] == "empty text"
    assert read_request('{"text": "x", "context": [1]}')[2] == (
        "context: must be a JSON object, got an array"
    )
    assert read_request('{"text": "x", "context": null}')[:2] == ("x", None)
    assert read_request('{"messages": "hi"}')[2] == '"messages" must be a list, got a string'
    # a plain line that merely mentions braces later is still text
    assert read_request("bench {heavy}")[0] == "bench {heavy}"


def test_chat_variants() -> None:
    assert read_request(_chat_line("bench 225", None))[:2] == ("bench 225", None)
    assert read_request(_chat_line("bench", "{not json"))[2] == (
        "system turn's Context suffix is not a JSON object"
    )
    assert read_request(_chat_line("bench", {"reps": -1}))[2] is not None
    no_user = json.dumps({"messages": [{"role": "system", "content": "x"}]})
    assert read_request(no_user)[2] == "chat record has no user turn with text"


def test_missing_file_raises_oserror(tmp_path: Path) -> None:
    try:
        list(iter_requests(tmp_path / "nope.txt"))
    except OSError:
        return
    raise AssertionError("expected OSError")


@settings(max_examples=60)
@given(
    st.lists(
        st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\n")),
        max_size=12,
    )
)
def test_one_item_per_line_whatever_the_text(lines: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.txt"
        path.write_bytes("".join(line + "\n" for line in lines).encode("utf-8"))
        items = list(iter_requests(path))
    assert [i.line for i in items] == list(range(1, len(lines) + 1))
    for item in items:
        assert (item.text is None) == (item.error is not None)


def test_result_dict_is_the_app_shape() -> None:
    result = ParseResult(
        exercise_id="x",
        exercise_name="Barbell Bench Press",
        weight=225.0,
        weight_unit="lbs",
        reps=8,
        rpe=8.5,
        confidence=0.7,
        requires_confirmation=True,
    )
    out = result_dict(result)
    assert list(out) == [
        "exercise_id",
        "exercise_name",
        "weight",
        "weight_unit",
        "reps",
        "rpe",
        "confidence",
        "requires_confirmation",
    ]
    assert out["weight"] == 225 and isinstance(out["weight"], int)
    assert out["rpe"] == 8.5
    assert [k for k in out if k in FIELD_ORDER] == [k for k in FIELD_ORDER if k in out]

    alt = Alternative(exercise_id="y", exercise_name="Dumbbell Bench Press", score=0.8)
    with_alt = result_dict(result.model_copy(update={"alternatives": [alt]}))
    assert with_alt["alternatives"] == [
        {"exercise_id": "y", "exercise_name": "Dumbbell Bench Press", "score": 0.8}
    ]


def test_error_result() -> None:
    assert result_dict(error_result("empty line")) == {
        "confidence": 0.0,
        "requires_confirmation": True,
        "error": "empty line",
    }
