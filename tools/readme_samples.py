"""Refresh every sample output in README.md from the current code.

    .venv/bin/python tools/readme_samples.py           # rewrite the samples in place
    .venv/bin/python tools/readme_samples.py --check   # exit 1 if any sample is stale

Every ```console block is run, in README order, in one scratch directory that holds a copy of
the repository's `examples/` (so the commands read as they would from a clone's root), with this
interpreter's bin directory first on PATH, COLUMNS=100 for rich, no colour, a private reply
cache and no provider keys. A block's lines starting with `$ ` are commands (a line ending in
`\\` continues on the next); everything else is output, replaced by what the command prints
(stdout and stderr together). A command ending in `&` is started in the background, waits until
its `--port` accepts connections, prints nothing, and is stopped when the run ends.

An HTML comment on the line before a block's fence changes how it is handled:

    <!-- sample: skip -->                  leave the block alone (not run)
    <!-- sample: head=25 -->               keep each command's first 25 lines, then `...`
    <!-- sample: status=1 -->              the block's last command exits 1 (others must exit 0)
    <!-- sample: file=examples/serve.toml -->  any fenced block: the content is that file

Timings (`22.1 s`, `0.22 ms`, `2,066 lines/s`, `"latency_ms": 0.63`) are written as measured;
`--check` ignores them (and the install date of LiteLLM's price map, and the digest of a model
trained during the run, which records when), and the table padding they change, when comparing.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLES = ROOT / "examples"
COLUMNS = 100
COMMAND_TIMEOUT = 900.0
SERVER_TIMEOUT = 90.0
PROMPT = "$ "
ABRIDGED = "..."
RUN = ".venv/bin/python tools/readme_samples.py"

_FENCE = re.compile(r"^(?P<fence>```+)(?P<lang>[\w+-]*)\s*$")
_MARKER = re.compile(r"^<!--\s*sample:(?P<options>.*?)-->\s*$")
_PORT = re.compile(r"(?:--port|-p)[= ](\d+)")
#: Measured times: they differ on every run, so `--check` does not compare them.
_TIMINGS = (
    re.compile(r"\d[\d,]*(?:\.\d+)?\s?(?:ms|µs|s|min)\b"),
    re.compile(r"\d[\d,]*(?:\.\d+)?\s?lines/s"),
    re.compile(r'"latency_ms":\s?\d+(?:\.\d+)?'),
    # when the installed price map was written (data cost): the install's date, not the code's
    re.compile(r"installed \d{4}-\d\d-\d\d"),
    # a model trained during the run: its files record when, so its digest differs every run
    re.compile(r"sha256:[0-9a-f]{8,}"),
)
#: Padding and rules of rich tables, whose widths follow the numbers in them.
_LAYOUT = re.compile(r"[\s━─═]+")
#: Environment variables that would reach a paid API or change what a command prints.
_SCRUBBED = re.compile(r"^(?:.*_API_KEY|OPENAI_BASE_URL|OPENAI_API_BASE|REPVOICE_.*|FORCE_COLOR)$")


class SampleError(RuntimeError):
    """A sample that cannot be produced: the message names the README line and the command."""


@dataclass
class Options:
    skip: bool = False
    head: int | None = None
    status: int = 0
    file: str | None = None


@dataclass
class Block:
    """One fenced block: `start` is the index of its opening fence in the README's lines."""

    lang: str
    start: int
    end: int
    body: list[str]
    options: Options = field(default_factory=Options)

    @property
    def line(self) -> int:
        return self.start + 1


def parse_options(text: str, line: int) -> Options:
    options = Options()
    for word in text.split():
        key, _, value = word.partition("=")
        if key == "skip" and not value:
            options.skip = True
        elif key == "head" and value.isdigit():
            options.head = int(value)
        elif key == "status" and value.isdigit():
            options.status = int(value)
        elif key == "file" and value:
            options.file = value
        else:
            raise SampleError(f"README.md:{line}: unknown sample option {word!r}")
    return options


def blocks(lines: list[str]) -> Iterator[Block]:
    """Every fenced block, with the options of a `<!-- sample: ... -->` line just before it."""
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence = opening["fence"]
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == fence), None)
        if end is None:
            raise SampleError(f"README.md:{i + 1}: fenced block never closed")
        marker = _MARKER.match(lines[i - 1]) if i else None
        options = parse_options(marker["options"], i) if marker else Options()
        yield Block(opening["lang"], i, end, lines[i + 1 : end], options)
        i = end + 1


def commands(block: Block) -> list[list[str]]:
    """The block's commands, each as its README lines (continuations included)."""
    found: list[list[str]] = []
    continued = False
    for text in block.body:
        if continued:
            found[-1].append(text)
        elif text.startswith(PROMPT):
            found.append([text])
        else:
            continue
        continued = text.endswith("\\")
    if not found:
        raise SampleError(f"README.md:{block.line}: console block with no `$ ` command")
    return found


def shell_text(command: list[str]) -> str:
    return "\n".join(command)[len(PROMPT) :]


