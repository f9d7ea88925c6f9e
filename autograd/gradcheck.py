"""Check derivatives three ways: reverse mode, forward mode and central finite differences.

Reverse mode (``grad``) and forward mode (``jvp``) read the same rules of the
derivative table in opposite directions, and finite differences read none,
so a wrong rule, a wrong sweep or a wrong tangent shows up as a disagreement.
At second order, reverse-over-reverse (``grad`` of ``grad(create_graph=True)``)
and forward-over-reverse (``jvp`` of it) are compared with finite
differences of the first derivatives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from .core.modes import enable_grad, no_grad
from .core.numbers import require_number
from .core.value import Number, Value
from .functional import ScalarFunction, grad, jvp

__all__ = ["GradcheckError", "gradcheck"]


class GradcheckError(AssertionError):
    """Derivatives disagree; the message is a table of every derivative, three ways.

    An ``AssertionError``, so a failed check reads as a failed assertion in
    pytest and hypothesis shrinks it like one.
    """


Row = tuple[str, float, float, float]  # which derivative; reverse, forward, numeric


def gradcheck(
    f: ScalarFunction,
    inputs: Sequence[Number | Value],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    order: int = 1,
) -> bool:
    """Compare ``f``'s derivatives by reverse mode, by forward mode and by central differences.

    A derivative passes when both modes agree with the finite difference:
    ``|mode - numeric| <= atol + rtol * |numeric|``.

    Args:
        f: Maps a list of Values to one Value.
        inputs: The point to check at (numbers, or Values whose data is used).
        eps: Finite-difference step.
        atol: Absolute tolerance.
        rtol: Relative tolerance.
        order: 1 checks first derivatives; 2 also checks second derivatives
            (reverse-over-reverse and forward-over-reverse) against finite
            differences of the first.

    Returns:
        True when every derivative agrees.

    Raises:
        GradcheckError: With a table of every derivative: reverse, forward,
            numeric, the larger absolute and relative error, and which mode
            disagrees.
        ValueError: If ``order`` is not 1 or 2, or ``eps`` is not positive.
        TypeError: If ``f`` does not return a Value or an input is not a number.

    Examples:
        >>> gradcheck(lambda v: (v[0] * v[1]).tanh(), [0.3, -1.2], order=2)
        True
    """
    if order not in (1, 2):
        raise ValueError(f"gradcheck order must be 1 or 2, got {order!r}")
    if not eps > 0.0:
        raise ValueError(f"gradcheck eps must be positive, got {eps!r}")
    point = [x.data if isinstance(x, Value) else require_number(x, "gradcheck") for x in inputs]
    _refuse_non_finite_neighbourhood(f, point, eps)
    n = len(point)

    reverse = _reverse_first(f, point)
    forward = _forward_columns(lambda xs: [_call(f, xs)], point)
    numeric = _central_difference(lambda p: [_evaluate(f, p)], point, eps)
    rows: list[Row] = [(f"{i}", reverse[i], forward[0][i], numeric[0][i]) for i in range(n)]
    if order == 2:
        reverse_2 = _reverse_second(f, point)
        forward_2 = _forward_columns(lambda xs: _gradient(f, xs), point)
        numeric_2 = _central_difference(lambda p: _reverse_first(f, p), point, eps)
        rows += [
            (f"{i},{j}", reverse_2[i][j], forward_2[i][j], numeric_2[i][j])
            for i in range(n)
            for j in range(n)
        ]
    failed = sum(1 for row in rows if _disagreeing(row, atol, rtol))
    if failed:
        raise GradcheckError(_table(rows, atol, rtol, failed))
    return True


def _refuse_non_finite_neighbourhood(f: ScalarFunction, point: list[float], eps: float) -> None:
    """Finite differences need f finite at every point they evaluate: say which one is not."""
    if not math.isfinite(_evaluate(f, point)):
        raise GradcheckError(f"f is not finite at the point {point}: {_evaluate(f, point)!r}")
    for index in range(len(point)):
        for step in (eps, -eps):
            moved = list(point)
            moved[index] += step
            value = _evaluate(f, moved)
            if not math.isfinite(value):
                raise GradcheckError(
                    f"f is {value!r} at input {index} = {moved[index]!r}, one step of eps = {eps:g} "
                    f"from {point[index]!r}: the finite-difference step leaves f's domain; "
                    "use a smaller eps or check further from the domain's edge"
                )


def _evaluate(f: ScalarFunction, point: list[float]) -> float:
    with no_grad():
        return _call(f, [Value(x) for x in point]).data


def _call(f: ScalarFunction, xs: list[Value]) -> Value:
    y = f(xs)
    if not isinstance(y, Value):
        raise TypeError(f"gradcheck expects f to return a Value, got {type(y).__name__}")
    return y


def _gradient(f: ScalarFunction, xs: list[Value]) -> list[Value]:
    """f's first derivatives as Values with a graph (recording on, also inside a jvp)."""
    with enable_grad():
        return list(grad(_call(f, xs), xs, create_graph=True))


