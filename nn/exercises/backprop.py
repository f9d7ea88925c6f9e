"""The exercises of notebook 00 (backpropagation by hand): a backward pass, and a softmax cross-entropy."""

from __future__ import annotations

import functools
import math
from typing import Any

from autograd import Value

from .grading import Exercise, as_float, claimed_gradient_disagrees, refusal

__all__ = ["EXERCISES"]

NOTEBOOK = "00_backprop_by_hand"
# The published example's input and target; the weights vary, so that a hard-coded answer fails.
X, TARGET = 2.0, 0.5
WEIGHTS = ((0.5, 0.3), (-1.2, 0.8), (0.7, -1.5), (2.0, 1.1))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _loss(weights: list[float]) -> float:
    w1, w2 = weights
    return 0.5 * (TARGET - w2 * _sigmoid(w1 * X)) ** 2


def _ratio_everywhere(claimed: dict[tuple[float, float], float], true: dict[tuple[float, float], float],
                      factor: Any) -> bool:
    """True when claimed == true · factor(w1, w2) at every point (a missing or extra factor)."""
    return all(math.isclose(claimed[w], true[w] * factor(*w), rel_tol=1e-6, abs_tol=1e-12) for w in WEIGHTS)


@refusal
def _grade_backward_by_hand(answer: Any) -> str | None:
    if not callable(answer):
        return f"backward_by_hand should be a function of (w1, w2), got {type(answer).__name__}"
    claimed: dict[tuple[float, float], tuple[float, float]] = {}
    for w in WEIGHTS:
        out = answer(*w)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            return f"backward_by_hand{w} should return two numbers (dL/dw1, dL/dw2), got {out!r}"
        claimed[w] = (as_float(out[0], "dL/dw1"), as_float(out[1], "dL/dw2"))
    wrong = [w for w in WEIGHTS if claimed_gradient_disagrees(_loss, claimed[w], w)]
    if not wrong:
        return None
    true = {w: _true_gradient(*w) for w in WEIGHTS}
    first = wrong[0]
    parts = [name for k, name in enumerate(("dL/dw1", "dL/dw2"))
             if not math.isclose(claimed[first][k], true[first][k], rel_tol=1e-4, abs_tol=1e-9)]
    where = f"At w1 = {first[0]}, w2 = {first[1]}: {' and '.join(parts)} disagree{'s' if len(parts) == 1 else ''} with finite differences."
    return f"{where} {_backward_hint(claimed, true, parts)}"


def _true_gradient(w1: float, w2: float) -> tuple[float, float]:
    a, b = Value(w1), Value(w2)
    loss = 0.5 * (TARGET - b * (a * X).sigmoid()) ** 2
    loss.backward()
    return a.grad, b.grad


def _backward_hint(claimed: dict[tuple[float, float], tuple[float, float]],
                   true: dict[tuple[float, float], tuple[float, float]], parts: list[str]) -> str:
    def h(w1: float) -> float:
        return _sigmoid(w1 * X)

    k = 0 if parts[0] == "dL/dw1" else 1
    mine = {w: claimed[w][k] for w in WEIGHTS}
    right = {w: true[w][k] for w in WEIGHTS}
    if _ratio_everywhere(mine, right, lambda w1, w2: -1.0):
        return "The sign is flipped: dL/dŷ is ŷ − y, not y − ŷ."
    if _ratio_everywhere(mine, right, lambda w1, w2: 2.0):
        return "Twice too large: the ½ in the loss cancels the 2 of the square's derivative."
    if k == 0 and _ratio_everywhere(mine, right, lambda w1, w2: 1 / X):
        return "A factor is missing at the last edge: z = w1·x, so dz/dw1 is not 1."
    if k == 0 and _ratio_everywhere(mine, right, lambda w1, w2: 1 / (h(w1) * (1 - h(w1)))):
        return "A factor is missing where the gradient passes the sigmoid: multiply by σ'(z), written with h."
    if k == 0 and _ratio_everywhere(mine, right, lambda w1, w2: 1 / w2):
        return "A factor is missing between ŷ and h: ŷ = w2·h, so dŷ/dh is not 1."
    if k == 1 and _ratio_everywhere(mine, right, lambda w1, w2: 1 / h(w1)):
        return "dŷ/dw2 is the input that w2 multiplies, h; check that factor."
    return ("Go down the graph one edge at a time, from the loss to the weight: dL/dŷ, then dŷ/dh (or dŷ/dw2), "
            "then dh/dz, then dz/dw1, and multiply.")


