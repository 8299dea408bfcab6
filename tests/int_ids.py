"""The bundled data with whole-number exercise ids, as VoiceFit's training prompt declares them
(`"exercise_id": <int>`): every UUID becomes 1, 2, 3, ... in order of first use, in the
answers and in the `Context:` suffixes' `current_exercise_id`."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Any

from repvoice.data.bundled import default_test_path, default_train_path

MARK = "\n\nContext: "


def int_id_records(path: Path, limit: int | None, ids: dict[str, int]) -> list[dict[str, Any]]:
    """The first `limit` records of `path` with ids mapped through (and added to) `ids`."""
    records = []
    with path.open(encoding="utf-8") as src:
        for line in islice(src, limit):
            record = json.loads(line)
            for message in record["messages"]:
                if message["role"] == "assistant":
                    answer = json.loads(message["content"])
                    if answer.get("exercise_id") is not None:
                        answer["exercise_id"] = _int(answer["exercise_id"], ids)
                    message["content"] = json.dumps(answer)
                elif message["role"] == "system" and MARK in message["content"]:
                    prompt, context = message["content"].rsplit(MARK, 1)
                    ctx = json.loads(context)
                    if ctx.get("current_exercise_id") is not None:
                        ctx["current_exercise_id"] = _int(ctx["current_exercise_id"], ids)
                    message["content"] = prompt + MARK + json.dumps(ctx)
            records.append(record)
    return records


def write_int_id_files(root: Path, train_n: int, test_n: int) -> tuple[Path, Path, dict[str, int]]:
    """An int-id train file (first `train_n` bundled records) and test file (first `test_n` of
    the bundled test split), sharing one id map."""
    ids: dict[str, int] = {}
    train = root / "int_train.jsonl"
    test = root / "int_test.jsonl"
    write_jsonl(train, int_id_records(default_train_path(), train_n, ids))
    write_jsonl(test, int_id_records(default_test_path(), test_n, ids))
    return train, test, ids


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _int(uuid: str, ids: dict[str, int]) -> int:
    return ids.setdefault(uuid, len(ids) + 1)
