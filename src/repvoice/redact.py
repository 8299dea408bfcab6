"""Remove credentials from text before it is printed, logged, cached or written to a report.

`redact` hides the user-info of URLs (`https://user:pass@host` -> `https://***@host`), the
values of credential-like query parameters and headers (`?key=...`, `Authorization: Bearer ...`),
and strings shaped like provider API keys (`sk-...`, `AIza...`, `AKIA...`, `fw_...`, long
random tokens). `redact_url` shows a URL's scheme, host and path only.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

_URL_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/\s@?#]+)@")
_SECRET_PARAM = re.compile(
    r"(?P<name>\b(?:api[_-]?key|key|token|access[_-]?token|secret|password|passwd|pwd|sig"
    r"|signature|auth|x-api-key|x-goog-api-key)\s*[=:]\s*)(?P<value>[^\s&\"',;]+)",
    re.IGNORECASE,
)
_BEARER = re.compile(
    r"(?P<name>\b(?:bearer|basic|token)\s+)(?P<value>[A-Za-z0-9._~+/=-]{8,})", re.IGNORECASE
)
_KEY_SHAPES = re.compile(
    r"\b(?:"
    r"sk-[A-Za-z0-9_-]{8,}"  # OpenAI, Anthropic (sk-ant-...), many OpenAI-compatible servers
    r"|AIza[0-9A-Za-z_-]{20,}"  # Google API keys
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"  # AWS access key ids
    r"|fw_[A-Za-z0-9]{12,}"  # Fireworks
    r"|tgp_v1_[A-Za-z0-9_-]{12,}"  # Together
    r"|hf_[A-Za-z0-9]{20,}"  # Hugging Face
    r"|gh[pousr]_[A-Za-z0-9]{20,}"  # GitHub
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"  # Slack
    r"|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"  # JWTs
    r")"
)
#: Long runs of mixed letters and digits (40+ chars), as random keys are; UUIDs and hex
#: digests keep their dashes or are pure hex, so they are left alone.
_LONG_TOKEN = re.compile(r"\b(?=[A-Za-z0-9_]*[0-9])(?=[A-Za-z0-9_]*[g-zG-Z])[A-Za-z0-9_]{40,}\b")


def redact(text: str) -> str:
    """`text` with every credential-shaped part replaced by `***`."""
    if not text:
        return text
    out = _URL_USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", text)
    out = _SECRET_PARAM.sub(lambda m: f"{m['name']}{MASK}", out)
    out = _BEARER.sub(lambda m: f"{m['name']}{MASK}", out)
    out = _KEY_SHAPES.sub(MASK, out)
    return _LONG_TOKEN.sub(MASK, out)


def redact_url(url: str) -> str:
    """Scheme, host, port and path of `url`: no user-info, query or fragment."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return redact(url)
    if not parts.scheme or not host:
        return redact(url)
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return urlunsplit((parts.scheme, host + port, parts.path, "", ""))
