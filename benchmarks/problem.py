"""Workload A's problem, shared by every comparator: data, initial weights, hyper-parameters.

Every comparator starts from the same numbers (the weights of a seeded
``nn.MLP``, copied into micrograd's and torch's networks), so their losses and
gradients can be compared, not just their speed.
"""

from __future__ import annotations

from dataclasses import dataclass

import nn

# One layer: (weights as rows, one row per neuron; biases).
LayerWeights = tuple[list[list[float]], list[float]]


@dataclass(frozen=True)
class MLPProblem:
    """One training step's inputs: a relu MLP, hinge loss + λ·L2, plain SGD.

    Attributes:
        X: Inputs, one list of floats per example.
        labels: -1.0 or +1.0 per example.
        weights: Initial weights per layer; hidden layers use relu, the last is linear.
        lr: SGD learning rate.
        l2: The λ of the λ·Σ p² term added to the mean hinge loss.
    """

    X: list[list[float]]
    labels: list[float]
    weights: list[LayerWeights]
    lr: float
    l2: float

    @property
    def sizes(self) -> list[int]:
        """Layer sizes, input first: [2, 16, 16, 1] for workload A."""
        return [len(self.weights[0][0][0]), *(len(biases) for _, biases in self.weights)]

    def model(self) -> nn.MLP:
        """A fresh ``nn.MLP`` holding this problem's initial weights."""
        sizes = self.sizes
        model = nn.MLP(sizes[0], sizes[1:], activation="relu")
        for layer, (rows, biases) in zip(model.layers, self.weights, strict=True):
            for neuron, row, bias in zip(layer.neurons, rows, biases, strict=True):
                for w, value in zip(neuron.w, row, strict=True):
                    w.data = value
                if neuron.b is None:
                    raise ValueError("workload A's network has biases, got a neuron without one")
                neuron.b.data = bias
        return model


def make_problem(
    points: int = 100,
    hidden: tuple[int, ...] = (16, 16),
    seed: int = 0,
    lr: float = 0.05,
    l2: float = 1e-4,
) -> MLPProblem:
    """Workload A: ``nn.MLP(2, [16, 16, 1])`` with relu on seeded two-moons points.

    Args:
        points: Number of examples (100 for workload A; fewer in smoke tests).
        hidden: Hidden layer sizes.
        seed: Seeds both the data and the initial weights.
        lr: SGD learning rate.
        l2: Weight of the L2 penalty.

    Returns:
        The problem.
    """
    X, y = nn.moons(n=points, noise=0.1, seed=seed)
    model = nn.MLP(2, [*hidden, 1], activation="relu", seed=seed)
    weights: list[LayerWeights] = [
        (
            [[w.data for w in neuron.w] for neuron in layer.neurons],
            [neuron.b.data if neuron.b is not None else 0.0 for neuron in layer.neurons],
        )
        for layer in model.layers
    ]
    labels = [2.0 * label - 1.0 for label in y]
    return MLPProblem([list(map(float, x)) for x in X], labels, weights, lr, l2)
