"""`repvoice model verify|seal DIR`: check a model directory's checksums, or add them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from repvoice.cli._app import JsonOpt, app, console, fail
from repvoice.cli._app import print_json as emit_json

model_app = typer.Typer(
    help="Check a model directory's checksums (verify), or add them to an older one (seal).",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(model_app, name="model")

ModelDir = Annotated[Path, typer.Argument(help="Model directory from `repvoice train`.")]


@model_app.command("verify")
def verify_command(model_dir: ModelDir, json_out: JsonOpt = False) -> None:
    """Load a model directory the way `parse` and `serve` do: every file's size and SHA-256
    against `meta.json`, then every component.

    Exit status: 0 the model is whole, 2 it is missing, damaged, tampered with or not a
    repvoice model (one line says why).

    Example: repvoice model verify repvoice-model
    """
    from repvoice.parser.model import ModelError, Parser

    try:
        parser = Parser.load(model_dir)
    except ModelError as exc:
        fail(str(exc))
    files = parser.meta["files"]
    if json_out:
        emit_json({"model_dir": str(model_dir), "ok": True, "files": files})
        return
    total = sum(f["bytes"] for f in files.values())
    console.print(
        f"[bold green]ok[/]: {escape(str(model_dir))} ({len(files) + 1} files, {total:,} bytes "
        "besides meta.json; every checksum matches)",
        highlight=False,
    )


@model_app.command("seal")
def seal_command(model_dir: ModelDir) -> None:
    """Add file checksums to a model directory saved by a repvoice that did not write them.

    Only for a directory you trust (your own, never a downloaded one): the checksums say that
    the files are the ones sealed, not that they are sound. The model's answers do not change;
    only `meta.json` is rewritten. Then the model is loaded once to check it.

    Exit status: 0 sealed and loadable, 2 not a complete repvoice model directory.

    Example: repvoice model seal my-old-model
    """
    from repvoice.parser.integrity import seal_directory
    from repvoice.parser.model import ModelError, Parser

    try:
        seal_directory(model_dir)
        Parser.load(model_dir)
    except ModelError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{model_dir}: {exc.strerror or exc}")
    console.print(f"[bold green]sealed[/] {escape(str(model_dir))}", highlight=False)
