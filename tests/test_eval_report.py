"""The report's charts: error rates on a zoomed axis, the confidence charts, and legends that
stay clear of the plots and their labels."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from repvoice.evaluate import html
from repvoice.evaluate.summary import SCORED, Summary

pytest.importorskip("matplotlib")


def _summary(name: str, core_right: int, confidences: list[tuple[float, bool]]) -> Summary:
    """384 answers, every field right but `core_right` of 384 on the core fields."""
    s = Summary(backend=name, examples=384, answered=384)
    for field in SCORED:
        s.judged[field] = 384
        s.right[field] = core_right if field in ("core", "weight") else 384
    s.scored_confidences = confidences
    s.reliability = [
        {"lo": 0.0, "hi": 0.85, "count": 20, "mean_confidence": 0.6, "accuracy": 0.7},
        {"lo": 0.85, "hi": 1.0, "count": 364, "mean_confidence": 0.97, "accuracy": 0.99},
    ]
    s.with_confidence = len(confidences)
    return s


@pytest.fixture
def summaries() -> list[Summary]:
    # the case: 99.5% against 96.9% core, which a 0-100 axis hides
    sure = [(0.97, True)] * 370 + [(0.97, False)] * 2 + [(0.5, True)] * 12
    less = [(0.9, True)] * 360 + [(0.9, False)] * 12 + [(0.4, True)] * 12
    return [
        _summary("local", 382, sure),
        _summary("openai-compatible:a-long-model-name@http://127.0.0.1:8766/v1", 372, less),
    ]


def _figures(summaries: list[Summary]) -> Iterator[tuple[str, object]]:
    colours = [html._colour(i) for i in range(len(summaries))]
    yield "error", html._error_chart(summaries)
    yield "validity", html._validity_chart(summaries)
    yield "reliability", html._reliability_chart(summaries, colours)
    yield "coverage-risk", html._coverage_risk_chart(summaries, colours)


def test_legends_stay_off_the_plots_and_labels(summaries: list[Summary]) -> None:
    for name, fig in _figures(summaries):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        [legend] = fig.legends
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            # the axes with its tick labels, axis labels and the value labels on the bars
            assert not box.overlaps(ax.get_tightbbox(renderer)), name
        assert ax.get_legend() is None, name


def test_error_rates_are_on_a_zoomed_axis(summaries: list[Summary]) -> None:
    fig = html._error_chart(summaries)
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    # core errors are 0.5% and 3.1%: the axis ends just past the larger, not at 100%
    assert lo == 0 and 3.1 < hi < 5
    labels = [t.get_text() for t in ax.texts]
    assert "0.5%" in labels and "3.1%" in labels
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "all core fields"


def test_the_report_has_every_chart(summaries: list[Summary]) -> None:
    page = html.render(summaries, {s.backend: [] for s in summaries}, source="test.jsonl")
    # error rates, validity, cost, reliability, coverage-risk (no latency measured here)
    assert page.count("<svg") == 5
    assert "Reliability:" in page and "Coverage and risk:" in page
    assert "Error rate per field" in page and "perfectly calibrated" in page
    assert re.search(r"<td>answered</td>\s*<td class=\"n\">384 / 384</td>", page)
