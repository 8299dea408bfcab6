"""A Hugging Face `datasets` dataset: `save_to_disk` into OUT/, plus
OUT/parquet/train-00000.parquet.

Each row keeps the OpenAI `messages` list so TRL's `SFTTrainer` applies the model's chat template
itself; `tools` is kept as a JSON string. Every message reads back with exactly its own keys,
never a `None` for a key it did not have (see `features`). Rows are staged on disk, so memory
stays flat. Needs `pip install 'repvoice[hf]'`.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO, Any

from repvoice.data.formats._common import compact, content_text, expect_list, expect_object
from repvoice.data.formats.base import Converted, Format, FormatError, Loss, Record
from repvoice.data.formats.openai import check_openai, normalise
from repvoice.data.formats.registry import register
from repvoice.data.issues import DataError, Issue
from repvoice.data.jsonl import Line, dumps

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


def features(shapes: Collection[frozenset[str]], tools: bool) -> Any:
    """The dataset's columns for messages of the given key sets.

    A column is a key on every message once read back (`None` where the message had none), and
    chat templates that test for a key (Llama 3.1's `'tool_calls' in message`) fail on such a
    `None`. So when every message has the same keys they are the struct fields; when messages
    differ, each message is stored as JSON (`datasets.Json`) and reads back with its own keys.
    With a `datasets` too old for `Json`, the struct holds every key used.
    """
    datasets = _import("datasets")
    used = {"role", "content"}.union(*shapes)
    if len(shapes) > 1 and hasattr(datasets, "Json"):
        message: Any = datasets.Json()
    else:
        string = datasets.Value("string")
        types = {
            "role": string,
            "content": string,
            "name": string,
            "weight": datasets.Value("int8"),
            "tool_call_id": string,
            "tool_calls": [
                {"id": string, "type": string, "function": {"name": string, "arguments": string}}
            ],
        }
        message = {key: types[key] for key in MESSAGE_FIELDS if key in used}
    columns: dict[str, Any] = {"messages": [message]}
    if tools:
        columns["tools"] = datasets.Value("string")
    return datasets.Features(columns)


class DatasetWriter:
    """Stages rows in a JSONL file; `close` writes the Arrow dataset folder and the Parquet file
    with columns that fit the rows (see `features`), streaming, so memory stays flat."""

    def __init__(self, path: Path) -> None:
        _import("pyarrow")
        _import("datasets")
        self.path = path
        path.mkdir(parents=True)
        self._staged = path.with_name(path.name + ".rows.jsonl")
        self._arrow_path = path.with_name(path.name + ".rows.arrow")
        self._fh: IO[str] | None = self._staged.open("w", encoding="utf-8", newline="\n")
        self._shapes: set[frozenset[str]] = set()
        self._tools = False

    def write(self, record: Record) -> None:
        assert self._fh is not None
        self._shapes.update(frozenset(msg) for msg in record["messages"])
        self._tools = self._tools or "tools" in record
        self._fh.write(dumps(record))
        self._fh.write("\n")

    def _rows(self) -> Iterator[Record]:
        with self._staged.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if self._tools:
                    row.setdefault("tools", None)
                yield row

    def close(self) -> None:
        datasets = _import("datasets")
        from datasets.arrow_writer import ArrowWriter, ParquetWriter

        assert self._fh is not None
        self._fh.close()
        self._fh = None
        feats = features(self._shapes, self._tools)
        (self.path / PARQUET).parent.mkdir(parents=True)
        try:
            for writer_class, target in (
                (ArrowWriter, self._arrow_path),
                (ParquetWriter, self.path / PARQUET),
            ):
                with writer_class(features=feats, path=str(target)) as writer:
                    for row in self._rows():
                        writer.write(row)
                    writer.finalize()
            datasets.disable_progress_bars()
            datasets.Dataset.from_file(str(self._arrow_path)).save_to_disk(str(self.path))
        finally:
            self._arrow_path.unlink(missing_ok=True)
            self._staged.unlink(missing_ok=True)

    def abort(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(Exception):  # already failing; clean up below
                self._fh.close()
            self._fh = None
        self._staged.unlink(missing_ok=True)
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
