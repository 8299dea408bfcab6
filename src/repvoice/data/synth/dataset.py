"""Write a train/test pair of generated JSONL files, and describe them in a manifest."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repvoice.catalog import Catalog, bundled_catalog_path
from repvoice.data.dedupe import near_key
from repvoice.data.jsonl import dumps, read_records
from repvoice.data.outputs import atomic_open
from repvoice.data.synth.diversity import measure
from repvoice.data.synth.generator import GENERATOR_VERSION, Example, generate


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_test_path(train: Path) -> Path:
    """`train.jsonl` -> `train.test.jsonl`, beside it."""
    stem = train.name[: -len(".jsonl")] if train.name.endswith(".jsonl") else train.name
    return train.with_name(f"{stem}.test.jsonl")


@dataclass
class DatasetSummary:
    """What `write_dataset` wrote, with the diversity measurements of each file."""

    seed: int
    train_path: Path
    test_path: Path | None
    negatives: float = 0.0
    train: dict[str, Any] = field(default_factory=dict)
    test: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def manifest(self) -> dict[str, Any]:
        """The manifest describing the files (sizes, hashes, how to regenerate them)."""
        files = {"train": self._file(self.train_path, self.train)}
        if self.test_path is not None:
            files["test"] = self._file(self.test_path, self.test)
        return {
            "generator": "repvoice.data.synth",
            "generator_version": GENERATOR_VERSION,
            "seed": self.seed,
            "negatives": self.negatives,
            "catalog_sha256": sha256_of(bundled_catalog_path()),
            "command": (
                f"repvoice data synth -n {self.train['records']} --seed {self.seed} "
                f"-o {self.train_path.name}"
                + (
                    f" --test-n {self.test['records']} --test-output {self.test_path.name}"
                    if self.test_path is not None
                    else " --test-n 0"
                )
                + (f" --negatives {self.negatives:g}" if self.negatives else "")
            ),
            "files": files,
        }

    @staticmethod
    def _file(path: Path, stats: dict[str, Any]) -> dict[str, Any]:
        return {
            "path": path.name,
            "records": stats["records"],
            "bytes": path.stat().st_size,
            "sha256": sha256_of(path),
            "diversity": stats,
        }


def write_dataset(
    train_path: str | Path,
    *,
    n: int,
    seed: int,
    test_n: int = 0,
    test_path: str | Path | None = None,
    catalog: Catalog | None = None,
    negatives: float = 0.0,
    on_record: Callable[[str], None] | None = None,
) -> DatasetSummary:
    """Generate `n` train and `test_n` test records, a `negatives` share of them not a set; the
    test texts never repeat a train text, exactly or nearly. `on_record("train"|"test")` is
    called per record (progress)."""
    start = time.perf_counter()
    catalog = catalog or Catalog.load()
    train_path = Path(train_path)
    test = Path(test_path) if test_path is not None else default_test_path(train_path)
    keys: set[str] = set()
    summary = DatasetSummary(seed, train_path, test if test_n else None, negatives)
    noisy = _write(
        train_path,
        generate(n, seed, stream="train", catalog=catalog, negatives=negatives),
        keys,
        lambda: on_record and on_record("train"),
    )
    summary.train = _measure_file(train_path, noisy)
    if test_n:
        examples = generate(
            test_n,
            seed,
            stream="test",
            catalog=catalog,
            exclude=keys,
            cover=False,
            negatives=negatives,
        )
        noisy = _write(test, examples, set(), lambda: on_record and on_record("test"))
        summary.test = _measure_file(test, noisy)
    summary.seconds = round(time.perf_counter() - start, 3)
    return summary


def _write(path: Path, examples: Iterable[Example], keys: set[str], tick: Callable[[], Any]) -> int:
    """Stream examples to `path`, collecting near keys; returns how many have STT errors."""
    noisy = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path) as fh:
        for example in examples:
            fh.write(dumps(example.record) + "\n")
            keys.add(near_key(example.sample.text))
            noisy += bool(example.sample.noise)
            tick()
    return noisy


def _measure_file(path: Path, noisy: int) -> dict[str, Any]:
    stats = measure(record for _, record in read_records(path))
    stats["stt_noise"] = round(noisy / stats["records"], 4) if stats["records"] else 0.0
    return stats
