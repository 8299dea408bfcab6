"""The service's log setup: uvicorn's formats, repvoice's own logger, and no secrets in any line.

Every record passes `RedactFilter`, which hides credentials (URL user-info, key-shaped strings,
`?key=` parameters) in the message and its arguments: the access log's request line included.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from repvoice.redact import redact


class RedactFilter(logging.Filter):
    """Hides credentials in each record's message and arguments (formatters such as uvicorn's
    access log read the arguments themselves, so they stay in place)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_hide(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _hide(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def _hide(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's logging config, with the "repvoice" logger beside its own and every handler
    behind `RedactFilter`."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact"] = {"()": RedactFilter}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact")
    config["loggers"]["repvoice"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config
