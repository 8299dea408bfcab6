"""Convert a training-data file between formats, streaming, through the OpenAI chat record.

Every record is checked in its source format, read into OpenAI form, and written in the target
format. Anything the target cannot carry is a loss; anything unreadable or inexpressible makes
the record invalid. Both are reported per record (file:line, field, message) and neither is
dropped silently: unless the caller accepts losses (`lossy`) and skips invalid records
(`skip_invalid`) as needed, nothing is written. Output goes to a temporary path that is renamed
over the destination only when the whole conversion succeeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repvoice.data.formats import Format, FormatError, Loss, detect_format, get_format
from repvoice.data.formats._template import TemplateFormat
from repvoice.data.formats.base import RecordWriter
from repvoice.data.formats.openai import check_openai
from repvoice.data.issues import DataError, Issue
from repvoice.data.jsonl import JsonlReader, Line
from repvoice.data.outputs import install, refuse_overwrite, temp_path

#: Problems kept in the report; the rest are only counted, so memory stays flat.
MAX_PROBLEMS = 1_000
_PROGRESS_EVERY = 256

Progress = Callable[[int, int], None]
"""Called with (bytes read, records read) as the conversion goes."""


@dataclass
class ConvertReport:
    """What a conversion read, wrote and found. `ok` means the output was written."""

    source: str
    output: str
    from_: str
    to: str
    read: int = 0
    written: int = 0
    lossy: int = 0
    invalid: int = 0
    skipped: int = 0
    ok: bool = False
    reason: str = ""
    problems: list[Issue] = field(default_factory=list)
    problem_count: int = 0
    notes: list[Issue] = field(default_factory=list)
    max_problems: int = MAX_PROBLEMS

    def add(self, issue: Issue) -> None:
        self.problem_count += 1
        if len(self.problems) < self.max_problems:
            self.problems.append(issue)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "output": self.output,
            "from": self.from_,
            "to": self.to,
            "ok": self.ok,
            "reason": self.reason,
            "read": self.read,
            "written": self.written,
            "lossy": self.lossy,
            "invalid": self.invalid,
            "skipped": self.skipped,
            "problem_count": self.problem_count,
            "problems": [i.to_dict() for i in self.problems],
            "notes": [i.to_dict() for i in self.notes],
        }


def convert_file(
    src: str | Path,
    dst: str | Path,
    *,
    to: str,
    from_: str = "openai",
    lossy: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    max_problems: int = MAX_PROBLEMS,
    bos: bool | None = None,
) -> ConvertReport:
    """Convert `src` (format `from_`) to `dst` (format `to`) and report what happened.

    `from_="auto"` guesses the source format from the first record (`detect_format`).
    `bos` says whether chat-template texts start with the model's BOS token; None keeps it and
    warns, since trainers that add a BOS themselves (TRL) would then see two.
    Raises `DataError` for unusable input or output paths and `KeyError` for unknown formats.
    With problems the caller did not accept, `dst` is left untouched and `report.ok` is False.
    """
    src, dst = Path(src), Path(dst)
    refuse_overwrite([src], [dst])
    if from_ == "auto":
        from_ = _detect(src)
    source, target = get_format(from_), get_format(to)
    if bos is not None:
        if not isinstance(target, TemplateFormat) or not target.bos_token:
            raise DataError(
                Issue(
                    "bos_not_applicable",
                    f"--bos/--no-bos only apply to chat-template texts with a BOS token, not {to}",
                    str(dst),
                )
            )
        if not bos:
            target = target.without_bos()
    if not source.readable:
        raise DataError(
            Issue(
                "not_readable",
                f"{source.name} files cannot be read back: {source.unreadable_reason}",
                str(src),
            )
        )
    report = ConvertReport(str(src), str(dst), source.name, target.name, max_problems=max_problems)
    reader: JsonlReader | None = None
    if source.kind == "jsonl":
        reader = JsonlReader(src)
        lines: Iterator[Line] = iter(reader)
    else:
        if not src.exists():
            raise DataError(Issue("file_missing", "no such file or folder", str(src)))
        lines = source.read(src)
    _check_output(dst, target)
    with temp_path(dst) as tmp:
        writer: RecordWriter | None = target.open_writer(tmp)
        failed = False
        name = report.source
        try:
            for line in lines:
                report.read += 1
                if progress and report.read % _PROGRESS_EVERY == 0:
                    progress(reader.bytes_read if reader else 0, report.read)
                result = _convert_line(line, source, target, name, report)
                if result is None:
                    if skip_invalid:
                        report.skipped += 1
                        continue
                    failed = True
                elif result[1]:
                    report.lossy += 1
                    for loss in result[1]:
                        report.add(_loss_issue(loss, name, line.number, lossy))
                    if not lossy:
                        failed = True
                if failed:
                    if writer is not None:
                        writer.abort()
                        writer = None
                    continue
                assert writer is not None
                writer.write(result[0])
                report.written += 1
            if progress:
                progress(reader.bytes_read if reader else 0, report.read)
            if reader is not None:
                report.notes = list(reader.notes)
            if not target.available:
                report.notes.append(
                    Issue(
                        "target_retired",
                        f"{target.title}: this provider no longer accepts new fine-tuning jobs",
                        str(dst),
                        severity="warning",
                    )
                )
            if failed:
                report.written = 0  # the partial output was removed
                report.reason = _reason(report, lossy, skip_invalid)
                return report
            if report.written == 0:
                report.reason = "no records to write"
                return report
            assert writer is not None
            writer.close()
            writer = None
            install(tmp, dst)
            report.ok = True
            report.notes.extend(_target_notes(target, report, str(dst), bos))
            return report
        finally:
            if writer is not None:
                writer.abort()


def _convert_line(
    line: Line, source: Format, target: Format, name: str, report: ConvertReport
) -> tuple[dict[str, Any], list[Loss]] | None:
    """(target record, losses), or None after reporting why the record is invalid."""

    def invalid(code: str, message: str, at: str | None = None) -> None:
        report.add(Issue(code, message, name, line.number, at))

    if not line.ok:
        report.invalid += 1
        invalid(line.code or "bad_line", line.error or "unreadable line")
        return None
    data = line.data
    errors = source.check(data)
    if errors:
        report.invalid += 1
        for err in errors:
            invalid("invalid", f"not a valid {source.name} record: {err.message}", err.field)
        return None
    read_losses: list[Loss] = []
    if source.name == "openai":
        record = data
    else:
        try:
            parsed = source.parse(data)
        except FormatError as exc:
            report.invalid += 1
            invalid("invalid", f"not a valid {source.name} record: {exc.message}", exc.field)
            return None
        record, read_losses = parsed.record, parsed.losses
        errors = check_openai(record)
        if errors:
            report.invalid += 1
            for err in errors:
                invalid(
                    "invalid", f"reads back as an invalid OpenAI record: {err.message}", err.field
                )
            return None
    try:
        converted = target.to_record(record)
    except FormatError as exc:
        report.invalid += 1
        invalid("unconvertible", exc.message, exc.field)
        return None
    return converted.record, read_losses + converted.losses


def _target_notes(target: Format, report: ConvertReport, dst: str, bos: bool | None) -> list[Issue]:
    """Warnings about the written file as a whole: too few records for the target, and a BOS
    that trainers adding their own would double."""
    notes = []
    least = target.limits.min_examples
    if least is not None and report.written < least:
        notes.append(
            Issue(
                "too_few_examples",
                f"{report.written} record{'s' if report.written != 1 else ''} written; "
                f"{target.name} needs at least {least:,} per training file",
                dst,
                severity="warning",
            )
        )
    token = getattr(target, "bos_token", "")
    if token and bos is None:
        notes.append(
            Issue(
                "bos_in_text",
                f"every text starts with {token}; TRL's SFTTrainer (and other trainers that "
                "tokenize with the BOS added) then sees it twice: pass --no-bos for them, --bos "
                "to keep it and silence this",
                dst,
                severity="warning",
            )
        )
    return notes


def _detect(src: Path) -> str:
    """The format of the first readable record of a JSONL file (`from_="auto"`)."""
    for line in JsonlReader(src):
        if line.ok:
            name = detect_format(line.data)
            if name is None:
                raise DataError(
                    Issue(
                        "unknown_format",
                        "cannot tell the format; pass --from",
                        str(src),
                        line.number,
                    )
                )
            return name
    raise DataError(Issue("no_records", "no readable record to tell the format from", str(src)))


def _loss_issue(loss: Loss, name: str, number: int, accepted: bool) -> Issue:
    return Issue("loss", loss.message, name, number, loss.field, "warning" if accepted else "error")


def _reason(report: ConvertReport, lossy: bool, skip_invalid: bool) -> str:
    parts = []
    if report.invalid and not skip_invalid:
        parts.append(f"{report.invalid} invalid record(s) (--skip-invalid leaves them out)")
    if report.lossy and not lossy:
        parts.append(f"{report.lossy} lossy record(s) (--lossy converts them anyway)")
    return "nothing written: " + "; ".join(parts)


def _check_output(dst: Path, target: Format) -> None:
    if dst.exists() and dst.is_dir() and target.kind == "jsonl":
        raise DataError(Issue("is_directory", "output is a directory, not a file", str(dst)))
    if target.kind == "dataset" and dst.exists() and (not dst.is_dir() or any(dst.iterdir())):
        raise DataError(
            Issue(
                "output_exists", "output folder exists and is not empty; remove it first", str(dst)
            )
        )
    dst.parent.mkdir(parents=True, exist_ok=True)


__all__ = ["MAX_PROBLEMS", "ConvertReport", "Progress", "convert_file"]