def _reverse_first(f: ScalarFunction, point: list[float]) -> list[float]:
    xs = [Value(x) for x in point]
    with enable_grad():
        y = _call(f, xs)
    return [g.data for g in grad(y, xs)]


def _reverse_second(f: ScalarFunction, point: list[float]) -> list[list[float]]:
    xs = [Value(x) for x in point]
    return [[g.data for g in grad(d, xs)] for d in _gradient(f, xs)]


def _forward_columns(g: Callable[[list[Value]], list[Value]], point: list[float]) -> list[list[float]]:
    """result[k][j] = d g_k / d x_j, one jvp per input j."""
    columns = []
    for j in range(len(point)):
        _, derivatives = jvp(g, point, [1.0 if i == j else 0.0 for i in range(len(point))])
        columns.append(derivatives)
    return [list(row) for row in zip(*columns, strict=True)] if columns else [[]]


def _central_difference(
    g: Callable[[list[float]], list[float]], point: list[float], eps: float
) -> list[list[float]]:
    """result[k][j] = d g_k / d x_j by central differences."""
    columns = []
    for j in range(len(point)):
        plus, minus = list(point), list(point)
        plus[j] += eps
        minus[j] -= eps
        columns.append([(a - b) / (2 * eps) for a, b in zip(g(plus), g(minus), strict=True)])
    return [list(row) for row in zip(*columns, strict=True)] if columns else [[]]


def _close(derivative: float, numeric: float, atol: float, rtol: float) -> bool:
    return abs(derivative - numeric) <= atol + rtol * abs(numeric)


def _disagreeing(row: Row, atol: float, rtol: float) -> list[str]:
    _, reverse, forward, numeric = row
    return [
        mode
        for mode, derivative in (("reverse", reverse), ("forward", forward))
        if not _close(derivative, numeric, atol, rtol)
    ]


def _table(rows: list[Row], atol: float, rtol: float, failed: int) -> str:
    lines = [
        f"{failed} of {len(rows)} derivatives disagree (atol={atol:g}, rtol={rtol:g}):",
        f"  {'input':>7}  {'reverse':>14}  {'forward':>14}  {'numeric':>14}  {'abs err':>10}  {'rel err':>10}",
    ]
    for row in rows:
        index, reverse, forward, numeric = row
        error = max(abs(reverse - numeric), abs(forward - numeric))
        relative = error / abs(numeric) if numeric else float("inf") if error else 0.0
        disagreeing = _disagreeing(row, atol, rtol)
        mark = f"  <-- mismatch ({', '.join(disagreeing)})" if disagreeing else ""
        lines.append(
            f"  {index:>7}  {reverse:>14.8g}  {forward:>14.8g}  {numeric:>14.8g}  "
            f"{error:>10.3g}  {relative:>10.3g}{mark}"
        )
    return "\n".join(lines)
