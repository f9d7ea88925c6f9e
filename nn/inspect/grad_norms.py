"""Gradient norms per part of a model: how vanishing and exploding gradients show themselves."""

from __future__ import annotations

import math
from typing import Any, Protocol

from autograd import Value

__all__ = ["grad_norms"]


class _Parts(Protocol):
    def named_children(self) -> list[tuple[str, Any]]: ...

    def named_parameters(self) -> list[tuple[str, Value]]: ...


def grad_norms(model: _Parts) -> dict[str, float]:
    """The L2 norm of the gradients under each part of ``model``, after ``backward``.

    The parts are the model's direct sub-modules (``layers.0``, ``layers.1``
    for an MLP; ``neurons.0``… for a Layer) and its own parameters (``w.0``,
    ``b`` for a Neuron), named as in ``named_parameters``.

    Examples:
        >>> import nn
        >>> model = nn.MLP(2, [3, 1], seed=0)
        >>> model([1.0, -1.0])[0].backward()
        >>> sorted(nn.grad_norms(model))
        ['layers.0', 'layers.1']
    """
    totals: dict[str, float] = {}
    children = {name for name, _ in model.named_children()}
    for name, parameter in model.named_parameters():
        part = next((child for child in children if name.startswith(child + ".")), name)
        totals[part] = totals.get(part, 0.0) + parameter.grad * parameter.grad
    return {part: math.sqrt(total) for part, total in totals.items()}
