"""Calibrated confidence: an L2-regularised logistic regression and reliability measures.

Pure Python on purpose: the core install has no numpy. Fitting is Newton's method (IRLS) on
standardised features with the d×d system solved by Cholesky; d is small (5-20), so each
iteration costs d(d+1)/2 C-level dot products over the n samples. Prediction is one dot product
and a sigmoid on coefficients folded back to the raw feature scale.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import mul
from typing import Any

__all__ = [
    "DEFAULT_EDGES",
    "RISK_THRESHOLDS",
    "Bucket",
    "LogisticCalibrator",
    "RiskPoint",
    "accuracy_at_or_above",
    "coverage_risk",
    "expected_calibration_error",
    "reliability_table",
    "threshold_for_risk",
]

#: Bucket edges around the thresholds the app acts on (0.70 confirm, 0.85 auto-accept).
DEFAULT_EDGES: tuple[float, ...] = (0.0, 0.5, 0.7, 0.85, 0.95, 1.0)
#: Ten equal-width bins, the usual definition of expected calibration error.
ECE_EDGES: tuple[float, ...] = tuple(i / 10 for i in range(11))

_FORMAT = "repvoice.logistic_calibrator"
_VERSION = 1


def _sigmoid(z: float) -> float:
    # Two branches so that exp never overflows for large |z|.
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _log1pexp(z: float) -> float:
    """log(1 + e^z) without overflow."""
    if z > 0.0:
        return z + math.log1p(math.exp(-z))
    return math.log1p(math.exp(z))


def _cholesky_solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve `a x = b` for a symmetric positive definite `a` (modified in place)."""
    d = len(b)
    for j in range(d):
        row_j = a[j]
        s = row_j[j] - sum(v * v for v in row_j[:j])
        if s <= 0.0:
            raise ArithmeticError("Hessian is not positive definite")
        diag = math.sqrt(s)
        row_j[j] = diag
        for i in range(j + 1, d):
            row_i = a[i]
            row_i[j] = (row_i[j] - sum(map(mul, row_i[:j], row_j[:j]))) / diag
    # Forward then back substitution with the lower factor L (a[i][j], j <= i).
    y = [0.0] * d
    for i in range(d):
        row = a[i]
        y[i] = (b[i] - sum(map(mul, row[:i], y[:i]))) / row[i]
    x = [0.0] * d
    for i in range(d - 1, -1, -1):
        x[i] = (y[i] - sum(a[k][i] * x[k] for k in range(i + 1, d))) / a[i][i]
    return x


