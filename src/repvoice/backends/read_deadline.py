"""One HTTP exchange within one deadline, however the server sends its reply.

httpx's timeouts bound each read, so a server that drips a byte now and then never times out.
`post_json` reads the reply in chunks and gives up once the whole exchange has taken longer than
the deadline (at worst one read later), raising httpx's own `ReadTimeout`.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

#: Largest reply read, in bytes: a chat completion for one workout set is a few KB.
MAX_REPLY_BYTES = 4 * 1024 * 1024
#: Headers that described the body as sent, not as read here (decoded).
_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def post_json(client: httpx.Client, url: str, body: Any, *, deadline: float) -> httpx.Response:
    """POST `body` as JSON and read the whole reply within `deadline` seconds in all.

    Raises `httpx.ReadTimeout` past the deadline and `httpx.ReadError` for a reply over
    `MAX_REPLY_BYTES`; other httpx errors as `client.post` would.
    """
    end = time.monotonic() + deadline
    with client.stream("POST", url, json=body) as resp:
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_REPLY_BYTES:
                raise httpx.ReadError(
                    f"reply over {MAX_REPLY_BYTES // (1024 * 1024)} MiB", request=resp.request
                )
            if time.monotonic() > end:
                raise httpx.ReadTimeout(
                    f"reply not complete after {deadline:g} s", request=resp.request
                )
        headers = [(k, v) for k, v in resp.headers.items() if k.lower() not in _BODY_HEADERS]
        return httpx.Response(
            resp.status_code, headers=headers, content=b"".join(chunks), request=resp.request
        )
