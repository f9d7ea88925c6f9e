"""The workloads in PyTorch: the same scalar graph on 0-dim tensors, and vectorized.

"Torch scalar" builds the graph a scalar library builds (one autograd node per
``+`` and ``*`` on 0-dim float64 tensors, sums as chains of additions, as
micrograd writes them); it measures PyTorch's per-op overhead. "Torch
vectorized" is the same model on whole float64 tensors, a reference point for
what the scalar approach gives up.
"""

from __future__ import annotations

from typing import Any

import torch

from .problem import LayerWeights, MLPProblem

VERSION = torch.__version__
DTYPE = torch.float64


def configure() -> None:
    """One intra-op thread: the machines here have two shared cores, and every
    tensor in these workloads is small enough that threads only add noise."""
    torch.set_num_threads(1)


def backward(tensor: torch.Tensor) -> None:
    """``tensor.backward()``; torch's stubs leave that method untyped."""
    any_tensor: Any = tensor
    any_tensor.backward()


def _scalar(number: float) -> torch.Tensor:
    return torch.tensor(number, dtype=DTYPE, requires_grad=True)


class TorchScalarMLP:
    """Workload A on 0-dim tensors: one autograd node per scalar op.

    Args:
        problem: The data, initial weights and hyper-parameters.
    """

    def __init__(self, problem: MLPProblem) -> None:
        self.problem = problem
        self.layers = [
            ([[_scalar(w) for w in row] for row in rows], [_scalar(b) for b in biases])
            for rows, biases in problem.weights
        ]
        self.params = [
            p
            for rows, biases in self.layers
            for row, bias in zip(rows, biases, strict=True)
            for p in (*row, bias)
        ]

    def step(self) -> float:
        """Forward, backward, SGD update; returns the loss before the update."""
        problem = self.problem
        last = len(self.layers) - 1
        margins = []
        for x, label in zip(problem.X, problem.labels, strict=True):
            a: list[Any] = x
            for index, (rows, biases) in enumerate(self.layers):
                z = [
                    sum((w * a_k for w, a_k in zip(row, a, strict=True)), bias)
                    for row, bias in zip(rows, biases, strict=True)
                ]
                a = [torch.relu(v) for v in z] if index < last else z
            margins.append(torch.relu(1.0 - label * a[0]))
        data_loss: Any = sum(margins) * (1.0 / len(margins))
        loss = data_loss + problem.l2 * sum(p * p for p in self.params)
        for p in self.params:
            p.grad = None
        backward(loss)
        lr = problem.lr
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p -= lr * p.grad
        return float(loss.item())

    def parameters(self) -> list[float]:
        """Current parameter values, in ``nn.MLP.parameters()`` order."""
        return [float(p.item()) for p in self.params]

    def gradients(self) -> list[float]:
        """Gradients from the last step, in ``parameters()`` order."""
        return [float(p.grad.item()) if p.grad is not None else 0.0 for p in self.params]


def sequential(weights: list[LayerWeights], activation: type[torch.nn.Module]) -> torch.nn.Sequential:
    """A float64 ``torch.nn.Sequential`` of Linear layers holding ``weights``.

    ``activation`` follows every layer but the last.
    """
    modules: list[torch.nn.Module] = []
    for index, (rows, biases) in enumerate(weights):
        linear = torch.nn.Linear(len(rows[0]), len(rows), dtype=DTYPE)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(rows, dtype=DTYPE))
            linear.bias.copy_(torch.tensor(biases, dtype=DTYPE))
        modules.append(linear)
        if index < len(weights) - 1:
            modules.append(activation())
    return torch.nn.Sequential(*modules)


def flat_parameters(network: torch.nn.Sequential, grads: bool) -> list[float]:
    """Parameters (or their gradients) in ``nn.MLP.parameters()`` order: per neuron, w then b."""
    out: list[float] = []
    for module in network:
        if isinstance(module, torch.nn.Linear):
            weight = module.weight.grad if grads else module.weight
            bias = module.bias.grad if grads else module.bias
            if weight is None or bias is None:
                raise ValueError("no gradients yet: call step() first")
            for row, b in zip(weight.tolist(), bias.tolist(), strict=True):
                out.extend(row)
                out.append(b)
    return out


class TorchVectorMLP:
    """Workload A vectorized: ``torch.nn.Linear`` layers on a (points, 2) tensor, ``torch.optim.SGD``.

    Args:
        problem: The data, initial weights and hyper-parameters.
    """

    def __init__(self, problem: MLPProblem) -> None:
        self.problem = problem
        self.network = sequential(problem.weights, torch.nn.ReLU)
        self.X = torch.tensor(problem.X, dtype=DTYPE)
        self.labels = torch.tensor(problem.labels, dtype=DTYPE)
        self.params = list(self.network.parameters())
        self.optimizer = torch.optim.SGD(self.params, lr=problem.lr)

    def step(self) -> float:
        """Forward, backward, SGD update; returns the loss before the update."""
        scores = self.network(self.X)[:, 0]
        hinge = torch.relu(1.0 - self.labels * scores).mean()
        loss = hinge + self.problem.l2 * sum((p * p).sum() for p in self.params)
        self.optimizer.zero_grad()
        backward(loss)
        self.optimizer.step()
        return float(loss.item())

    def parameters(self) -> list[float]:
        """Current parameter values, in ``nn.MLP.parameters()`` order."""
        return flat_parameters(self.network, grads=False)

    def gradients(self) -> list[float]:
        """Gradients from the last step, in ``parameters()`` order."""
        return flat_parameters(self.network, grads=True)


# ---------------------------------------------------------------- workloads B and C


def chain(steps: int) -> tuple[float, object]:
    """Workload B on a 0-dim tensor: 2 autograd nodes per step, then backward."""
    x = _scalar(1.0)
    out = x
    for _ in range(steps):
        out = out * 1.0001 + 0.0001
    backward(out)
    if x.grad is None:
        raise RuntimeError("torch left no gradient on the chain's input")
    return float(x.grad.item()), out


def leaves(data: list[float]) -> list[torch.Tensor]:
    """0-dim leaf tensors for workload C's operands."""
    return [_scalar(number) for number in data]


def sum_of_products(xs: list[torch.Tensor], ys: list[torch.Tensor]) -> torch.Tensor:
    """Workload C on 0-dim tensors with the builtin ``sum``, then backward."""
    out: Any = sum(x * y for x, y in zip(xs, ys, strict=True))
    backward(out)
    return out  # type: ignore[no-any-return]


def stacked_sum_of_products(xs: list[torch.Tensor], ys: list[torch.Tensor]) -> torch.Tensor:
    """Workload C on 0-dim tensors, the products summed by ONE op (``stack`` + ``sum``)."""
    out = torch.stack([x * y for x, y in zip(xs, ys, strict=True)]).sum()
    backward(out)
    return out


def vectors(data: list[float]) -> torch.Tensor:
    """One float64 vector (a leaf) for the vectorized workload C."""
    return torch.tensor(data, dtype=DTYPE, requires_grad=True)


def vector_dot(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Workload C vectorized: ``(x * y).sum()`` on two vectors, then backward."""
    x.grad = None
    y.grad = None
    out = (x * y).sum()
    backward(out)
    return out
