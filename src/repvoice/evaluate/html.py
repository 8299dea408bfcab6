"""The HTML report of `eval --report` and `compare --report`: one self-contained file.

No external CSS, scripts, fonts or images: styles are inline and the charts are SVG drawn by
matplotlib (the `report` extra, imported only here and only when a report is written) with
text kept as text. Every piece of data text is escaped.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repvoice import __version__
from repvoice.data.outputs import atomic_open
from repvoice.evaluate.runner import ExampleResult
from repvoice.evaluate.summary import (
    PERCENTILES,
    SCORED,
    Summary,
    answered_label,
    disagreements,
    label,
    misses,
    unanswered_note,
)
from repvoice.schema import CONFIRMATION_THRESHOLD

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Rows of misses or disagreements written out; the count of the rest is stated.
MAX_ROWS = 300
INSTALL_HINT = "the HTML report needs matplotlib: pip install 'repvoice[report]'"
#: Colour-blind-safe palette (Okabe-Ito), one colour per backend.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:1200px;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
.meta{color:#555}table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #ddd;padding:.25rem .55rem;vertical-align:top}
th{background:#f4f4f4;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.core td{font-weight:600}.bad{color:#b00020}.ok{color:#1a7f37}
code{font-size:.88rem;white-space:pre-wrap;word-break:break-word}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{color:#555}
.row{display:flex;flex-wrap:wrap;gap:1.5rem}.row figure{flex:1 1 460px;min-width:0}
.warn{background:#fff4e5;border-left:4px solid #e69f00;padding:.4rem .8rem}
"""


class ReportUnavailable(RuntimeError):
    """matplotlib is not installed."""


def require_matplotlib() -> None:
    """Raise `ReportUnavailable` with the install hint unless matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ReportUnavailable(INSTALL_HINT) from exc


def write_report(
    path: Path,
    summaries: Sequence[Summary],
    runs: Mapping[str, Sequence[ExampleResult]],
    *,
    source: str,
) -> Path:
    """Write the report of one or more backends on the same test set to `path`."""
    text = render(summaries, runs, source=source)
    with atomic_open(path) as fh:
        fh.write(text)
    return path


def render(
    summaries: Sequence[Summary],
    runs: Mapping[str, Sequence[ExampleResult]],
    *,
    source: str,
) -> str:
    """The report as one HTML document. `runs` maps each summary's backend to its results."""
    require_matplotlib()
    names = [s.backend for s in summaries]
    plain = [s.backend for s in summaries if s.hybrid is None]
    derived = [s for s in summaries if s.hybrid is not None]
    n = summaries[0].examples if summaries else 0
    if len(names) == 1:
        title = f"repvoice eval: {names[0]}"
    elif len(plain) == 2 and len(derived) == 1:
        title = f"repvoice eval: {derived[0].backend}"
    else:
        title = f"repvoice compare: {len(names)} backends"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{n:,} examples from <code>{escape(source)}</code> · '
        f"backends: {', '.join(f'<code>{escape(b)}</code>' for b in names)} · "
        f"repvoice {escape(__version__)} · {when}</p>",
        "<h2>Accuracy per field</h2>",
        _notes(summaries),
        _accuracy_table(summaries),
        _error_section(summaries),
        "<h2>Validity, latency, tokens and cost</h2>",
        _operations_table(summaries),
        _figure(
            _validity_chart(summaries), "Answers per backend: valid JSON, valid schema, errors."
        ),
        _latency_section(summaries),
        _figure(_cost_chart(summaries), "Cost per 1,000 calls (USD)."),
        _confidence_section(summaries),
    ]
    # A derived column only repeats, per example, answers already shown: it takes no part in
    # the disagreements, and its misses are listed on their own.
    if len(plain) > 1:
        parts.append(_disagreement_section({b: runs[b] for b in plain}))
    elif plain and not derived:
        parts.append(_miss_section(runs[plain[0]]))
    for s in derived:
        parts.append(_miss_section(runs[s.backend], s.backend))
    parts.append(_definitions())
    parts.append("</body></html>")
    return "\n".join(parts)


# --- tables ---------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f} ms" if value < 10 else f"{value:,.0f} ms"


