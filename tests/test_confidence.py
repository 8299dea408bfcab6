"""Calibrated confidence: logistic calibrator fitting and reliability measures."""

from __future__ import annotations

import json
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repvoice.parser.confidence import (
    Bucket,
    LogisticCalibrator,
    accuracy_at_or_above,
    coverage_risk,
    expected_calibration_error,
    reliability_table,
    threshold_for_risk,
)


def sample(
    rng: random.Random, n: int, coefs: list[float], intercept: float, spreads: list[float]
) -> tuple[list[list[float]], list[int]]:
    """Rows from N(3, spread) per feature and labels drawn from the logistic model."""
    X: list[list[float]] = []
    y: list[int] = []
    for _ in range(n):
        x = [rng.gauss(3.0, s) for s in spreads]
        z = intercept + sum(c * v for c, v in zip(coefs, x, strict=True))
        X.append(x)
        y.append(int(rng.random() < 1.0 / (1.0 + math.exp(-z))))
    return X, y


def penalised_gradient(
    model: LogisticCalibrator, X: list[list[float]], y: list[int]
) -> list[float]:
    """Gradient of the fitted objective in the standardised parameters, computed independently."""
    d = len(model.feature_names)
    grad = [0.0] * (d + 1)
    for row, label in zip(X, y, strict=True):
        z = [(v - m) / s for v, m, s in zip(row, model.means, model.scales, strict=True)]
        margin = model.intercept_std + sum(w * v for w, v in zip(model.weights_std, z, strict=True))
        r = 1.0 / (1.0 + math.exp(-margin)) - label
        grad[0] += r
        for j in range(d):
            grad[j + 1] += r * z[j]
    for j in range(d):
        grad[j + 1] += model.l2 * model.weights_std[j]
    return grad


def test_recovers_known_coefficients() -> None:
    rng = random.Random(20240607)
    coefs, intercept = [0.8, -1.2, 0.5], -1.0
    X, y = sample(rng, 8000, coefs, intercept, spreads=[1.0, 0.5, 2.0])
    model = LogisticCalibrator.fit(X, y, feature_names=["a", "b", "c"], l2=1.0)
    assert model.converged
    got = model.coefficients()
    assert list(got) == ["a", "b", "c"]
    for name, want in zip(got, coefs, strict=True):
        assert got[name] == pytest.approx(want, abs=0.12), name
    assert model.intercept == pytest.approx(intercept, abs=0.35)
    # The fit is the optimum of the stated objective, not merely close to the truth.
    assert max(abs(g) for g in penalised_gradient(model, X, y)) < 1e-5


def test_prediction_matches_hand_computation() -> None:
    model = LogisticCalibrator(
        feature_names=["x1", "x2"],
        means=[1.0, 2.0],
        scales=[2.0, 4.0],
        weights_std=[1.0, -2.0],
        intercept_std=0.5,
        l2=1.0,
    )
    # z = 0.5 + 1 * (3 - 1) / 2 - 2 * (6 - 2) / 4 = -0.5
    assert model.predict([3.0, 6.0]) == pytest.approx(1.0 / (1.0 + math.exp(0.5)), abs=1e-15)
    assert model.coefficients() == {"x1": 0.5, "x2": -0.5}
    assert model.coefficients(standardised=True) == {"x1": 1.0, "x2": -2.0}
    assert model.intercept == pytest.approx(1.0)
    assert model.predict_many([[3.0, 6.0], [1.0, 2.0]]) == [
        pytest.approx(0.3775406687981454),
        pytest.approx(1.0 / (1.0 + math.exp(-0.5))),
    ]
    with pytest.raises(ValueError, match="expected 2 features"):
        model.predict([1.0])


def test_no_features_gives_the_base_rate() -> None:
    y = [1, 1, 1, 0]
    model = LogisticCalibrator.fit([[]] * 4, y, feature_names=[])
    assert model.predict([]) == pytest.approx(0.75)


def test_separable_data_stays_finite() -> None:
    X = [[float(v)] for v in range(-50, 51) if v]
    y = [int(row[0] > 0) for row in X]
    model = LogisticCalibrator.fit(X, y, feature_names=["x"], l2=1.0)
    weight = model.coefficients()["x"]
    assert math.isfinite(weight) and 0 < weight < 100
    assert math.isfinite(model.intercept)
    assert model.predict([-1.0]) < 0.5 < model.predict([1.0])
    assert 0.0 <= model.predict([-1e6]) < 1e-6
    assert 1.0 - 1e-6 < model.predict([1e6]) <= 1.0
    # Less regularisation, a steeper (still finite) fit.
    looser = LogisticCalibrator.fit(X, y, feature_names=["x"], l2=0.01)
    assert weight < looser.coefficients()["x"] < math.inf


