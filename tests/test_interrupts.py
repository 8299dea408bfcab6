"""Real `repvoice` processes killed mid-write: SIGTERM and Ctrl-C leave no temporary file and no
partial output; what SIGKILL leaves is removed by the next run into the same folder."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from repvoice.data.bundled import default_train_path
from repvoice.data.outputs import TEMP_MARK

# Signals back to their defaults, whatever the test runner set: a child started from a
# background job inherits SIGINT ignored, and Python then never raises KeyboardInterrupt.
CLI = [
    sys.executable,
    "-c",
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "signal.signal(signal.SIGTERM, signal.SIG_DFL); "
    "from repvoice.cli import main; main()",
]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled training file three times over (11,670 records, 10 MB)."""
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    path.write_bytes(default_train_path().read_bytes() * 3)
    return path


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "batch.txt"
    lines = [f"bench press {100 + i % 200} for {i % 12 + 1}" for i in range(20_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if TEMP_MARK in p.name]


def _writing(folder: Path) -> bool:
    """True once a temporary file in `folder` has data in it: the run is mid-write."""
    for p in _temps(folder):
        try:
            if p.is_dir() or p.stat().st_size > 0:
                return True
        except FileNotFoundError:
            continue
    return False


def _kill_mid_write(args: list[str], folder: Path, sig: int) -> tuple[int, str, list[Path]]:
    """Start `repvoice ARGS`, send `sig` once it is writing into `folder`; (exit code, stderr,
    temporary files seen just before the signal)."""
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [*CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    try:
        while not _writing(folder):
            if proc.poll() is not None:
                pytest.fail(f"finished before it could be interrupted: {proc.stderr.read()}")
            if time.monotonic() > deadline:
                pytest.fail("never started writing")
            time.sleep(0.002)
        seen = _temps(folder)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, err, seen


def _commands(big: Path, transcripts: Path, out: Path) -> dict[str, tuple[list[str], list[Path]]]:
    """Each writer: (arguments, the outputs it would write)."""
    return {
        "convert": (
            ["data", "convert", str(big), "--to", "bedrock", "--lossy", "-o", str(out / "c.jsonl")],
            [out / "c.jsonl"],
        ),
        "split": (
            ["data", "split", str(big), "--test", "0.2", "-o", str(out)],
            [out / "train.jsonl", out / "test.jsonl", out / "split.json"],
        ),
        "merge": (
            ["data", "merge", str(big), str(big), "-o", str(out / "m.jsonl")],
            [out / "m.jsonl", out / "m.provenance.jsonl"],
        ),
        "parse": (
            ["parse", "--input", str(transcripts), "-o", str(out / "answers.jsonl")],
            [out / "answers.jsonl"],
        ),
    }


@pytest.mark.parametrize("command", ["convert", "split", "merge", "parse"])
def test_sigterm_mid_write_leaves_nothing(
    command: str, big: Path, transcripts: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args, outputs = _commands(big, transcripts, out)[command]
    code, err, seen = _kill_mid_write(args, out, signal.SIGTERM)
    assert seen, "no temporary file was being written"
    assert code == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert list(out.iterdir()) == []  # no temporary file, no partial output
    assert not any(p.exists() for p in outputs)


def test_ctrl_c_mid_convert_leaves_nothing(big: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args, _ = _commands(big, big, out)["convert"]
    code, err, seen = _kill_mid_write(args, out, signal.SIGINT)
    assert seen and code == 128 + signal.SIGINT and "Traceback" not in err
    assert list(out.iterdir()) == []


def test_sigterm_keeps_the_previous_output(big: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    previous = out / "c.jsonl"
    out.mkdir()
    previous.write_text('{"earlier": "run"}\n', encoding="utf-8")
    args, _ = _commands(big, big, out)["convert"]
    code, _, _ = _kill_mid_write(args, out, signal.SIGTERM)
    assert code == 143
    assert list(out.iterdir()) == [previous]
    assert previous.read_text(encoding="utf-8") == '{"earlier": "run"}\n'


@pytest.mark.parametrize("command", ["convert", "split", "merge", "parse"])
def test_sigkill_leftovers_are_removed_by_the_next_run(
    command: str, big: Path, transcripts: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args, outputs = _commands(big, transcripts, out)[command]
    code, _, _ = _kill_mid_write(args, out, signal.SIGKILL)
    assert code == -signal.SIGKILL
    left = _temps(out)
    assert left, "SIGKILL cannot be caught, so its temporary files stay until the next run"
    assert not any(p.exists() for p in outputs)

    # the next run, on a small input, writes into the same folder
    small = tmp_path / "small.jsonl"
    with default_train_path().open("rb") as fh:
        small.write_bytes(b"".join(fh.readline() for _ in range(200)))
    small_args = [str(small) if a in (str(big), str(transcripts)) else a for a in args]
    done = subprocess.run([*CLI, *small_args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _temps(out) == []
    assert all(p.exists() and p.stat().st_size > 0 for p in outputs)
