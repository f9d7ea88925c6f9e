"""Where valuegrad's time goes: workloads A, B and C split into phases.

The first ``backward`` on a graph sorts it (and caches the order) and then
sweeps it; a second ``backward`` on the same graph only sweeps. So the sweep
is timed as the second call, and the sort as the first call minus the second,
with only public API and without changing the work a user's ``backward`` does.
Phases are timed in CPU time, like every other measurement here.
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Callable

from autograd import Value, vsum

from . import with_valuegrad
from .harness import cpu_clock
from .problem import MLPProblem
from .report import seconds, table

Phases = dict[str, float]


def _sort_and_sweep(root: Value) -> tuple[float, float]:
    """(sort, sweep) seconds of ``root.backward()``, from a first and a second call."""
    start = cpu_clock()
    root.backward()
    first = cpu_clock() - start
    start = cpu_clock()
    root.backward()
    second = cpu_clock() - start
    return max(first - second, 0.0), second


def _median_phases(run: Callable[[], list[float]], names: list[str], rounds: int) -> Phases:
    samples: list[list[float]] = [[] for _ in names]
    for _ in range(rounds):
        gc.collect()
        for bucket, value in zip(samples, run(), strict=True):
            bucket.append(value)
    return {name: statistics.median(bucket) for name, bucket in zip(names, samples, strict=True)}


def mlp_step(problem: MLPProblem, rounds: int) -> Phases:
    """Workload A (steady state): forward, sort, backward sweep, SGD update."""
    model = with_valuegrad.ValuegradMLP(problem)
    model.step()

    def run() -> list[float]:
        start = cpu_clock()
        loss = model.loss()
        built = cpu_clock()
        sort, sweep = _sort_and_sweep(loss)
        model.optimizer.zero_grad()
        loss.backward()  # untimed: the update below wants one backward's gradients
        updating = cpu_clock()
        model.optimizer.step()
        return [built - start, sort, sweep, cpu_clock() - updating]

    names = ["forward (builds the graph)", "topological sort", "backward sweep", "SGD update"]
    return _median_phases(run, names, rounds)


def chain(steps: int, rounds: int) -> Phases:
    """Workload B: build, sort, backward sweep."""

    def run() -> list[float]:
        start = cpu_clock()
        _, out = with_valuegrad.build_chain(steps)
        built = cpu_clock()
        return [built - start, *_sort_and_sweep(out)]

    return _median_phases(run, ["build", "topological sort", "backward sweep"], rounds)


def sum_of_products(xs: list[float], ys: list[float], rounds: int) -> Phases:
    """Workload C with ``vsum``: products, the sum node, sort, backward sweep."""

    def run() -> list[float]:
        x_leaves, y_leaves = with_valuegrad.leaves(xs), with_valuegrad.leaves(ys)
        start = cpu_clock()
        products: list[Value] = [x * y for x, y in zip(x_leaves, y_leaves, strict=True)]
        multiplied = cpu_clock()
        out = vsum(products)
        summed = cpu_clock()
        return [multiplied - start, summed - multiplied, *_sort_and_sweep(out)]

    names = ["products (one node each)", "vsum (one node)", "topological sort", "backward sweep"]
    return _median_phases(run, names, rounds)


def op_nodes(root: Value) -> int:
    """Nodes made by ops (leaves not counted) in ``root``'s graph, root included."""
    return 1 + sum(1 for node in root.ancestors() if not node.is_leaf)


def render(phases: Phases, nodes: int, floor: float | None = None) -> list[str]:
    """A table of phases with their share of the total and the time per node.

    Args:
        phases: Phase name -> median seconds.
        nodes: Nodes (op results; leaves not counted) in the graph, for the per-node column.
        floor: The handwritten floor's median for the whole workload, if any.
    """
    total = sum(phases.values())
    rows = [
        [name, seconds(value), f"{value / total:.0%}", f"{value / nodes * 1e9:.0f} ns"]
        for name, value in phases.items()
    ]
    rows.append(["**sum of phases**", seconds(total), "100%", f"{total / nodes * 1e9:.0f} ns"])
    if floor is not None:
        rows.append(["handwritten floor, whole workload", seconds(floor), "", ""])
    return table(["valuegrad phase (median)", "time", "share", "per op node (amortized)"], rows)