def test_constant_feature_gets_zero_weight() -> None:
    rng = random.Random(7)
    X, y = sample(rng, 2000, [1.0], 0.0, spreads=[1.0])
    X = [[row[0], 5.0] for row in X]
    model = LogisticCalibrator.fit(X, y, feature_names=["signal", "constant"])
    assert model.coefficients()["constant"] == 0.0
    assert model.scales[1] == 1.0
    assert model.coefficients()["signal"] == pytest.approx(1.0, abs=0.2)
    assert 0.0 < model.predict([3.0, 123.0]) < 1.0


def test_round_trip_through_json() -> None:
    rng = random.Random(11)
    X, y = sample(rng, 1000, [0.5, -0.5], 0.2, spreads=[1.0, 3.0])
    model = LogisticCalibrator.fit(X, y, feature_names=["p", "q"], l2=2.0)
    data = json.loads(json.dumps(model.to_dict(), allow_nan=False))
    again = LogisticCalibrator.from_dict(data)
    assert again == model
    assert again.l2 == 2.0 and again.n_samples == 1000
    for row in X[:50]:
        assert again.predict(row) == model.predict(row)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="other"), "not a logistic calibrator"),
        (lambda d: d.update(version=99), "unsupported calibrator version"),
        (lambda d: d.pop("means"), "missing field 'means'"),
        (lambda d: d.update(scales=[0.0]), "scales must be positive"),
        (lambda d: d.update(weights_std=[1.0, 2.0]), "equal lengths"),
        (lambda d: d.update(intercept_std=float("nan")), "finite"),
    ],
)
def test_from_dict_rejects_bad_data(mutate, message: str) -> None:
    model = LogisticCalibrator(
        feature_names=["x"], means=[0.0], scales=[1.0], weights_std=[1.0], intercept_std=0.0, l2=1
    )
    data = model.to_dict()
    mutate(data)
    with pytest.raises(ValueError, match=message):
        LogisticCalibrator.from_dict(data)


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "message"),
    [
        ([[1.0], [2.0]], [0], {}, "2 rows but y has 1"),
        ([], [], {}, "no examples"),
        ([[1.0], [2.0]], [0, 2], {}, "0 or 1"),
        ([[1.0], [2.0]], [1, 1], {}, "both classes"),
        ([[1.0], [2.0, 3.0]], [0, 1], {}, "row 1 has 2 features"),
        ([[1.0], [math.nan]], [0, 1], {}, "non-finite"),
        ([[1.0], [2.0]], [0, 1], {"l2": 0.0}, "l2 must be a positive"),
    ],
)
def test_fit_rejects_bad_input(X, y, kwargs, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LogisticCalibrator.fit(X, y, feature_names=["x"], **kwargs)


def test_fit_converges_n4000_d12() -> None:
    # Fitting time is part of `train`, measured by benchmarks/bench_parser.py.
    rng = random.Random(3)
    coefs = [rng.uniform(-0.5, 0.5) for _ in range(12)]
    X, y = sample(rng, 4000, coefs, 0.0, spreads=[1.0] * 12)
    model = LogisticCalibrator.fit(X, y, feature_names=[f"f{i}" for i in range(12)])
    assert model.converged
    assert len(model.weights_std) == 12 and model.n_samples == 4000


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e9, 1e9), min_size=2, max_size=2))
def test_predict_is_a_probability(x: list[float]) -> None:
    model = LogisticCalibrator(
        feature_names=["a", "b"],
        means=[0.0, 0.0],
        scales=[1.0, 1.0],
        weights_std=[3.0, -7.0],
        intercept_std=1.0,
        l2=1.0,
    )
    assert 0.0 <= model.predict(x) <= 1.0


# --- reliability -----------------------------------------------------------------------------

CONF = [0.1, 0.49, 0.5, 0.69, 0.7, 0.85, 0.9, 0.95, 1.0, 0.99]
OK = [False, True, True, False, True, True, True, True, True, False]


def test_reliability_table_counted_by_hand() -> None:
    table = reliability_table(CONF, OK)
    assert [(b.lo, b.hi, b.count) for b in table] == [
        (0.0, 0.5, 2),
        (0.5, 0.7, 2),
        (0.7, 0.85, 1),
        (0.85, 0.95, 2),
        (0.95, 1.0, 3),
    ]
    assert [b.accuracy for b in table] == [0.5, 0.5, 1.0, 1.0, pytest.approx(2 / 3)]
    assert [b.mean_confidence for b in table] == [
        pytest.approx(0.295),
        pytest.approx(0.595),
        pytest.approx(0.7),
        pytest.approx(0.875),
        pytest.approx(0.98),
    ]
    assert table[4].gap == pytest.approx(2 / 3 - 0.98)


