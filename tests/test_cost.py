"""Epoch rules, billed tokens and prices, on the hand-made fixture of test_stats.py.

The fixture's 12 records have 972 tokens in all (97 88 114 97 100 69 104 86 68 43 42 64),
452 prompt tokens and 472 assistant tokens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from repvoice.data.cost import (
    NO_TRAINING_PRICE,
    billed_tokens_per_epoch,
    cost_of,
    estimate_costs,
    parse_epochs,
    parse_tokens_per_call,
)
from repvoice.data.pricing import (
    PROVIDERS,
    TARGETS,
    PublishedPrice,
    Target,
    load_price_list,
    openai_default_epochs,
)
from repvoice.data.stats import scan_tokens

FIXTURE = Path(__file__).parent / "fixtures" / "stats" / "twelve.jsonl"


@pytest.fixture(scope="module")
def report() -> dict:
    scan = scan_tokens(FIXTURE)
    return estimate_costs(scan, calls_per_month=1000).to_dict()


def _target(report: dict, model: str) -> dict:
    return next(t for t in report["targets"] if t["model"] == model)


@pytest.mark.parametrize(
    ("n", "epochs"),
    [
        (3890, 3),  # 11,670 examples seen: inside [100, 25,000]
        (20, 5),  # 60 < 100: 100 // 20
        (1, 25),  # 100 // 1 = 100, capped at 25
        (34, 3),  # 102 >= 100
        (33, 3),  # 99 < 100: 100 // 33 = 3
        (8333, 3),  # 24,999 <= 25,000
        (8334, 2),  # 25,002 > 25,000: 25,000 // 8,334
        (10_000, 2),
        (30_000, 1),  # 25,000 // 30,000 = 0, raised to 1
    ],
)
def test_openai_default_epochs(n: int, epochs: int) -> None:
    assert openai_default_epochs(n) == epochs


def test_openai_default_epochs_needs_examples() -> None:
    with pytest.raises(ValueError):
        openai_default_epochs(0)


def test_provider_rules() -> None:
    assert PROVIDERS["openai"].epoch_rule.epochs_for(12) == 8
    assert PROVIDERS["bedrock"].epoch_rule.epochs_for(12) == 2
    assert PROVIDERS["cohere"].epoch_rule.epochs_for(12) == 1
    for key in ("vertex_ai", "mistral", "together", "fireworks"):
        rule = PROVIDERS[key].epoch_rule
        assert (rule.kind, rule.epochs_for(12)) == ("undocumented", None)
        assert "no documented default" in rule.text
    assert {t.provider for t in TARGETS} == set(PROVIDERS)


def test_billed_tokens_are_capped_per_example() -> None:
    assert billed_tokens_per_epoch([10, 50, 100], 60) == (120, 1)
    assert billed_tokens_per_epoch([10, 50, 100], None) == (160, 0)
    assert billed_tokens_per_epoch([], 5) == (0, 0)


def test_openai_training_cost(report: dict) -> None:
    t = _target(report, "gpt-4o-mini-2024-07-18")
    assert report["examples"] == 12
    assert report["tokens_per_epoch_uncapped"] == 972
    assert t["epochs"] == 8  # 12 * 3 = 36 < 100: 100 // 12
    assert (t["tokens_per_epoch"], t["truncated_examples"]) == (972, 0)
    assert t["billed_tokens"] == 7776
    assert t["training_price_per_m"] == 3.0
    assert "not in the LiteLLM map" in t["training_price_source"]
    assert t["training_cost"] == pytest.approx(7776 * 3.0 / 1e6)
    nano = _target(report, "gpt-4.1-nano-2025-04-14")
    assert nano["training_cost"] == pytest.approx(7776 * 1.5 / 1e6)
    assert _target(report, "gpt-4.1-2025-04-14")["training_price_per_m"] == 25.0
    assert _target(report, "gpt-4.1-mini-2025-04-14")["training_price_per_m"] == 5.0


def test_openai_inference_cost(report: dict) -> None:
    t = _target(report, "gpt-4o-mini-2024-07-18")
    assert (t["input_price_per_m"], t["output_price_per_m"]) == (0.3, 1.2)
    inference = report["inference"]
    assert inference["prompt_tokens_per_call"] == pytest.approx(452 / 12)
    assert inference["output_tokens_per_call"] == pytest.approx(472 / 12)
    # 1,000 calls x (37.667 x $0.30 + 39.333 x $1.20) per 1M = $0.0585
    assert t["monthly_inference_cost"] == pytest.approx(0.0585)


def test_providers_without_prices_say_so(report: dict) -> None:
    haiku = _target(report, "anthropic.claude-3-haiku-20240307-v1:0")
    assert (haiku["epochs"], haiku["billed_tokens"]) == (2, 1944)
    assert haiku["training_price_per_m"] is None
    assert haiku["training_cost"] is None
    assert haiku["training_price_source"] == NO_TRAINING_PRICE
    assert haiku["monthly_inference_cost"] is None
    assert "Provisioned Throughput" in haiku["inference_price_source"]
    gemini = _target(report, "gemini-2.5-flash")
    assert (gemini["epochs"], gemini["billed_tokens"], gemini["training_cost"]) == (
        None,
        None,
        None,
    )
    assert "pass --epochs" in gemini["epochs_basis"]
    assert gemini["input_price_per_m"] == 0.3
    cohere = _target(report, "command-r-08-2024")
    assert (cohere["epochs"], cohere["billed_tokens"]) == (1, 972)
    assert "deprecated" in cohere["status"]


def test_given_epochs_apply_everywhere() -> None:
    r = estimate_costs(scan_tokens(FIXTURE), epochs=2).to_dict()
    assert {t["epochs"] for t in r["targets"]} == {2}
    assert {t["billed_tokens"] for t in r["targets"]} == {1944}
    fireworks = next(t for t in r["targets"] if t["provider"] == "fireworks")
    assert fireworks["training_cost"] == pytest.approx(1944 * 0.5 / 1e6)


def test_cost_of_a_target_with_a_small_limit() -> None:
    scan = scan_tokens(FIXTURE)
    tiny = Target("openai", "tiny", 50, None, "none", PublishedPrice(10.0, "test", "2026"))
    call = parse_tokens_per_call("auto", scan)
    cost = cost_of(tiny, scan, load_price_list(), epochs=None, call=call, calls_per_month=1)
    # 10 examples over 50 are billed 50 each; 43 + 42 in full
    assert (cost.tokens_per_epoch, cost.truncated_examples) == (585, 10)
    assert (cost.epochs, cost.billed_tokens) == (8, 4680)
    assert cost.training_cost == pytest.approx(4680 * 10 / 1e6)
    assert cost.monthly_inference_cost is None


def test_tokens_per_call_forms() -> None:
    scan = scan_tokens(FIXTURE)
    both = parse_tokens_per_call("100,20", scan)
    assert (both.prompt, both.output, both.basis) == (100, 20, "given")
    given = parse_tokens_per_call("100", scan)
    assert (given.prompt, given.output) == (100, pytest.approx(472 / 12))
    colon = parse_tokens_per_call("80:10", scan)
    assert (colon.prompt, colon.output) == (80, 10)
    for bad in ("x", "1,2,3", "-5", ""):
        with pytest.raises(ValueError, match="tokens-per-call"):
            parse_tokens_per_call(bad, scan)


def test_parse_epochs() -> None:
    assert parse_epochs("auto") is None
    assert parse_epochs("4") == 4
    for bad in ("0", "two", "-1"):
        with pytest.raises(ValueError, match="epochs"):
            parse_epochs(bad)


def test_price_list_identity() -> None:
    prices = load_price_list()
    info = prices.describe()
    assert info["source"].startswith("LiteLLM ")
    assert len(info["revision"]) == 40
    assert info["file_modified"][:2] == "20"
    assert "sample_spec" not in prices.entries
    # the map carries no training price today; the documented table fills in for OpenAI
    assert prices.training_per_million("ft:gpt-4o-mini-2024-07-18") is None


def test_price_list_matches_litellm_model_cost() -> None:
    """The file read directly holds what litellm.model_cost holds offline."""
    keys = sorted({t.inference_key for t in TARGETS if t.inference_key})
    code = (
        "import json, os; os.environ['LITELLM_LOCAL_MODEL_COST_MAP'] = 'True'; import litellm; "
        f"print(json.dumps({{k: [litellm.model_cost[k]['input_cost_per_token'], "
        f"litellm.model_cost[k]['output_cost_per_token']] for k in {keys!r}}}))"
    )
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr

    theirs = json.loads(out.stdout.strip().splitlines()[-1])
    prices = load_price_list()
    for key, (p_in, p_out) in theirs.items():
        assert prices.per_million(key, "input_cost_per_token") == pytest.approx(p_in * 1e6)
        assert prices.per_million(key, "output_cost_per_token") == pytest.approx(p_out * 1e6)
