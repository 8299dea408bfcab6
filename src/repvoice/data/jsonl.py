"""Streaming, defensive JSONL reading and writing.

Every line of the input (a file, or standard input for `-`) comes back, in order, as a `Line`:
the parsed object, or why it could not be parsed. Nothing is skipped silently; memory stays flat
whatever the file size, because a line longer than `MAX_LINE_BYTES` is reported and skipped in
chunks instead of being loaded.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from repvoice.data.issues import DataError, Issue
from repvoice.data.outputs import atomic_open

#: Longest line read into memory. A chat example over the largest token limit (131k) is < 2 MB.
MAX_LINE_BYTES = 8 * 1024 * 1024
#: Notes of one kind kept in `JsonlReader.notes`; `note_counts` keeps the exact number.
MAX_NOTES_PER_CODE = 100
_CHUNK = 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_DIGITS = re.compile(r"value has (\d+) digits")
#: The path that means standard input, and how standard input is named in messages.
STDIN = "-"
STDIN_NAME = "<stdin>"
#: Leading bytes of files that are not UTF-8 text at all, and what they are.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe", "UTF-16 text; save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 text; save it as UTF-8"),
    (b"\x1f\x8b", "gzip-compressed; decompress it first"),
    (b"PK\x03\x04", "a zip archive; extract it first"),
    (b"PAR1", "a Parquet file, not JSONL"),
)


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line of a JSONL file."""

    number: int
    data: Any = None
    error: str | None = None
    code: str | None = None
    size: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class JsonlReader:
    """Iterate a JSONL file (or standard input, path `-`) as `Line`s; file-level observations
    land in `notes`.

    Raises `DataError` for a file that cannot be read at all: missing, a directory, empty,
    or binary (UTF-16, compressed). `notes` keeps the first `MAX_NOTES_PER_CODE` notes of each
    kind; `note_counts` counts them all. Standard input can be iterated once.
    """

    path: Path
    max_line_bytes: int = MAX_LINE_BYTES

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        #: How the file is named in messages: its path, or `<stdin>`.
        self.name = display_name(self.path)
        self.notes: list[Issue] = []
        self.note_counts: Counter[str] = Counter()
        self.lines_read = 0
        self.bytes_read = 0
        self._stdin = open_stdin() if is_stdin(self.path) else None
        if self._stdin is None:
            check_readable(self.path)
        else:
            check_stream(self._stdin, self.name)

    @property
    def size(self) -> int:
        """The file's size in bytes; for standard input, the bytes read so far."""
        return self.bytes_read if self._stdin is not None else self.path.stat().st_size

    def _note(self, code: str, message: str, line: int | None = None) -> None:
        self.note_counts[code] += 1
        if self.note_counts[code] <= MAX_NOTES_PER_CODE:
            self.notes.append(Issue(code, message, self.name, line, severity="warning"))

    def __iter__(self) -> Iterator[Line]:
        if self._stdin is not None:
            yield from self._lines(self._stdin)
            return
        with self.path.open("rb") as fh:
            yield from self._lines(fh)

    def _lines(self, fh: IO[bytes]) -> Iterator[Line]:
        crlf_seen = False
        for number, (raw, size) in enumerate(bounded_lines(fh, self.max_line_bytes), start=1):
            self.bytes_read += size
            if raw is None:
                yield Line(
                    number,
                    error=f"line is {size / 1_048_576:.1f} MB, over the "
                    f"{self.max_line_bytes // 1_048_576} MB a single example may be; not read",
                    code="line_too_long",
                    size=size,
                )
                continue
            if raw.startswith(_BOM):
                # also mid-file, where files saved with a BOM were concatenated
                raw = raw[len(_BOM) :]
                where = "file starts" if number == 1 else "line starts"
                self._note(
                    "bom",
                    f"{where} with a UTF-8 byte-order mark (ignored here; "
                    "some uploaders reject it)",
                    number,
                )
            has_newline = raw.endswith(b"\n")
            if raw.endswith(b"\r\n") and not crlf_seen:
                crlf_seen = True
                self._note("crlf", "file uses CRLF (Windows) line endings; read as LF", number)
            body = raw.strip()
            if not body:
                self._note("blank_line", "blank line (ignored)", number)
                continue
            self.lines_read += 1
            yield _decode(number, body, len(raw), truncated=not has_newline)


def is_stdin(path: str | Path) -> bool:
    """True for the path `-`, which means standard input."""
    return str(path) == STDIN


def display_name(path: str | Path) -> str:
    """How a file is named in messages: its path, or `<stdin>` for `-`."""
    return STDIN_NAME if is_stdin(path) else str(path)