# Logits and targets the softmax cross-entropy is tried on; the last case overflows exp() if not stabilised.
LOGITS = (([1.0, -0.5, 2.0], 2), ([0.3, 0.1], 0), ([-1.0, 0.0, 1.0, 4.0], 1), ([2.5, 2.5, -3.0], 0))
LARGE_LOGITS = ([1000.0, 0.0, -5.0], 1)


def _reference(logits: list[float], target: int) -> float:
    top = max(logits)
    return top + math.log(sum(math.exp(z - top) for z in logits)) - logits[target]


@refusal
def _grade_softmax_cross_entropy(answer: Any) -> str | None:
    if not callable(answer):
        return f"softmax_cross_entropy should be a function of (logits, target), got {type(answer).__name__}"
    for logits, target in LOGITS:
        values = [Value(z) for z in logits]
        out = answer(values, target)
        if not isinstance(out, Value):
            return (f"softmax_cross_entropy should return a Value (built from the logits, so that backward "
                    f"reaches them), got {type(out).__name__}")
        expected = _reference(logits, target)
        if not math.isclose(out.data, expected, rel_tol=1e-6, abs_tol=1e-9):
            return f"For logits {logits} and target {target} your loss is {out.data:.6g}. " + _value_hint(out.data, logits, target)
        out.backward()
        engine = [v.grad for v in values]
        if claimed_gradient_disagrees(functools.partial(_reference, target=target), engine, logits):
            return (f"For logits {logits} the value is right but backward gives {[round(g, 4) for g in engine]}, "
                    "which finite differences contradict: part of your loss is not built from the logits' Values "
                    "(a .data, or math.exp instead of Value.exp, cuts the graph there).")
    logits, target = LARGE_LOGITS
    try:
        out = answer([Value(z) for z in logits], target)
        value = out.data if isinstance(out, Value) else math.nan
    except (OverflowError, ZeroDivisionError, ValueError) as error:
        value, problem = math.nan, f"it raised {type(error).__name__}"
    else:
        problem = f"it gives {value}"
    if not math.isclose(value, _reference(logits, target), rel_tol=1e-6):
        return (f"Right on ordinary logits, but for logits {logits} {problem}: e^1000 overflows. "
                "Softmax does not change if you subtract the same number from every logit; pick one that "
                "keeps every exponent at most 0.")
    return None


def _value_hint(value: float, logits: list[float], target: int) -> str:
    top = max(logits)
    probabilities = [math.exp(z - top) for z in logits]
    probabilities = [p / sum(probabilities) for p in probabilities]
    if math.isclose(value, -_reference(logits, target), rel_tol=1e-6):
        return "The sign is flipped: a loss is at least 0, and -log p is positive since p < 1."
    if math.isclose(value, 1 - probabilities[target], rel_tol=1e-6) or math.isclose(value, -probabilities[target], rel_tol=1e-6):
        return "That is built from the probability itself; cross-entropy takes its logarithm."
    if any(math.isclose(value, -math.log(p), rel_tol=1e-6) for k, p in enumerate(probabilities) if k != target):
        return "That is the loss of another class: index the probabilities with the target."
    return ("Compute the probabilities first (each exp(z_i) divided by the sum of all of them, which add up to 1), "
            "then the loss of the target's probability.")


EXERCISES = (
    Exercise("backward_by_hand", NOTEBOOK,
             "a function backward_by_hand(w1, w2) returning (dL/dw1, dL/dw2) for L = ½(y − w2·σ(w1·x))², x = 2, y = 0.5",
             _grade_backward_by_hand),
    Exercise("softmax_cross_entropy", NOTEBOOK,
             "a function softmax_cross_entropy(logits, target) returning −log softmax(logits)[target] as a Value",
             _grade_softmax_cross_entropy),
)
