"""The exercises of notebook 04 (learning rates and optimizers): pick a rate, write momentum, predict Adam's step."""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

from autograd import Value

from ..optim import Adam
from .grading import Exercise, as_float, refusal

__all__ = ["EXERCISES"]

NOTEBOOK = "04_optimizers_and_activations"
STEPS = 10
# A line fit on standardised inputs, as in the notebook: the loss is a bowl with Hessian 2I.
_rng = random.Random(0)
_raw = [_rng.gauss(5.0, 2.0) for _ in range(40)]
_mean = sum(_raw) / len(_raw)
_std = math.sqrt(sum((x - _mean) ** 2 for x in _raw) / len(_raw))
LINE_X = [(x - _mean) / _std for x in _raw]
LINE_Y = [3.0 * x - 4.0 + _rng.gauss(0.0, 1.0) for x in _raw]


def _descend(lr: float) -> tuple[list[float], list[float]]:
    """Full-batch gradient descent on (w, b) from (0, 0): the weight and the loss before each step, and after."""
    w, b = Value(0.0), Value(0.0)
    weights, losses = [], []
    for _ in range(STEPS + 1):
        loss = sum(((w * x + b - y) ** 2 for x, y in zip(LINE_X, LINE_Y, strict=True)), Value(0.0)) / len(LINE_X)
        weights.append(w.data)
        losses.append(loss.data)
        w.grad = b.grad = 0.0
        loss.backward()
        w.data -= lr * w.grad
        b.data -= lr * b.grad
        if not math.isfinite(loss.data) or loss.data > 1e12:
            break
    return weights, losses


def _best() -> tuple[float, float]:
    """The least-squares weight and the lowest loss (the mean squared residual there)."""
    w = sum(x * y for x, y in zip(LINE_X, LINE_Y, strict=True)) / sum(x * x for x in LINE_X)
    b = sum(LINE_Y) / len(LINE_Y)
    return w, sum((w * x + b - y) ** 2 for x, y in zip(LINE_X, LINE_Y, strict=True)) / len(LINE_X)


@refusal
def _grade_learning_rate(answer: Any) -> str | None:
    lr = as_float(answer, "the learning rate")
    if not lr > 0:
        return f"η = {lr:g} does not go downhill at all: a learning rate must be positive."
    weights, losses = _descend(lr)
    best_w, lowest = _best()
    if len(losses) <= STEPS or losses[-1] > losses[0]:
        return (f"With η = {lr:g} the loss grows: each step multiplies the distance to the minimum by 1 − 2η, "
                "and here that factor is bigger than 1 in size.")
    if any((a - best_w) * (b - best_w) < -1e-12 for a, b in itertools.pairwise(weights)):
        return (f"With η = {lr:g} the weight crosses its best value and comes back (it overshoots): "
                "what sign does 1 − 2η have?")
    left = (losses[-1] - lowest) / (losses[0] - lowest)
    if left > 0.01:
        return (f"With η = {lr:g}, after {STEPS} steps {left:.1%} of the excess loss is still there (the goal is "
                "below 1%): the steps are too timid.")
    return None


@refusal
def _grade_momentum_step(answer: Any) -> str | None:
    if not callable(answer):
        return f"momentum_step should be a function, got {type(answer).__name__}"
    rng = random.Random(1)
    for _ in range(6):
        theta, grad, velocity = (rng.uniform(-2.0, 2.0) for _ in range(3))
        lr, mu = rng.choice((0.1, 0.05, 0.3)), rng.choice((0.9, 0.5, 0.99))
        out = answer(theta, grad, velocity, lr, mu)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            return f"momentum_step should return two numbers (new theta, new velocity), got {out!r}"
        new_theta, new_velocity = as_float(out[0], "the new theta"), as_float(out[1], "the new velocity")
        right_velocity = mu * velocity + grad
        right_theta = theta - lr * right_velocity
        if math.isclose(new_theta, right_theta, rel_tol=1e-9, abs_tol=1e-12) and math.isclose(
            new_velocity, right_velocity, rel_tol=1e-9, abs_tol=1e-12
        ):
            continue
        case = f"For theta = {theta:.3f}, grad = {grad:.3f}, velocity = {velocity:.3f}, lr = {lr}, mu = {mu}: "
        if not math.isclose(new_velocity, right_velocity, rel_tol=1e-9, abs_tol=1e-12):
            if math.isclose(new_velocity, mu * velocity + (1 - mu) * grad, rel_tol=1e-9):
                return case + ("your velocity is an average of the gradients (Adam's m); here the velocity "
                               "keeps a share mu of itself and adds the whole gradient.")
            return case + "the new velocity is not right: it keeps a share mu of the old one and adds the gradient."
        if math.isclose(new_theta, theta - lr * grad, rel_tol=1e-9):
            return case + "theta moved as plain SGD moves it; with momentum the step follows the velocity."
        if math.isclose(new_theta, theta - lr * velocity, rel_tol=1e-9):
            return case + "the step used the old velocity: update the velocity first, then step with the new one."
        if math.isclose(new_theta, theta + lr * right_velocity, rel_tol=1e-9):
            return case + "theta moved uphill: the step goes against the velocity."
        return case + "the velocity is right, the new theta is not."
    return None


ADAM_LR, ADAM_GRAD = 0.01, 3e-4


def _adam_first_step() -> float:
    theta = Value(1.0)
    optimizer = Adam([theta], lr=ADAM_LR)
    theta.grad = ADAM_GRAD
    optimizer.step()
    return 1.0 - theta.data


@refusal
def _grade_adam_first_step(answer: Any) -> str | None:
    predicted = as_float(answer, "the size of the first step")
    actual = _adam_first_step()
    if math.isclose(predicted, actual, rel_tol=0.01):
        return None
    if math.isclose(predicted, ADAM_LR * ADAM_GRAD, rel_tol=0.05):
        return "That is plain SGD's step, η·g. Adam divides the (averaged) gradient by its (averaged) size."
    beta1, beta2 = 0.9, 0.999
    if math.isclose(predicted, ADAM_LR * (1 - beta1) * ADAM_GRAD / math.sqrt((1 - beta2) * ADAM_GRAD**2), rel_tol=0.05):
        return ("That would be the step without the bias corrections. After one step, m = (1 − β1)·g and "
                "s = (1 − β2)·g²: what do m̂ and ŝ become?")
    if predicted < 0:
        return "Give the size of the step, a positive number."
    return "Work out m, s, m̂ and ŝ after one step with gradient g, then the step η·m̂/(√ŝ + ε). Does g matter?"


EXERCISES = (
    Exercise("learning_rate", NOTEBOOK,
             f"a learning rate with which gradient descent on the line fit gets below 1% of its excess loss "
             f"in {STEPS} steps without overshooting", _grade_learning_rate),
    Exercise("momentum_step", NOTEBOOK,
             "a function momentum_step(theta, grad, velocity, lr, mu) returning (new theta, new velocity)",
             _grade_momentum_step),
    Exercise("adam_first_step", NOTEBOOK,
             f"the size of Adam's first step for lr = {ADAM_LR} and a gradient of {ADAM_GRAD} (default betas, eps)",
             _grade_adam_first_step),
)
