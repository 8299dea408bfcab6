"""The not-a-set detector: P(this utterance logs no set), learned from the training file.

A phone that listens all session also hears questions ("what's my best on squat"), commands
("start a rest timer"), chit-chat and noise. The detector is a logistic model over sparse
binary features of what the pipeline already worked out: words and word pairs (numbers as
"#"), the first words, character trigrams (misheard and made-up words), punctuation, how many
numbers and which slot labels the tagger found, how the resolver matched an exercise, and the
share of words the training sets' vocabulary knows. No cue word is listed by hand: the weights
say which words mark a question or a command.

It is fitted with CRFsuite's L-BFGS on one-item sequences (a CRF of length one is a logistic
model) and saved as `gate.json`: the weight of each feature towards "not a set", the bias and
the threshold `train` chose on held-out folds. A model trained without not-a-set examples has
no detector.
"""

from __future__ import annotations

import math
import os
import tempfile
from bisect import bisect_left
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import pycrfsuite

from repvoice.parser.resolver import Match
from repvoice.parser.tokens import PUNCT, Token

#: The detector's file in a model directory.
GATE_FILE = "gate.json"
#: Saved form of `gate.json`; bumped when the features or the file's shape change.
GATE_VERSION = 1
#: L1 prunes the many rare n-grams, L2 keeps the rest small.
_PARAMS: dict[str, float | int] = {"c1": 0.05, "c2": 0.5, "max_iterations": 200}
_NOT, _SET = "not", "set"
_FIELDS = ("weight", "reps", "duration_seconds", "rpe", "rir", "sets")


def gate_features(
    tokens: Sequence[Token],
    match: Match | None,
    labels: Sequence[str],
    fields: Mapping[str, Any],
    vocab: Collection[str],
    *,
    has_context: bool,
) -> list[str]:
    """The detector's features of one analysed utterance."""
    plain, out = _parts(tokens, match, labels, fields, vocab, has_context=has_context)
    for w in plain:
        out.extend(_word_features(w))
    return out


def _parts(
    tokens: Sequence[Token],
    match: Match | None,
    labels: Sequence[str],
    fields: Mapping[str, Any],
    vocab: Collection[str],
    *,
    has_context: bool,
) -> tuple[list[str], list[str]]:
    """The plain words (each gives `_word_features`) and every other feature."""
    out = ["bias"]
    words: list[str] = []
    plain: list[str] = []
    numbers = known = 0
    for t in tokens:
        if t.kind == PUNCT:
            if t.norm in "?!":
                out.append("p=" + t.norm)
            continue
        if t.value is not None:
            numbers += 1
            words.append("#")
            continue
        w = t.norm
        words.append(w)
        plain.append(w)
        known += w in vocab
    if words:
        out.append("f=" + words[0])
        if len(words) > 1:
            out.append(f"f2={words[0]}|{words[1]}")
        out.extend(f"b={a}|{b}" for a, b in pairwise(words))
        out.append("l=" + words[-1])
    out.append(f"n={min(numbers, 3)}")
    out.append(f"len={min(len(words), 8)}")
    out.append(f"known={round(4 * known / len(plain)) if plain else -1}")
    if match is None:
        out.append("m=none")
    else:
        out.append("m=" + match.method)
        out.append(f"ms={round(10 * match.score)}")
        out.append(f"mw={min(match.end - match.start, 4)}")
        out.append(f"rest={min(len(tokens) - (match.end - match.start), 6)}")
    slots = {lab for lab in labels if lab != "O"}
    out.extend("lab=" + lab for lab in sorted(slots))
    out.append(f"slots={min(len(slots), 3)}")
    out.extend("has=" + f for f in _FIELDS if fields.get(f) is not None)
    if has_context:
        out.append("ctx")
    return plain, out


@lru_cache(maxsize=4096)
def _word_features(word: str) -> tuple[str, ...]:
    """A word's own feature and its character trigrams (words repeat: computed once each)."""
    if len(word) <= 2:
        return ("w=" + word,)
    padded = f"<{word}>"
    return ("w=" + word, *("c=" + padded[i : i + 3] for i in range(len(padded) - 2)))


