"""Shared test fixtures."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed seed (no flaky surprises on a submission) and without
# per-example deadlines (2 shared cores); locally they explore new examples every run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Wide, stable terminal for rich tables, set before any test imports the CLI's consoles.
os.environ["COLUMNS"] = "200"
# LiteLLM fetches its price map from GitHub on import unless told not to; a test module that
# imports it directly (before repvoice's own loader sets this) must not reach the network.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

FIXTURES = Path(__file__).parent / "fixtures"
#: The repvoice command as a fresh process (the installed entry point, without PATH).
CLI = [sys.executable, "-c", "from repvoice.cli import main; main()"]
#: A valid workout answer for records built in tests.
BENCH = {
    "exercise_name": "Barbell Bench Press",
    "weight": 225,
    "weight_unit": "lbs",
    "reps": 8,
    "confidence": 0.95,
}

SYSTEM = (
    "You are a voice command parser for workout logging. "
    "Parse the voice transcript into structured exercise data."
)


def chat(user: str, assistant: dict | str, system: str | None = SYSTEM) -> dict:
    """An OpenAI chat record with the assistant turn as compact JSON."""
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": user})
    content = assistant if isinstance(assistant, str) else json.dumps(assistant)
    messages.append({"role": "assistant", "content": content})
    return {"messages": messages}


@pytest.fixture
def write_jsonl(tmp_path: Path):
    """Write records (dicts or raw strings) as a JSONL file and return its path."""

    def write(records: list, name: str = "data.jsonl") -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8") as fh:
            for r in records:
                fh.write((r if isinstance(r, str) else json.dumps(r)) + "\n")
        return path

    return write
