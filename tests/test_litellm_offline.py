"""LiteLLM never fetches its price map: repvoice imports it with the bundled map only.

Run in a fresh process (LiteLLM fetches at import time, once) whose network is cut off: every
name lookup and connection is recorded and refused. A plain httpx request at the end is the
control that shows an attempt would be seen.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest

if importlib.util.find_spec("litellm") is None:
    pytest.skip("litellm is not installed", allow_module_level=True)

#: What LiteLLM logs when it tries to download its map ("fetch attempt 1/3 failed", "Failed to
#: fetch remote model cost map").
FETCH = re.compile(r"fetch(?: attempt \d+/\d+ failed| remote model cost map)", re.IGNORECASE)
CODE = """
import json, socket
attempts = []
def refuse(what):
    attempts.append(repr(what))
    raise OSError("network blocked by the test")
socket.getaddrinfo = lambda host, *a, **k: refuse(host)
socket.socket.connect = lambda self, address: refuse(address)
socket.socket.connect_ex = lambda self, address: refuse(address)

from repvoice.backends.hosted import load_litellm
from repvoice.data.pricing import load_price_list
load_price_list()
litellm = load_litellm()
ours = list(attempts)

import httpx
try:
    httpx.get("https://raw.githubusercontent.com/BerriAI/litellm/main/x.json", timeout=1)
except Exception:
    pass
print(json.dumps({"ours": ours, "control": attempts[len(ours):], "map": len(litellm.model_cost)}))
"""


def test_repvoice_imports_litellm_without_fetching_anything() -> None:
    env = {k: v for k, v in os.environ.items() if k != "LITELLM_LOCAL_MODEL_COST_MAP"}
    out = subprocess.run(
        [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=240
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["ours"] == []
    assert seen["control"]  # the guard does see a request
    assert seen["map"] > 1000  # the bundled price map is loaded
    assert not FETCH.search(out.stderr), out.stderr
