"""The exercises of notebook 02 (a Value and its backward pass): a derivative rule, and two predictions."""

from __future__ import annotations

import math
from typing import Any

from autograd import Value

from .grading import (
    Exercise,
    as_float,
    central_difference,
    claimed_gradient_disagrees,
    close,
    disagreement_found,
    refusal,
)

__all__ = ["EXERCISES"]

NOTEBOOK = "02_value_and_backward"
# Where tanh_derivative is tried: both signs, near 0 and in the flat tails.
TANH_POINTS = (-2.5, -1.2, -0.4, 0.3, 0.9, 1.7, 2.8)


@refusal
def _grade_tanh_derivative(answer: Any) -> str | None:
    if not callable(answer):
        return f"tanh_derivative should be a function of x, got {type(answer).__name__}"
    claimed = {x: as_float(answer(x), f"tanh_derivative({x})") for x in (0.0, *TANH_POINTS)}
    wrong = [x for x in TANH_POINTS if claimed_gradient_disagrees(lambda xs: math.tanh(xs[0]), [claimed[x]], [x])]
    if not wrong:
        found = disagreement_found(lambda xs: math.tanh(xs[0]),
                                   lambda xs: [as_float(answer(xs[0]), f"tanh_derivative({xs[0]})")], -6.0, 6.0)
        if found is None:
            return None
        (x,) = found
        mine = as_float(answer(x), f"tanh_derivative({x})")
        slope = central_difference(math.tanh, x)
        return (f"Right at the points tried first, but a search of [-6, 6] found x = {x:.6g}, where your rule "
                f"gives {mine:.4g} and finite differences of tanh give {slope:.4g}. A rule is one formula for "
                "every x: write it with the output of tanh, with no special cases.")
    x = wrong[0]
    slope = central_difference(math.tanh, x)
    where = f"At x = {x} your rule gives {claimed[x]:.4g}, but finite differences of tanh give {slope:.4g}."
    if all(close(claimed[p], 1 - p * p) for p in TANH_POINTS):
        hint = "Your rule uses the input x where the derivative needs the output of tanh."
    elif all(close(claimed[p], -(1 - math.tanh(p) ** 2)) for p in TANH_POINTS):
        hint = "The size is right and the sign is not: tanh rises everywhere, so its slope is positive."
    elif not close(claimed[0.0], 1.0):
        hint = f"Start at x = 0, where tanh is steepest: its slope there is 1, and your rule gives {claimed[0.0]:.4g}."
    elif any(claimed[p] < 0 for p in TANH_POINTS):
        hint = "tanh rises everywhere, so its derivative is never negative."
    else:
        hint = ("Far from 0, tanh is flat, so the derivative must go to 0 in both tails. Like the sigmoid's, "
                "it can be written with the function's own output.")
    return f"{where} {hint}"


# q = a·b + c and L = q², at this point.
EXPRESSION_POINT = {"a": 2.0, "b": -3.0, "c": 10.0}


def _expression_gradients() -> tuple[float, float, float]:
    a, b, c = (Value(EXPRESSION_POINT[name]) for name in "abc")
    loss = (a * b + c) ** 2
    loss.backward()
    return a.grad, b.grad, c.grad


@refusal
def _grade_chain_rule_prediction(answer: Any) -> str | None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        return "Give three numbers, (dL/da, dL/db, dL/dc), as a tuple"
    predicted = [as_float(value, f"dL/d{name}") for value, name in zip(answer, "abc", strict=True)]
    true = _expression_gradients()
    wrong = [name for name, p, t in zip("abc", predicted, true, strict=True) if not close(p, t)]
    if not wrong:
        return None
    a, b, c = EXPRESSION_POINT.values()
    local = {"a": b, "b": a, "c": 1.0}
    listed = ", ".join(f"dL/d{name}" for name in wrong)
    if all(close(predicted["abc".index(name)], local[name]) for name in wrong):
        hint = ("Those are dq/da, dq/db, dq/dc: the local derivatives. The chain rule multiplies each by "
                "the gradient arriving from above, dL/dq.")
    elif close(predicted[0], 2 * (a * b + c) * a) or close(predicted[1], 2 * (a * b + c) * b):
        hint = "Check dq/da and dq/db: a·b changes by b for each unit of a, and by a for each unit of b."
    elif all(close(predicted["abc".index(name)], (a * b + c) * local[name]) for name in wrong):
        hint = "Check dL/dq: what is the derivative of q² with respect to q?"
    else:
        hint = "Compute the forward pass first (q), then dL/dq, then multiply by each local derivative."
    return f"{listed} {'is' if len(wrong) == 1 else 'are'} not right. {hint}"


ACCUMULATION_AT = 3.0  # x, in y = x·x + x


@refusal
def _grade_accumulation_prediction(answer: Any) -> str | None:
    predicted = as_float(answer, "x.grad")
    x = Value(ACCUMULATION_AT)
    y = x * x + x
    y.backward()
    if close(predicted, x.grad):
        return None
    x0 = ACCUMULATION_AT
    if close(predicted, 2 * x0) or close(predicted, x0):
        hint = "x reaches y along more than one path; the gradients of all paths add up."
    elif close(predicted, 1.0):
        hint = "That is the path through `+ x` only; x * x uses x too (twice)."
    elif close(predicted, x0 + 1):
        hint = "In x * x, x is both operands: each operand's path contributes its own share."
    else:
        hint = "Draw the graph: count every edge from x to y and add what each one sends back."
    return f"{predicted:g} is not x.grad. {hint}"


EXERCISES = (
    Exercise("tanh_derivative", NOTEBOOK, "a function tanh_derivative(x) returning d tanh(x)/dx as a float",
             _grade_tanh_derivative),
    Exercise("chain_rule_prediction", NOTEBOOK,
             "a tuple (dL/da, dL/db, dL/dc) for q = a*b + c, L = q**2 at a = 2, b = -3, c = 10",
             _grade_chain_rule_prediction),
    Exercise("accumulation_prediction", NOTEBOOK, "the number x.grad after y = x * x + x; y.backward() at x = 3",
             _grade_accumulation_prediction),
)
