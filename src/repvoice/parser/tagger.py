"""The slot tagger: a linear-chain CRF (CRFsuite) over token features."""

from __future__ import annotations

import os
import struct
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pycrfsuite

#: L-BFGS with elastic-net regularisation: c1 prunes features, c2 smooths weights.
DEFAULT_PARAMS: dict[str, float | int | bool] = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}


def train_crf(
    xseqs: Sequence[list[list[str]]],
    yseqs: Sequence[list[str]],
    *,
    params: dict[str, float | int | bool] | None = None,
    on_iteration: Callable[[int], None] | None = None,
) -> bytes:
    """Train a CRF and return the model file's bytes.

    Raises `ValueError` for data CRFsuite cannot train on (it crashes the process on no
    sequences or an empty one): checked here, before any C code sees it.
    """
    pairs = list(zip(xseqs, yseqs, strict=True))
    if not pairs:
        raise ValueError("no sequences to train the tagger on")
    for n, (x, y) in enumerate(pairs):
        if not x or len(x) != len(y):
            raise ValueError(
                f"sequence {n}: {len(x)} tokens and {len(y)} labels (need as many, at least one)"
            )
    trainer = _Trainer(verbose=False, on_iteration=on_iteration)
    for x, y in pairs:
        trainer.append(x, y)
    trainer.set_params({**DEFAULT_PARAMS, **(params or {})})
    fd, name = tempfile.mkstemp(suffix=".crfsuite")
    os.close(fd)
    try:
        trainer.train(name)
        return Path(name).read_bytes()
    finally:
        os.unlink(name)


class _Trainer(pycrfsuite.Trainer):
    def __init__(self, *, verbose: bool, on_iteration: Callable[[int], None] | None) -> None:
        super().__init__(verbose=verbose)
        self._on_iteration = on_iteration

    def on_iteration(self, log: str, info: dict) -> None:
        if self._on_iteration is not None:
            self._on_iteration(int(info.get("num", 0)))


#: CRFsuite's model header: magic, file size, type, version, 3 counts, 5 section offsets.
_HEADER = struct.Struct("<4sI4sIIIIIIIII")


def check_model_bytes(model: bytes) -> None:
    """Raise `ValueError` unless `model` has a whole CRFsuite model's header: CRFsuite reads a
    truncated or foreign file out of bounds and crashes the process instead of failing."""
    if len(model) < _HEADER.size:
        raise ValueError(f"not a CRFsuite model ({len(model)} bytes, shorter than its header)")
    magic, size, kind, *rest = _HEADER.unpack_from(model)
    offsets = rest[4:]
    if magic != b"lCRF" or kind != b"FOMC":
        raise ValueError("not a CRFsuite model (wrong magic bytes)")
    if size != len(model):
        raise ValueError(f"CRFsuite model says {size:,} bytes but has {len(model):,} (truncated?)")
    if any(not _HEADER.size <= off <= size for off in offsets):
        raise ValueError("CRFsuite model header points outside the file")


#: Rounding room when the marginals left unread are bounded by what the read ones leave.
_SUM_SLACK = 1e-9


class Tagger:
    """A trained CRF held in memory."""

    def __init__(self, model: bytes) -> None:
        check_model_bytes(model)
        self.model = model
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(model)
        self.labels: tuple[str, ...] = tuple(self._tagger.labels())

    def tag(self, features: list[list[str]]) -> tuple[list[str], list[float]]:
        """Best label sequence and, per token, the marginal probability of its label."""
        if not features:
            return [], []
        tags = self._tagger.tag(features)
        marginal = self._tagger.marginal
        return tags, [marginal(tag, i) for i, tag in enumerate(tags)]

    def margin(self, tags: Sequence[str], positions: Sequence[int]) -> float:
        """Smallest gap, over `positions`, between the marginal of the label chosen there and
        the best other label's, for the sequence last passed to `tag` (1.0 for none)."""
        marginal = self._tagger.marginal
        labels = self.labels
        gap = 1.0
        for i in positions:
            tag = tags[i]
            chosen = marginal(tag, i)
            # a position's marginals sum to one: once what is left is below the best other
            # label so far, no label not yet read can beat it (most numbers stop after one)
            left = 1.0 - chosen
            best_other = 0.0
            for lab in labels:
                if lab == tag:
                    continue
                p = marginal(lab, i)
                best_other = max(best_other, p)
                left -= p
                if left + _SUM_SLACK < best_other:
                    break
            gap = min(gap, chosen - best_other)
        return gap

    def sequence_probability(self, tags: list[str]) -> float:
        """Probability of `tags` for the sequence last passed to `tag`."""
        return self._tagger.probability(tags) if tags else 1.0

    def info(self) -> pycrfsuite.ParsedDump:
        return self._tagger.info()