@dataclass
class NotASetGate:
    """A fitted detector: `weights` towards "not a set" per feature, and its threshold."""

    weights: dict[str, float]
    threshold: float = 0.5

    def __post_init__(self) -> None:
        # a word's features always add up to the same weight: summed once per word, from
        # trigram weights keyed without their "c=" so no feature string is built
        self._trigrams = {k[2:]: v for k, v in self.weights.items() if k.startswith("c=")}
        self._word_weight = lru_cache(maxsize=16384)(self._word_weight_uncached)

    def warm(self, words: Iterable[str]) -> None:
        """Sum the weights of `words` now (the training vocabulary, at load), not per parse."""
        for w in words:
            self._word_weight(w)

    def _word_weight_uncached(self, word: str) -> float:
        z = self.weights.get("w=" + word, 0.0)
        if len(word) <= 2:
            return z
        get = self._trigrams.get
        padded = f"<{word}>"
        return z + sum(get(padded[i : i + 3], 0.0) for i in range(len(padded) - 2))

    def probability(self, features: Sequence[str]) -> float:
        """P(not a set) of one utterance's features."""
        get = self.weights.get
        return _sigmoid(sum(get(f, 0.0) for f in features))

    def probability_of(
        self,
        tokens: Sequence[Token],
        match: Match | None,
        labels: Sequence[str],
        fields: Mapping[str, Any],
        vocab: Collection[str],
        *,
        has_context: bool,
    ) -> float:
        """`probability(gate_features(...))`, with each word's weight summed once."""
        plain, other = _parts(tokens, match, labels, fields, vocab, has_context=has_context)
        get = self.weights.get
        return _sigmoid(sum(get(f, 0.0) for f in other) + sum(map(self._word_weight, plain)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": GATE_VERSION,
            "threshold": self.threshold,
            "weights": dict(sorted(self.weights.items())),
        }

    @classmethod
    def from_dict(cls, data: Any) -> NotASetGate:
        """The detector of a `gate.json`; `ValueError` for anything else."""
        if not isinstance(data, dict) or data.get("version") != GATE_VERSION:
            version = data.get("version") if isinstance(data, dict) else None
            raise ValueError(
                f"gate.json is not a version {GATE_VERSION} not-a-set detector "
                f"(version {version!r})"
            )
        weights, threshold = data.get("weights"), data.get("threshold")
        if not isinstance(weights, dict) or not all(
            isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
            for k, v in weights.items()
        ):
            raise ValueError("gate.json's weights are not an object of numbers")
        if not isinstance(threshold, int | float) or not 0.0 < threshold < 1.0:
            raise ValueError("gate.json's threshold is not a probability between 0 and 1")
        return cls({k: float(v) for k, v in weights.items()}, float(threshold))


def _sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z)) if z < 30 else 1.0


def fit_gate(features: Sequence[list[str]], not_a_set: Sequence[bool]) -> NotASetGate:
    """Fit the detector (threshold 0.5 until `choose_threshold` sets one).

    `ValueError` unless there are examples of both kinds."""
    if len(features) != len(not_a_set):
        raise ValueError("as many labels as feature lists are needed")
    if not any(not_a_set) or all(not_a_set):
        raise ValueError("the detector needs both sets and not-a-set examples")
    trainer = pycrfsuite.Trainer(verbose=False)
    for x, y in zip(features, not_a_set, strict=True):
        trainer.append([x], [_NOT if y else _SET])
    trainer.set_params(_PARAMS)
    fd, name = tempfile.mkstemp(suffix=".crfsuite")
    os.close(fd)
    try:
        trainer.train(name)
        tagger = pycrfsuite.Tagger()
        tagger.open(name)
        state = tagger.info().state_features
        tagger.close()
    finally:
        os.unlink(name)
    # two labels: the log-odds of "not" is the difference of the two labels' weights
    weights: dict[str, float] = {}
    for (attr, label), w in state.items():
        weights[attr] = weights.get(attr, 0.0) + (w if label == _NOT else -w)
    return NotASetGate({k: round(v, 4) for k, v in weights.items() if abs(v) >= 1e-4})


def choose_threshold(
    probabilities: Sequence[float], not_a_set: Sequence[bool], *, set_cost: float = 1.0
) -> float:
    """The threshold (`p >= t` is not a set) with the fewest held-out errors, a set called not
    a set counting `set_cost` times a missed not-a-set line; from 0.5 to 0.99. Both cost one
    by default: a lost set and a question saved as a set are each one wrong answer."""
    sets = sorted(p for p, neg in zip(probabilities, not_a_set, strict=True) if not neg)
    negs = sorted(p for p, neg in zip(probabilities, not_a_set, strict=True) if neg)
    candidates = sorted({0.5, *(p for p in negs if 0.5 < p < 0.99), 0.99})
    best, best_cost = 0.5, math.inf
    for t in candidates:
        cost = set_cost * (len(sets) - bisect_left(sets, t)) + bisect_left(negs, t)
        if cost < best_cost:
            best, best_cost = t, cost
    return round(best, 4)


__all__ = [
    "GATE_FILE",
    "GATE_VERSION",
    "NotASetGate",
    "choose_threshold",
    "fit_gate",
    "gate_features",
]
