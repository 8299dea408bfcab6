"""Reading a backend's keyword options: typed, checked, and consumed so leftovers are reported."""

from __future__ import annotations

from typing import Any, cast

from repvoice.backends.base import BackendError


class Options:
    """Reads and checks a backend's options, removing each one it reads."""

    def __init__(self, scheme: str, options: dict[str, Any]) -> None:
        self.scheme = scheme
        self.options = options

    def take(self, name: str, default: Any, kind: type | tuple[type, ...]) -> Any:
        value = self.options.pop(name, default)
        if value is not default and not isinstance(value, kind):
            names = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise BackendError(f"{self.scheme}: option {name} must be {names}, not {value!r}")
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.options.pop(name, default)
        if value not in choices:
            raise BackendError(
                f"{self.scheme}: option {name} must be one of {', '.join(choices)}, not {value!r}"
            )
        return cast(str, value)
