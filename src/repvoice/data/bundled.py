"""The bundled default dataset: generated train/test JSONL shipped inside the package.

Every command that takes a training or test file uses these when none is given. They were made
by `repvoice data synth` with the seed recorded in the manifest, and regenerate byte for byte.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

#: Records in the bundled files: the sizes of the original app's train and test sets.
TRAIN_SIZE = 3890
TEST_SIZE = 384


def default_dir() -> Path:
    """Directory holding the bundled files."""
    return Path(str(resources.files("repvoice.data").joinpath("default")))


def default_train_path() -> Path:
    """The bundled training file (3,890 records)."""
    return default_dir() / "train.jsonl"


def default_test_path() -> Path:
    """The bundled test file (384 records; no text shared with the training file)."""
    return default_dir() / "test.jsonl"


def manifest_path() -> Path:
    return default_dir() / "manifest.json"


def load_manifest() -> dict[str, Any]:
    """Seed, generator version, sizes and sha256 of the bundled files."""
    return json.loads(manifest_path().read_text(encoding="utf-8"))
