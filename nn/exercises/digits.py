"""The exercises of notebook 06 (handwritten digits): cross-entropy's gradient, a confusion matrix, a choice by cross-validation."""

from __future__ import annotations

import functools
import math
import random
from typing import Any

from .grading import Exercise, as_float, claimed_gradient_disagrees, close, refusal

__all__ = ["CV_GRID", "CV_X", "CV_Y", "EXERCISES", "knn_predict"]

NOTEBOOK = "06_digits"


def _cross_entropy(logits: list[float], target: int) -> float:
    top = max(logits)
    return top + math.log(sum(math.exp(z - top) for z in logits)) - logits[target]


def _loss_of(target: int, logits: list[float]) -> float:
    return _cross_entropy(logits, target)


def _softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    return [e / sum(exps) for e in exps]


def _gradient_cases() -> list[tuple[list[float], int]]:
    """Random logits of 3 to 10 classes, then a confidently wrong row and a row of large logits."""
    rng = random.Random(6)
    cases = []
    for _ in range(6):
        count = rng.randint(3, 10)
        cases.append(([rng.uniform(-3.0, 3.0) for _ in range(count)], rng.randrange(count)))
    cases.append(([8.0, -2.0, 0.5, 1.0], 1))
    cases.append(([300.0, 302.0, 299.5], 0))
    return cases


def _close_rows(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))


@refusal
def _grade_cross_entropy_gradient(answer: Any) -> str | None:
    if not callable(answer):
        return f"cross_entropy_gradient should be a function of (logits, target), got {type(answer).__name__}"
    for logits, target in _gradient_cases():
        out = answer(list(logits), target)
        if not isinstance(out, (list, tuple)):
            return f"cross_entropy_gradient should return a list of numbers, one per logit, got {out!r}"
        claimed = [as_float(g, "each entry of the gradient") for g in out]
        case = f"For logits {[round(z, 3) for z in logits]} and target {target}: "
        if len(claimed) != len(logits):
            return case + f"the gradient has {len(claimed)} entries, and there are {len(logits)} logits."
        if not claimed_gradient_disagrees(functools.partial(_loss_of, target), claimed, logits):
            continue
        p = _softmax(logits)
        onehot = [float(i == target) for i in range(len(logits))]
        hint = case + "your gradient disagrees with finite differences of the loss log Σ exp(z_j) − z_target. "
        if _close_rows(claimed, p):
            return hint + "You have the derivative of the log Σ exp part; the − z_target part has a derivative too."
        if _close_rows(claimed, [o - q for q, o in zip(p, onehot, strict=True)]):
            return hint + "The signs are the wrong way round: raising the true class's logit lowers the loss."
        if _close_rows(claimed, [q * (o - q) for q, o in zip(p, onehot, strict=True)]):
            return hint + "That looks like a sigmoid's or squared error's derivative. Differentiate log Σ exp(z_j) by z_i."
        if abs(sum(claimed)) > 1e-6:
            return hint + (f"Your entries add up to {sum(claimed):.4g}. Adding the same number to every logit "
                           "changes no probability, so what must the entries of the gradient add up to?")
        return hint + "Differentiate each of the two terms by z_i: what is ∂/∂z_i of log Σ_j exp(z_j)?"
    return None


def _right_confusion(true: list[int], predicted: list[int], classes: int) -> list[list[int]]:
    table = [[0] * classes for _ in range(classes)]
    for t, p in zip(true, predicted, strict=True):
        table[t][p] += 1
    return table


