"""Softmax, log-softmax and log-sum-exp over a list of Values, without overflow.

Every function here builds its result from engine ops (``Value`` methods,
``vsum``), so derivatives come from the engine's table; nothing is
differentiated by hand. All three shift by the largest input (``vmax``) in
one helper, :func:`_shifted_log_total`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from autograd import Value, vmax, vsum

from .._checks import sequence

__all__ = ["log_softmax", "logsumexp", "softmax"]

_LARGEST_FLOAT = sys.float_info.max


def _as_values(values: Sequence[Value | float], what: str) -> list[Value]:
    sequence(values, f"{what} expects a list of Values or numbers")
    if len(values) == 0:
        raise ValueError(f"{what} expects at least one value, got an empty list")
    return [value if isinstance(value, Value) else Value(value) for value in values]


def _shifted_log_total(xs: list[Value]) -> tuple[Value, list[Value], Value]:
    """(m, [x_i - m], log Σ_j exp(x_j - m)) with m the largest input: the one log-sum-exp."""
    largest = vmax(xs)
    shifted = [x - largest for x in xs]
    return largest, shifted, vsum([s.exp() for s in shifted]).log()


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

    Examples:
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

    Examples:
        >>> [round(p.data, 4) for p in log_softmax([0.0, 0.0])]
        [-0.6931, -0.6931]
    """
    _, shifted, log_total = _shifted_log_total(_as_values(values, "log_softmax"))
    return [s - log_total for s in shifted]


def logsumexp(values: Sequence[Value | float]) -> Value:
    """log Σ_j exp(x_j), computed stably as m + log Σ_j exp(x_j - m).

    With an infinite largest input ``m`` the result is ``m`` (``inf``, or
    ``-inf`` when every input is ``-inf``), as in PyTorch, instead of the NaN
    that ``x_j - m`` would give; its gradient then goes to the largest input.

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
    # Comparisons, not a read of .data: a jit trace checks them on every call.
    if largest > _LARGEST_FLOAT or largest < -_LARGEST_FLOAT:
        return largest
    return largest + vsum([(x - largest).exp() for x in xs]).log()
