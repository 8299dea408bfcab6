"""Run a backend over a chat JSONL test file: one request per example, answers scored per field.

The test file is read the way training reads it: the user turn is the transcript, the system
turn without its "\\n\\nContext: {json}" suffix is the prompt sent to the backend, the suffix is
the previous set, and the last assistant turn is the gold answer. Records that cannot be used
are returned with their line and reason, never dropped silently.

Calls run on a thread pool with at most `concurrency` in flight; results come back in input
order. A backend with an on-disk cache stores every answer as it arrives, so after Ctrl-C a
re-run answers the finished examples from the cache and only calls for the rest.

A backend that stops answering (`max_failures` calls in a row without an answer, e.g. a server
that went down mid-run) is not asked about the rest: those examples get a "not asked" reply, so
that a dead endpoint costs seconds, not minutes of retries. Examples without an answer are not
judged (every verdict None): figures are over the answered ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repvoice.backends.base import Backend, Reply, Request
from repvoice.data.jsonl import JsonlReader
from repvoice.data.stats import split_context
from repvoice.evaluate.metrics import score_fields
from repvoice.schema import Context, WorkoutSet

#: Called after each finished example with (done, total).
Progress = Callable[[int, int], None]
#: Calls in a row without an answer after which a run stops asking.
MAX_FAILURES = 5


@dataclass(frozen=True)
class EvalExample:
    """One usable test record."""

    line: int
    text: str
    context: Context | None
    gold: dict[str, Any]
    system_prompt: str | None = None


@dataclass
class TestSet:
    """The usable examples of a test file and the records left out, with reasons."""

    __test__ = False  # not a pytest class, despite the name

    path: Path
    examples: list[EvalExample] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ExampleResult:
    """One example, the backend's reply and the verdict on every field (see metrics)."""

    line: int
    text: str
    context: Context | None
    gold: dict[str, Any]
    reply: Reply
    verdicts: dict[str, bool | None]

    @property
    def predicted(self) -> dict[str, Any]:
        """The answer judged: the reply's data, or {} when there is none."""
        return self.reply.data if isinstance(self.reply.data, dict) else {}


def read_test_file(path: Path, *, limit: int | None = None) -> TestSet:
    """Usable examples of a chat JSONL file (the first `limit` of them when given).

    Raises `DataError` when the file is missing, a directory or empty.
    """
    out = TestSet(path)
    for line in JsonlReader(path):
        if limit is not None and len(out.examples) >= limit:
            break
        example = _example(line.number, line.data if line.ok else None)
        if isinstance(example, str):
            out.skipped.append(
                (line.number, example if line.ok else f"unreadable line ({line.code})")
            )
        else:
            out.examples.append(example)
    return out


def _example(number: int, data: Any) -> EvalExample | str:
    """The example of one record, or why there is none."""
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, list):
        return "not a chat record"
    turns = [m for m in messages if isinstance(m, dict)]
    system = next((m.get("content") for m in turns if m.get("role") == "system"), None)
    user = next((m.get("content") for m in turns if m.get("role") == "user"), None)
    answer = next((m.get("content") for m in reversed(turns) if m.get("role") == "assistant"), None)
    if not isinstance(user, str) or not user.strip():
        return "no user text"
    if not isinstance(answer, str):
        return "no assistant answer"
    try:
        gold = WorkoutSet.model_validate_json(answer).model_dump()
    except ValueError:
        return "answer is not a valid workout-set JSON"
    prompt, context = None, None
    if isinstance(system, str):
        prompt, ctx, state = split_context(system)
        if state == "unparsed":
            return "Context suffix is not JSON"
        if ctx:
            try:
                context = Context.model_validate(ctx)
            except ValueError:
                return "Context suffix is not a valid previous set"
    return EvalExample(number, user, context, gold, prompt)


def run(
    backend: Backend,
    examples: Sequence[EvalExample],
    *,
    concurrency: int = 4,
    progress: Progress | None = None,
    max_failures: int | None = MAX_FAILURES,
) -> list[ExampleResult]:
    """Ask `backend` about every example, at most `concurrency` at a time; one result per
    example, in input order.

    After `max_failures` calls in a row (in the order they finish) end without an answer, no
    further calls are made: calls not yet started are cancelled, those in flight finish, and
    every example left gets a reply with `error_kind` "not_asked" (None: never stop).

    On KeyboardInterrupt the calls not yet started are cancelled and the interrupt is raised
    again; answers already received stay in the backend's cache.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    if max_failures is not None and max_failures < 1:
        raise ValueError("max_failures must be at least 1 (or None)")
    total = len(examples)
    replies: list[Reply | None] = [None] * total
    done = 0
    streak = 0
    stopped: str | None = None
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="repvoice-eval")
    pending: dict[Future[Reply], int] = {}
    queue = iter(enumerate(examples))
    try:
        # A window of 2 × concurrency keeps the workers busy without queueing the whole file,
        # so an interrupt leaves little to cancel.
        while True:
            while stopped is None and len(pending) < 2 * concurrency:
                nxt = next(queue, None)
                if nxt is None:
                    break
                i, ex = nxt
                pending[pool.submit(_ask, backend, ex)] = i
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                if fut.cancelled():
                    pending.pop(fut)
                    continue
                reply = fut.result()
                replies[pending.pop(fut)] = reply
                done += 1
                streak = 0 if reply.answered else streak + 1
                if stopped is None and max_failures is not None and streak >= max_failures:
                    stopped = (
                        f"not asked: the run stopped after {streak} calls in a row got no "
                        f"answer (last: {reply.error})"
                    )
                    for other in pending:
                        other.cancel()  # those already running finish; the rest never start
                if progress is not None:
                    progress(done, total)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    out = []
    for ex, reply in zip(examples, replies, strict=True):
        if reply is None:
            reply = Reply.failed(stopped or "not asked", kind="not_asked")
        out.append(
            ExampleResult(ex.line, ex.text, ex.context, ex.gold, reply, score(reply, ex.gold))
        )
    return out


def _ask(backend: Backend, ex: EvalExample) -> Reply:
    request = Request(text=ex.text, context=ex.context, system_prompt=ex.system_prompt)
    start = time.perf_counter()
    try:
        return backend.parse(request)
    except Exception as exc:  # a backend bug must show up as a failed call, not end the run
        return Reply.failed(
            f"{type(exc).__name__}: {exc}", latency_ms=(time.perf_counter() - start) * 1000
        )


def score(reply: Reply, gold: dict[str, Any]) -> dict[str, bool | None]:
    """Verdicts on an answer; none (all None) for an example without one. A reply holding no
    JSON object is an answer, judged as the empty answer {}."""
    if not reply.answered:
        return dict.fromkeys(score_fields({}, gold))
    data = reply.data if isinstance(reply.data, dict) else {}
    return score_fields(data, gold)
