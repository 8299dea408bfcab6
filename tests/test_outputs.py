"""repvoice.data.outputs: temporary files beside the target, stale ones swept, inputs never
overwritten (same path, symlink, hard link)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from repvoice.data.issues import DataError
from repvoice.data.jsonl import write_jsonl
from repvoice.data.outputs import (
    STALE_AFTER_SECONDS,
    TEMP_MARK,
    atomic_open,
    refuse_overwrite,
    same_file,
    sweep,
    temp_name,
    temp_path,
)


def _dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    code = "import os; print(os.getpid())"
    proc = subprocess.run([sys.executable, "-c", code], text=True, capture_output=True, check=True)
    return int(proc.stdout)


def _temp_of(target: Path, pid: int) -> Path:
    """The temporary path a run with `pid` on this machine would use for `target`."""
    tmp = temp_name(target)
    return tmp.with_name(tmp.name.replace(f"-{os.getpid()}-", f"-{pid}-"))


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARK in p.name)


def test_same_file_sees_paths_symlinks_and_hard_links(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("{}\n", encoding="utf-8")
    (tmp_path / "link.jsonl").symlink_to(src)
    os.link(src, tmp_path / "hard.jsonl")
    (tmp_path / "copy.jsonl").write_text("{}\n", encoding="utf-8")
    assert same_file(src, tmp_path / "." / "in.jsonl")
    assert same_file(src, tmp_path / "link.jsonl")
    assert same_file(src, tmp_path / "hard.jsonl")
    assert not same_file(src, tmp_path / "copy.jsonl")
    assert not same_file(src, tmp_path / "missing.jsonl")
    with pytest.raises(DataError, match="would overwrite this input") as err:
        refuse_overwrite(
            [tmp_path / "copy.jsonl", src], [tmp_path / "out.jsonl", tmp_path / "hard.jsonl"]
        )
    assert err.value.issue.code == "overwrites_input" and err.value.issue.file == str(src)


def test_temp_name_is_beside_the_target_and_recognisable(tmp_path: Path) -> None:
    target = tmp_path / ("x" * 250 + ".jsonl")
    tmp = temp_name(target)
    assert tmp.parent == tmp_path and tmp.name.startswith(".xxx") and TEMP_MARK in tmp.name
    assert f"-{os.getpid()}-" in tmp.name and len(tmp.name) < 200
    assert temp_name(target) != tmp


def test_failed_block_leaves_neither_temp_nor_target(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write("half")
        assert len(_temps(tmp_path)) == 1
        raise RuntimeError("stop")
    assert target.read_text(encoding="utf-8") == "old\n" and _temps(tmp_path) == []
    with pytest.raises(KeyboardInterrupt), temp_path(tmp_path / "ds") as tmp:
        (tmp / "data").mkdir(parents=True)
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == [target]


def test_a_writer_stopped_while_opening_leaves_no_sidecar(tmp_path: Path) -> None:
    # the hf writer makes its folder, then `{folder}.rows.arrow` beside it, before it can abort
    with pytest.raises(SystemExit), temp_path(tmp_path / "ds") as tmp:
        (tmp / "data").mkdir(parents=True)
        tmp.with_name(tmp.name + ".rows.arrow").write_bytes(b"ARROW1")
        raise SystemExit(143)
    assert list(tmp_path.iterdir()) == []


def test_write_jsonl_replaces_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text('{"old":1}\n', encoding="utf-8")

    def records():
        yield {"a": 1}
        raise ValueError("generator failed")

    with pytest.raises(ValueError):
        write_jsonl(target, records())
    assert target.read_text(encoding="utf-8") == '{"old":1}\n' and _temps(tmp_path) == []
    assert write_jsonl(target, [{"a": 1}, {"b": 2}]) == 2
    assert target.read_text(encoding="utf-8") == '{"a":1}\n{"b":2}\n'


def test_sweep_removes_only_what_no_run_owns(tmp_path: Path) -> None:
    dead = _dead_pid()
    mine = temp_name(tmp_path / "mine.jsonl")
    mine.write_text("live run of this process", encoding="utf-8")
    parent = _temp_of(tmp_path / "p.jsonl", os.getppid())
    parent.write_text("live run of another process", encoding="utf-8")
    gone = _temp_of(tmp_path / "a.jsonl", dead)
    gone.write_text("killed", encoding="utf-8")
    gone_dir = _temp_of(tmp_path / "ds", dead)
    (gone_dir / "data").mkdir(parents=True)
    sidecar = gone_dir.with_name(gone_dir.name + ".rows.arrow")
    sidecar.write_text("arrow", encoding="utf-8")
    elsewhere = tmp_path / f".b.jsonl{TEMP_MARK}otherhost-{dead}-0123abcd"
    elsewhere.write_text("a run on another machine sharing the folder", encoding="utf-8")
    old = tmp_path / f".c.jsonl{TEMP_MARK}otherhost-{os.getppid()}-0123abcd"
    old.write_text("untouched for a day", encoding="utf-8")
    past = time.time() - STALE_AFTER_SECONDS - 60
    os.utime(old, (past, past))
    user = tmp_path / ".notes.tmp"
    user.write_text("not ours", encoding="utf-8")

    removed = sweep(tmp_path)

    assert sorted(removed) == sorted([gone, gone_dir, sidecar, old])
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {mine.name, parent.name, elsewhere.name, user.name}


def test_a_new_write_sweeps_leftovers_of_killed_runs(tmp_path: Path) -> None:
    dead = _dead_pid()
    target = tmp_path / "out.jsonl"
    new_style = _temp_of(tmp_path / "other.jsonl", dead)
    # names earlier versions used for this target
    legacy = [f".out.jsonl.{dead}.tmp", ".out.jsonl.partial", ".out.jsonl.k2j4_x9a.tmp"]
    for name in [new_style.name, *legacy, f".out.jsonl.{os.getppid()}.tmp", ".other.partial"]:
        (tmp_path / name).write_text("leftover", encoding="utf-8")
    with atomic_open(target) as fh:
        fh.write("new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".other.partial", f".out.jsonl.{os.getppid()}.tmp", "out.jsonl"]
    )


def test_sigterm_while_installing_waits_until_the_files_are_in(tmp_path: Path) -> None:
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from repvoice.data.outputs import install, signals_deferred, temp_path\n"
        "signal.signal(signal.SIGTERM, signal.SIG_DFL)\n"
        "first, second = Path(sys.argv[1]), Path(sys.argv[2])\n"
        "with temp_path(first) as a, temp_path(second) as b:\n"
        "    a.write_text('one'); b.write_text('two')\n"
        "    with signals_deferred():\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        install(a, first)\n"
        "        install(b, second)\n"
        "        print('both installed', flush=True)\n"
        "    print('not reached', flush=True)\n"
    )
    first, second = tmp_path / "a.jsonl", tmp_path / "a.provenance.jsonl"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(first), str(second)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 143, proc.stderr
    assert proc.stdout == "both installed\n"
    assert first.read_text() == "one" and second.read_text() == "two"
    assert _temps(tmp_path) == []