class LogisticCalibrator:
    """Maps parser features to P(parse is correct) with a logistic model.

    Build one with `LogisticCalibrator.fit(...)` or `LogisticCalibrator.from_dict(...)`.
    Features are standardised before fitting, so `l2` penalises every feature on the same
    scale; the intercept is not penalised. A feature that is constant in the training data
    gets weight 0.
    """

    __slots__ = (
        "_b",
        "_w",
        "converged",
        "feature_names",
        "intercept_std",
        "iterations",
        "l2",
        "means",
        "n_samples",
        "scales",
        "weights_std",
    )

    def __init__(
        self,
        *,
        feature_names: Sequence[str],
        means: Sequence[float],
        scales: Sequence[float],
        weights_std: Sequence[float],
        intercept_std: float,
        l2: float,
        n_samples: int = 0,
        iterations: int = 0,
        converged: bool = True,
    ) -> None:
        d = len(feature_names)
        if not (len(means) == len(scales) == len(weights_std) == d):
            raise ValueError("feature_names, means, scales and weights must have equal lengths")
        if len(set(feature_names)) != d:
            raise ValueError("feature names must be unique")
        values = [*means, *scales, *weights_std, intercept_std]
        if not all(math.isfinite(v) for v in values):
            raise ValueError("calibrator parameters must be finite numbers")
        if any(s <= 0.0 for s in scales):
            raise ValueError("scales must be positive")
        self.feature_names: tuple[str, ...] = tuple(feature_names)
        self.means: tuple[float, ...] = tuple(float(v) for v in means)
        self.scales: tuple[float, ...] = tuple(float(v) for v in scales)
        self.weights_std: tuple[float, ...] = tuple(float(v) for v in weights_std)
        self.intercept_std = float(intercept_std)
        self.l2 = float(l2)
        self.n_samples = n_samples
        self.iterations = iterations
        self.converged = converged
        # Fold the standardisation into raw-scale coefficients so predict is one dot product.
        self._w: tuple[float, ...] = tuple(
            w / s for w, s in zip(self.weights_std, self.scales, strict=True)
        )
        self._b: float = self.intercept_std - sum(map(mul, self._w, self.means))

    # --- fitting ---------------------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        X: Sequence[Sequence[float]],
        y: Sequence[int],
        *,
        l2: float = 1.0,
        feature_names: Sequence[str],
        max_iter: int = 50,
        tol: float = 1e-8,
    ) -> LogisticCalibrator:
        """Fit on rows `X` (one feature vector each) and labels `y` (1 = correct, 0 = wrong).

        Minimises the summed log loss plus `l2 / 2 * |w|^2` over the standardised weights.
        Raises ValueError for ragged or non-finite rows, labels other than 0/1, a single class,
        or `l2 <= 0` (without a penalty, separable data has no finite solution).
        """
        n = len(X)
        d = len(feature_names)
        if n != len(y):
            raise ValueError(f"X has {n} rows but y has {len(y)} labels")
        if n == 0:
            raise ValueError("cannot fit on no examples")
        if not l2 > 0.0 or not math.isfinite(l2):
            raise ValueError(f"l2 must be a positive number, not {l2!r}")
        labels = [int(v) for v in y]
        if any(v not in (0, 1) for v in labels):
            raise ValueError("labels must be 0 or 1")
        positives = sum(labels)
        if positives in (0, n):
            raise ValueError("labels must contain both classes")
        for r, row in enumerate(X):
            if len(row) != d:
                raise ValueError(f"row {r} has {len(row)} features, expected {d}")
        cols = [[float(row[j]) for row in X] for j in range(d)]
        for j, col in enumerate(cols):
            if not all(math.isfinite(v) for v in col):
                raise ValueError(f"feature {feature_names[j]!r} has a non-finite value")

        means: list[float] = []
        scales: list[float] = []
        zcols: list[list[float]] = []
        for col in cols:
            mean = math.fsum(col) / n
            var = math.fsum((v - mean) ** 2 for v in col) / n
            # A constant column standardises to zeros; its weight then stays exactly 0.
            scale = math.sqrt(var) if var > 1e-24 * max(1.0, mean * mean) else 1.0
            means.append(mean)
            scales.append(scale)
            zcols.append([(v - mean) / scale for v in col])

        # Parameters: theta[0] is the intercept, theta[1:] the standardised weights.
        ones = [1.0] * n
        design = [ones, *zcols]
        p = d + 1
        theta = [0.0] * p
        # Start the intercept at the base rate: fewer Newton steps on imbalanced labels.
        theta[0] = math.log(positives / (n - positives))
        ylist = [float(v) for v in labels]

        def margins(t: Sequence[float]) -> list[float]:
            z = [t[0]] * n
            for j in range(1, p):
                w = t[j]
                if w:
                    z = [a + w * c for a, c in zip(z, design[j], strict=True)]
            return z

        def objective(t: Sequence[float], z: Sequence[float]) -> float:
            loss = math.fsum(_log1pexp(zi) - yi * zi for zi, yi in zip(z, ylist, strict=True))
            return loss + 0.5 * l2 * math.fsum(w * w for w in t[1:])

        z = margins(theta)
        obj = objective(theta, z)
        converged = False
        iterations = 0
        while iterations < max_iter:
            iterations += 1
            mu = [_sigmoid(zi) for zi in z]
            resid = [m - yi for m, yi in zip(mu, ylist, strict=True)]
            wts = [m * (1.0 - m) for m in mu]
            grad = [sum(map(mul, design[j], resid)) for j in range(p)]
            hess = [[0.0] * p for _ in range(p)]
            for j in range(p):
                wx = [a * b for a, b in zip(wts, design[j], strict=True)]
                for k in range(j, p):
                    v = sum(map(mul, wx, design[k]))
                    hess[j][k] = v
                    hess[k][j] = v
            for j in range(1, p):
                grad[j] += l2 * theta[j]
                hess[j][j] += l2
            # Floor the intercept's curvature so a vanishing weight sum cannot make H singular.
            hess[0][0] += 1e-12
            step = _cholesky_solve(hess, grad)
            # Backtracking keeps each Newton step a descent step when the data are separable.
            t = 1.0
            while True:
                cand = [a - t * s for a, s in zip(theta, step, strict=True)]
                zc = margins(cand)
                oc = objective(cand, zc)
                if oc <= obj or t < 1e-10:
                    break
                t *= 0.5
            theta, z = cand, zc
            change = max(abs(t * s) for s in step)
            improved = obj - oc
            obj = oc
            if change < tol or improved <= 1e-12 * max(1.0, obj):
                converged = True
                break
        return cls(
            feature_names=feature_names,
            means=means,
            scales=scales,
            weights_std=theta[1:],
            intercept_std=theta[0],
            l2=l2,
            n_samples=n,
            iterations=iterations,
            converged=converged,
        )

    # --- prediction ------------------------------------------------------------------------

    def predict(self, x: Sequence[float]) -> float:
        """P(correct) for one feature vector, in [0, 1]."""
        if len(x) != len(self._w):
            raise ValueError(f"expected {len(self._w)} features, got {len(x)}")
        return _sigmoid(self._b + sum(map(mul, self._w, x)))

    def predict_many(self, X: Sequence[Sequence[float]]) -> list[float]:
        """`predict` for each row of `X`."""
        return [self.predict(row) for row in X]

    def coefficients(self, *, standardised: bool = False) -> dict[str, float]:
        """Weight of each feature by name: per raw unit, or per standard deviation.

        The intercept is `intercept` (raw scale) or `intercept_std`, not in this mapping.
        """
        weights = self.weights_std if standardised else self._w
        return dict(zip(self.feature_names, weights, strict=True))

    @property
    def intercept(self) -> float:
        """Intercept on the raw feature scale."""
        return self._b

    # --- serialisation ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict that `from_dict` turns back into an equal calibrator."""
        return {
            "format": _FORMAT,
            "version": _VERSION,
            "feature_names": list(self.feature_names),
            "means": list(self.means),
            "scales": list(self.scales),
            "weights_std": list(self.weights_std),
            "intercept_std": self.intercept_std,
            "l2": self.l2,
            "n_samples": self.n_samples,
            "iterations": self.iterations,
            "converged": self.converged,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LogisticCalibrator:
        """Rebuild a calibrator from `to_dict` output; ValueError names what is wrong."""
        if data.get("format") != _FORMAT:
            raise ValueError(f"not a logistic calibrator (format {data.get('format')!r})")
        if data.get("version") != _VERSION:
            raise ValueError(f"unsupported calibrator version {data.get('version')!r}")
        try:
            return cls(
                feature_names=[str(v) for v in data["feature_names"]],
                means=[float(v) for v in data["means"]],
                scales=[float(v) for v in data["scales"]],
                weights_std=[float(v) for v in data["weights_std"]],
                intercept_std=float(data["intercept_std"]),
                l2=float(data["l2"]),
                n_samples=int(data.get("n_samples", 0)),
                iterations=int(data.get("iterations", 0)),
                converged=bool(data.get("converged", True)),
            )
        except KeyError as exc:
            raise ValueError(f"calibrator is missing field {exc.args[0]!r}") from None
        except TypeError as exc:
            raise ValueError(f"calibrator has a malformed field: {exc}") from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LogisticCalibrator):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"LogisticCalibrator(features={len(self.feature_names)}, l2={self.l2}, "
            f"n_samples={self.n_samples}, converged={self.converged})"
        )


