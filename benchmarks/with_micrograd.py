"""The workloads in micrograd 0.1.0 (imported from PyPI, never copied).

micrograd's ``backward`` sorts the graph recursively, so a graph deeper than
about the recursion limit raises RecursionError; :func:`recursion_limit`
raises the limit for one measurement and restores it afterwards.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from typing import Any

from micrograd.engine import Value
from micrograd.nn import MLP

from .problem import MLPProblem

VERSION = version("micrograd")


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    """Raise the interpreter's recursion limit to at least ``limit`` inside the block."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


class MicrogradMLP:
    """Workload A in micrograd: the same architecture, with the same weights copied in.

    micrograd's MLP has relu hidden layers and a linear last layer, as
    workload A. The hinge loss and L2 term are written as in micrograd's own
    demo notebook; the SGD update is the loop that notebook uses.

    Args:
        problem: The data, initial weights and hyper-parameters.
    """

    def __init__(self, problem: MLPProblem) -> None:
        self.problem = problem
        sizes = problem.sizes
        # micrograd draws its own initial weights from the global ``random``;
        # they are overwritten below, so keep the caller's random state intact.
        state = random.getstate()
        try:
            self.model = MLP(sizes[0], sizes[1:])
        finally:
            random.setstate(state)
        for layer, (rows, biases) in zip(self.model.layers, problem.weights, strict=True):
            for neuron, row, bias in zip(layer.neurons, rows, biases, strict=True):
                for w, value in zip(neuron.w, row, strict=True):
                    w.data = value
                neuron.b.data = bias
        self.params: list[Any] = self.model.parameters()

    def step(self) -> float:
        """Forward, backward, SGD update; returns the loss before the update."""
        problem = self.problem
        scores = [self._score(x) for x in problem.X]
        margins = [(1 + -label * score).relu() for label, score in zip(problem.labels, scores, strict=True)]
        data_loss = sum(margins) * (1.0 / len(margins))
        loss = data_loss + problem.l2 * sum(p * p for p in self.params)
        self.model.zero_grad()
        loss.backward()
        lr = problem.lr
        for p in self.params:
            p.data -= lr * p.grad
        return float(loss.data)

    def _score(self, x: list[float]) -> Any:
        out = self.model(x)
        # micrograd's Layer returns a bare Value when it has one neuron.
        return out if isinstance(out, Value) else out[0]

    def parameters(self) -> list[float]:
        """Current parameter values, in ``nn.MLP.parameters()`` order (same layout)."""
        return [float(p.data) for p in self.params]

    def gradients(self) -> list[float]:
        """Gradients from the last step, in ``parameters()`` order."""
        return [float(p.grad) for p in self.params]


def chain(steps: int) -> tuple[float, object]:
    """Workload B: ``x -> x * 1.0001 + 0.0001`` ``steps`` times, then backward.

    Raises:
        RecursionError: When the graph is deeper than the recursion limit
            allows (micrograd sorts the graph recursively).
    """
    x = Value(1.0)
    out = x
    for _ in range(steps):
        out = out * 1.0001 + 0.0001
    out.backward()
    return float(x.grad), out


def leaves(data: list[float]) -> list[Any]:
    """micrograd leaves for workload C's operands."""
    return [Value(number) for number in data]


def sum_of_products(xs: list[Any], ys: list[Any]) -> Any:
    """Workload C: products and the builtin ``sum`` (micrograd has no fused sum), then backward.

    Raises:
        RecursionError: The sum is a chain of 10,000 additions, deeper than the
            default recursion limit lets micrograd sort.
    """
    out = sum(x * y for x, y in zip(xs, ys, strict=True))
    out.backward()
    return out
