"""JsonlReader: every line comes back, in order, parsed or explained; bad files raise DataError."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repvoice.data.issues import DataError
from repvoice.data.jsonl import (
    MAX_NOTES_PER_CODE,
    JsonlReader,
    dumps,
    read_records,
    write_jsonl,
)


def read(path: Path) -> tuple[JsonlReader, list]:
    reader = JsonlReader(path)
    return reader, list(reader)


def test_good_lines_parse_in_order(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"a": 1}\n{"a": 2}\n', encoding="utf-8")
    reader, lines = read(path)
    assert [(ln.number, ln.data, ln.ok) for ln in lines] == [
        (1, {"a": 1}, True),
        (2, {"a": 2}, True),
    ]
    assert reader.notes == []
    assert reader.bytes_read == path.stat().st_size


def test_bom_is_stripped_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\n{"a": 2}\n\xef\xbb\xbf{"a": 3}\n')
    reader, lines = read(path)
    assert [ln.data for ln in lines] == [{"a": 1}, {"a": 2}, {"a": 3}]
    assert [(n.code, n.line) for n in reader.notes] == [("bom", 1), ("bom", 3)]


def test_crlf_noted_once(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a": 1}\r\n{"a": 2}\r\n')
    reader, lines = read(path)
    assert [ln.data for ln in lines] == [{"a": 1}, {"a": 2}]
    assert [(n.code, n.line) for n in reader.notes] == [("crlf", 1)]


def test_blank_lines_keep_numbering(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a": 1}\n\n   \n{"a": 2}\n')
    reader, lines = read(path)
    assert [ln.number for ln in lines] == [1, 4]
    assert [(n.code, n.line) for n in reader.notes] == [("blank_line", 2), ("blank_line", 3)]


def test_notes_capped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a": 1}\n' + b"\n" * (MAX_NOTES_PER_CODE + 50))
    reader, _ = read(path)
    assert len(reader.notes) == MAX_NOTES_PER_CODE
    assert reader.note_counts["blank_line"] == MAX_NOTES_PER_CODE + 50


def test_truncated_last_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": [1, 2')
    _, lines = read(path)
    assert lines[0].ok
    assert (lines[1].number, lines[1].code) == (2, "truncated")
    assert "cut off" in (lines[1].error or "")


def test_valid_last_line_without_newline_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": 2}')
    _, lines = read(path)
    assert [ln.data for ln in lines] == [{"a": 1}, {"a": 2}]


def test_not_utf8_names_byte_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a": "caf\xe9"}\n{"a": 2}\n')
    _, lines = read(path)
    assert lines[0].code == "not_utf8"
    assert "0xe9" in (lines[0].error or "") and "byte 11" in (lines[0].error or "")
    assert lines[1].data == {"a": 2}


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(tmp_path: Path, text: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(f'{{"a": {text}}}\n')
    _, lines = read(path)
    assert lines[0].code == "not_json"
    assert text.lstrip("-") in (lines[0].error or "")


def test_numbers_too_long_or_too_large_cost_only_their_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = [
        '{"a": 1}',
        '{"a": ' + "9" * 5000 + "}",
        '{"a": [1e400]}',
        '{"a": -1E+999}',
        '{"a": 2}',
    ]
    path.write_text("\n".join(lines) + "\n")
    _, got = read(path)
    assert [(ln.number, ln.code, ln.error) for ln in got] == [
        (1, None, None),
        (
            2,
            "number_too_long",
            "not valid JSON: a number has 5,000 digits; at most 4,300 can be read",
        ),
        (3, "not_json", "not valid JSON: number 1e400 is too large to be read"),
        (4, "not_json", "not valid JSON: number -1E+999 is too large to be read"),
        (5, None, None),
    ]
    assert got[4].data == {"a": 2}


def test_deep_nesting_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    _, lines = read(path)
    assert lines[0].code == "not_json"


def test_huge_line_skipped_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"a": 1}\n')
        fh.write(b'{"a": "' + b"x" * (50 * 1024 * 1024) + b'"}\n')
        fh.write(b'{"a": 3}\n')
    reader, lines = read(path)
    assert [ln.number for ln in lines] == [1, 2, 3]
    assert lines[1].code == "line_too_long"
    assert "50.0 MB" in (lines[1].error or "")
    assert lines[2].data == {"a": 3}
    assert reader.bytes_read == path.stat().st_size


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda p: None, "file_missing"),
        (lambda p: p.mkdir(), "is_directory"),
        (lambda p: p.write_bytes(b""), "empty_file"),
        (lambda p: p.write_bytes('{"a": 1}\n'.encode("utf-16")), "not_text"),
        (lambda p: p.write_bytes(gzip.compress(b'{"a": 1}\n')), "not_text"),
    ],
)
def test_unreadable_files_raise(tmp_path: Path, make, code: str) -> None:
    path = tmp_path / "a.jsonl"
    make(path)
    with pytest.raises(DataError) as info:
        JsonlReader(path)
    assert info.value.issue.code == code
    assert info.value.issue.file == str(path)


def test_read_records_stops_at_first_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a": 1}\nnope\n{"a": 3}\n')
    it = read_records(path)
    assert next(it) == (1, {"a": 1})
    with pytest.raises(DataError) as info:
        next(it)
    assert (info.value.issue.line, info.value.issue.code) == (2, "not_json")


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    records = [{"t": "café ✓", "n": i} for i in range(3)]
    path = tmp_path / "out" / "a.jsonl"
    assert write_jsonl(path, records) == 3
    assert [r for _, r in read_records(path)] == records
    assert "café" in path.read_text(encoding="utf-8")
    assert dumps({"a": [1, 2]}) == '{"a":[1,2]}'


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b), min_size=1, max_size=8))
def test_any_bytes_every_nonblank_line_comes_back(tmp_path_factory, chunks: list[bytes]) -> None:
    path = tmp_path_factory.mktemp("h") / "a.jsonl"
    body = b"\n".join(chunks) + b"\n"
    path.write_bytes(body)
    try:
        reader = JsonlReader(path)
    except DataError as exc:  # empty, or starts like UTF-16 / gzip
        assert exc.issue.code in {"empty_file", "not_text"}
        return
    lines = list(reader)
    raw = [c.removeprefix(b"\xef\xbb\xbf").strip() for c in chunks]
    assert [ln.number for ln in lines] == [i + 1 for i, c in enumerate(raw) if c]
    for ln in lines:
        assert ln.ok or (ln.code and ln.error)
        if ln.ok:
            assert ln.data == json.loads(raw[ln.number - 1])
