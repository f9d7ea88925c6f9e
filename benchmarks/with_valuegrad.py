"""The workloads written the way a valuegrad user writes them (autograd + nn)."""

from __future__ import annotations

import nn
from autograd import Value, detect_anomaly, dot, jit, vsum

from .problem import MLPProblem


class ValuegradMLP:
    """Workload A with ``nn``: ``nn.MLP``, ``nn.hinge`` + λ·``nn.l2``, ``nn.SGD``.

    Args:
        problem: The data, initial weights and hyper-parameters.
    """

    def __init__(self, problem: MLPProblem) -> None:
        self.problem = problem
        self.model = problem.model()
        self.params = self.model.parameters()
        self.optimizer = nn.SGD(self.params, lr=problem.lr)

    def loss(self) -> Value:
        """The training loss over all examples, as a graph."""
        problem = self.problem
        scores = [self.model(x) for x in problem.X]
        return nn.hinge(scores, problem.labels) + problem.l2 * nn.l2(self.params)

    def step(self) -> float:
        """Forward, backward, SGD update; returns the loss before the update."""
        loss = self.loss()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.data

    def parameters(self) -> list[float]:
        """Current parameter values, in ``nn.MLP.parameters()`` order."""
        return [p.data for p in self.params]

    def gradients(self) -> list[float]:
        """Gradients from the last step, in ``parameters()`` order."""
        return [p.grad for p in self.params]


class ValuegradJitMLP(ValuegradMLP):
    """Workload A with the loss compiled by ``autograd.jit``, traced (twice) and compiled at set-up.

    Attributes:
        trace_seconds: Time of the two traces (the second checks the first).
        compile_seconds: Time to generate and compile the code.
        lines: Lines of generated Python.
    """

    def __init__(self, problem: MLPProblem) -> None:
        super().__init__(problem)
        model, params, l2 = self.model, self.params, problem.l2

        def loss(X: list[list[float]], labels: list[float]) -> Value:
            scores = [model(x) for x in X]
            return nn.hinge(scores, labels) + l2 * nn.l2(params)

        self.compiled = jit(loss)
        for _ in range(2):  # trace, then trace again to check: the next call replays
            self.compiled(problem.X, problem.labels)
        (record,) = self.compiled.traces
        self.trace_seconds = record.trace_seconds
        self.compile_seconds = record.generate_seconds + record.compile_seconds
        self.lines = record.lines

    def loss(self) -> Value:
        """The training loss, replayed from generated code."""
        return self.compiled(self.problem.X, self.problem.labels)


class ValuegradAnomalyMLP(ValuegradMLP):
    """Workload A under ``detect_anomaly`` (every result checked, every node's line kept)."""

    def step(self) -> float:
        with detect_anomaly():
            return super().step()


class ValuegradHookedMLP(ValuegradMLP):
    """Workload A with a gradient hook (one that looks, and returns None) on every parameter."""

    def __init__(self, problem: MLPProblem) -> None:
        super().__init__(problem)
        self.seen = 0
        self.handles = [p.register_hook(self._look) for p in self.params]

    def _look(self, grad: float) -> None:
        self.seen += 1


def build_chain(steps: int) -> tuple[Value, Value]:
    """Workload B's graph: ``x -> x * 1.0001 + 0.0001`` ``steps`` times (2 nodes a step).

    Returns:
        (the input leaf x, the output).
    """
    x = Value(1.0)
    out = x
    for _ in range(steps):
        out = out * 1.0001 + 0.0001
    return x, out


def chain(steps: int) -> tuple[float, object]:
    """Workload B: build the chain and backpropagate.

    Returns:
        (d out / d x, the graph's output, to keep the graph alive or drop it).
    """
    x, out = build_chain(steps)
    out.backward()
    return x.grad, out


def leaves(data: list[float]) -> list[Value]:
    """Leaf Values for workload C's operands."""
    return [Value(number) for number in data]


def vsum_of_products(xs: list[Value], ys: list[Value]) -> Value:
    """Workload C, fused: 10,000 product nodes and ONE sum node, then backward."""
    out = vsum([x * y for x, y in zip(xs, ys, strict=True)])
    out.backward()
    return out


def builtin_sum_of_products(xs: list[Value], ys: list[Value]) -> Value:
    """Workload C with the builtin ``sum``: one add node per product, then backward."""
    out = sum(x * y for x, y in zip(xs, ys, strict=True))
    if not isinstance(out, Value):
        raise TypeError(f"expected sum of Values to be a Value, got {type(out).__name__}")
    out.backward()
    return out


def dot_of(xs: list[Value], ys: list[Value]) -> Value:
    """Workload C as ONE ``dot`` node (products and sum fused), then backward."""
    out = dot(xs, ys)
    out.backward()
    return out
