"""Graphs the explorer's browser tests and its benchmark both open: built once, here."""

from __future__ import annotations

import nn
from autograd import Value

__all__ = ["chain", "summed_with_plus"]


def chain(length: int) -> Value:
    """A chain of ``length`` op nodes on one leaf (sin, * 1.01, + 0.1, tanh, over and over), after backward."""
    x = Value(0.5, label="x")
    for k in range(length):
        if k % 4 == 0:
            x = x.sin()
        elif k % 4 == 1:
            x = x * 1.01
        elif k % 4 == 2:
            x = x + 0.1
        else:
            x = x.tanh()
    x.backward()
    return x


def summed_with_plus(points: int) -> Value:
    """micrograd's way of summing a batch loss: ``total = total + error²`` one example at a time, after backward.

    The squared error of ``MLP(2, [16, 16, 1])`` (relu, seed 0) on ``points`` two-moons points.
    """
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    X, y = nn.moons(n=points, noise=0.1, seed=0)
    total = Value(0.0)
    for x, label in zip(X, y, strict=True):
        error = model(x)[0] - (2.0 * label - 1.0)
        total = total + error * error
    total.backward()
    return total
