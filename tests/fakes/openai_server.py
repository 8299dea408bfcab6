"""A local HTTP server speaking OpenAI's chat-completions protocol, with recorded replies.

The reply is chosen by the request's user text (see `SCENARIOS`); the n-th request with the same
text gets the n-th reply of its list (the last one repeats), so "429 then success" is a list of
two. Every request is recorded (path, headers with lower-case names, JSON body) for tests to
assert what was sent. `GET /v1/models` lists `models` (model objects as the server would send
them; 404 when None). With `fail_after=N`, every chat request after the first N drops the
connection without a reply, as a server that died mid-run.

    with FakeOpenAI() as server:
        backend = get_backend(f"openai-compatible:m@{server.base_url}")
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VALID = (
    '{"exercise_id": "0379744e-d66b-5830-a327-8f0777c83c1e", '
    '"exercise_name": "Barbell Bench Press", "weight": 225, "weight_unit": "lbs", '
    '"reps": 8, "rpe": 8, "confidence": 0.93}'
)
OUT_OF_RANGE = (
    '{"exercise_name": "Barbell Bench Press", "weight": 225, "weight_unit": "lbs", '
    '"reps": 8, "rpe": 11, "confidence": 0.9}'
)


@dataclass(frozen=True)
class Canned:
    """One recorded reply: a chat completion with `content`, or `status` with an error body.

    `body` replaces the whole response body; `delay` holds the reply back (cut short when the
    server stops); `drip` sends the headers at once, then the body one byte every `drip`
    seconds (a sick server whose every read succeeds, slowly).
    """

    status: int = 200
    content: str | None = None
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0
    usage: tuple[int, int] = (57, 38)


def _error(status: int, message: str, kind: str, **headers: str) -> Canned:
    body = json.dumps({"error": {"message": message, "type": kind, "param": None, "code": None}})
    return Canned(status=status, body=body, headers=headers)


#: Replies by user text, as providers send them.
SCENARIOS: dict[str, list[Canned]] = {
    "valid": [Canned(content=VALID)],
    "malformed": [Canned(content="Logged: Barbell Bench Press 225 lbs x 8 @ RPE 8")],
    "fenced": [Canned(content=f"```json\n{VALID}\n```")],
    "list": [Canned(content=f"[{VALID}]")],
    "out-of-range": [Canned(content=OUT_OF_RANGE)],
    "rate-limited": [
        _error(429, "Rate limit reached for requests", "requests", **{"Retry-After": "1"}),
        Canned(content=VALID),
    ],
    "server-error": [
        _error(500, "The server had an error while processing your request.", "server_error"),
        Canned(content=VALID),
    ],
    "always-503": [_error(503, "The engine is currently overloaded.", "server_error")],
    "bad-request": [_error(400, "Invalid schema for response_format", "invalid_request_error")],
    "not-a-completion": [Canned(body="<html><body>502 Bad Gateway</body></html>")],
    "hang": [Canned(content=VALID, delay=30.0)],
    "drip": [Canned(content=VALID, drip=0.2)],
    # An integer of 5,000 digits: over Python's int_max_str_digits, json.loads refuses it.
    "giant-int": [Canned(content='{"reps": ' + "9" * 5000 + ', "confidence": 0.9}')],
}


class FakeOpenAI:
    """The server, bound to 127.0.0.1 on a free port, serving from a daemon thread."""

    def __init__(
        self,
        scenarios: dict[str, list[Canned]] | None = None,
        *,
        models: list[dict[str, Any]] | None = None,
        fail_after: int | None = None,
    ) -> None:
        self.scenarios = dict(SCENARIOS if scenarios is None else scenarios)
        self.models = models
        self.fail_after = fail_after
        self.chats = 0
        self.model_lists = 0  # GET /models requests
        #: When set, every request gets this reply, whatever its text (a server gone sick).
        self.override: Canned | None = None
        self.requests: list[dict[str, Any]] = []
        self.seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        # A short poll interval: `stop` waits for the serving loop to notice.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def count(self, text: str) -> int:
        """Requests received whose user text is `text`."""
        with self._lock:
            return self.seen[text]

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, path: str, headers: dict[str, str], body: Any) -> Canned | None:
        """The reply to send; None to drop the connection (past `fail_after`)."""
        text = _user_text(body)
        with self._lock:
            self.requests.append({"path": path, "headers": headers, "body": body})
            n = self.seen[text]
            self.seen[text] += 1
            self.chats += 1
            if self.fail_after is not None and self.chats > self.fail_after:
                return None
        if self.override is not None:
            return self.override
        replies = self.scenarios.get(text) or [Canned(content=VALID)]
        return replies[min(n, len(replies) - 1)]


def _user_text(body: Any) -> str:
    messages = body.get("messages") if isinstance(body, dict) else None
    for msg in reversed(messages or []):
        if isinstance(msg, dict) and msg.get("role") == "user":
            content = msg.get("content")
            return content if isinstance(content, str) else json.dumps(content)
    return ""


def _completion(model: str, canned: Canned) -> str:
    prompt, completion = canned.usage
    return json.dumps(
        {
            "id": "chatcmpl-fake0001",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": canned.content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }
    )


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            with server._lock:
                server.model_lists += 1
            if not self.path.endswith("/models") or server.models is None:
                self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}), {})
                return
            self._send(200, json.dumps({"object": "list", "data": server.models}), {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                body = None
            if not self.path.endswith("/chat/completions"):
                self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}), {})
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            canned = server._record(self.path, headers, body)
            if canned is None:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if canned.delay and server._stopping.wait(canned.delay):
                return
            model = body.get("model", "") if isinstance(body, dict) else ""
            text = canned.body if canned.body is not None else _completion(model, canned)
            self._send(canned.status, text, canned.headers, canned.drip)

        def _send(self, status: int, text: str, headers: dict[str, str], drip: float = 0.0) -> None:
            data = text.encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if not drip:
                    self.wfile.write(data)
                    return
                self.wfile.flush()
                for i in range(len(data)):
                    if server._stopping.wait(drip):
                        return
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout); nothing to tell it

    return Handler
