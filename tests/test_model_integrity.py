"""Model directories are verified before any C code reads them: `meta.json` records every file's
size and SHA-256, and a damaged, tampered or foreign directory is refused with one line.

Each tampered directory goes through `repvoice parse --model` as a real process: a truncated or
bit-flipped `tagger.crfsuite` used to crash it inside CRFsuite (exit 139), other damage gave
tracebacks, and some directories loaded silently.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import CLI
from repvoice.cli import app
from repvoice.data.bundled import default_train_path
from repvoice.parser.integrity import MODEL_FILES, OPTIONAL_FILES, answer_digest
from repvoice.parser.model import ModelError, Parser, bundled_model_path
from repvoice.parser.tagger import check_model_bytes
from repvoice.parser.train import train
from test_serve import free_port

runner = CliRunner()
TEXT = "bench press 225 for 5"
#: The bundled tagger's SHA-256 when it was last trained: sealing the model never rewrote it.
BUNDLED_TAGGER_SHA256 = "ebd8549626025b5e44346bb210a0f77312af04429fab4e05e27bbf82174ece50"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("integrity")
    data = root / "train.jsonl"
    with default_train_path().open(encoding="utf-8") as src:
        data.write_text("".join(islice(src, 120)), encoding="utf-8")
    parser, _ = train(data, folds=2)
    return parser.save(root / "model")


@pytest.fixture
def copy(model: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(model, tmp_path / "model"))


# --- the tampering ------------------------------------------------------------------------------


def _meta(root: Path) -> dict[str, Any]:
    return json.loads((root / "meta.json").read_text())


def _write_meta(root: Path, meta: Any) -> None:
    (root / "meta.json").write_text(json.dumps(meta, indent=2))


def _edit_meta(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        meta = _meta(root)
        change(meta)
        _write_meta(root, meta)

    return edit


def _flip(name: str, where: float) -> Callable[[Path], None]:
    def flip(root: Path) -> None:
        data = bytearray((root / name).read_bytes())
        data[int(len(data) * where)] ^= 0x10
        (root / name).write_bytes(bytes(data))

    return flip


def _truncate(name: str, keep: float) -> Callable[[Path], None]:
    def truncate(root: Path) -> None:
        data = (root / name).read_bytes()
        (root / name).write_bytes(data[: int(len(data) * keep)])

    return truncate


def _forged(name: str, content: bytes) -> Callable[[Path], None]:
    """Replace a file and recompute its checksum: only the loaders' own checks are left."""

    def forge(root: Path) -> None:
        (root / name).write_bytes(content)
        meta = _meta(root)
        meta["files"][name] = {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        _write_meta(root, meta)

    return forge


def _foreign(root: Path) -> None:
    """Some other project's model directory (a Hugging Face-style one)."""
    for p in root.iterdir():
        p.unlink()
    (root / "config.json").write_text('{"model_type": "bert"}')
    (root / "meta.json").write_text('{"name": "sentiment-v2", "version": 3}')
    (root / "model.safetensors").write_bytes(b"\0" * 64)


def _not_a_model(root: Path) -> None:
    for p in root.iterdir():
        p.unlink()
    (root / "README.md").write_text("# my notes\n")


def _remove(name: str) -> Callable[[Path], None]:
    return lambda root: (root / name).unlink()


def _rename(old: str, new: str) -> Callable[[Path], None]:
    return lambda root: (root / old).rename(root / new)


def _add(name: str) -> Callable[[Path], None]:
    return lambda root: (root / name).write_text("hello")


def _dir_instead(name: str) -> Callable[[Path], None]:
    def swap(root: Path) -> None:
        (root / name).unlink()
        (root / name).mkdir()

    return swap


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda meta: meta.__setitem__(key, value)


def _resealed(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Change an answer-deciding field and its checksum, as a forger would."""

    def change(meta: dict[str, Any]) -> None:
        meta[key] = value
        meta["meta_sha256"] = answer_digest(meta)

    return change


def _set_file(name: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda meta: meta["files"].__setitem__(name, value)


TAMPERING: dict[str, tuple[Callable[[Path], None], str]] = {
    # the tagger: what used to crash the process
    "tagger truncated": (_truncate("tagger.crfsuite", 0.5), "truncated or replaced"),
    "tagger emptied": (_truncate("tagger.crfsuite", 0), "0 bytes, but the model was saved with"),
    "tagger bit flip": (_flip("tagger.crfsuite", 0.6), "checksum mismatch"),
    "tagger header bit flip": (_flip("tagger.crfsuite", 0.0), "checksum mismatch"),
    "tagger deleted": (_remove("tagger.crfsuite"), "tagger.crfsuite: missing"),
    "tagger is a directory": (_dir_instead("tagger.crfsuite"), "a directory, not a file"),
    "tagger forged, random bytes": (
        _forged("tagger.crfsuite", b"lCRF" + b"\x07" * 300),
        "damaged model (not a CRFsuite model (wrong magic bytes))",
    ),
    "tagger forged, cut": (
        lambda root: _forged("tagger.crfsuite", (root / "tagger.crfsuite").read_bytes()[:5000])(
            root
        ),
        "damaged model (CRFsuite model says",
    ),
    # the other files
    "resolver bit flip": (_flip("resolver.json", 0.5), "checksum mismatch"),
    "catalog truncated": (_truncate("catalog.json", 0.9), "truncated or replaced"),
    "catalog emptied": (_truncate("catalog.json", 0), "catalog.json: 0 bytes"),
    "vocab deleted": (_remove("vocab.json"), "vocab.json: missing"),
    "resolver forged, wrong types": (
        _forged("resolver.json", b'{"exercises": [{"id": true, "name": 5}]}'),
        "damaged model",
    ),
    "vocab forged, not a list": (_forged("vocab.json", b'{"a": 1}'), "vocab.json is not a list"),
    "catalog forged, not JSON": (_forged("catalog.json", b"\xff\xfe{"), "damaged model"),
    "extra file": (_add("notes.txt"), "'notes.txt' not part of this model"),
    "renamed file": (_rename("vocab.json", "vocab.json.bak"), "'vocab.json.bak' not part"),
    "extra directory": (lambda root: (root / "backup").mkdir(), "'backup' not part"),
    # meta.json
    "meta deleted": (_remove("meta.json"), "no meta.json (not a repvoice model)"),
    "meta emptied": (_truncate("meta.json", 0), "meta.json: not valid JSON"),
    "meta truncated": (_truncate("meta.json", 0.5), "meta.json: not valid JSON"),
    "meta not UTF-8": (lambda root: (root / "meta.json").write_bytes(b"\xff{}"), "not UTF-8"),
    "meta an array": (lambda root: _write_meta(root, [1, 2]), "not a JSON object"),
    "meta format a string": (_edit_meta(_set("format", "1")), "model format '1'"),
    "meta format true": (_edit_meta(_set("format", True)), "model format True"),
    "meta format from the future": (_edit_meta(_set("format", 99)), "model format 99"),
    "meta without files": (
        _edit_meta(lambda m: m.pop("files")),
        "lists no file checksums (saved by an older repvoice",
    ),
    "meta files an array": (_edit_meta(_set("files", [])), "must be an object of file"),
    "meta files null": (_edit_meta(_set("files", None)), "not null"),
    "meta files missing one": (
        _edit_meta(lambda m: m["files"].pop("catalog.json")),
        "has no checksum for 'catalog.json'",
    ),
    "meta files unknown name": (
        _edit_meta(_set_file("model.bin", {"bytes": 1, "sha256": "0" * 64})),
        "lists 'model.bin', not a model file",
    ),
    "meta files size a string": (
        _edit_meta(lambda m: m["files"]["vocab.json"].__setitem__("bytes", "7")),
        "'files'.vocab.json must be",
    ),
    "meta files hash too short": (
        _edit_meta(lambda m: m["files"]["vocab.json"].__setitem__("sha256", "abc")),
        "'files'.vocab.json must be",
    ),
    "meta files entry a string": (
        _edit_meta(_set_file("tagger.crfsuite", "1e73005d")),
        "'files'.tagger.crfsuite must be",
    ),
    "meta checksum removed": (_edit_meta(lambda m: m.pop("meta_sha256")), "'meta_sha256' must"),
    "meta confidence edited": (
        _edit_meta(lambda m: m["confidence"].__setitem__("intercept_std", 9.0)),
        "changed after the model was saved",
    ),
    "meta policy edited": (
        _edit_meta(lambda m: m["follow_up_policy"].__setitem__("copy_rpe", True)),
        "changed after the model was saved",
    ),
    "meta policy wrong type, resealed": (
        _edit_meta(_resealed("follow_up_policy", [1])),
        "follow_up_policy is not an object",
    ),
    "meta confidence wrong type, resealed": (
        _edit_meta(_resealed("confidence", "high")),
        "confidence is not a calibrator",
    ),
    # not ours at all
    "another project's model": (_foreign, "not a repvoice model (meta.json has no repvoice"),
    "a folder of notes": (_not_a_model, "no meta.json (not a repvoice model)"),
}


def _one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("case", list(TAMPERING))
def test_tampered_directory_is_one_clear_line(case: str, copy: Path) -> None:
    tamper, expected = TAMPERING[case]
    tamper(copy)
    proc = subprocess.run(
        [*CLI, "parse", "--model", str(copy), TEXT], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2, (proc.returncode, proc.stderr)  # never 139, never 1
    line = _one_error_line(proc.stderr)
    assert expected in line
    assert str(copy) in line
    assert proc.stdout == ""


@pytest.mark.parametrize("case", ["tagger truncated", "tagger bit flip", "another project's model"])
def test_serve_refuses_a_tampered_model_before_listening(case: str, copy: Path) -> None:
    TAMPERING[case][0](copy)
    proc = subprocess.run(
        [*CLI, "serve", "--model", str(copy), "--port", str(free_port())],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert TAMPERING[case][1] in _one_error_line(proc.stderr)


def test_eval_and_library_refuse_it_too(copy: Path) -> None:
    _flip("tagger.crfsuite", 0.3)(copy)
    with pytest.raises(ModelError, match="checksum mismatch"):
        Parser.load(copy)
    result = runner.invoke(app, ["eval", "-b", f"local:{copy}", "-n", "2", "--no-cache"])
    assert result.exit_code == 2
    assert "checksum mismatch" in result.stderr and "Traceback" not in result.output


# --- what is written, and what may change ------------------------------------------------------


def test_save_records_every_file_and_load_verifies_it(model: Path) -> None:
    meta = _meta(model)
    assert meta["kind"] == "repvoice-parser"
    # 120 bundled records carry enough not-a-set lines for the detector: gate.json is written
    assert sorted(meta["files"]) == sorted([*MODEL_FILES, *OPTIONAL_FILES])
    for name, entry in meta["files"].items():
        data = (model / name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert meta["meta_sha256"] == answer_digest(meta)
    assert Parser.load(model).parse(TEXT).weight == 225


def test_hand_edits_outside_the_answers_are_allowed(copy: Path, model: Path) -> None:
    """`name` (shown by the service) and the training report may be edited by hand."""
    meta = _meta(copy)
    meta["name"] = "coach-joe"
    meta["report"]["note"] = "retrained after the new exercises"
    _write_meta(copy, meta)
    loaded = Parser.load(copy)
    assert loaded.meta["name"] == "coach-joe"
    assert loaded.parse(TEXT) == Parser.load(model).parse(TEXT)


def test_save_never_mixes_a_model_with_other_files(model: Path, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "meta.json").write_text("{}")
    (busy / "keep.txt").write_text("mine")
    with pytest.raises(ModelError, match=r"holds keep\.txt, not part of a model"):
        Parser.load(model).save(busy)
    assert sorted(p.name for p in busy.iterdir()) == ["keep.txt", "meta.json"]
    data = tmp_path / "train.jsonl"
    with default_train_path().open(encoding="utf-8") as src:
        data.write_text("".join(islice(src, 30)), encoding="utf-8")
    result = runner.invoke(app, ["train", str(data), "-o", str(busy)])
    assert result.exit_code == 2
    assert "holds keep.txt besides a model's files" in result.stderr
    assert (busy / "meta.json").read_text() == "{}"


def test_check_model_bytes_guards_crfsuite(model: Path) -> None:
    good = (model / "tagger.crfsuite").read_bytes()
    check_model_bytes(good)
    for bad, message in [
        (b"", "shorter than its header"),
        (good[:47], "shorter than its header"),
        (b"PK\x03\x04" + good[4:], "wrong magic"),
        (good[:-1], "truncated"),
        (good + b"\0", "truncated"),
    ]:
        with pytest.raises(ValueError, match=message):
            check_model_bytes(bad)


# --- models saved before checksums, and the bundled one -----------------------------------------


def _unsealed(root: Path) -> None:
    meta = _meta(root)
    for key in ("kind", "files", "meta_sha256"):
        meta.pop(key)
    _write_meta(root, meta)


def test_an_older_model_is_refused_with_a_hint_and_seal_upgrades_it(
    copy: Path, model: Path
) -> None:
    _unsealed(copy)
    proc = subprocess.run(
        [*CLI, "parse", "--model", str(copy), TEXT], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    line = _one_error_line(proc.stderr)
    assert "lists no file checksums (saved by an older repvoice" in line
    assert f"repvoice model seal {copy}" in line

    files_before = {n: (copy / n).read_bytes() for n in MODEL_FILES}
    sealed = runner.invoke(app, ["model", "seal", str(copy)])
    assert sealed.exit_code == 0, sealed.output
    assert {n: (copy / n).read_bytes() for n in MODEL_FILES} == files_before
    assert Parser.load(copy).parse(TEXT) == Parser.load(model).parse(TEXT)
    verified = runner.invoke(app, ["model", "verify", str(copy), "--json"])
    assert verified.exit_code == 0
    assert json.loads(verified.stdout)["ok"] is True


def test_seal_and_verify_refuse_what_is_not_a_whole_model(copy: Path, tmp_path: Path) -> None:
    _unsealed(copy)
    (copy / "vocab.json").unlink()
    result = runner.invoke(app, ["model", "seal", str(copy)])
    assert result.exit_code == 2 and "vocab.json: missing" in result.stderr
    assert "files" not in _meta(copy)
    _not_a_model(copy)
    assert runner.invoke(app, ["model", "seal", str(copy)]).exit_code == 2
    verify = runner.invoke(app, ["model", "verify", str(tmp_path / "nope")])
    assert verify.exit_code == 2 and "not a model directory" in verify.stderr


def test_bundled_model_is_sealed_and_its_weights_untouched() -> None:
    root = bundled_model_path()
    meta = _meta(root)
    assert meta["files"]["tagger.crfsuite"]["sha256"] == BUNDLED_TAGGER_SHA256
    assert hashlib.sha256((root / "tagger.crfsuite").read_bytes()).hexdigest() == (
        BUNDLED_TAGGER_SHA256
    )
    assert sorted(p.name for p in root.iterdir()) == sorted(
        ["meta.json", *MODEL_FILES, *OPTIONAL_FILES]
    )
    result = runner.invoke(app, ["model", "verify", str(root)])
    assert result.exit_code == 0 and "every checksum matches" in result.stdout
