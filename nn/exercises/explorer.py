"""The exercises of notebook 07 (the explorer): a weight's gradient from its users, and an edge's label."""

from __future__ import annotations

import math
from typing import Any

from autograd import Value

from .grading import Exercise, as_float, close, refusal

__all__ = ["EXERCISES", "SHARED_WEIGHT", "SIGMOID_OUTPUT"]

NOTEBOOK = "07_explorer"

SHARED_WEIGHT = {"w": 0.5, "x": 2.0, "scale": 3.0}
"""L = w·x + tanh(w·scale) at these numbers: w has two users, as a weight has one per example."""

SIGMOID_OUTPUT = 0.8
"""The value shown in a sigmoid node's box, s = σ(z)."""


def _shared_weight_gradient() -> float:
    w, x = Value(SHARED_WEIGHT["w"]), Value(SHARED_WEIGHT["x"])
    loss = w * x + (w * SHARED_WEIGHT["scale"]).tanh()
    loss.backward()
    return float(w.grad)


@refusal
def _grade_weight_gradient(answer: Any) -> str | None:
    predicted = as_float(answer, "w.grad")
    if close(predicted, _shared_weight_gradient()):
        return None
    x, scale, w = SHARED_WEIGHT["x"], SHARED_WEIGHT["scale"], SHARED_WEIGHT["w"]
    slope = 1.0 - math.tanh(w * scale) ** 2
    through_product, through_tanh = x, scale * slope
    if close(predicted, through_product) or close(predicted, through_tanh):
        hint = ("That is one user's contribution. w's panel lists two users, w·x and w·3; "
                "its .grad is the sum of what each sends back.")
    elif close(predicted, x + scale):
        hint = ("The user w·3 passes its gradient on from tanh: its incoming gradient is tanh's slope "
                "there, not 1. Multiply its local derivative by that.")
    elif close(predicted, x + slope):
        hint = ("The contribution through w·3 is the local derivative of w·3 with respect to w "
                "times the gradient arriving at w·3: one factor is missing.")
    else:
        hint = ("For each user of w: its local derivative with respect to w, times the gradient that user "
                "received. Then add the contributions.")
    return f"{predicted:g} is not w.grad. {hint}"


@refusal
def _grade_sigmoid_edge(answer: Any) -> str | None:
    predicted = as_float(answer, "the local derivative")
    s = SIGMOID_OUTPUT
    if close(predicted, s * (1.0 - s)):
        return None
    sigmoid_of_s = 1.0 / (1.0 + math.exp(-s))
    if close(predicted, s):
        hint = "That is the node's value. The edge carries ds/dz, the sigmoid's slope at this point."
    elif close(predicted, sigmoid_of_s * (1.0 - sigmoid_of_s)):
        hint = ("You took the box's number as the input z. The box shows the output s; the sigmoid's "
                "slope can be written with its output alone.")
    elif close(predicted, 1.0 - s * s):
        hint = "That is tanh's slope written with its output; the sigmoid's is another product."
    else:
        hint = "σ'(z) = σ(z)·(1 − σ(z)), and σ(z) is the number in the box."
    return f"{predicted:g} is not the label on that edge. {hint}"


EXERCISES = (
    Exercise("shared_weight_gradient", NOTEBOOK,
             "the number w.grad after L = w*x + (w*3).tanh(); L.backward() at w = 0.5, x = 2",
             _grade_weight_gradient),
    Exercise("sigmoid_edge", NOTEBOOK,
             "the local derivative shown on the edge from z to s = z.sigmoid(), when s's box shows 0.8",
             _grade_sigmoid_edge),
)
