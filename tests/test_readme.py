"""The README's commands are real: every `repvoice` command and option exists and parses, every
file a command reads ships in `examples/` or is written by an earlier command, the blocks copied
from files match them, and the test command is exactly what CI runs. Nothing is executed here;
`tools/readme_samples.py` runs the commands and refreshes their output."""

from __future__ import annotations

import importlib
import importlib.util
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
import typer
import typer.core

from repvoice.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLES = ROOT / "examples"


def _samples() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "readme_samples", ROOT / "tools" / "readme_samples.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


samples = _samples()

#: Options whose value is a file or directory the command writes.
OUTPUT_PARAMS = {"output", "out", "out_dir", "report", "test_output", "manifest"}
#: Options whose value is a file or directory the command reads.
INPUT_PARAMS = {"file", "files", "input_file", "config", "catalog"}
#: Commands whose `--model` is a model directory (elsewhere it names a provider's model).
MODEL_DIR_COMMANDS = {"repvoice parse", "repvoice serve"}
#: Programs whose path arguments are checked like inputs (the rest are not looked into).
READERS = {"cmp", "head", "cat", "diff"}
SEPARATORS = {"&&", "||", "|", ";", "&", "(", ")", "$("}
SH_LANGS = {"sh", "console"}


@dataclass
class Command:
    """One simple command of the README: its words, its environment prefix, where it is."""

    argv: list[str]
    env: dict[str, str]
    redirect_out: list[str]
    redirect_in: list[str]
    where: str


def _lines(block: samples.Block) -> Iterator[str]:
    """The shell text of each command in a console or sh block (continuations joined)."""
    if block.lang == "console":
        for command in samples.commands(block):
            yield samples.shell_text(command)
        return
    current: list[str] = []
    for line in block.body:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        current.append(line)
        if not line.endswith("\\"):
            yield "\n".join(current)
            current = []


