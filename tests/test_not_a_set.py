"""Not-a-set examples: the generator writes them, the data toolkit counts and checks them, and a
model trained with them answers questions, commands and chit-chat with no exercise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import BENCH, chat
from repvoice.data.stats import compute_stats
from repvoice.data.synth import generate, write_dataset
from repvoice.data.synth.diversity import measure
from repvoice.data.validate import validate_file
from repvoice.parser.gate import GATE_FILE, NotASetGate, choose_threshold, gate_features
from repvoice.parser.integrity import ModelError
from repvoice.parser.model import Parser
from repvoice.parser.train import NO_NEGATIVES_HINT, train
from repvoice.schema import NOT_A_SET_CONFIDENCE, WorkoutSet, is_not_a_set

#: Written for these tests (not from any tests/data file).
OFF_TOPIC = [
    "could you turn the music down a bit",
    "what was my heaviest row ever",
    "blah blah banana phone",
    "where did I leave my water bottle",
    "good night",
]
SETS = [
    ("bench press 185 for 6", "Barbell Bench Press", 6),
    ("deadlift three fifteen for five", "Barbell Deadlift", 5),
    ("squats 225 for 8 at rpe 8", "Barbell Back Squat", 8),
]


def _answers(records: list[dict]) -> list[dict]:
    return [json.loads(r["messages"][-1]["content"]) for r in records]


def test_negatives_are_valid_deterministic_and_their_share() -> None:
    first = [e.record for e in generate(400, 7, negatives=0.2)]
    again = [e.record for e in generate(400, 7, negatives=0.2)]
    assert first == again
    answers = _answers(first)
    negatives = [a for a in answers if is_not_a_set(a)]
    assert len(negatives) == 80  # exactly the share asked for
    for a in negatives:
        WorkoutSet.model_validate(a)
        assert a == {"confidence": NOT_A_SET_CONFIDENCE}
    assert measure(first)["not_a_set"] == 0.2
    texts = {
        r["messages"][1]["content"] for r, a in zip(first, answers, strict=True) if a in negatives
    }
    assert len(texts) == len(negatives)


def test_no_negatives_keeps_the_old_stream() -> None:
    plain = [e.record for e in generate(60, 3)]
    zero = [e.record for e in generate(60, 3, negatives=0.0)]
    assert plain == zero
    assert not any(is_not_a_set(a) for a in _answers(plain))
    with pytest.raises(ValueError, match="share"):
        next(generate(10, 3, negatives=1.5))


def test_negatives_sit_among_the_sets_of_a_smaller_run() -> None:
    # adding not-a-set lines never reshuffles the sets: they are a run with k fewer records
    mixed = [e.record for e in generate(60, 3, negatives=0.25)]
    assert len(mixed) == 60
    negative = [is_not_a_set(a) for a in _answers(mixed)]
    assert sum(negative) == 15
    sets = [r for r, neg in zip(mixed, negative, strict=True) if not neg]
    assert sets == [e.record for e in generate(45, 3)]
    only = _answers([e.record for e in generate(20, 3, negatives=1.0)])
    assert len(only) == 20 and all(is_not_a_set(a) for a in only)


def test_manifest_command_names_the_share(tmp_path: Path) -> None:
    summary = write_dataset(tmp_path / "t.jsonl", n=50, seed=1, test_n=10, negatives=0.1)
    manifest = summary.manifest()
    assert manifest["command"].endswith("--negatives 0.1") and manifest["negatives"] == 0.1
    assert summary.train["not_a_set"] == 0.1


def test_validate_and_stats_count_and_flag(write_jsonl) -> None:
    records = [chat("bench 225 for 8", BENCH) for _ in range(10)]
    records += [
        chat("what's on tonight", {"exercise_id": None, "exercise_name": None, "confidence": 0.1}),
        chat("open the menu", {"confidence": 0.1}),
        chat("pause it", {"exercise_name": None, "confidence": 0.95}),
        chat("blah 8", {"reps": 8, "confidence": 0.05}),
        chat("did 8 reps", {"reps": 8, "confidence": 0.5}),
    ]
    path = write_jsonl(records)
    report = validate_file(path)
    assert report.not_a_set == 3
    found = {(i.code, i.line, i.field) for i in report.issues}
    assert ("not_a_set_confidence", 13, "messages[2].content.confidence") in found
    assert ("not_a_set_values", 14, "messages[2].content.reps") in found
    assert not any(i.line in (11, 12, 15) for i in report.issues)
    assert compute_stats(path).answers.to_dict()["not_a_set"] == 3


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Parser, dict, Path]:
    root = tmp_path_factory.mktemp("neg")
    data = root / "train.jsonl"
    write_dataset(data, n=900, seed=11, negatives=0.15)
    parser, report = train(data)
    return parser, report.to_dict(), parser.save(root / "model")


def test_trained_model_answers_off_topic_and_still_parses_sets(trained) -> None:
    parser, report, _ = trained
    assert report["not_a_set_examples"] == 135
    assert report["not_a_set_detector"]["threshold"] >= 0.5
    for text in OFF_TOPIC:
        result = parser.parse(text)
        assert result.exercise_name is None, text
        assert result.reps is None and result.weight is None
        assert result.confidence <= NOT_A_SET_CONFIDENCE
    for text, name, reps in SETS:
        result = parser.parse(text)
        assert (result.exercise_name, result.reps) == (name, reps), text
        assert parser.analyse(text).not_a_set < 0.5


def test_detector_is_saved_checked_and_reloaded(trained, tmp_path: Path) -> None:
    parser, _, saved = trained
    meta = json.loads((saved / "meta.json").read_text())
    assert meta["format"] == 2 and GATE_FILE in meta["files"]
    again = Parser.load(saved)
    assert again.gate == parser.gate
    copy = tmp_path / "copy"
    shutil.copytree(saved, copy)
    (copy / GATE_FILE).write_text((copy / GATE_FILE).read_text().replace("0.", "1.", 1))
    with pytest.raises(ModelError, match=r"gate\.json"):
        Parser.load(copy)
    (copy / GATE_FILE).unlink()
    with pytest.raises(ModelError, match=r"gate\.json: missing"):
        Parser.load(copy)


def test_saving_a_model_without_detector_removes_a_stale_one(trained, tmp_path: Path) -> None:
    parser, _, saved = trained
    copy = tmp_path / "m"
    shutil.copytree(saved, copy)
    parser.gate, gate = None, parser.gate
    try:
        parser.save(copy)
    finally:
        parser.gate = gate
    assert not (copy / GATE_FILE).exists()
    assert Parser.load(copy).gate is None


def test_format_1_models_still_load(tmp_path: Path) -> None:
    from repvoice.parser.model import bundled_model_path

    meta = json.loads((bundled_model_path() / "meta.json").read_text())
    if meta["format"] != 1:
        pytest.skip("the bundled model is already format 2")
    assert Parser.load().gate is None


def test_no_negatives_no_detector_and_a_hint(write_jsonl) -> None:
    texts = ["bench {} for {}", "squat {} for {}", "deadlift {} for {}", "rows {} for {}"]
    names = [
        "Barbell Bench Press",
        "Barbell Back Squat",
        "Barbell Deadlift",
        "Barbell Bent Over Row",
    ]
    records = [
        chat(t.format(w, r), {"exercise_name": n, "weight": w, "weight_unit": "lbs", "reps": r,
                              "confidence": 0.95})
        for t, n in zip(texts, names, strict=True)
        for w in (135, 185, 225)
        for r in (3, 5, 8)
    ]  # fmt: skip
    parser, report = train(write_jsonl(records))
    assert parser.gate is None
    assert report.gate_skipped == NO_NEGATIVES_HINT and "--negatives" in NO_NEGATIVES_HINT
    assert parser.parse("squat 225 for 5").exercise_name == "Barbell Back Squat"


def test_gate_file_shape_is_checked() -> None:
    with pytest.raises(ValueError, match="version"):
        NotASetGate.from_dict({"version": 99, "threshold": 0.5, "weights": {}})
    with pytest.raises(ValueError, match="threshold"):
        NotASetGate.from_dict({"version": 1, "threshold": 1.5, "weights": {}})
    gate = NotASetGate({"w=hi": 3.0, "bias": -1.0}, 0.7)
    assert NotASetGate.from_dict(gate.to_dict()) == gate
    assert gate.probability(["bias", "w=hi"]) > 0.8 > gate.probability(["bias"])


def test_threshold_counts_both_kinds_of_error() -> None:
    probabilities = [0.1, 0.2, 0.6, 0.7, 0.9, 0.95]
    not_a_set = [False, False, False, True, True, True]
    assert choose_threshold(probabilities, not_a_set) == 0.7
    # a set at 0.8: at equal costs the lowest of the tied thresholds; a lost set costing three
    # missed lines makes it better to miss the line at 0.7
    probabilities[2] = 0.8
    assert choose_threshold(probabilities, not_a_set) == 0.5
    assert choose_threshold(probabilities, not_a_set, set_cost=3) == 0.9
    assert choose_threshold([0.1, 0.2], [False, False]) >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "what's my PR on bench",
        "bench press 225 for 8",
        "hello world random text?",
        "squat 5x5 @ 275 lbs",
        "start a 90 second timer!",
        "um so the uh",
        "",
    ],
)
def test_fast_detector_scores_as_its_features_say(text: str) -> None:
    # `probability_of` sums per-word weights kept apart; it must equal the feature list's sum
    parser = Parser.load()
    gate = parser.gate
    assert gate is not None
    parser.gate = None
    a = parser.analyse(text)
    features = gate_features(a.tokens, a.match, a.labels, a.decoded.fields, parser.vocab,
                             has_context=False)  # fmt: skip
    fast = gate.probability_of(
        a.tokens, a.match, a.labels, a.decoded.fields, parser.vocab, has_context=False
    )
    assert fast == pytest.approx(gate.probability(features), abs=1e-12)
