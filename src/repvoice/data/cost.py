"""Training and inference cost of a chat fine-tuning file, per provider and model.

Training is billed as Σ min(tokens, per-example limit) × epochs: examples over the model's limit
are truncated, so their surplus is not billed. Tokens are counted with o200k_base, exact for
OpenAI's gpt-4o/4.1 and an approximation for other providers' tokenizers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from repvoice.data.pricing import (
    PROVIDERS,
    TARGETS,
    PriceList,
    Target,
    load_price_list,
)
from repvoice.data.stats import Problem, TokenScan

ENCODING = "o200k_base"
DEFAULT_CALLS_PER_MONTH = 10_000
NO_TRAINING_PRICE = "no per-token training price published"


def billed_tokens_per_epoch(totals: Iterable[int], limit: int | None) -> tuple[int, int]:
    """(tokens billed per epoch, examples truncated) with each example capped at `limit`."""
    billed = truncated = 0
    for n in totals:
        if limit is not None and n > limit:
            billed += limit
            truncated += 1
        else:
            billed += n
    return billed, truncated


@dataclass(frozen=True, slots=True)
class CallSize:
    """Tokens of one inference call, and where the numbers come from."""

    prompt: float
    output: float
    basis: str


def parse_tokens_per_call(value: str, scan: TokenScan) -> CallSize:
    """`auto` (the dataset's means), `N` (prompt tokens; output from the dataset) or `IN,OUT`."""
    mean_prompt = sum(scan.prompt) / scan.examples if scan.examples else 0.0
    mean_output = sum(scan.assistant) / scan.examples if scan.examples else 0.0
    text = value.strip().lower()
    if text == "auto":
        return CallSize(mean_prompt, mean_output, "dataset means (prompt, assistant)")
    parts = [p.strip() for p in text.replace(":", ",").split(",")]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"--tokens-per-call must be auto, N or IN,OUT (got {value!r})") from None
    if len(numbers) not in (1, 2) or any(n < 0 for n in numbers):
        raise ValueError(f"--tokens-per-call must be auto, N or IN,OUT (got {value!r})")
    if len(numbers) == 1:
        return CallSize(numbers[0], mean_output, "given prompt; output = dataset mean")
    return CallSize(numbers[0], numbers[1], "given")


def parse_epochs(value: str) -> int | None:
    """`auto` -> None (each provider's default); otherwise a positive int."""
    if value.strip().lower() == "auto":
        return None
    try:
        n = int(value)
    except ValueError:
        raise ValueError(
            f"--epochs must be auto or a positive whole number (got {value!r})"
        ) from None
    if n < 1:
        raise ValueError(f"--epochs must be at least 1 (got {n})")
    return n


@dataclass
class TargetCost:
    """Cost of one provider/model. A None price or cost means the figure is not published."""

    provider: str
    provider_name: str
    model: str
    status: str
    epochs: int | None
    epochs_basis: str
    max_tokens_per_example: int | None
    tokens_per_epoch: int
    truncated_examples: int
    billed_tokens: int | None
    training_price_per_m: float | None
    training_price_source: str
    training_cost: float | None
    input_price_per_m: float | None
    output_price_per_m: float | None
    inference_price_source: str
    monthly_inference_cost: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CostReport:
    file: str
    encoding: str
    examples: int
    tokens_per_epoch_uncapped: int
    call: CallSize
    calls_per_month: int
    price_list: dict[str, str]
    targets: list[TargetCost] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unreadable: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "encoding": self.encoding,
            "examples": self.examples,
            "unreadable": self.unreadable,
            "problems": [asdict(p) for p in self.problems],
            "tokens_per_epoch_uncapped": self.tokens_per_epoch_uncapped,
            "inference": {
                "calls_per_month": self.calls_per_month,
                "prompt_tokens_per_call": self.call.prompt,
                "output_tokens_per_call": self.call.output,
                "basis": self.call.basis,
            },
            "price_list": self.price_list,
            "epoch_rules": {
                key: {
                    "provider": p.name,
                    "kind": p.epoch_rule.kind,
                    "default": p.epoch_rule.default,
                    "rule": p.epoch_rule.text,
                    "source": p.epoch_rule.source,
                    "status": p.status,
                }
                for key, p in PROVIDERS.items()
            },
            "targets": [t.to_dict() for t in self.targets],
        }


