"""Workload C: Σ x_i·y_i over 10,000 pairs of leaves, forward and backward.

valuegrad three ways: ``vsum`` of the products (10,000 product nodes, ONE sum
node), the builtin ``sum`` (one add node per product), and ``dot`` (one node
in all). The comparators do the same with their own means; the handwritten
floor is two list comprehensions.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from . import handwritten, phases, with_micrograd, with_torch, with_valuegrad
from .harness import Case, interleave
from .report import (
    BenchmarkError,
    Section,
    Target,
    limit_from_phases,
    ratio,
    seconds,
    table,
    wall_note,
)
from .settings import Settings

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Variant:
    """One way of computing workload C.

    Attributes:
        leaves: Makes the comparator's leaves from floats (untimed).
        compute: (x leaves, y leaves) -> result; forward and backward (timed).
        value: result -> the sum, as a float.
        x_grads: (x leaves, result) -> d sum / d x_i, as floats.
        deep: Its backward recurses once per addition (micrograd's builtin sum).
    """

    leaves: Callable[[list[float]], Any]
    compute: Callable[[Any, Any], Any]
    value: Callable[[Any], float]
    x_grads: Callable[[Any, Any], list[float]]
    deep: bool = False


def _micrograd_sum(limit: int, xs: Any, ys: Any) -> Any:
    with with_micrograd.recursion_limit(limit):
        return with_micrograd.sum_of_products(xs, ys)


def variants(size: int) -> dict[str, Variant]:
    """Every comparator's way of computing workload C for ``size`` pairs."""

    def data_grads(xs: list[Any], result: Any) -> list[float]:
        return [float(x.grad) for x in xs]

    def tensor_grads(xs: list[Any], result: Any) -> list[float]:
        return [float(x.grad.item()) for x in xs]

    return {
        "valuegrad vsum": Variant(
            with_valuegrad.leaves, with_valuegrad.vsum_of_products, lambda r: r.data, data_grads
        ),
        "valuegrad builtin sum": Variant(
            with_valuegrad.leaves, with_valuegrad.builtin_sum_of_products, lambda r: r.data,
            data_grads,
        ),
        "valuegrad dot": Variant(
            with_valuegrad.leaves, with_valuegrad.dot_of, lambda r: r.data, data_grads
        ),
        "micrograd builtin sum": Variant(
            with_micrograd.leaves,
            partial(_micrograd_sum, 2 * size + 1_000),
            lambda r: float(r.data),
            data_grads,
            deep=True,
        ),
        "torch scalar builtin sum": Variant(
            with_torch.leaves, with_torch.sum_of_products, lambda r: float(r.item()), tensor_grads
        ),
        "torch scalar stack + sum": Variant(
            with_torch.leaves, with_torch.stacked_sum_of_products, lambda r: float(r.item()),
            tensor_grads,
        ),
        "torch vectorized": Variant(
            with_torch.vectors, with_torch.vector_dot, lambda r: float(r.item()),
            lambda x, r: [float(g) for g in x.grad.tolist()],
        ),
        "handwritten": Variant(
            list, handwritten.sum_of_products, lambda r: r[0], lambda x, r: list(r[1])
        ),
    }


def operands(size: int, seed: int = 0) -> tuple[list[float], list[float]]:
    """Two seeded lists of ``size`` floats in [-1, 1)."""
    rng = random.Random(seed)
    return [rng.uniform(-1, 1) for _ in range(size)], [rng.uniform(-1, 1) for _ in range(size)]


def check(variant_name: str, variant: Variant, xs: list[float], ys: list[float]) -> None:
    """Run ``variant`` once: its sum and its gradients must match the exact formulas.

    Raises:
        BenchmarkError: On a mismatch larger than 1e-9 (relative to max(1, |expected|)).
    """
    x_leaves, y_leaves = variant.leaves(xs), variant.leaves(ys)
    result = variant.compute(x_leaves, y_leaves)
    expected = handwritten.sum_of_products(xs, ys)[0]
    value = variant.value(result)
    if abs(value - expected) > TOLERANCE * max(1.0, abs(expected)):
        raise BenchmarkError(f"{variant_name}: sum {value!r}, expected {expected!r}")
    grads = variant.x_grads(x_leaves, result)
    worst = max(abs(g - y) for g, y in zip(grads, ys, strict=True))
    if worst > TOLERANCE:
        raise BenchmarkError(
            f"{variant_name}: d sum / d x_i should be y_i; largest difference {worst:.3g}"
        )


def _prepare(variant: Variant, xs: list[float], ys: list[float]) -> Callable[[], object]:
    x_leaves, y_leaves = variant.leaves(xs), variant.leaves(ys)
    return partial(variant.compute, x_leaves, y_leaves)


def micrograd_at_default_limit(size: int) -> str:
    """What micrograd's builtin-sum backward does at the default recursion limit."""
    xs, ys = operands(size)
    try:
        with_micrograd.sum_of_products(with_micrograd.leaves(xs), with_micrograd.leaves(ys))
    except RecursionError:
        return "RecursionError at the default recursion limit"
    return "runs at the default recursion limit"


def run(settings: Settings) -> Section:
    """Check and time workload C; judge its target."""
    start = time.perf_counter()
    size = settings.products
    xs, ys = operands(size)
    all_variants = variants(size)
    for name, variant in all_variants.items():
        check(name, variant, xs, ys)
    micrograd_note = micrograd_at_default_limit(size)
    timings = interleave(
        {name: Case(partial(_prepare, variant, xs, ys)) for name, variant in all_variants.items()},
        settings.reduction_rounds,
        min_seconds=settings.min_seconds,
        max_blocks=settings.max_blocks,
    )
    section = Section("C", f"Σ x_i·y_i over {size:,} pairs of leaves, forward + backward")
    section.lines.append(
        "Leaves are made before the clock starts; the products, the sum and backward are "
        f"timed. Every variant's sum and gradients were checked (to {TOLERANCE:g}) first. "
        f"micrograd's builtin sum is a chain of {size:,} additions: {micrograd_note}; "
        "it is timed with the limit raised."
    )
    section.lines.append("")
    rows = [
        [
            name,
            seconds(timings.median(name)),
            ratio(timings.ratio(name, "handwritten")),
            ratio(timings.ratio(name, "valuegrad vsum")),
        ]
        for name in all_variants
        if timings.has(name)
    ]
    section.lines.extend(
        table(
            [
                "variant",
                f"median of {settings.reduction_rounds} rounds",
                "÷ handwritten (paired)",
                "÷ valuegrad vsum (paired)",
            ],
            rows,
        )
    )
    for name, error in timings.errors.items():
        section.lines.append(f"- {name}: {error}")
    section.lines.append("")
    section.lines.append(wall_note([timings]))
    section.lines.append("")
    section.lines.append("Where valuegrad's `vsum` variant goes:")
    section.lines.append("")
    sum_phases = phases.sum_of_products(xs, ys, settings.reduction_rounds)
    floor = timings.median("handwritten")
    section.lines.extend(phases.render(sum_phases, size + 1, floor))
    limit = limit_from_phases(
        sum_phases, "products (one node each)", f"making the {size:,} product nodes", size, floor
    )
    fused = timings.ratio("valuegrad vsum", "handwritten")
    section.targets.append(
        Target(
            "C",
            "fused vsum within 15x of the handwritten floor",
            f"{ratio(fused)} (paired median); dot: "
            f"{ratio(timings.ratio('valuegrad dot', 'handwritten'))}",
            fused <= 15.0,
            limit=limit,
        )
    )
    section.seconds = time.perf_counter() - start
    return section
