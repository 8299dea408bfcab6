"""Checksums of a model directory: written when a model is saved, verified before it is loaded.

`meta.json` holds, beside the training report:

- `kind`: "repvoice-parser", so a directory of some other program is told apart;
- `files`: `{name: {"bytes": size, "sha256": hex}}` of every other file of the directory
  (`gate.json`, the not-a-set detector, only in models that learned one);
- `meta_sha256`: the SHA-256 of the parts of `meta.json` that change answers (`format`,
  `follow_up_policy`, `confidence`) as canonical JSON; the rest (`name`, `report`, ...) may be
  edited by hand.

`read_verified` reads every file once, checks size and hash, and only then hands the bytes to
the loaders: no damaged or foreign byte reaches CRFsuite's C code, which crashes the process on
a truncated or corrupted model instead of raising. Every refusal is one `ModelError` line.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

#: Written in `meta.json`'s `kind`.
KIND = "repvoice-parser"
#: Every file of a model directory besides `meta.json`.
MODEL_FILES: tuple[str, ...] = ("tagger.crfsuite", "resolver.json", "catalog.json", "vocab.json")
#: Files a model has only when it learned them (the not-a-set detector), checked like the rest
#: when `meta.json` lists them.
OPTIONAL_FILES: tuple[str, ...] = ("gate.json",)
META = "meta.json"
#: The parts of `meta.json` that decide answers, covered by `meta_sha256`.
ANSWER_KEYS: tuple[str, ...] = ("format", "follow_up_policy", "confidence")
#: `meta.json` beyond this size is no model's (the bundled one is about 5 kB).
MAX_META_BYTES = 1 << 20
#: A model file beyond this size is refused before it is read (the bundled model is 0.4 MB).
MAX_FILE_BYTES = 256 << 20

_HEX64 = re.compile(r"[0-9a-f]{64}")
_UPGRADE_HINT = (
    "if you trust it, add them with `repvoice model seal {root}`; otherwise retrain it with "
    "`repvoice train`"
)


class ModelError(Exception):
    """A model directory that cannot be loaded (one line saying why)."""


def file_entry(data: bytes) -> dict[str, Any]:
    """The `files` entry of one file's bytes."""
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def answer_digest(meta: dict[str, Any]) -> str:
    """SHA-256 of the answer-deciding parts of `meta` as canonical JSON."""
    part = {k: meta.get(k) for k in ANSWER_KEYS}
    text = json.dumps(part, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal_meta(meta: dict[str, Any], contents: dict[str, bytes]) -> dict[str, Any]:
    """`meta` with `kind`, `files` (of `contents`, every model file's bytes) and
    `meta_sha256` set."""
    sealed = {k: v for k, v in meta.items() if k not in ("kind", "files", "meta_sha256")}
    return {
        "kind": KIND,
        **sealed,
        "files": {
            name: file_entry(contents[name])
            for name in (*MODEL_FILES, *OPTIONAL_FILES)
            if name in contents
        },
        "meta_sha256": answer_digest(sealed),
    }


def read_meta(root: Path) -> dict[str, Any]:
    """`meta.json` of a repvoice model directory, checked for shape (not yet for checksums)."""
    if not root.is_dir():
        raise ModelError(f"{root}: not a model directory")
    meta_path = root / META
    if not meta_path.is_file():
        raise ModelError(f"{root}: no meta.json (not a repvoice model)")
    size = meta_path.stat().st_size
    if size > MAX_META_BYTES:
        raise ModelError(f"{meta_path}: {size:,} bytes, too large for a repvoice model's meta.json")
    try:
        meta = json.loads(meta_path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise ModelError(f"{meta_path}: not UTF-8 text (damaged)") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise ModelError(f"{meta_path}: not valid JSON ({msg})") from None
    if not isinstance(meta, dict):
        raise ModelError(f"{meta_path}: not a JSON object (not a repvoice model)")
    if meta.get("kind") != KIND and "format" not in meta:
        raise ModelError(f"{root}: not a repvoice model (meta.json has no repvoice model format)")
    return meta


def check_format(
    root: Path, meta: dict[str, Any], expected: int, older: tuple[int, ...] = ()
) -> None:
    """Refuse a model format other than `expected` or one of the `older` ones still read."""
    fmt = meta.get("format")
    if fmt not in (expected, *older) or isinstance(fmt, bool):
        readable = " or ".join(str(f) for f in (*older, expected))
        raise ModelError(f"{root}: model format {fmt!r}; this repvoice reads {readable}")


def read_verified(root: Path, meta: dict[str, Any]) -> dict[str, bytes]:
    """Every model file's bytes, each checked against `meta`'s `files` map.

    Refuses a directory with no checksums (saved before they existed), a malformed map, a
    missing, extra, resized or changed file, and edited answer-deciding meta fields.
    """
    files = meta.get("files")
    if "files" not in meta:
        raise ModelError(
            f"{root}: meta.json lists no file checksums (saved by an older repvoice, or "
            f"edited); {_UPGRADE_HINT.format(root=root)}"
        )
    expected = _checked_map(root, files)
    digest = meta.get("meta_sha256")
    if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
        raise ModelError(f"{root}/meta.json: 'meta_sha256' must be 64 lowercase hex digits")
    present = sorted(p.name for p in root.iterdir())
    extra = [n for n in present if n != META and n not in expected]
    if extra:
        raise ModelError(
            f"{root}: {_listing(extra)} not part of this model (a model directory holds only "
            f"meta.json and {', '.join(MODEL_FILES)})"
        )
    contents: dict[str, bytes] = {}
    for name in expected:
        path = root / name
        if not path.is_file():
            what = "a directory, not a file" if path.is_dir() else "missing"
            raise ModelError(f"{path}: {what} (the model directory is incomplete)")
        want_size, want_hash = expected[name]
        size = path.stat().st_size
        if size != want_size:
            raise ModelError(
                f"{path}: {size:,} bytes, but the model was saved with {want_size:,} "
                "(truncated or replaced); retrain or restore the directory"
            )
        data = path.read_bytes()
        if len(data) != want_size or hashlib.sha256(data).hexdigest() != want_hash:
            raise ModelError(
                f"{path}: checksum mismatch (the file changed after the model was saved); "
                "retrain or restore the directory"
            )
        contents[name] = data
    if answer_digest(meta) != digest:
        raise ModelError(
            f"{root}/meta.json: format, follow_up_policy or confidence changed after the model "
            "was saved (checksum mismatch); retrain or restore the directory"
        )
    return contents


def _checked_map(root: Path, files: Any) -> dict[str, tuple[int, str]]:
    where = f"{root}/meta.json: 'files'"
    if not isinstance(files, dict):
        raise ModelError(f"{where} must be an object of file checksums, not {_kind(files)}")
    unknown = sorted(set(files) - set(MODEL_FILES) - set(OPTIONAL_FILES))
    if unknown:
        raise ModelError(f"{where} lists {_listing(unknown)}, not a model file")
    missing = [n for n in MODEL_FILES if n not in files]
    if missing:
        raise ModelError(f"{where} has no checksum for {_listing(missing)}")
    out: dict[str, tuple[int, str]] = {}
    for name in (*MODEL_FILES, *(n for n in OPTIONAL_FILES if n in files)):
        entry = files[name]
        size = entry.get("bytes") if isinstance(entry, dict) else None
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if (
            not isinstance(size, int)
            or isinstance(size, bool)
            or not 0 <= size <= MAX_FILE_BYTES
            or not isinstance(digest, str)
            or not _HEX64.fullmatch(digest)
        ):
            raise ModelError(
                f'{where}.{name} must be {{"bytes": size, "sha256": 64 hex digits}}, '
                f"not {json.dumps(entry)[:80]}"
            )
        out[name] = (size, digest)
    return out


def _listing(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names[:5]) + (
        f" and {len(names) - 5} more" if len(names) > 5 else ""
    )


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )


def seal_directory(root: Path) -> dict[str, Any]:
    """Add checksums to an existing model directory's `meta.json` (for models saved before
    they existed); returns the new meta. Refuses anything that is not a complete model."""
    from repvoice.parser.model import MODEL_FORMAT, OLDER_FORMATS

    meta = read_meta(root)
    check_format(root, meta, MODEL_FORMAT, OLDER_FORMATS)
    known = (*MODEL_FILES, *OPTIONAL_FILES)
    extra = sorted(p.name for p in root.iterdir() if p.name != META and p.name not in known)
    if extra:
        raise ModelError(f"{root}: {_listing(extra)} not part of a model; move it out first")
    contents: dict[str, bytes] = {}
    for name in known:
        path = root / name
        if not path.is_file():
            if name in OPTIONAL_FILES:
                continue
            raise ModelError(f"{path}: missing (the model directory is incomplete)")
        contents[name] = path.read_bytes()
    sealed = seal_meta(meta, contents)
    (root / META).write_text(json.dumps(sealed, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return sealed