@refusal
def _grade_confusion_matrix(answer: Any) -> str | None:
    if not callable(answer):
        return f"confusion_matrix should be a function of (true, predicted, classes), got {type(answer).__name__}"
    rng = random.Random(60)
    for classes in (3, 4, 10):
        true = [rng.randrange(classes) for _ in range(40)]
        predicted = [t if rng.random() < 0.6 else rng.randrange(classes) for t in true]
        predicted[0] = (true[0] + 1) % classes  # at least one mistake
        out = answer(list(true), list(predicted), classes)
        try:
            table = [[int(n) for n in row] for row in out]
        except TypeError:
            return f"confusion_matrix should return a list of rows (lists of counts), got {out!r}"
        right = _right_confusion(true, predicted, classes)
        if table == right:
            continue
        case = f"With {classes} classes and {len(true)} examples: "
        if len(table) != classes or any(len(row) != classes for row in table):
            return case + f"the table should have {classes} rows of {classes} counts each."
        if table == [list(column) for column in zip(*right, strict=True)]:
            return case + ("rows and columns are swapped: row i is the examples whose TRUE class is i, column j "
                           "those PREDICTED as j (the figure in this notebook reads that way).")
        if sum(map(sum, table)) != len(true):
            return case + (f"the counts add up to {sum(map(sum, table))}, and each of the {len(true)} examples "
                           "should be counted exactly once.")
        if [table[i][i] for i in range(classes)] == [right[i][i] for i in range(classes)]:
            return case + "the diagonal (the right answers) is right; the mistakes are not counted in the right cells."
        return case + "some counts are wrong: example n adds 1 to the cell (true[n], predicted[n])."
    return None


# A noisy sine, fitted by k-nearest-neighbour averaging; k is chosen by 5-fold cross-validation.
_cv_rng = random.Random(31)
CV_X = [_cv_rng.uniform(0.0, 6.0) for _ in range(60)]
"""The inputs of the cross-validation exercise (60 floats in [0, 6])."""
CV_Y = [math.sin(x) + _cv_rng.gauss(0.0, 0.3) for x in CV_X]
"""Their targets: sin(x) plus Gaussian noise of standard deviation 0.3."""
CV_GRID = (1, 2, 4, 8, 16, 32)
"""The values of k to choose from."""
CV_FOLDS = 5


def knn_predict(train_x: list[float], train_y: list[float], x: float, k: int) -> float:
    """The mean target of the ``k`` training inputs nearest to ``x`` (ties broken by position)."""
    nearest = sorted(range(len(train_x)), key=lambda i: (abs(train_x[i] - x), i))[:k]
    return sum(train_y[i] for i in nearest) / len(nearest)


def _cv_error(k: int) -> float:
    total = 0.0
    for fold in range(CV_FOLDS):
        kept = [i for i in range(len(CV_X)) if i % CV_FOLDS != fold]
        train_x, train_y = [CV_X[i] for i in kept], [CV_Y[i] for i in kept]
        total += sum((knn_predict(train_x, train_y, CV_X[j], k) - CV_Y[j]) ** 2
                     for j in range(len(CV_X)) if j % CV_FOLDS == fold)
    return total / len(CV_X)


@refusal
def _grade_cross_validation_k(answer: Any) -> str | None:
    k = as_float(answer, "k")
    if k not in CV_GRID:
        return f"k = {k:g} is not one of the grid's values; choose from CV_GRID."
    errors = {candidate: _cv_error(candidate) for candidate in CV_GRID}
    best = min(errors, key=errors.__getitem__)
    if k == best:
        return None
    if k == 1:
        return ("k = 1 is the choice that fits the training points best: each point is its own nearest "
                "neighbour, so its training error is 0. Fit on four folds and measure on the fifth: "
                "the held-out error is what decides.")
    mine = f"With k = {int(k)} the mean held-out squared error over the {CV_FOLDS} folds is {errors[int(k)]:.4f}"
    if k == max(CV_GRID):
        return mine + "; averaging that many neighbours flattens the sine's peaks. Compare every k in the grid."
    return mine + (", and some other k in the grid does better. Fold f holds the points whose index i has "
                   f"i % {CV_FOLDS} == f; sum the squared errors over all folds and divide by the number of points.")


EXERCISES = (
    Exercise("cross_entropy_gradient", NOTEBOOK,
             "a function cross_entropy_gradient(logits, target) returning dℓ/dz_i for every logit, as plain floats",
             _grade_cross_entropy_gradient),
    Exercise("confusion_matrix", NOTEBOOK,
             "a function confusion_matrix(true, predicted, classes) returning the table whose row i, column j "
             "counts the examples of class i predicted as j",
             _grade_confusion_matrix),
    Exercise("cross_validation_k", NOTEBOOK,
             f"the k of CV_GRID with the lowest {CV_FOLDS}-fold cross-validation error of knn_predict on CV_X, CV_Y "
             f"(fold f: the points with index % {CV_FOLDS} == f)",
             _grade_cross_validation_k),
)
