"""Derivatives as values: ``grad``, ``hessian``, ``jvp`` and ``jacobian``.

Unlike ``Value.backward``, these return the derivatives and leave every
``.grad`` untouched. ``grad`` and ``hessian`` use the one reverse sweep; with
``create_graph=True`` it reads the table's rules on Values, so its results
are themselves differentiable, to any order. ``jvp`` uses forward mode
(:mod:`autograd.forward_mode`): tangents carried with the values while ``f``
runs, with no graph. ``jacobian`` uses either.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

from .core.modes import enable_grad
from .core.numbers import require_number
from .core.sweep import reverse_sweep
from .core.value import Number, Value
from .forward_mode import carrying_tangents
from .value_math import ValueMath

__all__ = ["grad", "hessian", "jacobian", "jvp"]

ScalarFunction = Callable[[list[Value]], Value]
"""A function of several inputs (a list of Values) with one output."""

VectorFunction = Callable[[list[Value]], Value | Sequence[Value]]
"""A function of several inputs with one output or a sequence of outputs."""


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

    Examples:
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
        # A hook may have replaced a gradient by a plain number: give it as a Value too.
        return tuple(_as_value(grads.get(x, 0.0)) for x in inputs)
    number = grad_output._data if isinstance(grad_output, Value) else require_number(
        grad_output, "grad grad_output"
    )
    reverse_sweep(output, number, grads)
    return tuple(Value(grads.get(x, 0.0)) for x in inputs)


def _as_value(gradient: Any) -> Value:
    return gradient if isinstance(gradient, Value) else Value(gradient)


def hessian(f: ScalarFunction, point: Sequence[Number | Value]) -> list[list[float]]:
    """The matrix of second derivatives of ``f`` at ``point``.

    Args:
        f: Maps a list of Values to one Value.
        point: Where to evaluate, one number (or Value, whose data is used) per input.

    Returns:
        ``h[i][j]`` = d² f / d x_i d x_j.

    Raises:
        TypeError: If a coordinate is not a real number or ``f`` does not return a Value.
    """
    xs = [Value(x) for x in _coordinates(point, "hessian point")]
    with enable_grad():
        y = f(xs)
    if not isinstance(y, Value):
        raise TypeError(f"hessian expects f to return a Value, got {type(y).__name__}")
    first = grad(y, xs, create_graph=True)
    return [[g.data for g in grad(d, xs)] for d in first]


def _coordinates(point: Sequence[Number | Value], what: str) -> list[float]:
    return [p._data if isinstance(p, Value) else require_number(p, what) for p in point]


def _outputs(result: Any, who: str) -> tuple[list[Value], bool]:
    """``f``'s result as a list of Values, and whether it was a single Value."""
    if isinstance(result, Value):
        return [result], True
    if isinstance(result, Sequence) and not isinstance(result, str):
        for index, y in enumerate(result):
            if not isinstance(y, Value):
                raise TypeError(
                    f"{who} expects f to return a Value or a sequence of Values, "
                    f"got {type(y).__name__} at index {index}"
                )
        return list(result), False
    raise TypeError(
        f"{who} expects f to return a Value or a sequence of Values, got {type(result).__name__}"
    )