class Scratch:
    """The directory and environment the samples run in, and the servers they started."""

    def __init__(self, examples: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="repvoice-readme-"))
        shutil.copytree(examples, self.dir / "examples")
        env = {k: v for k, v in os.environ.items() if not _SCRUBBED.match(k)}
        env.update(
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            COLUMNS=str(COLUMNS),
            LINES="50",
            NO_COLOR="1",
            TERM="dumb",
            PYTHONUNBUFFERED="1",
            PYTHONDONTWRITEBYTECODE="1",
            REPVOICE_CACHE_DIR=str(self.dir / ".cache"),
        )
        self.env = env
        self.servers: list[tuple[subprocess.Popen[bytes], str]] = []
        spec = importlib.util.find_spec("repvoice")
        locations = list(spec.submodule_search_locations or []) if spec else []
        self.package = locations[0] if locations else None

    def run(self, command: str) -> tuple[int, str]:
        """Run `command` in bash; its exit status and its output, stdout and stderr together."""
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=self.dir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=COMMAND_TIMEOUT,
        )
        return done.returncode, self.tidy(done.stdout.decode("utf-8", "replace"))

    def start(self, command: str, where: str) -> None:
        """Start a background server and wait until its port accepts connections."""
        port = _PORT.search(command)
        if port is None:
            raise SampleError(f"{where}: a background command needs --port N to wait for")
        log = (self.dir / f".server-{len(self.servers)}.log").open("wb")
        proc = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=self.dir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.servers.append((proc, log.name))
        deadline = time.monotonic() + SERVER_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SampleError(
                    f"{where}: exited {proc.returncode}:\n{Path(log.name).read_text()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", int(port[1])), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise SampleError(f"{where}: port {port[1]} not open after {SERVER_TIMEOUT:.0f} s")

    def tidy(self, text: str) -> str:
        """Output as the README shows it: no trailing spaces, no machine-specific paths."""
        text = text.replace(str(self.dir) + os.sep, "").replace(str(self.dir), ".")
        if self.package:
            text = text.replace(self.package, ".../repvoice")
        return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")

    def close(self) -> None:
        for proc, _ in self.servers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, _ in self.servers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def render_console(block: Block, scratch: Scratch) -> list[str]:
    """The block's new body: each command as written, followed by what it printed."""
    body: list[str] = []
    found = commands(block)
    for n, command in enumerate(found):
        where = f"README.md:{block.line}: `{shell_text(command).splitlines()[0]}`"
        body.extend(command)
        text = shell_text(command).rstrip()
        if text.endswith("&") and not text.endswith("&&"):
            scratch.start(text[:-1].rstrip(), where)
            continue
        print(f"  $ {text.splitlines()[0]}", file=sys.stderr, flush=True)
        status, output = scratch.run(text)
        expected = block.options.status if n == len(found) - 1 else 0
        if status != expected:
            raise SampleError(f"{where}: exit status {status}, expected {expected}:\n{output}")
        out = output.splitlines() if output else []
        head = block.options.head
        if head is not None and len(out) > head:
            out = [*out[:head], ABRIDGED]
        body.extend(out)
    return body


def render_file(block: Block) -> list[str]:
    path = ROOT / str(block.options.file)
    if not path.is_file():
        raise SampleError(f"README.md:{block.line}: no such file {block.options.file}")
    return path.read_text(encoding="utf-8").rstrip("\n").splitlines()


def refresh(text: str, examples: Path = EXAMPLES, failures: list[SampleError] | None = None) -> str:
    """`text` (a README) with every sample regenerated. With a `failures` list, a block that
    fails is left as it was and its error appended there; without, the first failure raises."""
    lines = text.splitlines()
    found = list(blocks(lines))
    scratch = Scratch(examples)
    replaced: dict[int, list[str]] = {}
    try:
        for block in found:
            try:
                if block.options.skip:
                    continue
                if block.options.file is not None:
                    replaced[block.start] = render_file(block)
                elif block.lang == "console":
                    replaced[block.start] = render_console(block, scratch)
            except (SampleError, subprocess.TimeoutExpired) as exc:
                if failures is None:
                    raise
                failures.append(SampleError(str(exc)))
    finally:
        scratch.close()
    out: list[str] = []
    i = 0
    for block in found:
        if block.start not in replaced:
            continue
        out.extend(lines[i : block.start + 1])
        out.extend(replaced[block.start])
        i = block.end
    out.extend(lines[i:])
    return "\n".join(out) + "\n"


def comparable(text: str) -> str:
    """`text` without timings and table padding: what `--check` compares."""
    for pattern in _TIMINGS:
        text = pattern.sub("<time>", text)
    return _LAYOUT.sub(" ", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a sample is stale")
    parser.add_argument("--readme", type=Path, default=README, help="the Markdown file")
    parser.add_argument("--examples", type=Path, default=EXAMPLES, help="copied into the scratch")
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="leave a failing block as it is, refresh the others, then exit 2",
    )
    args = parser.parse_args(argv)
    old = args.readme.read_text(encoding="utf-8")
    failures: list[SampleError] = []
    try:
        new = refresh(old, args.examples, failures if args.keep_going else None)
    except (SampleError, subprocess.TimeoutExpired) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    if args.check:
        if failures:
            return 2
        if comparable(old) == comparable(new):
            print(f"{args.readme}: samples are current")
            return 0
        diff = difflib.unified_diff(
            old.splitlines(), new.splitlines(), "README (now)", "README (refreshed)", lineterm=""
        )
        print("\n".join(diff))
        print(f"{args.readme}: samples are stale; run {RUN} to refresh them")
        return 1
    if new != old:
        args.readme.write_text(new, encoding="utf-8")
        print(f"{args.readme}: samples refreshed")
    else:
        print(f"{args.readme}: already current")
    return 2 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
