"""repvoice: voice workout-set parsing you own."""

from repvoice.schema import Context, ParseResult, WorkoutSet

__version__ = "0.1.0"

__all__ = ["Context", "ParseResult", "WorkoutSet", "__version__"]