def _head(first: str, summaries: Sequence[Summary]) -> str:
    cells = "".join(f"<th>{escape(s.backend)}</th>" for s in summaries)
    return f"<tr><th>{escape(first)}</th>{cells}</tr>"


def _notes(summaries: Sequence[Summary]) -> str:
    """Warnings that change how the figures read: unanswered examples, unknown identities."""
    notes = [
        f"<code>{escape(s.backend)}</code>: {escape(unanswered_note(s))}."
        for s in summaries
        if s.unanswered
    ]
    notes += [
        f"<code>{escape(s.backend)}</code>: {s.cached:,} answers came from the cache, and the "
        "server does not identify its model; if it now serves another one, run again with "
        "<code>--refresh</code>."
        for s in summaries
        if s.identity_known is False and s.cached
    ]
    return "".join(f'<p class="warn">{n}</p>' for n in notes)


def _accuracy_table(summaries: Sequence[Summary]) -> str:
    rows = [_head("field", summaries)]
    cells = "".join(
        f'<td class="n{" bad" if s.unanswered else ""}">{escape(answered_label(s))}</td>'
        for s in summaries
    )
    rows.append(f"<tr><td>answered</td>{cells}</tr>")
    for name in SCORED:
        cells = "".join(
            f'<td class="n">{_pct(s.accuracy(name))} '
            f"<small>({s.right.get(name, 0):,}/{s.judged.get(name, 0):,})</small></td>"
            for s in summaries
        )
        css = ' class="core"' if name == "core" else ""
        rows.append(f"<tr{css}><td>{escape(label(name))}</td>{cells}</tr>")
    return f"<table>{''.join(rows)}</table>"


def operations_rows(s: Summary, routed: bool = False) -> list[tuple[str, str]]:
    """(row label, value) of the validity, latency, token and cost rows for one backend; with
    `routed` (a derived hybrid column is shown), the routing rows too ("—" for other rows)."""
    d = s.to_dict()
    tokens = d["tokens"]
    lat = d["latency_ms"]

    def count(k: int) -> str:
        rate = s.rate(k)
        return f"{k:,} ({_pct(rate)})"

    identity = s.identity or "—"
    return [
        ("model identity", identity),
        ("JSON valid", count(s.json_valid)),
        ("schema valid", count(s.schema_valid)),
        ("errors", count(s.errors)),
        ("not asked", f"{s.not_asked:,}"),
        ("calls made / from cache", f"{d['calls_made']:,} / {s.cached:,}"),
        *((f"latency p{q}", _ms(lat[f"p{q}"])) for q in PERCENTILES),
        ("tokens in (total, mean)", _tokens(tokens["in_total"], tokens["in_mean"], tokens)),
        ("tokens out (total, mean)", _tokens(tokens["out_total"], tokens["out_mean"], tokens)),
        ("cost per 1,000 calls", s.cost_label),
        *(_routing_rows(s) if routed else []),
    ]


def _routing_rows(s: Summary) -> list[tuple[str, str]]:
    h = s.hybrid
    if h is None:
        return [("sent to the fallback", "—"), ("fallback unusable", "—"), ("to confirm", "—")]
    return [
        ("sent to the fallback", f"{h.asked:,} ({_pct(h.fallback_share)})"),
        ("fallback unusable", f"{h.fallback_failed:,}"),
        ("to confirm", f"{h.unconfirmed:,} ({_pct(s.rate(h.unconfirmed))})"),
    ]


def routed(summaries: Sequence[Summary]) -> bool:
    """Whether a derived hybrid column is among `summaries`."""
    return any(s.hybrid is not None for s in summaries)


def _tokens(total: int, mean: float | None, tokens: Mapping[str, Any]) -> str:
    if not tokens["reported"]:
        return "—"
    return f"{total:,} ({mean:,.1f})"


def _operations_table(summaries: Sequence[Summary]) -> str:
    rows = [_head("", summaries)]
    columns = [operations_rows(s, routed(summaries)) for s in summaries]
    for i, (name, _) in enumerate(columns[0] if columns else []):
        cells = "".join(f'<td class="n">{escape(col[i][1])}</td>' for col in columns)
        rows.append(f"<tr><td>{escape(name)}</td>{cells}</tr>")
    errors = [s for s in summaries if s.first_error]
    notes = "".join(
        f"<p>First error of <code>{escape(s.backend)}</code>: "
        f'<code class="bad">{escape(s.first_error or "")}</code></p>'
        for s in errors
    )
    return f"<table>{''.join(rows)}</table>{notes}"