# --- reliability ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bucket:
    """Predictions with confidence in [lo, hi) (the last bucket includes hi).

    `mean_confidence` and `accuracy` are None for an empty bucket.
    """

    lo: float
    hi: float
    count: int
    mean_confidence: float | None
    accuracy: float | None

    @property
    def gap(self) -> float | None:
        """accuracy - mean_confidence: positive when under-confident."""
        if self.accuracy is None or self.mean_confidence is None:
            return None
        return self.accuracy - self.mean_confidence


def _check_pairs(confidences: Sequence[float], correct: Sequence[bool]) -> None:
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} confidences but {len(correct)} correctness labels")


def _check_edges(edges: Sequence[float]) -> None:
    if len(edges) < 2:
        raise ValueError("edges need at least two values")
    if any(b <= a for a, b in pairwise(edges)):
        raise ValueError("edges must be strictly increasing")


def reliability_table(
    confidences: Sequence[float],
    correct: Sequence[bool],
    edges: Sequence[float] = DEFAULT_EDGES,
) -> list[Bucket]:
    """Group predictions into confidence buckets and compare confidence with accuracy.

    Bucket i holds `edges[i] <= c < edges[i+1]`; the last one also holds `c == edges[-1]`, so
    0.85 falls with the auto-accepted predictions. A confidence outside the edges is an error.
    """
    _check_pairs(confidences, correct)
    _check_edges(edges)
    k = len(edges) - 1
    counts = [0] * k
    sums = [0.0] * k
    hits = [0] * k
    lo_edge, hi_edge = edges[0], edges[-1]
    for c, ok in zip(confidences, correct, strict=True):
        if not lo_edge <= c <= hi_edge:  # also rejects NaN
            raise ValueError(f"confidence {c!r} is outside [{lo_edge}, {hi_edge}]")
        i = min(bisect_right(edges, c) - 1, k - 1)
        counts[i] += 1
        sums[i] += c
        hits[i] += bool(ok)
    return [
        Bucket(
            lo=edges[i],
            hi=edges[i + 1],
            count=counts[i],
            mean_confidence=sums[i] / counts[i] if counts[i] else None,
            accuracy=hits[i] / counts[i] if counts[i] else None,
        )
        for i in range(k)
    ]