def _simple(text: str, where: str) -> Iterator[Command]:
    """Split one shell line into simple commands on `&&`, `|`, `;`, `&` and parentheses."""
    lexer = shlex.shlex(text.replace("\\\n", " "), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words: list[str] = []
    for token in [*lexer, ";"]:
        if token in SEPARATORS or token.endswith("$("):
            if token.endswith("$(") and token != "$(":
                words.append(token[:-2])
            if words:
                yield _command(words, where)
            words = []
        else:
            words.append(token)


def _command(words: list[str], where: str) -> Command:
    env: dict[str, str] = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    argv: list[str] = []
    out: list[str] = []
    into: list[str] = []
    tokens = iter(words)
    for token in tokens:
        if token in {">", ">>"}:
            out.append(next(tokens))
        elif token == "<":
            into.append(next(tokens))
        else:
            argv.append(token)
    return Command(argv, env, out, into, where)


def readme_commands() -> list[Command]:
    lines = README.read_text(encoding="utf-8").splitlines()
    found: list[Command] = []
    for block in samples.blocks(lines):
        if block.lang in SH_LANGS and not block.options.skip:
            for text in _lines(block):
                found.extend(_simple(text, f"README.md:{block.line}: {text.splitlines()[0]}"))
    return found


COMMANDS = readme_commands()


def _is_repvoice(command: Command) -> bool:
    return bool(command.argv) and Path(command.argv[0]).name == "repvoice"


def _click_command(argv: list[str]) -> tuple[typer.core.TyperCommand, list[str], str]:
    """The (click) command `argv` (after `repvoice`) names, its arguments, and its name."""
    group = typer.main.get_command(app)
    words = list(argv)
    name = "repvoice"
    while isinstance(group, typer.core.TyperGroup) and words and not words[0].startswith("-"):
        word = words.pop(0)
        assert word in group.commands, f"no such command: {name} {word}"
        group, name = group.commands[word], f"{name} {word}"
    return group, words, name


def _parse(command: Command) -> tuple[str, dict[str, object]]:
    cmd, args, name = _click_command(command.argv[1:])
    assert isinstance(cmd, typer.core.TyperCommand), f"{command.where}: {name} is not a command"
    try:
        ctx = cmd.make_context(name, args)
    except Exception as exc:  # click's UsageError (vendored by typer, or click's own)
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        raise AssertionError(f"{command.where}: {message}") from None
    return name, dict(ctx.params)


def _values(value: object) -> list[str]:
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _norm(path: str) -> str:
    return str(Path(path)).removeprefix("./")


def _outputs(name: str, params: dict[str, object], written: list[str]) -> set[str]:
    """What a repvoice command writes, besides its output options' values."""
    out = {_norm(p) for p in written}
    for path in written:
        stem = path.removesuffix(".jsonl")
        if name == "repvoice data split":
            out |= {_norm(f"{path}/{f}") for f in ("train.jsonl", "test.jsonl", "val.jsonl")}
            out.add(_norm(f"{path}/split.json"))
        elif name == "repvoice data synth" and not params.get("test_output"):
            out.add(_norm(f"{stem}.test.jsonl"))
        elif name == "repvoice data merge":
            out.add(_norm(f"{stem}.provenance.jsonl"))
    return out


def _reads(name: str, params: dict[str, object]) -> list[str]:
    keys = INPUT_PARAMS | ({"model"} if name in MODEL_DIR_COMMANDS else set())
    reads = [v for key in keys for v in _values(params.get(key))]
    if name == "repvoice parse" and params.get("text") == "-":
        reads = [r for r in reads if r != "-"]
    for backend in _values(params.get("backend")) + _values(params.get("backends")):
        if backend.startswith("local:"):
            reads.append(backend.removeprefix("local:"))
    return [r for r in reads if r != "-"]


def test_the_readme_has_commands_to_check() -> None:
    repvoice = [c for c in COMMANDS if _is_repvoice(c)]
    assert len(repvoice) >= 25
    assert {" ".join(c.argv[1:3]) for c in repvoice} >= {
        "data validate",
        "train owner-splits/train.jsonl",
    }


@pytest.mark.parametrize("command", [c for c in COMMANDS if _is_repvoice(c)], ids=lambda c: c.where)
def test_each_repvoice_command_and_option_exists(command: Command) -> None:
    _parse(command)


def test_every_file_read_ships_or_is_written_first() -> None:
    available = {f"examples/{p.name}" for p in EXAMPLES.iterdir()}
    missing: list[str] = []
    for command in COMMANDS:
        if not command.argv:
            continue
        reads = list(command.redirect_in)
        writes = set(map(_norm, command.redirect_out))
        reads += [v for v in command.env.values() if v.startswith("examples/")]
        program = Path(command.argv[0]).name
        if _is_repvoice(command):
            name, params = _parse(command)
            reads += _reads(name, params)
            written = [v for key in OUTPUT_PARAMS for v in _values(params.get(key)) if v != "-"]
            writes |= _outputs(name, params, written)
        elif program in {"python", "python3"} and command.argv[1:2] != ["-m"]:
            args = command.argv[2:]
            writes |= {
                _norm(args[i + 1]) for i, a in enumerate(args[:-1]) if a in {"-o", "--output"}
            }
        elif program in READERS:
            reads += [a for a in command.argv[1:] if not a.startswith("-") and not a.isdigit()]
        missing += [f"{command.where}: {r}" for r in reads if _norm(r) not in available]
        available |= writes
    assert missing == []


def test_python_commands_name_scripts_that_exist() -> None:
    scripts = [c.argv[1] for c in COMMANDS if c.argv[:1] == ["python"] and c.argv[1:2] != ["-m"]]
    assert scripts, "the README runs no example script"
    assert all((ROOT / s).is_file() for s in scripts), scripts


def test_uvicorn_factory_exists() -> None:
    targets = [c.argv[c.argv.index("--factory") + 1] for c in COMMANDS if c.argv[:1] == ["uvicorn"]]
    assert targets
    for target in targets:
        module, _, attr = target.partition(":")
        assert callable(getattr(importlib.import_module(module), attr)), target


def test_file_blocks_match_their_files() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    copied = [b for b in samples.blocks(lines) if b.options.file is not None]
    assert {b.options.file for b in copied} >= {"examples/serve.toml", "Dockerfile"}
    for block in copied:
        assert block.body == samples.render_file(block), block.options.file


def test_every_example_file_is_used() -> None:
    text = README.read_text(encoding="utf-8")
    unused = [p.name for p in EXAMPLES.iterdir() if p.is_file() and not p.name.startswith(".")]
    assert [name for name in unused if f"examples/{name}" not in text] == []


def test_the_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci.startswith("python3 -m venv .venv && ")
    assert f"\n{ci}\n" in README.read_text(encoding="utf-8")


def test_the_first_command_installs_only_the_core() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    first = next(b for b in samples.blocks(lines) if b.lang == "sh")
    assert first.body[0].startswith("python3 -m venv .venv && .venv/bin/pip install -e . && ")
    assert "[" not in first.body[0].split("&&")[1]