def _latency_section(summaries: Sequence[Summary]) -> str:
    if not any(s.latencies_ms for s in summaries):
        return "<p>No latency to show: every answer came from the cache or failed.</p>"
    return _figure(
        _latency_chart(summaries),
        "Latency of the calls made (cache hits and failed calls left out).",
    )


def _confidence_section(summaries: Sequence[Summary]) -> str:
    having = [s for s in summaries if s.reliability is not None]
    if not having:
        return ""
    colours = [_colour(summaries.index(s)) for s in having]
    parts = [
        "<h2>Confidence</h2>",
        "<p>Does the backend's confidence match how often every core field is right? At "
        f"confidence ≥ {CONFIRMATION_THRESHOLD} the app accepts an answer without asking.</p>",
        '<div class="row">',
        _figure(
            _reliability_chart(having, colours),
            "Reliability: each confidence bucket's mean confidence against the share of its "
            "answers with every core field right (marker size: answers in the bucket, as "
            "counted in the tables below). On the diagonal, confidence means what it says; "
            "below it, over-confident.",
        ),
        _figure(
            _coverage_risk_chart(having, colours),
            "Coverage and risk: as the confidence threshold falls from 1 to 0, the share of "
            "examples accepted without asking (x) and the share accepted with a core field "
            f"wrong (y). The dot is the app's threshold, {CONFIRMATION_THRESHOLD}."
            + _routed_note(having),
        ),
        "</div>",
    ]
    for s in having:
        rows = [
            "<tr><th>confidence</th><th>answers</th><th>mean confidence</th>"
            "<th>core accuracy</th></tr>"
        ]
        for b in s.reliability or []:
            rows.append(
                f"<tr><td>{b['lo']:.2f}–{b['hi']:.2f}</td><td class=n>{b['count']:,}</td>"
                f"<td class=n>{_pct(b['mean_confidence'])}</td>"
                f"<td class=n>{_pct(b['accuracy'])}</td></tr>"
            )
        parts.append(
            f"<h3><code>{escape(s.backend)}</code> ({s.with_confidence:,} answers with a "
            f"confidence)</h3><table>{''.join(rows)}</table>"
            f"<p>At confidence ≥ {CONFIRMATION_THRESHOLD}: <b>{_pct(s.accuracy_at_threshold)}"
            f"</b> accurate, covering <b>{_pct(s.coverage_at_threshold)}</b> of examples."
            f"{_sent_note(s)}</p>"
        )
    return "\n".join(parts)


def _routed_note(summaries: Sequence[Summary]) -> str:
    derived = [s for s in summaries if s.hybrid is not None]
    if not derived:
        return ""
    return (
        " The dashed curve is the local parser with its fallback, as the service routes: "
        "an example below the routing threshold carries the fallback's (capped) confidence."
    )


def _sent_note(s: Summary) -> str:
    h = s.hybrid
    if h is None:
        return ""
    return (
        f" Sent to the fallback (local confidence below {h.threshold:g}): "
        f"<b>{h.asked:,}</b> ({_pct(h.fallback_share)}), of which {h.fallback_failed:,} got "
        f"no usable answer (the local one stood, unconfirmed); fallback confidence capped at "
        f"{h.cap:g}."
    )