def _training_price(target: Target, prices: PriceList) -> tuple[float | None, str]:
    from_map = prices.training_per_million(target.inference_key)
    if from_map is not None:
        return from_map[0], f"LiteLLM cost map field {from_map[1]}"
    if target.training_price is not None:
        tp = target.training_price
        return tp.per_million, f"{tp.source}, {tp.as_of}; not in the LiteLLM map"
    return None, NO_TRAINING_PRICE


def cost_of(
    target: Target,
    scan: TokenScan,
    prices: PriceList,
    *,
    epochs: int | None,
    call: CallSize,
    calls_per_month: int,
) -> TargetCost:
    """Training and monthly inference cost of one target; `epochs` None = provider default."""
    provider = PROVIDERS[target.provider]
    rule = provider.epoch_rule
    if epochs is not None:
        n_epochs: int | None = epochs
        basis = "given"
    else:
        n_epochs = rule.epochs_for(scan.examples) if scan.examples else None
        basis = rule.text if n_epochs is not None else f"{rule.text}; pass --epochs"
    per_epoch, truncated = billed_tokens_per_epoch(scan.total, target.max_tokens_per_example)
    billed = per_epoch * n_epochs if n_epochs is not None else None
    price, price_source = _training_price(target, prices)
    training = billed * price / 1e6 if billed is not None and price is not None else None
    p_in = prices.per_million(target.inference_key, "input_cost_per_token")
    p_out = prices.per_million(target.inference_key, "output_cost_per_token")
    if p_in is None or p_out is None:
        monthly = None
        source = target.inference_basis
        if target.inference_key and prices.entry(target.inference_key) is None:
            source = f"{target.inference_key} is not in the LiteLLM cost map"
    else:
        monthly = calls_per_month * (call.prompt * p_in + call.output * p_out) / 1e6
        source = f"LiteLLM {target.inference_key}: {target.inference_basis}"
    return TargetCost(
        provider=target.provider,
        provider_name=provider.name,
        model=target.model,
        status=provider.status,
        epochs=n_epochs,
        epochs_basis=basis,
        max_tokens_per_example=target.max_tokens_per_example,
        tokens_per_epoch=per_epoch,
        truncated_examples=truncated,
        billed_tokens=billed,
        training_price_per_m=price,
        training_price_source=price_source,
        training_cost=training,
        input_price_per_m=p_in,
        output_price_per_m=p_out,
        inference_price_source=source,
        monthly_inference_cost=monthly,
    )


def estimate_costs(
    scan: TokenScan,
    *,
    epochs: int | None = None,
    calls_per_month: int = DEFAULT_CALLS_PER_MONTH,
    tokens_per_call: str = "auto",
    targets: Sequence[Target] = TARGETS,
    prices: PriceList | None = None,
) -> CostReport:
    """Cost of training on `scan` and serving the result, for every target.

    Raises `PriceListMissing` without LiteLLM, `ValueError` for a bad `tokens_per_call`.
    """
    prices = prices or load_price_list()
    call = parse_tokens_per_call(tokens_per_call, scan)
    report = CostReport(
        file=scan.file,
        encoding=scan.encoding,
        examples=scan.examples,
        tokens_per_epoch_uncapped=sum(scan.total),
        call=call,
        calls_per_month=calls_per_month,
        price_list=prices.describe(),
        problems=scan.problems,
        unreadable=sum(scan.problem_counts.values()),
    )
    for target in targets:
        report.targets.append(
            cost_of(
                target,
                scan,
                prices,
                epochs=epochs,
                call=call,
                calls_per_month=calls_per_month,
            )
        )
    return report
