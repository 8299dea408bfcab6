"""The fifth not-a-set evaluation set: the final held-out not-a-set set of the trust issue (11),
written last by a writer who never saw the parser, the generator, the bundled data or any other
set, and measured once. Every answer is "not a set": no exercise, no fields.
"""

from __future__ import annotations

from handwritten_checks import (
    DATA,
    INFERENCE_PROMPT,
    check_lines,
    check_only_stock_phrases_shared,
    load,
    norm,
)
from repvoice.data.bundled import default_test_path, default_train_path
from repvoice.data.dedupe import user_text
from repvoice.data.formats.openai import check_openai

PATH = DATA / "offtopic_eval_5.jsonl"
COUNT = 200


def test_every_line_is_a_chat_record() -> None:
    check_lines(PATH, COUNT)


def test_every_answer_is_not_a_set() -> None:
    records, labels = load(PATH)
    assert len({norm(user_text(r)) for r in records}) == COUNT
    for record, label in zip(records, labels, strict=True):
        assert check_openai(record) == []
        assert [m["content"] for m in record["messages"][:1]] == [INFERENCE_PROMPT]
        assert record["messages"][2]["content"] == '{"confidence": 0.1}'
        assert label.exercise_name is None and label.exercise_id is None


def test_covers_the_kinds() -> None:
    users = [norm(user_text(r)) for r in load(PATH)[0]]
    assert sum(u.endswith("?") or u.split()[0] in {"how", "what", "is", "do"} for u in users) >= 30
    assert sum(any(w in u for w in ("timer", "next", "skip", "undo")) for u in users) >= 12
    words = ("bench", "squat", "deadlift", "curl", "row", "press", "lunge")
    assert sum(any(w in u for w in words) for u in users) >= 40
    assert sum(any(c.isdigit() for c in u) for u in users) >= 25


def test_shares_only_stock_phrases_with_other_data() -> None:
    others = sorted(p for p in DATA.glob("*.jsonl") if p != PATH)
    check_only_stock_phrases_shared(
        load(PATH)[0], (default_train_path(), default_test_path(), *others), 0.07
    )