def _values(data: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={_value(v)}" for k, v in data.items())


def _value(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "null" if v is None else str(v)


def _more(shown: int, total: int) -> str:
    return f"<p>… and {total - shown:,} more (see --json).</p>" if total > shown else ""


def _miss_section(results: Sequence[ExampleResult], of: str | None = None) -> str:
    found = misses(results)
    parts = [
        "<h2>Misses</h2>" if of is None else f"<h2>Misses of <code>{escape(of)}</code></h2>",
        f"<p>{len(found):,} examples with a field wrong, those with a core field wrong first.</p>",
    ]
    if not found:
        return "\n".join(parts)
    rows = [
        "<tr><th>line</th><th>text</th><th>context</th><th>wrong</th><th>expected</th>"
        "<th>predicted</th></tr>"
    ]
    for m in found[:MAX_ROWS]:
        predicted = f"error: {m.error}" if m.error else _values(m.predicted)
        rows.append(
            f"<tr><td class=n>{m.line}</td><td>{escape(m.text)}</td>"
            f"<td><code>{escape(_values(m.context or {}))}</code></td>"
            f"<td>{escape(', '.join(label(f) for f in m.wrong))}</td>"
            f"<td><code>{escape(_values(m.expected))}</code></td>"
            f'<td><code class="bad">{escape(predicted)}</code></td></tr>'
        )
    parts.append(f"<table>{''.join(rows)}</table>")
    parts.append(_more(len(found[:MAX_ROWS]), len(found)))
    return "\n".join(parts)


def _disagreement_section(runs: Mapping[str, Sequence[ExampleResult]]) -> str:
    found = disagreements(runs)
    names = list(runs)
    parts = [
        "<h2>Where the backends disagree</h2>",
        f"<p>{len(found):,} examples where one backend is right and another wrong on a field, "
        "or all are wrong with different answers. Only the disputed fields are shown; "
        '<span class="ok">green</span> is right.</p>',
    ]
    if not found:
        return "\n".join(parts)
    head = "".join(f"<th>{escape(b)}</th>" for b in names)
    rows = [f"<tr><th>line</th><th>text</th><th>fields</th><th>gold</th>{head}</tr>"]
    for d in found[:MAX_ROWS]:
        cells = "".join(_answer_cell(d.answers[b], d.right[b], d.fields) for b in names)
        rows.append(
            f"<tr><td class=n>{d.line}</td><td>{escape(d.text)}</td>"
            f"<td>{escape(', '.join(label(f) for f in d.fields))}</td>"
            f"<td><code>{escape(_values(d.gold))}</code></td>{cells}</tr>"
        )
    parts.append(f"<table>{''.join(rows)}</table>")
    parts.append(_more(len(found[:MAX_ROWS]), len(found)))
    return "\n".join(parts)


def _answer_cell(answer: Mapping[str, Any], right: list[str], fields: list[str]) -> str:
    css = "ok" if len(right) == len(fields) else "bad"
    return f'<td><code class="{css}">{escape(_values(answer))}</code></td>'


def _definitions() -> str:
    from repvoice.evaluate import summary

    doc = (summary.__doc__ or "").split("\n\n", 1)[-1].strip()
    items = [line.removeprefix("- ").strip() for line in doc.split("\n- ")]
    lis = "".join(f"<li>{escape(' '.join(i.split()))}</li>" for i in items if i)
    return f"<h2>How the figures are defined</h2><ul>{lis}</ul>"


# --- charts ---------------------------------------------------------------------------------


def _figure(fig: Figure, caption: str) -> str:
    return f"<figure>{_svg(fig)}<figcaption>{escape(caption)}</figcaption></figure>"


_svg_count = 0


def _svg(fig: Figure) -> str:
    import matplotlib

    global _svg_count
    _svg_count += 1
    buf = io.StringIO()
    # Text stays text (no glyph paths, no font files); a per-figure salt keeps the element ids
    # of several inline SVGs in one page apart.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"fig{_svg_count}"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # The object-oriented API on the Agg canvas: no pyplot state, no GUI, safe in any process.
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _legend(fig: Figure, names: Sequence[str]) -> None:
    """One legend above the plot, outside it, so that it never covers bars or labels."""
    ncols = 1 if any(len(n) > 40 for n in names) else min(len(names), 3)
    fig.legend(loc="outside upper center", ncols=max(ncols, 1), fontsize="small", frameon=False)


def _error_section(summaries: Sequence[Summary]) -> str:
    having = [s for s in summaries if s.answered]
    if not having:
        return "<p>No error-rate chart: no backend answered anything.</p>"
    left = [s.backend for s in summaries if not s.answered]
    caption = (
        "Error rate per field: share of the judged answers that are wrong (shorter is better). "
        "The axis is zoomed to the largest error rate."
    )
    if left:
        caption += f" Left out, no answers: {', '.join(left)}."
    return _figure(_error_chart(having), caption)


def _error_chart(summaries: Sequence[Summary]) -> Figure:
    from matplotlib.ticker import PercentFormatter

    names = list(SCORED)
    k = max(len(summaries), 1)
    fig = _new_figure(9, 1.4 + len(names) * (0.2 + 0.2 * k))
    ax = fig.add_subplot()
    height = 0.8 / k
    top = 0.0
    for i, s in enumerate(summaries):
        ys = [r + (i - (k - 1) / 2) * height for r in range(len(names))]
        errors = [_error_rate(s, n) for n in names]
        shown = [e if e is not None else 0.0 for e in errors]
        bars = ax.barh(ys, shown, height, label=s.backend, color=_colour(i))
        texts = ["—" if e is None else f"{e:.1f}%" for e in errors]
        ax.bar_label(bars, texts, padding=3, fontsize=8)
        top = max(top, *shown)
    ax.set_yticks(range(len(names)), [label(n) for n in names])
    ax.get_yticklabels()[names.index("core")].set_fontweight("bold")
    ax.invert_yaxis()
    # Room on the right for the value labels; never less than 1% so 0 errors still reads.
    ax.set_xlim(0, max(top * 1.22, 1.0))
    if top * 1.22 > 100:  # room for the labels, but no ticks past 100%
        ax.set_xticks(range(0, 101, 20))
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=1 if top < 5 else 0))
    ax.set_xlabel("error rate (judged answers wrong)")
    ax.grid(axis="x", alpha=0.3)
    _legend(fig, [s.backend for s in summaries])
    return fig