def open_stdin() -> IO[bytes]:
    """Standard input as bytes; `DataError` when the process has none."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise DataError(Issue("no_stdin", "there is no standard input to read", STDIN_NAME))
    return stream


def bounded_lines(fh: IO[bytes], max_bytes: int) -> Iterator[tuple[bytes | None, int]]:
    """Every line of `fh` as (bytes, size) without reading more than `max_bytes` + 1 of any:
    a longer line comes back as (None, its whole size), the rest of it skipped in chunks."""
    while True:
        raw = fh.readline(max_bytes + 1)
        if not raw:
            return
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            yield None, len(raw) + _skip_to_newline(fh)
        else:
            yield raw, len(raw)


def _skip_to_newline(fh: IO[bytes]) -> int:
    skipped = 0
    while True:
        chunk = fh.readline(_CHUNK)
        if not chunk:
            return skipped
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            return skipped


def loads(text: str | bytes) -> Any:
    """`json.loads` for data files: NaN and Infinity, and numbers out of a float's range, are
    `ValueError`s, as they are not JSON values any provider reads."""
    return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)


def value_error_message(exc: ValueError) -> str:
    """A plain message for a `ValueError` from `loads` that is not a syntax error."""
    text = str(exc)
    if "integer string conversion" in text:
        digits = _DIGITS.search(text)
        count = f"{int(digits[1]):,} digits" if digits else "too many digits"
        return f"a number has {count}; at most {sys.get_int_max_str_digits():,} can be read"
    return text


def _decode(number: int, body: bytes, size: int, *, truncated: bool) -> Line:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = body[exc.start : exc.start + 1].hex()
        return Line(
            number,
            error=f"line is not valid UTF-8 (byte 0x{bad} at byte {exc.start + 1})",
            code="not_utf8",
            size=size,
        )
    try:
        data = loads(text)
    except json.JSONDecodeError as exc:
        if truncated:
            return Line(
                number,
                error=f"not valid JSON: {exc.msg} (column {exc.colno}); the last line has no "
                "newline, so the file looks cut off mid-record",
                code="truncated",
                size=size,
            )
        hint = ""
        if body in (b"{", b"["):
            hint = " (this looks like pretty-printed JSON; JSONL needs one record per line)"
        return Line(
            number,
            error=f"not valid JSON: {exc.msg} (column {exc.colno}){hint}",
            code="not_json",
            size=size,
        )
    except ValueError as exc:
        message = value_error_message(exc)
        code = "number_too_long" if message.startswith("a number has") else "not_json"
        return Line(number, error=f"not valid JSON: {message}", code=code, size=size)
    except RecursionError:
        return Line(number, error="not valid JSON: nested too deeply", code="not_json", size=size)
    return Line(number, data=data, size=size)


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON and the providers' parsers do not.
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        shown = text if len(text) <= 24 else f"{text[:20]}…"
        raise ValueError(f"number {shown} is too large to be read")
    return value


def check_stream(fh: IO[bytes], name: str) -> None:
    """Raise `DataError` when a stream starts empty or binary (without consuming it; a stream
    that cannot be peeked at is left to the reader)."""
    if not hasattr(fh, "peek"):
        return
    head = fh.peek(4)[:4]
    if not head:
        raise DataError(Issue("empty_file", "input is empty", name))
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            raise DataError(Issue("not_text", f"input is {what}", name))


def check_readable(path: Path) -> None:
    """Raise `DataError` naming the file when it cannot be read as data."""
    name = str(path)
    if not path.exists():
        raise DataError(Issue("file_missing", "no such file", name))
    if path.is_dir():
        raise DataError(Issue("is_directory", "is a directory, not a file", name))
    if not os.access(path, os.R_OK):
        raise DataError(Issue("unreadable", "file is not readable (permission denied)", name))
    if path.stat().st_size == 0:
        raise DataError(Issue("empty_file", "file is empty", name))
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise DataError(
            Issue("unreadable", f"file cannot be read ({exc.strerror})", name)
        ) from None
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            raise DataError(Issue("not_text", f"file is {what}", name))


def read_records(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, object) for every parseable line; raise `DataError` at the first bad
    line. For callers that need a clean file; the validator reports every problem instead."""
    reader = JsonlReader(Path(path))
    for line in reader:
        if not line.ok:
            raise DataError(
                Issue(line.code or "bad_line", line.error or "", str(path), line.number)
            )
        yield line.number, line.data


#: Characters JSON allows raw in strings but JavaScript (before ES2019) and line splitters that
#: follow Unicode (Python's `str.splitlines`) treat as line ends.
LINE_SEPARATORS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps(obj: Any) -> str:
    """One JSONL line: compact, UTF-8 kept as is except U+2028/U+2029, which are escaped so
    that no reader splits the line; no trailing newline."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).translate(LINE_SEPARATORS)


def write_jsonl(path: str | Path, records: Iterable[Any]) -> int:
    """Write records one per line (LF, UTF-8), replacing `path` only once all are written;
    returns how many were written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with atomic_open(path) as fh:
        for rec in records:
            fh.write(dumps(rec))
            fh.write("\n")
            n += 1
    return n
