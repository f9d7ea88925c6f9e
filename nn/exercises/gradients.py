"""The exercises of notebook 01 (backpropagation from scratch): an operation's backward step, and a sign."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

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

NOTEBOOK = "01_backprop_from_scratch"
# Where sigmoid_pass_back is tried (both signs, the steep middle and the flat tails), and with what
# gradient arriving from above (1 alone would not show a missing factor).
SIGMOID_POINTS = (-3.0, -1.1, -0.2, 0.0, 0.6, 1.4, 3.5)
ARRIVING = (1.0, 2.5, -0.7)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _scaled_sigmoid(g: float) -> Callable[[list[float]], float]:
    def scaled(xs: list[float]) -> float:
        return g * _sigmoid(xs[0])

    return scaled


@refusal
def _grade_sigmoid_pass_back(answer: Any) -> str | None:
    if not callable(answer):
        return f"sigmoid_pass_back should be a function of (out, out_grad), got {type(answer).__name__}"
    claimed = {
        (x, g): as_float(answer(_sigmoid(x), g), f"sigmoid_pass_back({_sigmoid(x):.4g}, {g})")
        for x in SIGMOID_POINTS for g in ARRIVING
    }
    # With out_grad g arriving, the operand's share is g·σ'(x): the derivative of g·σ at x.
    wrong = [
        (x, g) for x in SIGMOID_POINTS for g in ARRIVING
        if claimed_gradient_disagrees(_scaled_sigmoid(g), [claimed[x, g]], [x])
    ]
    if not wrong:
        g = ARRIVING[1]
        found = disagreement_found(_scaled_sigmoid(g), lambda xs: [as_float(
            answer(_sigmoid(xs[0]), g), f"sigmoid_pass_back({_sigmoid(xs[0]):.4g}, {g})")], -8.0, 8.0)
        if found is None:
            return None
        (x,) = found
        mine = as_float(answer(_sigmoid(x), g), "sigmoid_pass_back")
        slope = g * central_difference(_sigmoid, x)
        return (f"Right at the points tried first, but a search of [-8, 8] found x = {x:.6g} (out = {_sigmoid(x):.4g}, "
                f"out_grad = {g}), where your function passes back {mine:.4g} and finite differences of out_grad·σ "
                f"give {slope:.4g}. One formula in out and out_grad serves every input, with no special cases.")
    x, g = wrong[0]
    slope = g * central_difference(_sigmoid, x)
    where = (f"For the input x = {x} (out = {_sigmoid(x):.4g}) with out_grad = {g}, your function passes back "
             f"{claimed[x, g]:.4g}, but finite differences of out_grad·σ give {slope:.4g}.")
    unit = [(p, h) for p in SIGMOID_POINTS for h in ARRIVING if h == 1.0]
    if all(close(claimed[p, 1.0], _sigmoid(p) * (1 - _sigmoid(p))) for p, _ in unit):
        hint = ("It is right when out_grad is 1, so the local derivative is right: the chain rule still has to "
                "multiply it by the gradient that arrives from above.")
    elif all(close(claimed[p, h], h * (1 - _sigmoid(p))) for p in SIGMOID_POINTS for h in ARRIVING):
        hint = "The sigmoid's slope is small in both tails; yours is not small where out is close to 0."
    elif any(close(claimed[p, h], -h * _sigmoid(p) * (1 - _sigmoid(p))) for p in SIGMOID_POINTS for h in ARRIVING):
        hint = "The size looks right and the sign does not: the sigmoid rises everywhere."
    elif not close(claimed[0.0, 1.0], 0.25):
        hint = (f"Start at x = 0 (out = 0.5), where the sigmoid is steepest: with out_grad = 1 your function gives "
                f"{claimed[0.0, 1.0]:.4g}. Write the derivative with the output out, as tanh's is written with its own.")
    else:
        hint = "Only the output out is passed in: write σ'(x) with out alone, then apply the chain rule."
    return f"{where} {hint}"


# The neuron o = tanh(x1·w1 + x2·w2 + b) of the notebook, with x2 changed from -0.5 to this.
SIGN_POINT = {"x1": 1.5, "x2": 0.7, "w1": 0.8, "w2": -1.2, "b": -1.0}


def _w2_gradient() -> float:
    p = SIGN_POINT
    o = math.tanh(p["x1"] * p["w1"] + p["x2"] * p["w2"] + p["b"])
    return (1 - o * o) * p["x2"]


@refusal
def _grade_gradient_sign(answer: Any) -> str | None:
    predicted = as_float(answer, "the sign")
    if predicted not in (-1.0, 1.0):
        return f"Give the sign as +1 or -1, got {predicted:g}"
    if predicted == math.copysign(1.0, _w2_gradient()):
        return None
    return ("Not that sign. Follow w2's path back from o: the tanh step multiplies by tanh's slope, "
            "which is never negative, and the product x2·w2 hands w2 the other operand. "
            "Which of those numbers changed?")


EXERCISES = (
    Exercise("sigmoid_pass_back", NOTEBOOK,
             "a function sigmoid_pass_back(out, out_grad) returning what u = sigmoid(x) adds to x.grad, "
             "given only the output out and u's gradient out_grad",
             _grade_sigmoid_pass_back),
    Exercise("gradient_sign", NOTEBOOK,
             "+1 or -1: the sign of do/dw2 for the neuron with x2 = 0.7 instead of -0.5",
             _grade_gradient_sign),
)