def _error_rate(s: Summary, name: str) -> float | None:
    acc = s.accuracy(name)
    return None if acc is None else 100 * (1 - acc)


def _coverage_risk_chart(summaries: Sequence[Summary], colours: Sequence[str]) -> Figure:
    from matplotlib.ticker import PercentFormatter

    fig = _new_figure(6.2, 4.8)
    ax = fig.add_subplot()
    top = 0.0
    for i, (s, colour) in enumerate(zip(summaries, colours, strict=True)):
        curve = s.coverage_risk(0.01)
        xs = [100 * p["accepted"] for p in curve]
        ys = [100 * p["wrong_accepted"] for p in curve]
        style = "--" if s.hybrid is not None else "-"
        ax.plot(xs, ys, color=colour, label=s.backend, lw=1.8, ls=style, drawstyle="steps-post")
        top = max(top, *ys)
        at = next(p for p in curve if p["threshold"] >= CONFIRMATION_THRESHOLD)
        ax.plot(
            [100 * at["accepted"]], [100 * at["wrong_accepted"]], "o", color=colour, ms=7,
            markeredgecolor="white",
        )  # fmt: skip
        ax.annotate(
            f"≥ {CONFIRMATION_THRESHOLD}: {100 * at['accepted']:.1f}% accepted, "
            f"{100 * at['wrong_accepted']:.1f}% wrong",
            (100 * at["accepted"], 100 * at["wrong_accepted"]),
            # Stacked, one line per series: a routed pair's dots sit close to the local one's.
            xytext=(-8, 10 + 12 * i),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            color=colour,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    ax.set_xlim(0, 102)
    ax.set_ylim(0, max(top * 1.25, 1.0))
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=1))
    ax.set_xlabel("examples auto-accepted (confidence ≥ threshold)")
    ax.set_ylabel("examples auto-accepted and wrong")
    ax.grid(alpha=0.3)
    _legend(fig, [s.backend for s in summaries])
    return fig


def _reliability_chart(summaries: Sequence[Summary], colours: Sequence[str]) -> Figure:
    fig = _new_figure(6.2, 4.8)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], ls="--", color="#888", lw=1, label="perfectly calibrated")
    biggest = max(b["count"] for s in summaries for b in s.reliability or [])
    for s, colour in zip(summaries, colours, strict=True):
        buckets = [b for b in s.reliability or [] if b["count"]]
        xs = [b["mean_confidence"] for b in buckets]
        ys = [b["accuracy"] for b in buckets]
        sizes = [25 + 220 * b["count"] / max(biggest, 1) for b in buckets]
        # A faint line only guides the eye: buckets are few, and some hold a handful.
        ax.plot(xs, ys, color=colour, lw=1, alpha=0.35, ls="--" if s.hybrid else "-")
        ax.scatter(
            xs, ys, s=sizes, color=colour, alpha=0.85, edgecolors="white", label=s.backend,
            clip_on=False, zorder=3,
        )  # fmt: skip
    ax.axvline(CONFIRMATION_THRESHOLD, color="#bbb", lw=0.8, ls=":")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(-0.02, 1.04)
    ax.set_aspect("equal")
    ax.set_xlabel("mean confidence of the bucket")
    ax.set_ylabel("share with every core field right")
    ax.grid(alpha=0.3)
    _legend(fig, ["perfectly calibrated", *(s.backend for s in summaries)])
    return fig


