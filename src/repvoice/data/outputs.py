"""Writing output files safely: never over an input, never half-written, no leftovers.

Every writer fills a temporary path beside its target, named
`.{target}.repvoice-tmp-{host}-{pid}-{random}`, and moves it over the target only once it is
complete. The temporary path is removed when the block fails, on Ctrl-C and on SIGTERM/SIGHUP
(turned into `SystemExit` while a temporary path is open, so every `finally` runs). SIGKILL
cannot be caught: what it leaves is swept by the next write into the same folder (`sweep`), once
its process is gone or after `STALE_AFTER_SECONDS`.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from repvoice.data.issues import DataError, Issue

#: Marks the temporary files of this project in a folder.
TEMP_MARK = ".repvoice-tmp-"
#: A temporary file untouched this long is stale even if a process with its pid is running
#: (the pid may have been reused, or belong to another machine sharing the folder).
STALE_AFTER_SECONDS = 12 * 3600
#: Signals that end a run cleanly while a temporary path is open.
CAUGHT_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)

# `.{name}.repvoice-tmp-{host}-{pid}-{hex}`, plus any suffix a writer adds for its own sidecar
# (the hf writer's `.rows.arrow`).
_TEMP_RE = re.compile(
    r"^\..*" + re.escape(TEMP_MARK) + r"(?P<host>[A-Za-z0-9-]*)-(?P<pid>\d+)-[0-9a-f]{8}(\..*)?$"
)
_NAME_CHARS = 96  # of the target's name kept in the temporary name (file names max out at 255)

_lock = threading.Lock()
_open_temps = 0
_previous: dict[int, Any] = {}
_exiting = False


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:32]


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when `a` and `b` are one file: the same path, a symlink to it, or a hard link."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist, so nothing would be overwritten
        return False


def refuse_overwrite(inputs: Iterable[str | Path], outputs: Iterable[str | Path]) -> None:
    """Raise `DataError` (code `overwrites_input`) when an output path is one of the inputs."""
    outs = list(outputs)
    for src in inputs:
        for out in outs:
            if same_file(src, out):
                raise DataError(
                    Issue(
                        "overwrites_input",
                        f"output {out} would overwrite this input; write it somewhere else",
                        str(src),
                    )
                )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return False
    return True


def is_stale(path: Path, now: float | None = None) -> bool:
    """True for a temporary path of this project whose run is over."""
    match = _TEMP_RE.match(path.name)
    if match is None:
        return False
    try:
        age = (time.time() if now is None else now) - path.lstat().st_mtime
    except OSError:
        return False
    if age > STALE_AFTER_SECONDS:
        return True
    pid = int(match["pid"])
    if match["host"] != _host() or pid == os.getpid():
        return False
    return not _alive(pid)


def sweep(directory: str | Path) -> list[Path]:
    """Remove the stale temporary files and folders in `directory`; returns what was removed."""
    removed = []
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if TEMP_MARK in entry.name and is_stale(entry, now):
            _remove(entry)
            removed.append(entry)
    return removed


def _legacy_leftovers(target: Path) -> list[Path]:
    """Temporary files of `target` in the names earlier versions used: `.{name}.partial`,
    `.{name}.{random}.tmp`, and `.{name}.{pid}.tmp` once that process is gone."""
    pattern = re.compile(
        r"^\." + re.escape(target.name) + r"\.(?:partial|tmp|(?P<pid>\d+)\.tmp(?:\.rows\.arrow)?"
        r"|[a-z0-9_]{8}\.tmp)$"
    )
    found = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return found
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None:
            continue
        pid = match["pid"]
        if pid is None or (int(pid) != os.getpid() and not _alive(int(pid))):
            found.append(entry)
    return found


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass  # cleaning up after a failure must not hide the failure


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _exiting
    if _exiting:  # already unwinding; let the cleanup finish
        return
    _exiting = True
    raise SystemExit(128 + signum)


def _guard(on: bool) -> None:
    """Catch `CAUGHT_SIGNALS` while the first temporary path is open; restore after the last."""
    global _open_temps, _exiting
    with _lock:
        _open_temps += 1 if on else -1
        edge = _open_temps == (1 if on else 0)
    if not edge or threading.current_thread() is not threading.main_thread():
        return
    for sig in CAUGHT_SIGNALS:
        try:
            if on:
                current = signal.getsignal(sig)
                if current in (signal.SIG_DFL, None):  # a server's own handler stays in charge
                    _previous[sig] = current
                    signal.signal(sig, _on_signal)
            elif sig in _previous:
                signal.signal(sig, _previous.pop(sig) or signal.SIG_DFL)
        except (ValueError, OSError):
            pass
    if not on:
        _exiting = False


def temp_name(target: Path) -> Path:
    """A fresh temporary path beside `target` (not created)."""
    name = target.name[:_NAME_CHARS]
    return target.with_name(f".{name}{TEMP_MARK}{_host()}-{os.getpid()}-{secrets.token_hex(4)}")


@contextmanager
def temp_path(target: str | Path) -> Iterator[Path]:
    """A temporary path beside `target` for the caller to create (file or folder) and then
    `install`; whatever is still there when the block ends is removed, with any sidecar named
    `{path}.*`. Stale temporary files in the folder are swept first."""
    target = Path(target)
    sweep(target.parent)
    for old in _legacy_leftovers(target):
        _remove(old)
    tmp = temp_name(target)
    _guard(True)
    try:
        yield tmp
    finally:
        try:
            # the path itself, and any sidecar a writer named after it (`{tmp}.rows.arrow`)
            for left in [tmp, *tmp.parent.glob(glob.escape(tmp.name) + ".*")]:
                if left.exists() or left.is_symlink():
                    _remove(left)
        finally:
            _guard(False)


def install(tmp: Path, target: Path) -> None:
    """Move a finished temporary file (or folder) over `target` in one step."""
    if tmp.is_dir() and target.is_dir():
        target.rmdir()  # an empty folder; anything else was refused before writing
    os.replace(tmp, target)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block ends, so files installed together (a
    split's files and manifest) are all moved in or none are."""
    held = {signal.SIGINT, *CAUGHT_SIGNALS}
    can = hasattr(signal, "pthread_sigmask")
    main = threading.current_thread() is threading.main_thread()
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held) if can and main else None
    try:
        yield
    finally:
        if before is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def atomic_open(target: str | Path, mode: str = "w") -> Iterator[Any]:
    """A file opened for writing that replaces `target` only when the block succeeds."""
    target = Path(target)
    text = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
    with temp_path(target) as tmp:
        with tmp.open(mode, **text) as fh:
            yield fh
        install(tmp, target)


__all__ = [
    "CAUGHT_SIGNALS",
    "STALE_AFTER_SECONDS",
    "TEMP_MARK",
    "atomic_open",
    "install",
    "is_stale",
    "refuse_overwrite",
    "same_file",
    "signals_deferred",
    "sweep",
    "temp_name",
    "temp_path",
]
