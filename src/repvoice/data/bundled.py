"""The bundled default dataset: generated train/test JSONL shipped inside the package.

Every command that takes a training or test file uses these when none is given. They were made
by `repvoice data synth` with the seed recorded in the manifest, and regenerate byte for byte.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

#: Sets in the bundled files: the sizes of the original app's train and test sets.
TRAIN_SETS = 3890
TEST_SETS = 384
#: Records in the bundled files: those sets plus 12% not-a-set lines (questions, commands).
TRAIN_SIZE = 4420
TEST_SIZE = 436


def default_dir() -> Path:
    """Directory holding the bundled files."""
    return Path(str(resources.files("repvoice.data").joinpath("default")))


def default_train_path() -> Path:
    """The bundled training file (4,420 records: 3,890 sets and 530 not-a-set lines)."""
    return default_dir() / "train.jsonl"


def default_test_path() -> Path:
    """The bundled test file (436 records: 384 sets and 52 not-a-set lines; no text shared
    with the training file)."""
    return default_dir() / "test.jsonl"


def manifest_path() -> Path:
    return default_dir() / "manifest.json"


def load_manifest() -> dict[str, Any]:
    """Seed, generator version, sizes and sha256 of the bundled files."""
    return json.loads(manifest_path().read_text(encoding="utf-8"))