def _latency_chart(summaries: Sequence[Summary]) -> Figure:
    having = [(i, s) for i, s in enumerate(summaries) if s.latencies_ms]
    import matplotlib

    fig = _new_figure(8, 0.9 + 0.6 * len(having))
    ax = fig.add_subplot()
    # Horizontal boxes so that long backend URIs fit; `vert` is deprecated from 3.10 on.
    if tuple(matplotlib.__version_info__[:2]) >= (3, 10):
        flip: dict[str, Any] = {"orientation": "horizontal"}
    else:
        flip = {"vert": False}
    box = ax.boxplot([s.latencies_ms for _, s in having], patch_artist=True, **flip)
    for patch, (i, _) in zip(box["boxes"], having, strict=True):
        patch.set_facecolor(_colour(i))
        patch.set_alpha(0.6)
    ax.set_yticks(range(1, len(having) + 1), [s.backend for _, s in having])
    ax.invert_yaxis()
    ax.set_xlabel("latency per call (ms)")
    lows = [max(min(s.latencies_ms), 1e-3) for _, s in having]
    highs = [max(s.latencies_ms) for _, s in having]
    if max(highs) > 20 * min(lows):  # local and remote backends differ by orders of magnitude
        ax.set_xscale("log")
    ax.grid(axis="x", alpha=0.3)
    return fig


def _bars(
    summaries: Sequence[Summary], value: Callable[[Summary], float | None], text: Callable[..., str]
) -> Figure:
    fig = _new_figure(8, 0.8 + 0.5 * len(summaries))
    ax = fig.add_subplot()
    ys = range(len(summaries))
    vals = [value(s) for s in summaries]
    ax.barh(ys, [v or 0.0 for v in vals], color=[_colour(i) for i in ys])
    for y, s in zip(ys, summaries, strict=True):
        ax.annotate(
            text(s), (0, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=9
        )
    ax.set_yticks(list(ys), [s.backend for s in summaries])
    ax.invert_yaxis()
    return fig


def _cost_chart(summaries: Sequence[Summary]) -> Figure:
    fig = _bars(summaries, lambda s: s.cost_per_1000, lambda s: s.cost_label)
    top = max((s.cost_per_1000 or 0.0 for s in summaries), default=0.0)
    fig.axes[0].set_xlim(0, top * 1.3 or 1.0)
    fig.axes[0].set_xlabel("USD per 1,000 calls")
    return fig


def _validity_chart(summaries: Sequence[Summary]) -> Figure:
    fig = _new_figure(8, 1.2 + 0.9 * len(summaries))
    ax = fig.add_subplot()
    kinds = (
        ("JSON valid", "json_valid", "#4c72b0"),
        ("schema valid", "schema_valid", "#55a868"),
        ("errors", "errors", "#c44e52"),
    )
    height = 0.8 / len(kinds)
    for j, (name, attr, colour) in enumerate(kinds):
        ys = [i + (j - 1) * height for i in range(len(summaries))]
        counts = [getattr(s, attr) for s in summaries]
        bars = ax.barh(ys, counts, height, label=name, color=colour)
        ax.bar_label(bars, [f"{c:,}" for c in counts], padding=3, fontsize=8)
    ax.set_yticks(range(len(summaries)), [s.backend for s in summaries])
    ax.invert_yaxis()
    ax.set_xlabel(f"answers (of {summaries[0].examples:,})" if summaries else "answers")
    ax.set_xlim(0, max([s.examples for s in summaries] or [1]) * 1.12 or 1)
    _legend(fig, [k[0] for k in kinds])
    return fig


__all__ = [
    "ReportUnavailable",
    "operations_rows",
    "render",
    "require_matplotlib",
    "routed",
    "write_report",
]