def test_empty_buckets_and_custom_edges() -> None:
    table = reliability_table([0.2, 0.3], [True, False], edges=(0.0, 0.25, 0.5, 1.0))
    assert table[2] == Bucket(0.5, 1.0, 0, None, None)
    assert table[2].gap is None
    assert [b.count for b in table] == [1, 1, 0]
    assert [b.count for b in reliability_table([], [])] == [0] * 5


@pytest.mark.parametrize(
    ("conf", "ok", "edges", "message"),
    [
        ([1.2], [True], (0.0, 1.0), "outside"),
        ([-0.1], [True], (0.0, 1.0), "outside"),
        ([math.nan], [True], (0.0, 1.0), "outside"),
        ([0.5], [True, False], (0.0, 1.0), "1 confidences but 2"),
        ([0.5], [True], (0.0, 0.5, 0.5, 1.0), "strictly increasing"),
        ([0.5], [True], (0.0,), "at least two"),
    ],
)
def test_reliability_table_rejects_bad_input(conf, ok, edges, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reliability_table(conf, ok, edges)


def test_expected_calibration_error_by_hand() -> None:
    # Bin [0.9, 1.0]: confidence 0.9, accuracy 0.5; bin [0.3, 0.4): confidence 0.3, accuracy 0.
    ece = expected_calibration_error([0.9, 0.9, 0.3, 0.3], [True, False, False, False])
    assert ece == pytest.approx(0.5 * 0.4 + 0.5 * 0.3)
    assert expected_calibration_error([1.0, 0.0], [True, False]) == 0.0
    with pytest.raises(ValueError, match="no predictions"):
        expected_calibration_error([], [])


def test_accuracy_at_or_above_threshold() -> None:
    accuracy, coverage = accuracy_at_or_above(CONF, OK)
    # 0.85 (inclusive), 0.9, 0.95, 1.0, 0.99 -> 4 of 5 correct, 5 of 10 covered.
    assert accuracy == pytest.approx(0.8)
    assert coverage == 0.5
    assert accuracy_at_or_above(CONF, OK, threshold=0.7) == (pytest.approx(5 / 6), 0.6)
    assert accuracy_at_or_above([0.2], [True]) == (None, 0.0)
    with pytest.raises(ValueError, match="no predictions"):
        accuracy_at_or_above([], [])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 1.0), st.booleans()), max_size=40))
def test_buckets_partition_the_predictions(pairs: list[tuple[float, bool]]) -> None:
    conf = [c for c, _ in pairs]
    ok = [o for _, o in pairs]
    table = reliability_table(conf, ok)
    assert sum(b.count for b in table) == len(pairs)
    assert sum(round((b.accuracy or 0.0) * b.count) for b in table) == sum(ok)


# --- coverage and risk ---------------------------------------------------------------------


def test_coverage_risk_counts_accepted_and_wrong() -> None:
    conf = [0.99, 0.95, 0.9, 0.6, 0.3]
    right = [True, False, True, True, False]
    points = coverage_risk(conf, right, thresholds=(0.5, 0.92, 1.0))
    assert [(p.coverage, p.silent_error_rate) for p in points] == [
        (0.8, 0.2),
        (0.4, 0.2),
        (0.0, 0.0),
    ]


def test_threshold_for_risk_is_the_conformal_bound() -> None:
    # 399 answers: 300 right at 0.99, then one wrong at 0.98, then 98 at 0.9 with 2 wrong
    conf = [0.99] * 300 + [0.98] + [0.9] * 98
    right = [True] * 300 + [False] + [True] * 96 + [False] * 2
    # budget 1%: (k + 1) / 400 <= 0.01 allows k <= 3 wrong accepted: all of them (k = 3)
    point = threshold_for_risk(conf, right, 0.01)
    assert point is not None and point.threshold == 0.9 and point.coverage == 1.0
    # budget 0.5%: k <= 1: the wrong 0.98 answer is allowed, the 0.9 group (2 more) is not
    point = threshold_for_risk(conf, right, 0.005)
    assert point is not None and point.threshold == 0.98
    assert point.coverage == pytest.approx(301 / 399)
    assert point.silent_error_rate == pytest.approx(1 / 399)
    # budget 0.25%: k + 1 <= 1: only the answers above the first wrong one
    point = threshold_for_risk(conf, right, 0.0025)
    assert point is not None and point.threshold == 0.99 and point.silent_error_rate == 0.0


def test_threshold_for_risk_needs_enough_answers() -> None:
    # with 50 answers, even accepting nothing shows only 1/51 > 1%
    assert threshold_for_risk([0.99] * 50, [True] * 50, 0.01) is None
    # a wrong answer at the top confidence: nothing can be accepted
    point = threshold_for_risk([0.99] + [0.5] * 300, [False] + [True] * 300, 0.005)
    assert point is not None and point.coverage == 0.0 and point.threshold > 0.99
    with pytest.raises(ValueError, match="budget"):
        threshold_for_risk([0.5], [True], 0.0)
