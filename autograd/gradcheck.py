"""Check analytic gradients against central finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ._numbers import require_number
from .functional import grad
from .mode import no_grad
from .value import Number, Value

__all__ = ["GradcheckError", "gradcheck"]


class GradcheckError(Exception):
    """Analytic and numeric derivatives disagree; the message is a table of both."""


Function = Callable[[list[Value]], Value]


def gradcheck(
    f: Function,
    inputs: Sequence[Number | Value],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    order: int = 1,
) -> bool:
    """Compare ``f``'s analytic derivatives with central finite differences.

    A derivative passes when ``|analytic - numeric| <= atol + rtol * |numeric|``.

    Args:
        f: Maps a list of Values to one Value.
        inputs: The point to check at (numbers, or Values whose data is used).
        eps: Finite-difference step.
        atol: Absolute tolerance.
        rtol: Relative tolerance.
        order: 1 checks first derivatives; 2 also checks second derivatives
            (built with ``grad(create_graph=True)``) against finite differences
            of the first.

    Returns:
        True when every derivative agrees.

    Raises:
        GradcheckError: With a table of input index, analytic, numeric,
            absolute and relative error for every derivative, mismatches marked.
        ValueError: If ``order`` is not 1 or 2, or ``eps`` is not positive.
        TypeError: If ``f`` does not return a Value or an input is not a number.

    Example:
        >>> gradcheck(lambda v: (v[0] * v[1]).tanh(), [0.3, -1.2], order=2)
        True
    """
    if order not in (1, 2):
        raise ValueError(f"gradcheck order must be 1 or 2, got {order!r}")
    if not eps > 0.0:
        raise ValueError(f"gradcheck eps must be positive, got {eps!r}")
    point = [x.data if isinstance(x, Value) else require_number(x, "gradcheck") for x in inputs]
    _refuse_non_finite_neighbourhood(f, point, eps)

    rows: list[tuple[str, float, float]] = []
    analytic = _first_derivatives(f, point)
    numeric = _central_difference(lambda p: [_evaluate(f, p)], point, eps)
    rows += [(f"{i}", analytic[i], numeric[0][i]) for i in range(len(point))]
    if order == 2:
        analytic_2 = _second_derivatives(f, point)
        numeric_2 = _central_difference(lambda p: _first_derivatives(f, p), point, eps)
        rows += [
            (f"{i},{j}", analytic_2[i][j], numeric_2[i][j])
            for i in range(len(point))
            for j in range(len(point))
        ]
    failures = [row for row in rows if not _close(row[1], row[2], atol, rtol)]
    if failures:
        raise GradcheckError(_table(rows, atol, rtol, len(failures)))
    return True


def _refuse_non_finite_neighbourhood(f: Function, point: list[float], eps: float) -> None:
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


def _evaluate(f: Function, point: list[float]) -> float:
    with no_grad():
        return _call(f, [Value(x) for x in point]).data


def _call(f: Function, xs: list[Value]) -> Value:
    y = f(xs)
    if not isinstance(y, Value):
        raise TypeError(f"gradcheck expects f to return a Value, got {type(y).__name__}")
    return y


def _first_derivatives(f: Function, point: list[float]) -> list[float]:
    xs = [Value(x) for x in point]
    return [g.data for g in grad(_call(f, xs), xs)]


def _second_derivatives(f: Function, point: list[float]) -> list[list[float]]:
    xs = [Value(x) for x in point]
    first = grad(_call(f, xs), xs, create_graph=True)
    return [[g.data for g in grad(d, xs)] for d in first]


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


def _close(analytic: float, numeric: float, atol: float, rtol: float) -> bool:
    return abs(analytic - numeric) <= atol + rtol * abs(numeric)


def _table(rows: list[tuple[str, float, float]], atol: float, rtol: float, failed: int) -> str:
    lines = [
        f"{failed} of {len(rows)} derivatives disagree (atol={atol:g}, rtol={rtol:g}):",
        f"  {'input':>7}  {'analytic':>14}  {'numeric':>14}  {'abs err':>10}  {'rel err':>10}",
    ]
    for index, analytic, numeric in rows:
        error = abs(analytic - numeric)
        relative = error / abs(numeric) if numeric else float("inf") if error else 0.0
        mark = "" if _close(analytic, numeric, atol, rtol) else "  <-- mismatch"
        lines.append(
            f"  {index:>7}  {analytic:>14.8g}  {numeric:>14.8g}  {error:>10.3g}  {relative:>10.3g}{mark}"
        )
    return "\n".join(lines)
