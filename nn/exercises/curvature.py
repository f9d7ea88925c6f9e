"""The exercises of notebook 03 (curvature): a Hessian by hand, and Newton's step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .grading import Exercise, as_float, claimed_gradient_disagrees, close, refusal

__all__ = ["EXERCISES"]

NOTEBOOK = "03_hessian_and_newton"
# f(x, y) = x²·y + y³ and where the Hessian is tried.
HESSIAN_POINTS = ((0.5, -1.0), (-1.3, 0.4), (2.0, 1.5), (0.0, 0.7))


def _f_gradient(x: float, y: float) -> tuple[float, float]:
    return 2 * x * y, x * x + 3 * y * y


def _first_derivative(i: int) -> Callable[[list[float]], float]:
    def derivative(v: list[float]) -> float:
        return _f_gradient(v[0], v[1])[i]

    return derivative


def _is_2x2(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 2 and all(
        isinstance(row, (list, tuple)) and len(row) == 2 for row in value
    )


@refusal
def _grade_hessian_by_hand(answer: Any) -> str | None:
    if not callable(answer):
        return f"hessian_by_hand should be a function of (x, y), got {type(answer).__name__}"
    for x, y in HESSIAN_POINTS:
        value = answer(x, y)
        if not _is_2x2(value):
            return f"hessian_by_hand({x}, {y}) should return a 2x2 nested list [[a, b], [c, d]], got {value!r}"
        H = [[as_float(entry, f"an entry of hessian_by_hand({x}, {y})") for entry in row] for row in value]
        for i, name in enumerate(("∂f/∂x", "∂f/∂y")):
            # Row i of the Hessian is the gradient of the i-th first derivative.
            if claimed_gradient_disagrees(_first_derivative(i), H[i], [x, y]):
                row = f"[{H[i][0]:.4g}, {H[i][1]:.4g}]"
                if not close(H[0][1], H[1][0]):
                    hint = ("Your matrix is not symmetric: for a smooth f, ∂²f/∂x∂y and ∂²f/∂y∂x are the same "
                            "number, so one of the two mixed entries is wrong.")
                elif i == 0 and close(H[0][0], 2 * x):
                    hint = "In ∂f/∂x = 2xy, y is a constant while you differentiate by x."
                else:
                    hint = (f"Write {name} first, then differentiate it by x for the first entry of its row "
                            "and by y for the second.")
                return (f"At (x, y) = ({x}, {y}) row {i + 1}, {row}, is not the gradient of {name} "
                        f"(checked against finite differences). {hint}")
    return None


# Where newton_step is tried: (gradient, Hessian), positive definite and not.
NEWTON_CASES = (
    ((1.0, -2.0), ((4.0, 1.0), (1.0, 3.0))),
    ((0.5, 0.25), ((2.0, -0.5), (-0.5, 1.0))),
    ((-3.0, 1.0), ((10.0, 4.0), (4.0, 2.0))),
    ((2.0, 1.0), ((-1.0, 0.5), (0.5, 2.0))),
)


def _solve(g: tuple[float, float], H: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    det = H[0][0] * H[1][1] - H[0][1] * H[1][0]
    return ((H[1][1] * g[0] - H[0][1] * g[1]) / det, (H[0][0] * g[1] - H[1][0] * g[0]) / det)


@refusal
def _grade_newton_step(answer: Any) -> str | None:
    if not callable(answer):
        return f"newton_step should be a function of (gradient, hessian), got {type(answer).__name__}"
    for g, H in NEWTON_CASES:
        step = answer(list(g), [list(row) for row in H])
        if not isinstance(step, (list, tuple)) or len(step) != 2:
            return f"newton_step should return two numbers (dx, dy), got {step!r}"
        d = [as_float(s, "a step component") for s in step]
        want = [-s for s in _solve(g, H)]
        if all(close(a, b) for a, b in zip(d, want, strict=True)):
            continue
        where = f"For gradient {list(g)} and Hessian {[list(r) for r in H]} your step is [{d[0]:.4g}, {d[1]:.4g}]."
        if all(close(a, -b) for a, b in zip(d, want, strict=True)):
            hint = "It has the right length and points the wrong way: a minimum lies against the gradient."
        elif all(close(a, -b) for a, b in zip(d, g, strict=True)):
            hint = "That is a gradient-descent step with rate 1: Newton's step divides by the curvature."
        elif all(close(a, -(H[k][0] * g[0] + H[k][1] * g[1])) for k, a in enumerate(d)):
            hint = "You multiplied the gradient by H; Newton's step needs H's inverse (solve H·d = −g)."
        else:
            hint = "Check it solves H·d = −g: multiply your step by H and compare with the gradient."
        return f"{where} {hint}"
    return None


EXERCISES = (
    Exercise("hessian_by_hand", NOTEBOOK,
             "a function hessian_by_hand(x, y) returning the 2x2 Hessian of f = x**2 * y + y**3 as [[.., ..], [.., ..]]",
             _grade_hessian_by_hand),
    Exercise("newton_step", NOTEBOOK,
             "a function newton_step(gradient, hessian) returning Newton's step [dx, dy] for a 2-D problem",
             _grade_newton_step),
)