def expected_calibration_error(
    confidences: Sequence[float],
    correct: Sequence[bool],
    edges: Sequence[float] = ECE_EDGES,
) -> float:
    """Count-weighted mean of |accuracy - mean confidence| over buckets (ten equal bins)."""
    if not confidences:
        raise ValueError("expected calibration error of no predictions")
    table = reliability_table(confidences, correct, edges)
    n = len(confidences)
    return math.fsum(b.count / n * abs(b.gap) for b in table if b.gap is not None)


def accuracy_at_or_above(
    confidences: Sequence[float],
    correct: Sequence[bool],
    threshold: float = 0.85,
) -> tuple[float | None, float]:
    """(accuracy, coverage) of predictions with confidence >= `threshold`.

    Coverage is the fraction of all predictions at or above the threshold; accuracy is None
    when no prediction reaches it.
    """
    _check_pairs(confidences, correct)
    if not confidences:
        raise ValueError("accuracy of no predictions")
    kept = [bool(ok) for c, ok in zip(confidences, correct, strict=True) if c >= threshold]
    coverage = len(kept) / len(confidences)
    return (sum(kept) / len(kept) if kept else None), coverage


# --- coverage and risk ---------------------------------------------------------------------

#: Thresholds the coverage-risk curve is reported at.
RISK_THRESHOLDS: tuple[float, ...] = (0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99)


@dataclass(frozen=True, slots=True)
class RiskPoint:
    """What auto-accepting at `threshold` does: the share of answers accepted (`coverage`) and
    the share of all answers that are accepted and wrong (`silent_error_rate`)."""

    threshold: float
    coverage: float
    silent_error_rate: float


def coverage_risk(
    confidences: Sequence[float],
    correct: Sequence[bool],
    thresholds: Sequence[float] = RISK_THRESHOLDS,
) -> list[RiskPoint]:
    """Coverage and silent-error rate at each threshold."""
    _check_pairs(confidences, correct)
    n = len(confidences)
    if not n:
        raise ValueError("coverage and risk of no predictions")
    out = []
    for t in thresholds:
        accepted = wrong = 0
        for c, ok in zip(confidences, correct, strict=True):
            if c >= t:
                accepted += 1
                wrong += not ok
        out.append(RiskPoint(t, accepted / n, wrong / n))
    return out


def threshold_for_risk(
    confidences: Sequence[float],
    correct: Sequence[bool],
    budget: float,
) -> RiskPoint | None:
    """The lowest threshold whose silent-error rate is within `budget`, by conformal risk
    control: with k of n held-out answers accepted and wrong, (k + 1) / (n + 1) <= budget.

    For new answers exchangeable with the held-out ones, the expected silent-error rate at that
    threshold is then at most `budget`. None when even accepting nothing cannot show it (fewer
    than 1 / budget - 1 answers). The point's figures are the held-out ones at the threshold.
    """
    _check_pairs(confidences, correct)
    if not 0.0 < budget < 1.0:
        raise ValueError(f"budget {budget!r} is not a share between 0 and 1")
    n = len(confidences)
    if n == 0 or 1 / (n + 1) > budget:
        return None
    pairs = sorted(zip(confidences, correct, strict=True), key=lambda p: -p[0])
    best: float | None = None
    accepted = wrong = 0
    i = 0
    while i < n:
        # every answer of one confidence is accepted or not together
        c = pairs[i][0]
        j = i
        while j < n and pairs[j][0] == c:
            wrong += not pairs[j][1]
            j += 1
        if (wrong + 1) / (n + 1) > budget:
            break
        accepted, best, i = j, c, j
    if best is None:
        # nothing can be accepted: only a threshold above every held-out confidence is safe
        return RiskPoint(min(1.0, pairs[0][0] + 1e-3), 0.0, 0.0)
    wrong_at = sum(1 for c, ok in pairs if c >= best and not ok)
    return RiskPoint(best, accepted / n, wrong_at / n)
