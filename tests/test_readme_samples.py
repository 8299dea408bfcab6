"""`tools/readme_samples.py` on small Markdown files: it runs each console block's commands in a
scratch copy of the examples, rewrites the outputs, keeps timings out of `--check`, starts and
stops background servers, and fails loudly on a command that exits wrongly."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from test_serve import free_port

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "readme_samples.py"

SERVER = """
import argparse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Pong(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"pong")

    def log_message(self, *args):
        pass


parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int)
ThreadingHTTPServer(("127.0.0.1", parser.parse_args().port), Pong).serve_forever()
"""


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    folder = tmp_path / "examples"
    folder.mkdir()
    (folder / "words.txt").write_text("alpha\nbeta\ngamma\n")
    (folder / "server.py").write_text(SERVER)
    return folder


def run(readme: Path, examples: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--readme", str(readme), "--examples", str(examples), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def write(tmp_path: Path, text: str) -> Path:
    readme = tmp_path / "README.md"
    readme.write_text(text)
    return readme


def test_stale_output_is_found_then_rewritten(tmp_path: Path, examples: Path) -> None:
    readme = write(
        tmp_path,
        "# t\n\n```console\n$ cat examples/words.txt\nold output\n$ pwd\n/somewhere\n```\n\nend\n",
    )
    stale = run(readme, examples, "--check")
    assert stale.returncode == 1
    assert "stale" in stale.stdout
    assert "old output" in readme.read_text()  # --check writes nothing

    assert run(readme, examples).returncode == 0
    assert readme.read_text() == (
        "# t\n\n```console\n$ cat examples/words.txt\nalpha\nbeta\ngamma\n$ pwd\n.\n```\n\nend\n"
    )
    assert run(readme, examples, "--check").returncode == 0


def test_timings_are_not_compared(tmp_path: Path, examples: Path) -> None:
    block = "```console\n$ echo 'trained in 21.3 s · 0.2 ms · 1,234 lines/s'\n{}\n```\n"
    readme = write(tmp_path, block.format("trained in 1.0 s · 10.25 ms · 9 lines/s"))
    assert run(readme, examples, "--check").returncode == 0
    readme.write_text(block.format("trained in 1.0 s · 10.25 ms · 9 lines/h"))
    assert run(readme, examples, "--check").returncode == 1


def test_head_skip_and_file_markers(tmp_path: Path, examples: Path) -> None:
    readme = write(
        tmp_path,
        "<!-- sample: head=2 -->\n```console\n$ cat examples/words.txt\n```\n"
        "<!-- sample: skip -->\n```console\n$ not-a-command\nkept as is\n```\n"
        "<!-- sample: file=LICENSE -->\n```text\nold\n```\n",
    )
    assert run(readme, examples).returncode == 0
    text = readme.read_text()
    assert "$ cat examples/words.txt\nalpha\nbeta\n...\n```" in text
    assert "$ not-a-command\nkept as is\n" in text
    assert (ROOT / "LICENSE").read_text().splitlines()[0] in text
    assert "old" not in text


def test_a_failing_command_names_the_block(tmp_path: Path, examples: Path) -> None:
    readme = write(tmp_path, "text\n\n```console\n$ cat examples/missing.txt\n```\n")
    failed = run(readme, examples)
    assert failed.returncode == 2
    assert "README.md:3: `cat examples/missing.txt`: exit status 1, expected 0" in failed.stderr
    assert readme.read_text() == "text\n\n```console\n$ cat examples/missing.txt\n```\n"

    expected = write(
        tmp_path, "<!-- sample: status=1 -->\n```console\n$ cat examples/missing.txt\n```\n"
    )
    assert run(expected, examples).returncode == 0
    assert "No such file or directory" in expected.read_text()


def test_keep_going_refreshes_the_other_blocks(tmp_path: Path, examples: Path) -> None:
    readme = write(tmp_path, "```console\n$ false\n```\n\n```console\n$ echo ok\n```\n")
    done = run(readme, examples, "--keep-going")
    assert done.returncode == 2
    assert readme.read_text() == "```console\n$ false\n```\n\n```console\n$ echo ok\nok\n```\n"


def test_a_background_server_is_waited_for_and_stopped(tmp_path: Path, examples: Path) -> None:
    port = free_port()
    readme = write(
        tmp_path,
        f"```console\n$ python examples/server.py --port {port} &\n"
        f"$ curl -s http://127.0.0.1:{port}/\n```\n",
    )
    assert run(readme, examples).returncode == 0, readme.read_text()
    assert f"curl -s http://127.0.0.1:{port}/\npong\n```" in readme.read_text()
    with socket.socket() as s:  # stopped when the run ended
        assert s.connect_ex(("127.0.0.1", port)) != 0
