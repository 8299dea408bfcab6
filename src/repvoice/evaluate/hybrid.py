"""The answers `repvoice serve` would give with the local parser first and a fallback below a
threshold, derived from one run of each backend on the same examples (no extra calls).

Per example, as `repvoice.backends.hybrid` (the router's own logic) decides: the local answer
when its confidence is at or above the threshold; else the fallback's answer, its exercise
resolved against the local catalogue and its confidence capped; when the fallback gave no
usable answer (a failed call, not asked, or an answer that is not a valid workout set), the
local answer, unconfirmed.

The derived reply of an example sent to the fallback carries the fallback's tokens, cost and
cache flag, and the latency of both calls; from the cache, it has no latency, as any cache hit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from repvoice.backends import hybrid
from repvoice.backends.base import Reply
from repvoice.evaluate.runner import ExampleResult, score
from repvoice.evaluate.summary import HybridFigures, Summary, summarise
from repvoice.parser.model import Parser
from repvoice.schema import CONFIRMATION_THRESHOLD, ParseResult, WorkoutSet, compact_dict


def hybrid_name(local: str, fallback: str, threshold: float) -> str:
    """The name the derived row is shown under."""
    return f"{local} + {fallback} (fallback below {threshold:g})"


def combine(
    parser: Parser,
    local: Sequence[ExampleResult],
    fallback: Sequence[ExampleResult],
    *,
    threshold: float,
    cap: float = 1.0,
) -> tuple[list[ExampleResult], HybridFigures]:
    """The routed answer to every example, from the local and the fallback results of the
    same examples (in the same order), and the routing counts."""
    figures = HybridFigures(threshold=threshold, cap=cap, examples=len(local))
    out = []
    for here, there in zip(local, fallback, strict=True):
        if here.line != there.line:
            raise ValueError(f"line {here.line} and line {there.line} are not the same example")
        reply, result = _route(parser, here.reply, there.reply, threshold, cap, figures)
        if result is not None and result.requires_confirmation:
            figures.unconfirmed += 1
        out.append(
            ExampleResult(
                here.line, here.text, here.context, here.gold, reply, score(reply, here.gold)
            )
        )
    return out, figures


def summarise_hybrid(
    parser: Parser,
    local: Summary,
    local_results: Sequence[ExampleResult],
    fallback: Summary,
    fallback_results: Sequence[ExampleResult],
    *,
    threshold: float,
    cap: float = 1.0,
) -> tuple[Summary, list[ExampleResult]]:
    """The derived row: its figures (`hybrid` set) and results."""
    results, figures = combine(
        parser, local_results, fallback_results, threshold=threshold, cap=cap
    )
    figures.local, figures.fallback = local.backend, fallback.backend
    s = summarise(hybrid_name(local.backend, fallback.backend, threshold), results)
    if figures.unpriced:
        # Some fallback calls have no price: a mean over the others would read as a bargain.
        s.priced, s.cost_usd = 0, 0.0
    s.identity = f"{local.identity or '—'} + {fallback.identity or '—'}"
    if local.identity_known is not None and fallback.identity_known is not None:
        s.identity_known = local.identity_known and fallback.identity_known
    s.hybrid = figures
    return s, results


def _route(
    parser: Parser,
    here: Reply,
    there: Reply,
    threshold: float,
    cap: float,
    figures: HybridFigures,
) -> tuple[Reply, ParseResult | None]:
    local = _local_answer(parser, here)
    if local is None:
        return here, None  # the local parser failed: the service would have no answer either
    if not hybrid.asks_fallback(local, threshold):
        return here, local
    figures.asked += 1
    latency = here.latency_ms + (0.0 if there.cached else there.latency_ms)
    merged = _merged(parser, there, local, cap)
    if there.answered and there.cost_usd is None:
        figures.unpriced += 1
    common = {
        "latency_ms": latency,
        "tokens_in": there.tokens_in,
        "tokens_out": there.tokens_out,
        "cost_usd": there.cost_usd,
        "cached": there.cached,
    }
    if merged is None:
        figures.fallback_failed += 1
        result = hybrid.unconfirmed(local)
        return Reply(data=here.data, confidence=here.confidence, **common), result
    return Reply(data=_data(merged), confidence=merged.confidence, **common), merged


def _local_answer(parser: Parser, reply: Reply) -> ParseResult | None:
    """The local reply as the router's local answer (unconfirmed when its exercise is unknown)."""
    if reply.error is not None or not isinstance(reply.data, dict):
        return None
    c = reply.confidence
    confidence = c if c is not None and math.isfinite(c) else 0.0
    result = ParseResult.model_validate({**reply.data, "confidence": confidence}).model_copy(
        update={"requires_confirmation": confidence < CONFIRMATION_THRESHOLD}
    )
    return hybrid.checked_local(parser, result)


def _merged(parser: Parser, reply: Reply, local: ParseResult, cap: float) -> ParseResult | None:
    """The fallback's answer merged as the router merges it; None when it gave none usable (as
    the router's guard: an error, no object, or an object that is not a valid workout set)."""
    if reply.error is not None or not reply.schema_valid or not isinstance(reply.data, dict):
        return None
    try:
        return hybrid.merge(parser, reply.data, local, cap)
    except ValueError:
        return None


def _data(result: ParseResult) -> dict[str, object]:
    return compact_dict(result.model_dump(include=set(WorkoutSet.model_fields)))
