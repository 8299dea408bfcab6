"""repvoice: voice workout-set parsing you own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from repvoice.schema import Context, ParseResult, WorkoutSet

if TYPE_CHECKING:
    from repvoice.parser.model import Parser

__version__ = "0.1.0"

__all__ = ["Context", "ParseResult", "Parser", "WorkoutSet", "__version__"]


def __getattr__(name: str) -> Any:
    # The parser pulls in the tagger and the resolver: load it on first use, so that
    # `import repvoice` (and every CLI command) stays fast.
    if name == "Parser":
        from repvoice.parser.model import Parser

        return Parser
    raise AttributeError(f"module 'repvoice' has no attribute {name!r}")
