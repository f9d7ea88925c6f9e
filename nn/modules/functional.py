"""Activation functions by name, and softmax / log-softmax over a list of Values.

Every function here builds its result from engine ops (``Value`` methods,
``vsum``), so derivatives come from the engine's table; nothing is
differentiated by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd import Value, vmax, vsum

from .._checks import one_of, sequence

__all__ = [
    "ACTIVATIONS",
    "LEAKY_RELU_SLOPE",
    "activate",
    "activation_function",
    "log_softmax",
    "logsumexp",
    "softmax",
]

ACTIVATIONS: tuple[str, ...] = ("tanh", "sigmoid", "relu", "leaky_relu", "linear")
"""The activation names accepted by :class:`nn.Neuron`, :class:`nn.Layer` and :class:`nn.MLP`."""

LEAKY_RELU_SLOPE = 0.01
"""The negative-side slope used by the ``"leaky_relu"`` activation (PyTorch's default)."""


def _identity(value: Value) -> Value:
    return value


def _leaky_relu(value: Value) -> Value:
    return value.leaky_relu(LEAKY_RELU_SLOPE)


# Unbound methods: calling ``Value.tanh(out)`` is a direct method call, with no
# name lookup or string comparison on the forward path.
_ACTIVATION_FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "leaky_relu": _leaky_relu,
    "linear": _identity,
}


def activation_function(name: object) -> Callable[[Value], Value]:
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
    return _ACTIVATION_FUNCTIONS[one_of(name, ACTIVATIONS, "activation")]


def activate(value: Value, name: str) -> Value:
    """Apply the activation called ``name`` to ``value``.

    Args:
        value: The pre-activation.
        name: One of :data:`ACTIVATIONS`.

    Returns:
        The activated Value (``value`` itself for ``"linear"``).

    Raises:
        ValueError: If ``name`` is not one of :data:`ACTIVATIONS`.

    Example:
        >>> activate(Value(-2.0), "relu").data
        0.0
    """
    return activation_function(name)(value)


def _as_values(values: Sequence[Value | float], what: str) -> list[Value]:
    sequence(values, f"{what} expects a list of Values or numbers")
    if len(values) == 0:
        raise ValueError(f"{what} expects at least one value, got an empty list")
    return [value if isinstance(value, Value) else Value(value) for value in values]


def softmax(values: Sequence[Value | float]) -> list[Value]:
    """exp(x_i) / Σ_j exp(x_j) for each i, without overflow.

    The largest input (``autograd.vmax``) is subtracted first: softmax does not
    change when every input moves by the same amount, so every ``exp`` is at
    most 1 and logits like ``[1000, 1001]`` are fine.

    Args:
        values: The logits (Values, or numbers that are wrapped as leaves).

    Returns:
        One probability per input; they sum to 1.

    Raises:
        ValueError: If ``values`` is empty.
        TypeError: If ``values`` is not a sequence of Values or numbers.

    Example:
        >>> [round(p.data, 4) for p in softmax([1000.0, 1001.0])]
        [0.2689, 0.7311]
    """
    xs = _as_values(values, "softmax")
    largest = vmax(xs)
    exps = [(x - largest).exp() for x in xs]
    total = vsum(exps)
    return [e / total for e in exps]


def log_softmax(values: Sequence[Value | float]) -> list[Value]:
    """x_i - log Σ_j exp(x_j) for each i, via the log-sum-exp trick.

    Computed as ``(x_i - m) - log Σ_j exp(x_j - m)`` with ``m`` the largest
    input, so nothing overflows and the log never sees 0.

    Args:
        values: The logits (Values, or numbers that are wrapped as leaves).

    Returns:
        One log-probability per input.

    Raises:
        ValueError: If ``values`` is empty.
        TypeError: If ``values`` is not a sequence of Values or numbers.

    Example:
        >>> [round(p.data, 4) for p in log_softmax([0.0, 0.0])]
        [-0.6931, -0.6931]
    """
    xs = _as_values(values, "log_softmax")
    largest = vmax(xs)
    shifted = [x - largest for x in xs]
    log_total = vsum([s.exp() for s in shifted]).log()
    return [s - log_total for s in shifted]


def logsumexp(values: Sequence[Value | float]) -> Value:
    """log Σ_j exp(x_j), computed stably as m + log Σ_j exp(x_j - m).

    Args:
        values: Values, or numbers that are wrapped as leaves.

    Returns:
        One Value.

    Raises:
        ValueError: If ``values`` is empty.
        TypeError: If ``values`` is not a sequence of Values or numbers.
    """
    xs = _as_values(values, "logsumexp")
    largest = vmax(xs)
    return vsum([(x - largest).exp() for x in xs]).log() + largest
