"""What counts as a correct field: one definition used by training reports, `eval` and tests.

- A field is right when prediction and gold are equal; null = null counts as right, as the
  original app's figures did.
- Numbers compare by value (225 == 225.0); RPE to the half point.
- The exercise is right when the names match (case-insensitively) or, for the owner's own
  catalogue, the ids match (as text: 17 and "17" are the same id).
- `weight_unit` is judged only where the gold answer has a weight (a unit without a weight is
  no information).
- `notes` is judged on presence: both have notes, or neither.
- "core" is all of exercise, weight, weight unit, reps and RPE right together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Fields scored, in report order.
FIELDS: tuple[str, ...] = (
    "exercise",
    "weight",
    "weight_unit",
    "reps",
    "sets",
    "rpe",
    "rir",
    "tempo",
    "rest_seconds",
    "duration_seconds",
    "notes",
)
CORE: tuple[str, ...] = ("exercise", "weight", "weight_unit", "reps", "rpe")


def _num_equal(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return False


def exercise_correct(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> bool:
    g_name, p_name = gold.get("exercise_name"), pred.get("exercise_name")
    if g_name is None and gold.get("exercise_id") is None:
        return p_name is None and pred.get("exercise_id") is None
    if (
        isinstance(g_name, str)
        and isinstance(p_name, str)
        and g_name.strip().lower() == p_name.strip().lower()
    ):
        return True
    # ids compare as text: the owner's 17 and an answer's "17" name the same exercise
    g_id, p_id = gold.get("exercise_id"), pred.get("exercise_id")
    return _id_text(g_id) is not None and _id_text(g_id) == _id_text(p_id)


def _id_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():  # JSON's 17.0 is the integer 17
        return str(int(value))
    return None


def field_correct(field: str, pred: Mapping[str, Any], gold: Mapping[str, Any]) -> bool | None:
    """Whether one field is right; None where the field is not judged (unit without weight)."""
    if field == "exercise":
        return exercise_correct(pred, gold)
    if field == "weight_unit":
        if gold.get("weight") is None:
            return None
        return pred.get("weight_unit") == gold.get("weight_unit")
    if field == "notes":
        return bool(pred.get("notes")) == bool(gold.get("notes"))
    if field == "tempo":
        p, g = pred.get("tempo"), gold.get("tempo")
        return (p or None) == (g or None) or (
            isinstance(p, str) and isinstance(g, str) and p.upper() == g.upper()
        )
    return _num_equal(pred.get(field), gold.get(field))


def same_answer(field: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two answers give the same value for `field`, compared as the scorer compares
    an answer with the gold one (70.0 and 70 are the same weight; "squat" and "Squat" the same
    exercise). The unit is compared even where neither answer has a weight."""
    if field == "weight_unit":
        return a.get("weight_unit") == b.get("weight_unit")
    return field_correct(field, a, b) is not False and field_correct(field, b, a) is not False


def score_fields(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> dict[str, bool | None]:
    """Every field's verdict plus "core" (all core fields right)."""
    verdicts = {f: field_correct(f, pred, gold) for f in FIELDS}
    verdicts["core"] = all(verdicts[f] is not False for f in CORE)
    return verdicts
