"""The core install runs the main job: the core commands work with every extra hidden, and a
command that needs an extra says which one in one line instead of a traceback.

Each command runs in its own interpreter whose import system cannot see the extras' packages
(`find_spec` returns None for them, as when they are not installed); every attempt to find one
is logged, so a core command that merely tries an extra is caught too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

#: The top-level packages of the extras (providers, hf, serve, report).
EXTRAS = (
    "fastapi",
    "starlette",
    "uvicorn",
    "prometheus_client",
    "litellm",
    "openai",
    "datasets",
    "pyarrow",
    "matplotlib",
)

HIDE_EXTRAS = f"""
import importlib.machinery, os, sys

HIDDEN = {EXTRAS!r}
LOG = os.environ["REPVOICE_TEST_IMPORT_LOG"]


class WithoutExtras(importlib.machinery.PathFinder):
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name.partition(".")[0] in HIDDEN:
            with open(LOG, "a", encoding="utf-8") as fh:
                fh.write(name + "\\n")
            return None
        return super().find_spec(name, path, target)


assert not [m for m in sys.modules if m.partition(".")[0] in HIDDEN], "extra imported at start-up"
sys.meta_path[:] = [
    WithoutExtras if f is importlib.machinery.PathFinder else f for f in sys.meta_path
]
sys.argv = ["repvoice", *sys.argv[1:]]
from repvoice.cli import main

main()
"""


class CoreOnly:
    """Runs `repvoice ARGS` with the extras hidden; remembers which extras were looked for."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.log = tmp / "imports.log"
        self.env = {**os.environ, "REPVOICE_TEST_IMPORT_LOG": str(self.log), "COLUMNS": "200"}
        self.env.pop("REPVOICE_MODEL", None)

    def __call__(self, *args: str, status: int = 0) -> str:
        done = subprocess.run(
            [sys.executable, "-c", HIDE_EXTRAS, *args],
            cwd=self.tmp,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == status, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        return done.stdout + done.stderr

    def looked_for(self) -> list[str]:
        return self.log.read_text().split() if self.log.exists() else []


@pytest.fixture
def core(tmp_path: Path) -> CoreOnly:
    return CoreOnly(tmp_path)


def test_the_main_job_runs_without_any_extra(core: CoreOnly, tmp_path: Path) -> None:
    out = core("data", "validate", str(EXAMPLES / "mixed.jsonl"), status=1)
    assert "7 errors, 2 warnings" in out
    core("data", "synth", "-n", "150", "--seed", "1", "-o", "s.jsonl", "--test-n", "30")
    assert "✓ no errors" in core("data", "validate", "s.jsonl")
    assert "Per example" in core("data", "stats", "s.jsonl")
    core("data", "split", "s.jsonl", "--test", "0.2", "-o", "splits")
    core("data", "merge", "s.jsonl", str(EXAMPLES / "injury_analysis.jsonl"), "-o", "m.jsonl")
    core("data", "convert", "s.jsonl", "--to", "vertex", "-o", "s.vertex.jsonl")
    core("train", "splits/train.jsonl", "-o", "model", "--folds", "2")
    answer = json.loads(core("parse", "--model", "model", "squat 315 for 5"))
    assert (answer["exercise_name"], answer["weight"], answer["reps"]) == (
        "Barbell Back Squat",
        315,
        5,
    )
    lines = core("parse", "--input", str(EXAMPLES / "batch.txt"), status=1).splitlines()
    assert json.loads(lines[0])["weight"] == 405
    assert "error" in json.loads(lines[2])
    out = core("eval", "splits/test.jsonl", "--backend", "local:model", "--no-cache")
    assert "all core fields" in out
    assert core.looked_for() == []


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["data", "cost", "s.jsonl"], "repvoice[providers]"),
        (["data", "convert", "s.jsonl", "--to", "hf", "-o", "hf"], "repvoice[hf]"),
        (["eval", "s.jsonl", "--report", "r.html"], "repvoice[report]"),
        (["serve", "--port", "0"], "repvoice[serve]"),
    ],
)
def test_a_missing_extra_is_one_line_naming_it(
    core: CoreOnly, tmp_path: Path, args: list[str], extra: str
) -> None:
    (tmp_path / "s.jsonl").write_bytes((EXAMPLES / "voice.jsonl").read_bytes())
    out = core(*args, status=2)
    assert extra in out
    assert len(out.strip().splitlines()) <= 2, out  # the note on stderr, then the error line
