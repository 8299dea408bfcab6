"""Write an owner-style training file: the app's chat JSONL, 3,890 examples, integer exercise ids.

The owner's real file is private. This writes a stand-in of the same size and shape: the
generator behind `repvoice data synth`, from a seed the bundled model was not trained on (so
evaluating the bundled model on a split of this file measures it on unseen speech), with every
catalogue UUID replaced by an integer id, as the app's database numbers its exercises (the
catalogue's order, from 1). Answers and `Context:` suffixes change nowhere else. The same
command writes the same bytes every time.

    python examples/make_owner_file.py -o owner.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from repvoice.catalog import Catalog
from repvoice.data.jsonl import dumps
from repvoice.data.synth.generator import generate
from repvoice.data.synth.prompts import CONTEXT_SEPARATOR

#: The bundled dataset is seed 0; any other seed is speech the bundled model never saw.
OWNER_SEED = 10
OWNER_RECORDS = 3890


def integer_ids(catalog: Catalog) -> dict[str, int]:
    """Catalogue UUID -> integer id, numbered from 1 in the catalogue's order."""
    return {exercise.id: number for number, exercise in enumerate(catalog.exercises, start=1)}


def with_integer_ids(value: Any, ids: dict[str, int]) -> Any:
    """`value` with every `*exercise_id` string that is a catalogue UUID made its integer id."""
    if isinstance(value, dict):
        return {
            key: ids.get(item, item)
            if key.endswith("exercise_id") and isinstance(item, str)
            else with_integer_ids(item, ids)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [with_integer_ids(item, ids) for item in value]
    return value


def owner_record(record: dict[str, Any], ids: dict[str, int]) -> dict[str, Any]:
    """One generated chat record in the owner's id scheme (the answer and any context)."""
    messages = []
    for message in record["messages"]:
        content = message["content"]
        if message["role"] == "assistant":
            answer = with_integer_ids(json.loads(content), ids)
            content = json.dumps(answer, separators=(", ", ": "))
        elif message["role"] == "system" and CONTEXT_SEPARATOR in content:
            prompt, _, context = content.partition(CONTEXT_SEPARATOR)
            content = (
                prompt + CONTEXT_SEPARATOR + json.dumps(with_integer_ids(json.loads(context), ids))
            )
        messages.append({**message, "content": content})
    return {**record, "messages": messages}


def write_owner_file(path: Path, n: int = OWNER_RECORDS, seed: int = OWNER_SEED) -> int:
    """Write `n` owner-style records to `path`; returns how many distinct exercise ids it holds."""
    catalog = Catalog.load()
    ids = integer_ids(catalog)
    used: set[int] = set()
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="utf-8", newline="\n") as fh:
        for example in generate(n, seed, stream="train", catalog=catalog):
            record = owner_record(example.record, ids)
            answer = json.loads(record["messages"][-1]["content"])
            if isinstance(answer.get("exercise_id"), int):
                used.add(answer["exercise_id"])
            fh.write(dumps(record) + "\n")
    partial.replace(path)
    return len(used)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("owner.jsonl"))
    parser.add_argument("-n", "--count", type=int, default=OWNER_RECORDS)
    parser.add_argument("--seed", type=int, default=OWNER_SEED)
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    exercises = write_owner_file(args.output, args.count, args.seed)
    print(f"wrote {args.count:,} records to {args.output} ({exercises} exercises, integer ids)")


if __name__ == "__main__":
    main()
