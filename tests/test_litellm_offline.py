"""LiteLLM never fetches its price map: repvoice imports it with the bundled map only.

Run in fresh processes whose proxies point at a closed port, so that any download attempt
fails at once and LiteLLM says so on stderr.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import sys
from typing import Any

import pytest

if importlib.util.find_spec("litellm") is None:
    pytest.skip("litellm is not installed", allow_module_level=True)

#: What LiteLLM logs when it tries to download its map ("fetch attempt 1/3 failed", "Failed to
#: fetch remote model cost map").
FETCH = re.compile(r"fetch(?: attempt \d+/\d+ failed| remote model cost map)", re.IGNORECASE)
REPVOICE = (
    "from repvoice.backends.hosted import load_litellm; "
    "from repvoice.data.pricing import load_price_list; "
    "load_price_list(); litellm = load_litellm(); "
    "print(len(litellm.model_cost) > 1000)"
)
BARE = "import litellm"


def _offline_env() -> dict[str, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    env = {k: v for k, v in os.environ.items() if k != "LITELLM_LOCAL_MODEL_COST_MAP"}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env[name] = dead
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    return env


def test_repvoice_imports_litellm_without_fetching_anything() -> None:
    env = _offline_env()
    pipes: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    ours = subprocess.Popen([sys.executable, "-c", REPVOICE], env=env, **pipes)
    # The bare import is the control: it shows that an attempt is seen when one is made. It is
    # stopped at its first attempt, not left to back off and retry.
    bare = subprocess.Popen([sys.executable, "-c", BARE], env=env, **pipes)
    try:
        assert bare.stderr is not None
        attempt = next((line for line in bare.stderr if FETCH.search(line)), None)
    finally:
        bare.kill()
        bare.communicate()
    out, err = ours.communicate(timeout=180)
    assert attempt is not None
    assert out.strip() == "True", err
    assert not FETCH.search(err), err
