"""Losses by name, bound to a data set: the targets each needs and what "accuracy" means.

* ``"hinge"``: one output, a score; labels 0/1 (or -1/+1) are used as -1/+1;
  class 1 when the score is > 0.
* ``"bce"``: one output, a logit; labels 0/1; class 1 when the logit is > 0
  (probability > 0.5).
* ``"cross_entropy"``: one output (logit) per class; labels are class
  indices; the class is the largest output.
* ``"mse"``: with several outputs and int labels, the targets are one-hot
  and the class is the largest output; with one output and labels 0/1, the
  class is 1 when the output is > 0.5; otherwise (float targets, or a list
  of targets per example) it is regression and no accuracy is recorded.

A callable ``loss(outputs, targets) -> Value`` (``outputs`` a list with one
list of Values per example) is also accepted; no accuracy is recorded for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value

from .._checks import describe, finite_targets, is_int, is_real, one_of, paired, sequence
from .functions import bce_with_logits, cross_entropy, hinge, mse

__all__ = [
    "LOSSES",
    "LossFunction",
    "Objective",
    "Outputs",
    "classify_output",
    "compute_loss",
    "objective",
]

LOSSES: tuple[str, ...] = ("hinge", "bce", "cross_entropy", "mse")
"""The loss names ``fit`` and ``evaluate`` accept."""

Outputs = list[list[Value]]
LossFunction = Callable[[Outputs, list[Any]], Value]


@dataclass(frozen=True)
class Objective:
    """A loss bound to a data set: the targets it needs and how to read a class."""

    name: str
    loss: LossFunction
    targets: list[Any]  # what ``loss`` receives, one per example
    classes: list[int] | None  # the true class per example, None for regression
    classify: Callable[[list[float]], int] | None  # outputs' data -> predicted class

    def value(self, outputs: Outputs, indices: Sequence[int]) -> Value:
        """The loss of ``outputs``, the model's outputs for the examples at ``indices``."""
        result = self.loss(outputs, [self.targets[i] for i in indices])
        if not isinstance(result, Value):
            raise TypeError(
                f"the loss function must return a Value (e.g. built with nn.mse or from the "
                f"outputs' Values), got {describe(result)}"
            )
        return result

    def correct(self, outputs: Sequence[Sequence[float]], indices: Sequence[int]) -> int:
        """How many of the examples at ``indices`` their ``outputs`` (numbers) classify correctly.

        0 for regression.
        """
        if self.classify is None or self.classes is None:
            return 0
        classify, classes = self.classify, self.classes
        return sum(
            classify(list(out)) == classes[i] for out, i in zip(outputs, indices, strict=True)
        )


def _argmax(outputs: list[float]) -> int:
    return max(range(len(outputs)), key=outputs.__getitem__)


def _binary_labels(y: Sequence[Any], name: str, allowed: tuple[int, ...]) -> list[int]:
    for index, label in enumerate(y):
        if not is_int(label) or label not in allowed:
            raise ValueError(
                f"loss {name!r} expects labels in {set(allowed)}, got {label!r} at example {index}"
            )
    return [int(label) for label in y]


def _class_labels(y: Sequence[Any], name: str, nout: int) -> list[int]:
    for index, label in enumerate(y):
        if not is_int(label) or not 0 <= label < nout:
            raise ValueError(
                f"loss {name!r} expects class indices in [0, {nout}) for a model with {nout} "
                f"outputs, got {label!r} at example {index}"
            )
    return [int(label) for label in y]


def _need_outputs(name: str, nout: int, expected: str, ok: bool) -> None:
    if not ok:
        raise ValueError(f"loss {name!r} needs a model with {expected}, this model has {nout}")


def _first_column(outputs: Outputs) -> list[Value]:
    return [out[0] for out in outputs]


def _regression_targets(y: Sequence[Any], name: str) -> list[Any]:
    for index, target in enumerate(y):
        if not (is_real(target) or isinstance(target, Value)):
            sequence(target, f"loss {name!r} expects a number or a list of numbers per example, "
                             f"example {index} is")
    finite_targets(y, f"loss {name!r}")
    return list(y)


def objective(loss: str | LossFunction, y: Sequence[Any], nout: int) -> Objective:
    """The :class:`Objective` for ``loss`` on labels ``y`` and a model with ``nout`` outputs.

    Raises:
        ValueError: If ``loss`` is unknown, or the labels or ``nout`` do not suit it.
    """
    if callable(loss):
        finite_targets(y, "the loss")
        return Objective("custom", loss, list(y), None, None)
    name = one_of(loss, LOSSES, "loss", alternative="a callable")
    if name == "hinge":
        _need_outputs(name, nout, "1 output (a score)", nout == 1)
        labels = _binary_labels(y, name, (0, 1, -1))
        signs = [1.0 if label == 1 else -1.0 for label in labels]
        return Objective(
            name,
            lambda outputs, targets: hinge(_first_column(outputs), targets),
            signs,
            [1 if label == 1 else 0 for label in labels],
            lambda out: 1 if out[0] > 0.0 else 0,
        )
    if name == "bce":
        _need_outputs(name, nout, "1 output (a logit)", nout == 1)
        labels = _binary_labels(y, name, (0, 1))
        return Objective(
            name,
            lambda outputs, targets: bce_with_logits(_first_column(outputs), targets),
            [float(label) for label in labels],
            labels,
            lambda out: 1 if out[0] > 0.0 else 0,
        )
    if name == "cross_entropy":
        _need_outputs(name, nout, "at least 2 outputs (one logit per class)", nout >= 2)
        labels = _class_labels(y, name, nout)
        return Objective(name, cross_entropy, labels, labels, _argmax)
    # mse: classification when the labels say so, otherwise regression
    if all(is_int(label) for label in y):
        if nout >= 2:
            labels = _class_labels(y, name, nout)
            one_hot = [[1.0 if j == label else 0.0 for j in range(nout)] for label in labels]
            return Objective(name, mse, one_hot, labels, _argmax)
        if all(label in (0, 1) for label in y):
            labels = [int(label) for label in y]
            return Objective(
                name, mse, [float(label) for label in labels], labels,
                lambda out: 1 if out[0] > 0.5 else 0,
            )
    return Objective(name, mse, _regression_targets(y, name), None, None)


def classify_output(output: Sequence[float], loss: str) -> int:
    """The class that one example's outputs stand for, under ``loss`` (see :func:`nn.predict_classes`)."""
    if len(output) > 1:
        return _argmax(list(output))
    threshold = 0.5 if loss == "mse" else 0.0
    return 1 if output[0] > threshold else 0


def compute_loss(outputs: Outputs, y: Sequence[Any], loss: str | LossFunction) -> Value:
    """The loss ``fit`` minimises, for given outputs and labels, as a Value with its graph.

    Useful to look at one step by hand: ``compute_loss([model(x)], [label], "bce").backward()``.

    Args:
        outputs: One list of output Values per example (``[model(x) for x in X]``).
        y: One label or target per example, as for :func:`nn.fit`.
        loss: One of :data:`LOSSES` or a callable.

    Returns:
        The mean loss over the examples.

    Raises:
        ValueError: If the labels do not suit the loss or the number of outputs.
        TypeError: If ``outputs`` or ``y`` is not a list.
    """
    message = "compute_loss expects a non-empty list with one list of outputs per example"
    if len(sequence(outputs, message)) == 0:
        raise ValueError(message)
    paired(outputs, y, "compute_loss")
    bound = objective(loss, y, len(outputs[0]))
    return bound.value(list(outputs), range(len(outputs)))
