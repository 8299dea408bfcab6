"""The files in `examples/` do what the README says they do."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from repvoice.backends.registry import backend_names, split_uri
from repvoice.catalog import Catalog
from repvoice.data.synth.generator import generate
from repvoice.data.validate import validate_file
from repvoice.parser.batch import iter_requests
from repvoice.serve.config import load_config
from test_serve import ServeProcess

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mixed_has_exactly_the_problems_the_readme_lists() -> None:
    report = validate_file(EXAMPLES / "mixed.jsonl")
    found = sorted((i.line or 0, i.code, i.severity) for i in report.issues)
    assert found == [
        (0, "too_few_examples", "error"),
        (6, "bad_weight", "error"),
        (6, "missing_system", "warning"),
        (6, "workout_schema", "error"),
        (7, "no_assistant", "error"),
        (7, "unknown_key", "error"),
        (8, "missing_system", "warning"),
        (8, "workout_schema", "error"),
        (9, "truncated", "error"),
    ]
    assert (report.records, report.valid, report.workout_records) == (9, 5, 7)
    assert not (EXAMPLES / "mixed.jsonl").read_bytes().endswith(b"\n")


def test_batch_has_one_bad_line_among_plain_and_jsonl() -> None:
    items = list(iter_requests(EXAMPLES / "batch.txt"))
    assert [item.error is None for item in items] == [True, True, False, True]
    assert items[1].context is not None and items[1].context.weight == 235
    assert "not valid JSON" in (items[2].error or "")


def _decoded(record: dict) -> list[object]:
    """A chat record's messages with the assistant answer and any `Context:` JSON decoded."""
    out: list[object] = []
    for message in record["messages"]:
        content = message["content"]
        if message["role"] == "assistant":
            out.append(json.loads(content))
        elif "\n\nContext: " in content:
            prompt, _, context = content.partition("\n\nContext: ")
            out.append([prompt, json.loads(context)])
        else:
            out.append(content)
    return out


def test_owner_file_has_integer_ids_and_nothing_else_changed(tmp_path: Path) -> None:
    owner = load("make_owner_file")
    path = tmp_path / "owner.jsonl"
    owner.write_owner_file(path, n=150)
    catalog = Catalog.load()
    uuid_of = {n: e.id for n, e in enumerate(catalog.exercises, start=1)}
    lines = path.read_text(encoding="utf-8").splitlines()
    originals = [e.record for e in generate(150, owner.OWNER_SEED, stream="train", catalog=catalog)]
    assert len(lines) == len(originals) == 150
    ids = contexts = 0
    for line, original in zip(lines, originals, strict=True):
        got, want = _decoded(json.loads(line)), _decoded(original)
        for part, before in zip(got, want, strict=True):
            answer = part[1] if isinstance(part, list) else part
            if not isinstance(answer, dict):
                assert part == before
                continue
            old = before[1] if isinstance(before, list) else before
            for key in ("exercise_id", "current_exercise_id"):
                if old.get(key) is not None:
                    assert isinstance(answer[key], int)
                    assert uuid_of[answer[key]] == old[key]
                    ids += 1
                    contexts += key == "current_exercise_id"
            unchanged = {k: v for k, v in answer.items() if not k.endswith("exercise_id")}
            assert unchanged == {k: v for k, v in old.items() if not k.endswith("exercise_id")}
    assert ids > 140 and contexts > 0


def test_owner_script_writes_the_same_bytes_every_time(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.jsonl", "b.jsonl"):
        done = subprocess.run(
            [sys.executable, str(EXAMPLES / "make_owner_file.py"), "-o", name, "-n", "300"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"wrote 300 records to {name} (")
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert not list(tmp_path.glob(".*.partial"))


def test_serve_toml_loads_and_names_a_known_backend() -> None:
    config = load_config(EXAMPLES / "serve.toml")
    assert (config.primary, config.threshold, config.fallback_confidence_cap) == ("local", 0.7, 0.8)
    assert config.route("voice").fallback == config.route("chat").fallback == "voicefit"
    assert config.route("chat").threshold == 0.85
    scheme, model = split_uri(config.backend_spec("voicefit").uri)
    assert scheme in backend_names()
    assert model == "ft:gpt-4o-mini-2024-07-18:personal:voice-fit-complete-v1:CYENuc9G"


def test_app_swap_reaches_repvoice_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    swap = load("app_swap")
    with ServeProcess() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", f"{server.base_url}/v1")
        monkeypatch.setenv("OPENAI_API_KEY", "unused")
        squat = "c177dd80-f497-5b1b-a426-fd419a7ba76e"  # the bundled model's id scheme
        previous = {"current_exercise_id": squat, "last_weight": 315, "last_reps": 5}
        answer = swap.parse("same weight for 6", previous)
    assert (answer["exercise_name"], answer["weight"], answer["reps"]) == (
        "Barbell Back Squat",
        315,
        6,
    )
