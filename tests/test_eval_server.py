"""Resuming from the reply cache, against a real HTTP server speaking OpenAI's chat API.

`ChatServer` is a stand-in for a remote model (vLLM, llama.cpp): it answers each transcript with
a scripted JSON text and counts the requests it served. The compare tests use it too.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path

import pytest

from repvoice.backends import get_backend
from repvoice.data.bundled import default_test_path
from repvoice.evaluate.runner import read_test_file, run
from repvoice.evaluate.summary import summarise


class ChatServer:
    """An OpenAI-compatible chat-completions server on 127.0.0.1; `answer(text)` gives the
    content returned for a user text."""

    def __init__(self, answer: Callable[[str], str]) -> None:
        self.answer = answer
        self.requests = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                user = next(m["content"] for m in body["messages"] if m["role"] == "user")
                with server._lock:
                    server.requests += 1
                out = json.dumps(
                    {
                        "choices": [
                            {"message": {"role": "assistant", "content": server.answer(user)}}
                        ],
                        "usage": {"prompt_tokens": 100, "completion_tokens": 20},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def uri(self) -> str:
        return f"openai-compatible:test-model@http://127.0.0.1:{self._httpd.server_port}/v1"

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def gold_answers(path: Path) -> dict[str, str]:
    """Transcript -> its gold assistant JSON, from a chat JSONL file."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        messages = json.loads(line)["messages"]
        out[messages[-2]["content"]] = messages[-1]["content"]
    return out


@pytest.fixture
def small_test(tmp_path: Path) -> Path:
    """The first 40 records of the bundled test split."""
    path = tmp_path / "test40.jsonl"
    with default_test_path().open(encoding="utf-8") as fh:
        path.write_text("".join(islice(fh, 40)), encoding="utf-8")
    return path


@pytest.fixture
def server(small_test: Path) -> Iterator[ChatServer]:
    gold = gold_answers(small_test)
    with ChatServer(lambda text: gold[text]) as srv:
        yield srv


def test_second_run_is_answered_from_the_cache(
    small_test: Path, server: ChatServer, tmp_path: Path
) -> None:
    examples = read_test_file(small_test).examples
    cache = tmp_path / "cache"

    with get_backend(server.uri, cache_dir=cache) as backend:
        first = summarise(server.uri, run(backend, examples[:25], concurrency=4))
    assert first.errors == 0, first.first_error
    assert server.requests == 25
    assert (first.cached, len(first.latencies_ms)) == (0, 25)
    assert first.accuracy("core") == 1.0

    # A longer run after an interrupted one: the 25 answered are cached, only 15 are asked.
    with get_backend(server.uri, cache_dir=cache) as backend:
        second = summarise(server.uri, run(backend, examples, concurrency=4))
    assert server.requests == 40
    assert (second.cached, len(second.latencies_ms)) == (25, 15)
    assert second.accuracy("core") == 1.0
    # cache hits keep their token counts
    assert second.to_dict()["tokens"]["in_total"] == 40 * 100

    with get_backend(server.uri, cache_dir=cache) as backend:
        third = summarise(server.uri, run(backend, examples, concurrency=4))
    assert server.requests == 40
    assert third.cached == 40 and third.latencies_ms == []
