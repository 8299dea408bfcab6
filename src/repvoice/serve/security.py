"""Optional bearer-token auth: one shared key, compared in constant time, never logged."""

from __future__ import annotations

import hmac

#: Paths open without a key: probes and the API docs.
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/openapi.json"})
#: Path prefixes open without a key: the docs page's own scripts and styles.
OPEN_PREFIXES = ("/docs/assets/",)


class BearerAuth:
    """Checks `Authorization: Bearer KEY` against the configured key (none: everything open)."""

    def __init__(self, api_key: str | None) -> None:
        self._key = api_key.encode() if api_key else None

    @property
    def enabled(self) -> bool:
        return self._key is not None

    def allows(self, path: str, authorization: bytes | None) -> bool:
        """True when the request may go on."""
        if self._key is None or path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            return True
        if authorization is None:
            return False
        scheme, _, token = authorization.partition(b" ")
        if scheme.lower() != b"bearer":
            return False
        return hmac.compare_digest(token.strip(), self._key)

    def __repr__(self) -> str:  # never show the key, even in a debugger or a log line
        return f"BearerAuth(enabled={self.enabled})"
