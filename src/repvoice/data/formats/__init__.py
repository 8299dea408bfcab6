"""Training-data formats, one small module each, behind one registry.

Adding a format is adding a module here that subclasses `Format` and decorates it with
`@register`; other packages can add theirs through the `repvoice.formats` entry-point group.
"""

from repvoice.data.formats.base import (
    Converted,
    Format,
    FormatError,
    Limits,
    Loss,
    Record,
    RecordWriter,
)
from repvoice.data.formats.registry import all_formats, detect_format, get_format, register

__all__ = [
    "Converted",
    "Format",
    "FormatError",
    "Limits",
    "Loss",
    "Record",
    "RecordWriter",
    "all_formats",
    "detect_format",
    "get_format",
    "register",
]
