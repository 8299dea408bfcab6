"""`repvoice serve`: the parse service (VoiceFit's voice endpoint and the OpenAI chat API)."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from repvoice.cli._app import app, err_console, fail

#: prometheus_client's multiprocess directory (see repvoice.serve.metrics; not imported here, so
#: `--help` stays fast).
ENV_MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, max=64, help="Worker processes.")
    ] = 1,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="TOML config: fallback backend, threshold, routes."),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            "-m",
            envvar="REPVOICE_MODEL",
            show_envvar=True,
            help="Model directory from `repvoice train` (default: bundled).",
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar="REPVOICE_API_KEY",
            show_envvar=True,
            help="Require `Authorization: Bearer KEY` (prefer the env var: options show in ps).",
        ),
    ] = None,
    shutdown_timeout: Annotated[
        float,
        typer.Option(
            "--shutdown-timeout", min=0, help="Seconds in-flight requests get to finish on stop."
        ),
    ] = 10.0,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = False,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
) -> None:
    """Serve the parser over HTTP: `POST /api/voice/parse` (VoiceFit's contract),
    `POST /v1/chat/completions` and `GET /v1/models` (OpenAI-compatible), `/healthz`,
    `/readyz`, `/metrics` (Prometheus) and API docs at `/docs`.

    With a fallback in `--config`, answers whose local confidence is under the threshold
    (default 0.70) go to the fallback LLM; if it fails, the local answer comes back with
    `requires_confirmation: true`. SIGTERM stops accepting connections and lets in-flight
    requests finish (up to --shutdown-timeout seconds; /readyz answers 503 from the signal
    on), then exits 0. With --workers N, /metrics sums all the workers.

    Example: repvoice serve --port 8000 --config serve.toml
    """
    # prometheus_client picks its mode when first imported: a single worker keeps its metrics
    # in memory, whatever the caller's environment says.
    os.environ.pop(ENV_MULTIPROC_DIR, None)
    from repvoice.backends import BackendError
    from repvoice.parser.model import ModelError
    from repvoice.serve.config import ConfigError, load_config

    try:
        import uvicorn

        from repvoice.serve.app import ENV_API_KEY, ENV_CONFIG, ENV_MODEL, build_service
    except ModuleNotFoundError as exc:
        fail(f"repvoice serve needs {exc.name}: pip install 'repvoice[serve]'")

    try:
        settings = load_config(config)
        # Load once here, so a bad model or backend is one clear line before anything listens.
        build_service(settings, model).router.close()
    except (ConfigError, ModelError, BackendError) as exc:
        fail(str(exc))

    # The workers read their settings from the environment (they may be separate processes).
    os.environ.pop(ENV_API_KEY, None)
    if api_key:
        os.environ[ENV_API_KEY] = api_key
    for name, value in ((ENV_CONFIG, config), (ENV_MODEL, model)):
        if value is not None:
            os.environ[name] = str(value.resolve())
        else:
            os.environ.pop(name, None)
    auth = "on" if api_key else "off"
    err_console.print(
        f"[dim]repvoice serve on http://{host}:{port} · workers {workers} · auth {auth} · "
        f"docs /docs[/]",
        highlight=False,
    )
    # uvicorn re-raises the stop signal once it has shut down gracefully; a stop asked for is
    # a clean exit, not a death by signal.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _stopped)
    # Workers are fresh processes: each writes its metrics to files here, and /metrics sums them.
    metrics_dir = tempfile.mkdtemp(prefix="repvoice-metrics-") if workers > 1 else None
    if metrics_dir is not None:
        os.environ[ENV_MULTIPROC_DIR] = metrics_dir
    try:
        uvicorn.run(
            "repvoice.serve.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            timeout_graceful_shutdown=shutdown_timeout,
            access_log=access_log,
            log_level=log_level,
            server_header=False,
        )
    finally:
        if metrics_dir is not None:
            os.environ.pop(ENV_MULTIPROC_DIR, None)
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _stopped(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