@overload
def jvp(
    f: ScalarFunction, primals: Sequence[Number | Value], tangents: Sequence[Number]
) -> tuple[float, float]: ...
@overload
def jvp(
    f: Callable[[list[Value]], Sequence[Value]],
    primals: Sequence[Number | Value],
    tangents: Sequence[Number],
) -> tuple[list[float], list[float]]: ...
def jvp(f: VectorFunction, primals: Sequence[Number | Value], tangents: Sequence[Number]) -> tuple[Any, Any]:
    """``f(primals)`` and its derivative along ``tangents``, by forward mode, in one run of ``f``.

    Every op pushes a tangent forward as it runs (d out = Σ local derivative ×
    d operand, from the same table ``backward`` reads), so no graph is built:
    ``f`` runs with recording off, as under ``no_grad``. It suits functions
    with few inputs and many outputs; ``grad`` suits the opposite. A zero
    tangent contributes nothing, whatever the local derivative. Under
    ``detect_anomaly`` the first non-finite tangent raises, naming the op and line.

    Args:
        f: Maps a list of Values (one per primal) to a Value or a sequence of Values.
        primals: The point: numbers, or Values whose data is used.
        tangents: The direction: one number per primal.

    Returns:
        ``(value, derivative)``: two floats for a single output; two lists,
        one entry per output, for a sequence.

    Raises:
        TypeError: If a primal or tangent is not a number, or ``f`` does not
            return a Value or a sequence of Values.
        ValueError: If there are not as many tangents as primals.
        RuntimeError: If called inside another ``jvp``'s ``f``.

    Examples:
        >>> jvp(lambda v: v[0] * v[1].sin(), [2.0, 0.0], [0.0, 1.0])  # d/dy of x·sin y
        (0.0, 2.0)
    """
    point = _coordinates(primals, "jvp primal")
    direction = [require_number(t, "jvp tangent") for t in tangents]
    if len(direction) != len(point):
        raise ValueError(
            f"jvp expects one tangent per primal, got {len(point)} primals and {len(direction)} tangents"
        )
    values, derivatives, single = _forward(f, point, direction)
    return (values[0], derivatives[0]) if single else (values, derivatives)


def _forward(
    f: VectorFunction, point: list[float], direction: list[float]
) -> tuple[list[float], list[float], bool]:
    """Each output's value and tangent, and whether ``f`` returned a single Value."""
    xs = [Value(x) for x in point]
    table = {x: t for x, t in zip(xs, direction, strict=True) if t != 0.0}
    with carrying_tangents(table):
        result = f(xs)
    outputs, single = _outputs(result, "jvp")
    return [y._data for y in outputs], [table.get(y, 0.0) for y in outputs], single


def jacobian(
    f: VectorFunction, point: Sequence[Number | Value], mode: Literal["reverse", "forward"] = "reverse"
) -> list[list[float]]:
    """The matrix of first derivatives of ``f`` at ``point``: one row per output.

    Args:
        f: Maps a list of Values to a Value (one row) or a sequence of Values.
        point: Where to evaluate: numbers, or Values whose data is used.
        mode: ``"reverse"``: one run of ``f`` and one ``grad`` per output (best
            for few outputs); ``"forward"``: one ``jvp`` per input (best for
            few inputs). Both give the same numbers up to rounding.

    Returns:
        ``J[i][j]`` = d output_i / d input_j.

    Raises:
        ValueError: If ``mode`` is neither ``"reverse"`` nor ``"forward"``.
        TypeError: If a coordinate is not a number, or ``f`` does not return a
            Value or a sequence of Values.

    Examples:
        >>> jacobian(lambda v: [v[0] * v[1], v[0] + 3 * v[1]], [2.0, 5.0], mode="forward")
        [[5.0, 2.0], [1.0, 3.0]]
    """
    if mode not in ("reverse", "forward"):
        raise ValueError(f"jacobian mode must be 'reverse' or 'forward', got {mode!r}")
    coordinates = _coordinates(point, "jacobian point")
    if mode == "forward":
        columns = []
        for j in range(len(coordinates)):
            basis = [1.0 if i == j else 0.0 for i in range(len(coordinates))]
            columns.append(_forward(f, coordinates, basis)[1])
        if not columns:  # no inputs: still one (empty) row per output
            return [[] for _ in _outputs(f([]), "jacobian")[0]]
        return [list(row) for row in zip(*columns, strict=True)]
    xs = [Value(x) for x in coordinates]
    with enable_grad():
        outputs, _ = _outputs(f(xs), "jacobian")
    return [[g.data for g in grad(y, xs)] for y in outputs]
