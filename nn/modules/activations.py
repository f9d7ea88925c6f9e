"""Activation functions by name: :data:`ACTIVATIONS`, one row per activation.

Adding an activation is adding a row (a function from a Value to a Value);
Neuron, Layer, MLP and the command line's ``--activation`` read the names
from here.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd import Value

from .._registry import Registry

__all__ = [
    "ACTIVATIONS",
    "LEAKY_RELU_SLOPE",
    "Activation",
    "activate",
    "activation_function",
]

Activation = Callable[[Value], Value]

LEAKY_RELU_SLOPE = 0.01
"""The negative-side slope used by the ``"leaky_relu"`` activation (PyTorch's default)."""


def _identity(value: Value) -> Value:
    return value


def _leaky_relu(value: Value) -> Value:
    return value.leaky_relu(LEAKY_RELU_SLOPE)


ACTIVATIONS: Registry[Activation] = Registry("activation")
"""The activation names accepted by :class:`nn.Neuron`, :class:`nn.Layer` and :class:`nn.MLP`."""

# Unbound methods: calling ``Value.tanh(out)`` is a direct method call, with no
# name lookup or string comparison on the forward path.
ACTIVATIONS.register("tanh", Value.tanh)
ACTIVATIONS.register("sigmoid", Value.sigmoid)
ACTIVATIONS.register("relu", Value.relu)
ACTIVATIONS.register("leaky_relu", _leaky_relu)
ACTIVATIONS.register("linear", _identity)


def activation_function(name: object) -> Activation:
    """The function that applies the activation called ``name``.

    Args:
        name: One of :data:`ACTIVATIONS`.

    Returns:
        A function from a Value to a Value (the identity for ``"linear"``).

    Raises:
        TypeError: If ``name`` is not a str.
        ValueError: If ``name`` is not one of :data:`ACTIVATIONS`.
    """
    if not isinstance(name, str):
        raise TypeError(
            f"activation must be a str, one of {', '.join(ACTIVATIONS)}; "
            f"got {type(name).__name__}: {name!r}"
        )
    return ACTIVATIONS.lookup(name)


def activate(value: Value, name: str) -> Value:
    """Apply the activation called ``name`` to ``value``.

    Args:
        value: The pre-activation.
        name: One of :data:`ACTIVATIONS`.

    Returns:
        The activated Value (``value`` itself for ``"linear"``).

    Raises:
        ValueError: If ``name`` is not one of :data:`ACTIVATIONS`.

    Examples:
        >>> activate(Value(-2.0), "relu").data
        0.0
    """
    return activation_function(name)(value)
