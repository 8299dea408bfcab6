"""The fifth typed-log evaluation set: the final held-out typed set of the trust issue (11),
written last by a writer who never saw the parser, the generator, the bundled data or any other
set, and measured once (aggregates only). Shorthand is labelled as in the first typed set.
"""

from __future__ import annotations

import re

from handwritten_checks import (
    DATA,
    check_conventions,
    check_follow_ups,
    check_format,
    check_lines,
    check_no_shared_text,
    load,
    norm,
)
from repvoice.data.bundled import default_test_path, default_train_path
from repvoice.data.dedupe import user_text

PATH = DATA / "typed_eval_5.jsonl"
COUNT = 200
_DISTANCE = re.compile(r"\b\d[\d,.]*\s*-?\s*(m|km|mi|mph|kph)\b")


def users() -> list[str]:
    return [norm(user_text(r)) for r in load(PATH)[0]]


def test_every_line_is_a_chat_record() -> None:
    check_lines(PATH, COUNT)


def test_format_labels_and_follow_ups() -> None:
    records, labels = load(PATH)
    check_format(records)
    check_conventions(records, labels)
    check_follow_ups(records, labels, unit=True)


def test_a_distance_or_speed_is_never_a_number_field() -> None:
    for user, label in zip(users(), load(PATH)[1], strict=True):
        if _DISTANCE.search(user):
            assert label.notes is not None, user


def test_covers_the_shorthand() -> None:
    texts, labels = users(), load(PATH)[1]
    assert sum(bool(re.search(r"\d\s*x\s*\d+\s*x\s*\d", u)) for u in texts) >= 8
    assert sum("@" in u for u in texts) >= 20
    assert sum(u.startswith("/") for u in texts) >= 5
    assert sum(bool(re.match(r"^\[?\d{1,4}[/:-]\d", u)) for u in texts) >= 5
    assert sum(la.sets is not None for la in labels) >= 40
    assert sum(la.weight_unit == "kg" for la in labels) >= 30
    assert sum(la.duration_seconds is not None for la in labels) >= 12
    assert sum(la.exercise_id is None for la in labels) >= 5


def test_shares_no_text_with_other_data() -> None:
    others = sorted(p for p in DATA.glob("*.jsonl") if p != PATH)
    check_no_shared_text(load(PATH)[0], (default_train_path(), default_test_path(), *others))
