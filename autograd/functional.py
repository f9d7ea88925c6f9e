"""Derivatives as values: ``grad`` and ``hessian``, built on the one reverse sweep.

Unlike ``Value.backward``, these return the derivatives and leave every
``.grad`` untouched. With ``create_graph=True`` the sweep reads the table's
rules on Values, so its results are themselves differentiable, to any order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ._numbers import require_number
from .graph import reverse_sweep
from .mode import enable_grad
from .value import Number, Value
from .value_math import ValueMath

__all__ = ["grad", "hessian"]


def grad(
    output: Value,
    inputs: Sequence[Value],
    *,
    grad_output: Value | Number = 1.0,
    create_graph: bool = False,
) -> tuple[Value, ...]:
    """d output / d input for each input, without touching any ``.grad``.

    Args:
        output: The Value to differentiate.
        inputs: The Values to differentiate with respect to. One that does not
            reach ``output`` gets 0.0.
        grad_output: The upstream gradient (a number, or a Value when building
            higher-order graphs).
        create_graph: If True, the results are Values built from
            differentiable ops, so ``grad`` applies to them again (any order).

    Returns:
        One Value per input: leaves when ``create_graph`` is False.

    Raises:
        TypeError: If ``output`` or an input is not a Value.
        StaleGraphError: If a Value's ``.data`` was changed after the graph
            was built from it.

    Example:
        >>> x = Value(2.0)
        >>> (dy,) = grad(x ** 4, [x], create_graph=True)
        >>> (d2y,) = grad(dy, [x], create_graph=True)
        >>> grad(d2y, [x])[0].data
        48.0
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad expects a Value output, got {type(output).__name__}")
    inputs = tuple(inputs)
    for index, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad expects Value inputs, got {type(x).__name__} at index {index}")
    grads: dict[Value, Any] = {}
    if create_graph:
        seed = grad_output if isinstance(grad_output, Value) else Value(
            require_number(grad_output, "grad grad_output")
        )
        with enable_grad():
            reverse_sweep(output, seed, grads, ValueMath)
        return tuple(grads[x] if x in grads else Value(0.0) for x in inputs)
    number = grad_output._data if isinstance(grad_output, Value) else require_number(
        grad_output, "grad grad_output"
    )
    reverse_sweep(output, number, grads)
    return tuple(Value(grads.get(x, 0.0)) for x in inputs)


def hessian(f: Callable[[list[Value]], Value], point: Sequence[Number | Value]) -> list[list[float]]:
    """The matrix of second derivatives of ``f`` at ``point``.

    Args:
        f: Maps a list of Values to one Value.
        point: Where to evaluate, one number (or Value, whose data is used) per input.

    Returns:
        ``h[i][j]`` = d² f / d x_i d x_j.

    Raises:
        TypeError: If a coordinate is not a real number or ``f`` does not return a Value.
    """
    xs = [Value(p._data if isinstance(p, Value) else require_number(p, "hessian point")) for p in point]
    with enable_grad():
        y = f(xs)
    if not isinstance(y, Value):
        raise TypeError(f"hessian expects f to return a Value, got {type(y).__name__}")
    first = grad(y, xs, create_graph=True)
    return [[g.data for g in grad(d, xs)] for d in first]
