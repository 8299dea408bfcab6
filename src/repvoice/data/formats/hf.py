"""A Hugging Face `datasets` dataset: `save_to_disk` into OUT/, plus
OUT/parquet/train-00000.parquet.

Each row keeps the OpenAI `messages` list (role, content and, where present, name, weight,
tool_calls, tool_call_id) so TRL's `SFTTrainer` applies the model's chat template itself; `tools`
is kept as a JSON string. Rows stream through an Arrow file, so memory stays flat. Needs
`pip install 'repvoice[hf]'`.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from repvoice.data.formats._common import compact, content_text, expect_list, expect_object
from repvoice.data.formats.base import Converted, Format, FormatError, Loss, Record
from repvoice.data.formats.openai import check_openai, normalise
from repvoice.data.formats.registry import register
from repvoice.data.issues import DataError, Issue
from repvoice.data.jsonl import Line

BATCH = 1_000
PARQUET = Path("parquet") / "train-00000.parquet"
MESSAGE_FIELDS = ("role", "content", "name", "weight", "tool_call_id", "tool_calls")


def _import(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise DataError(
            Issue(
                "missing_dependency",
                f"the hf format needs {module}: pip install 'repvoice[hf]'",
                "hf",
            )
        ) from None


def arrow_schema() -> Any:
    """The row schema: fixed, so every batch and file agree."""
    pa = _import("pyarrow")
    call = pa.struct(
        [
            ("id", pa.string()),
            ("type", pa.string()),
            ("function", pa.struct([("name", pa.string()), ("arguments", pa.string())])),
        ]
    )
    message = pa.struct(
        [
            ("role", pa.string()),
            ("content", pa.string()),
            ("name", pa.string()),
            ("weight", pa.int8()),
            ("tool_call_id", pa.string()),
            ("tool_calls", pa.list_(call)),
        ]
    )
    return pa.schema([("messages", pa.list_(message)), ("tools", pa.string())])


class DatasetWriter:
    """Streams rows to an Arrow file and a Parquet file; `close` saves the dataset folder."""

    def __init__(self, path: Path) -> None:
        self.pa = _import("pyarrow")
        self.pq = _import("pyarrow.parquet")
        _import("datasets")
        self.path = path
        self.schema = arrow_schema()
        path.mkdir(parents=True)
        (path / PARQUET).parent.mkdir(parents=True)
        self._arrow_path = path.with_name(path.name + ".rows.arrow")
        self._arrow = self.pa.ipc.new_stream(str(self._arrow_path), self.schema)
        self._parquet = self.pq.ParquetWriter(str(path / PARQUET), self.schema)
        self._rows: list[Record] = []

    def write(self, record: Record) -> None:
        self._rows.append(record)
        if len(self._rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            table = self.pa.Table.from_pylist(self._rows, schema=self.schema)
            self._arrow.write_table(table)
            self._parquet.write_table(table)
            self._rows = []

    def close(self) -> None:
        datasets = _import("datasets")
        self._flush()
        self._arrow.close()
        self._parquet.close()
        datasets.disable_progress_bars()
        try:
            datasets.Dataset.from_file(str(self._arrow_path)).save_to_disk(str(self.path))
        finally:
            self._arrow_path.unlink(missing_ok=True)

    def abort(self) -> None:
        for closer in (self._arrow.close, self._parquet.close):
            with contextlib.suppress(Exception):  # already failing; clean up below
                closer()
        self._arrow_path.unlink(missing_ok=True)
        shutil.rmtree(self.path, ignore_errors=True)


@register
class HFFormat(Format):
    name = "hf"
    title = "Hugging Face datasets folder (+ Parquet)"
    kind = "dataset"
    source = (
        "huggingface.co/docs/datasets (save_to_disk, to_parquet); "
        "huggingface.co/docs/trl/dataset_formats (conversational)"
    )

    def to_record(self, record: Record) -> Converted:
        losses: list[Loss] = []
        for key in ("functions", "parallel_tool_calls"):
            if key in record:
                losses.append(Loss(key, f"the dataset has no {key} column; dropped"))
        messages = []
        for i, msg in enumerate(record["messages"]):
            at = f"messages[{i}]"
            row: Record = {}
            for key, value in msg.items():
                if key == "function_call":
                    losses.append(Loss(f"{at}.{key}", "legacy function calling; dropped"))
                elif key == "content" and isinstance(value, list):
                    row[key] = content_text(value, f"{at}.content", "The dataset", losses)
                else:
                    row[key] = value
            messages.append(row)
        out: Record = {"messages": messages}
        if "tools" in record:
            out["tools"] = compact(record["tools"])
        return self.verified(record, out, losses)

    def from_record(self, data: Any) -> Record:
        data = expect_object(data, None)
        messages = []
        for i, msg in enumerate(expect_list(data.get("messages"), "messages")):
            msg = expect_object(msg, f"messages[{i}]")
            out = {k: v for k, v in msg.items() if v is not None}
            if "tool_calls" in out:
                out["tool_calls"] = [
                    {k: v for k, v in c.items() if v is not None} for c in out["tool_calls"]
                ]
            messages.append(out)
        record: Record = {"messages": messages}
        if data.get("tools") is not None:
            try:
                record["tools"] = json.loads(data["tools"])
            except (TypeError, json.JSONDecodeError):
                raise FormatError("tools", "tools must be a JSON string") from None
        errors = check_openai(record)
        if errors:
            raise errors[0]
        return normalise(record)

    def read(self, path: Path) -> Iterator[Line]:
        datasets = _import("datasets")
        if not (path / "dataset_info.json").exists() and not (path / "state.json").exists():
            raise DataError(
                Issue("not_a_dataset", "not a folder written by datasets' save_to_disk", str(path))
            )
        dataset = datasets.load_from_disk(str(path))
        for n, row in enumerate(dataset, start=1):
            yield Line(n, data=row)

    def open_writer(self, path: Path) -> DatasetWriter:
        return DatasetWriter(path)
