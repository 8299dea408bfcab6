"""`compute_stats` on a hand-made file: every number checked against values worked out by hand.

tests/fixtures/stats/twelve.jsonl has 15 lines: 12 chat records and 3 lines that are not
(4: not JSON, 9: a JSON array, 14: `messages` is a string).

Token counts per record (o200k_base; content tokens from tiktoken, framing as OpenAI's cookbook:
3 per message + 1 for the role + 3 for the reply primer):

    line  system user assistant | total assistant prompt
      1     19    11     52     |   97      52       41
      2     19     8     46     |   88      46       38
      3     48     5     46     |  114      46       64   (system prompt has a Context suffix)
      5     19    11     52     |   97      52       41   (exact duplicate of line 1)
      6     19    14     52     |  100      52       44   (near duplicate of line 1)
      7     19     5     30     |   69      30       35
      8     19    13     57     |  104      57       43
     10      4    15     52     |   86      52       30   (the other system prompt)
     11     19     4     30     |   68      30       34
     12     19     6      3     |   43       3       36   (assistant is not JSON)
     13     19     2      6     |   42       6       32   (assistant is a JSON array)
     15      -     7     46     |   64      46       14   (no system message)
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SYSTEM, chat
from repvoice.data.issues import DataError
from repvoice.data.stats import (
    PHENOMENA,
    Distribution,
    Example,
    Phenomenon,
    compute_stats,
    quantile,
    register_phenomenon,
    scan_tokens,
    split_context,
)
from repvoice.data.tokens import count_assistant, count_messages

FIXTURE = Path(__file__).parent / "fixtures" / "stats" / "twelve.jsonl"
TOTALS = [97, 88, 114, 97, 100, 69, 104, 86, 68, 43, 42, 64]
ASSISTANT = [52, 46, 46, 52, 52, 30, 57, 52, 30, 3, 6, 46]
PROMPT = [41, 38, 64, 41, 44, 35, 43, 30, 34, 36, 32, 14]


@pytest.fixture(scope="module")
def stats() -> dict:
    return compute_stats(FIXTURE, "gpt-4o-mini").to_dict()


def test_records_and_unreadable_lines(stats: dict) -> None:
    assert stats["lines"] == 15
    assert stats["records"] == 12
    assert stats["unreadable"] == 3
    assert [(p["line"], p["code"]) for p in stats["problems"]] == [
        (4, "not_json"),
        (9, "not_object"),
        (14, "no_messages"),
    ]
    assert stats["problem_counts"] == {"not_json": 1, "not_object": 1, "no_messages": 1}


def test_messages_per_example(stats: dict) -> None:
    # eleven records of 3 messages, one of 2: sorted [2, 3 x 11]
    m = stats["messages"]
    assert (m["count"], m["min"], m["max"], m["sum"]) == (12, 2, 3, 35)
    assert m["p5"] == pytest.approx(2.55)  # h = 11 * 0.05 = 0.55 -> 2 + 0.55 * (3 - 2)
    assert m["p50"] == 3
    assert m["mean"] == pytest.approx(35 / 12)


def test_total_tokens(stats: dict) -> None:
    # sorted: 42 43 64 68 69 86 88 97 97 100 104 114
    t = stats["tokens_total"]
    assert (t["count"], t["min"], t["max"], t["sum"]) == (12, 42, 114, 972)
    assert t["p5"] == pytest.approx(42.55)  # h = 0.55: 42 + 0.55 * 1
    assert t["p50"] == pytest.approx(87.0)  # h = 5.5: 86 + 0.5 * 2
    assert t["p95"] == pytest.approx(108.5)  # h = 10.45: 104 + 0.45 * 10
    assert t["mean"] == pytest.approx(81.0)
    assert stats["token_limit"] == 65_536
    assert stats["over_token_limit"] == 0
    assert stats["encoding"] == "o200k_base"


def test_assistant_and_prompt_tokens(stats: dict) -> None:
    # sorted: 3 6 30 30 46 46 46 52 52 52 52 57
    a = stats["tokens_assistant"]
    assert (a["min"], a["max"], a["sum"]) == (3, 57, 472)
    assert a["p5"] == pytest.approx(4.65)  # 3 + 0.55 * 3
    assert a["p50"] == pytest.approx(46.0)
    assert a["p95"] == pytest.approx(54.25)  # 52 + 0.45 * 5
    assert a["mean"] == pytest.approx(472 / 12)
    assert stats["tokens_prompt"]["sum"] == 452


def test_token_counts_agree_with_the_token_module() -> None:
    scan = scan_tokens(FIXTURE)
    assert list(scan.total) == TOTALS
    assert list(scan.assistant) == ASSISTANT
    assert list(scan.prompt) == PROMPT
    records = [json.loads(line) for n, line in enumerate(FIXTURE.open(), 1) if n not in (4, 9, 14)]
    assert [count_messages(r["messages"]) for r in records] == TOTALS
    assert [count_assistant(r["messages"]) for r in records] == ASSISTANT


def test_roles(stats: dict) -> None:
    assert stats["roles"] == {"missing_system": 1, "missing_user": 0, "missing_assistant": 0}


def test_system_prompts_and_context(stats: dict) -> None:
    sp = stats["system_prompts"]
    assert sp["distinct"] == 2
    assert [(v["text"], v["count"]) for v in sp["variants"]] == [
        (SYSTEM, 10),  # lines 1-3, 5-8, 11-13; line 3's Context suffix is removed
        ("Parse workout sets.", 1),
    ]
    assert sp["variants"][0]["share"] == pytest.approx(10 / 12)
    assert sp["no_system"] == 1
    assert stats["context_suffix"] == {"records": 1, "share": pytest.approx(1 / 12), "unparsed": 0}


def test_answer_states(stats: dict) -> None:
    a = stats["answers"]
    assert a["states"] == {"workout": 10, "not_json": 1, "not_object": 1}
    assert a["workout_records"] == 10
    assert a["schema_invalid"] == 0


def test_exercises(stats: dict) -> None:
    a = stats["answers"]
    top = {(e["exercise_name"], e["exercise_id"]): e["count"] for e in a["top_exercises"]}
    assert top == {
        ("Barbell Bench Press", "bp"): 3,
        ("Barbell Back Squat", "sq"): 3,
        ("Pull Up", "pu"): 1,
        ("Dumbbell Curl", "cu"): 1,
        ("Deadlift", "dl"): 1,
        ("Plank", "pl"): 1,
    }
    assert a["distinct_exercise_names"] == 6
    assert a["distinct_exercise_ids"] == 6
    assert a["weight_units"] == {"lbs": 5, "kg": 3, "(none)": 2}


def test_numeric_fields(stats: dict) -> None:
    a = stats["answers"]
    w = a["weight"]
    # 225 x3, 100 x2, 30, 140, 225 (line 15)
    assert (w["count"], w["min"], w["max"]) == (8, 30, 225)
    assert w["mean"] == pytest.approx(1270 / 8)
    assert w["by_unit"]["lbs"]["histogram"] == {"25-50": 1, "225-250": 4}
    assert w["by_unit"]["kg"]["histogram"] == {"100-110": 2, "140-150": 1}
    reps = a["reps"]
    assert (reps["count"], reps["min"], reps["max"]) == (9, 3, 12)
    assert reps["mean"] == pytest.approx(66 / 9)
    assert reps["histogram"] == {"3": 1, "5": 2, "7": 1, "8": 3, "10": 1, "12": 1}
    rpe = a["rpe"]
    assert (rpe["count"], rpe["min"], rpe["max"], rpe["mean"]) == (4, 8, 9.5, 8.375)
    assert rpe["histogram"] == {"8": 3, "9.5": 1}
    assert (a["rir"]["count"], a["rir"]["histogram"]) == (1, {"2": 1})


def test_null_rates(stats: dict) -> None:
    a = stats["answers"]
    assert a["null_rate"] == {
        "exercise_id": 0.0,
        "exercise_name": 0.0,
        "weight": 0.2,
        "weight_unit": 0.2,
        "reps": 0.1,
        "sets": 0.9,
        "duration_seconds": 0.9,
        "rpe": 0.6,
        "rir": 0.9,
        "tempo": 1.0,
        "rest_seconds": 1.0,
        "notes": 1.0,
        "confidence": 0.0,
    }
    assert a["sets_present_rate"] == pytest.approx(0.1)
    assert a["unknown_fields"] == {}


def test_duplicates(stats: dict) -> None:
    d = stats["duplicates"]
    assert (d["user_texts"], d["exact"], d["near"], d["distinct"]) == (12, 1, 1, 10)
    assert [(e["line"], e["first_line"]) for e in d["examples"]["exact"]] == [(5, 1)]
    assert [(e["line"], e["first_line"]) for e in d["examples"]["near"]] == [(6, 1)]


def test_proportions(stats: dict) -> None:
    props = {p["name"]: (p["count"], p["total"]) for p in stats["proportions"]}
    # number words on lines 1, 5, 6 ("two twenty five ... eight") and 11 ("sixty")
    assert props["numbers_as_words"] == (4, 12)
    assert props["kg"] == (3, 8)  # lines 2, 3, 10 of the 8 weighted answers
    assert props["context_suffix"] == (1, 12)


def test_custom_phenomenon_and_registry() -> None:
    says_same = Phenomenon("says_same", "user says 'same'", "records", lambda e: "same" in e.user)
    result = compute_stats(FIXTURE, phenomena=[says_same]).to_dict()
    assert [(p["name"], p["count"], p["total"]) for p in result["proportions"]] == [
        ("says_same", 1, 12)
    ]
    with pytest.raises(ValueError, match="already registered"):
        register_phenomenon(Phenomenon("kg", "", "", lambda e: None))
    register_phenomenon(says_same)
    try:
        names = [p["name"] for p in compute_stats(FIXTURE).to_dict()["proportions"]]
        assert names[-1] == "says_same"
    finally:
        PHENOMENA.remove(says_same)


def test_split_context() -> None:
    assert split_context('A\n\nContext: {"reps": 5}') == ("A", {"reps": 5}, "json")
    assert split_context("A") == ("A", None, "none")
    assert split_context("A\n\nContext: not json") == ("A\n\nContext: not json", None, "unparsed")
    assert split_context("A\n\nContext: [1]")[2] == "unparsed"


def test_clean_file_and_schema_invalid(write_jsonl) -> None:
    path = write_jsonl(
        [
            chat("bench 225 for 8", {"exercise_name": "Bench", "weight": 225, "confidence": 2}),
            chat(
                "row 100 kg",
                {
                    "exercise_name": "Row",
                    "weight": 100,
                    "weight_unit": "kg",
                    "confidence": 0.9,
                    "mood": "good",
                },
            ),
        ]
    )
    s = compute_stats(path)
    d = s.to_dict()
    assert (s.records, s.unreadable) == (2, 0)
    # line 1: confidence over 1 and weight without a unit
    assert d["answers"]["schema_invalid"] == 2  # line 2 has an unknown field
    assert d["answers"]["schema_invalid_lines"] == [1, 2]
    assert d["answers"]["unknown_fields"] == {"mood": 1}
    assert d["answers"]["weight"]["by_unit"]["(no unit)"]["histogram"] == {"225-250": 1}


def test_unknown_model_uses_o200k_without_limit() -> None:
    s = compute_stats(FIXTURE, "gemini-2.5-flash")
    assert (s.encoding, s.token_limit) == ("o200k_base", None)
    assert s.tokens_total.sum == 972


def test_unusable_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        compute_stats(tmp_path / "missing.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(DataError, match="empty"):
        compute_stats(empty)


def test_example_view_of_a_workout() -> None:
    ex = Example(1, [], "x", None, None, None, "none", {"weight": 1}, "workout")
    assert ex.workout == {"weight": 1}


def test_distribution_of_nothing_and_one() -> None:
    assert Distribution.of([]).to_dict()["p50"] is None
    one = Distribution.of([7])
    assert (one.min, one.p5, one.p50, one.p95, one.max, one.mean) == (7, 7, 7, 7, 7, 7)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=300),
    st.sampled_from([0.0, 0.05, 0.5, 0.95, 1.0]),
)
def test_quantile_matches_numpy_linear(values: list[int], q: float) -> None:
    assert quantile(sorted(values), q) == pytest.approx(float(np.quantile(values, q)))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
_message = st.fixed_dictionaries(
    {"role": st.sampled_from(["system", "user", "assistant", "tool"]) | _json},
    optional={"content": _json | st.text(max_size=30), "name": _json, "weight": _json},
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_message, max_size=4) | _json, min_size=1, max_size=6))
def test_any_json_lines_are_counted_never_crash(tmp_path_factory, rows: list) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "data.jsonl"
    path.write_text(
        "\n".join(json.dumps({"messages": r} if isinstance(r, list) else r) for r in rows) + "\n"
    )
    s = compute_stats(path)
    assert s.records + s.unreadable == len(rows)
    assert s.tokens_total.count == s.records
    json.dumps(s.to_dict())


def test_slip_and_no_exercise_shares(tmp_path: Path) -> None:
    path = tmp_path / "slips.jsonl"
    answer = {"exercise_name": "Barbell Deadlift", "confidence": 0.9}
    records = [
        chat("dead lift 315 for 5", answer),
        chat("deadlift 315 for 5 raps", answer),
        chat("bench 225 at are pee e 8", answer),
        chat("225 for 8", {"confidence": 0.4}),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    shares = {p["name"]: p for p in compute_stats(path).to_dict()["proportions"]}
    assert (shares["speech_to_text_slips"]["count"], shares["speech_to_text_slips"]["total"]) == (
        3,
        4,
    )
    assert (shares["no_exercise"]["count"], shares["no_exercise"]["total"]) == (1, 4)
