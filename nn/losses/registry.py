"""The losses ``fit`` knows by name: one row per loss, and what each row tells its readers.

Adding a loss is adding a row here (and its function beside the others): the
command line's ``--loss`` choices and help, ``fit``, ``evaluate``,
``predict_classes`` and the docs read this registry and nothing else.

A row's label kind says how ``fit`` reads the labels ``y`` (see
:mod:`nn.losses.objective`):

* ``"class index"``: int labels in [0, outputs); one output per class; the
  class is the largest output.
* ``"±1"``: labels 0/1 (or -1/+1) used as -1/+1; one output (a score).
* ``"0/1"``: labels 0/1; one output.
* ``"real"``: numbers, or lists of numbers, compared with the outputs; int
  labels make it a classifier (one-hot rows for several outputs, 0/1 for one).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from autograd import Value

from .._registry import Registry
from .functions import bce_with_logits, cross_entropy, hinge, mse
from .labels import argmax

__all__ = ["LOSSES", "LabelKind", "LossSpec", "default_loss"]

LabelKind = Literal["class index", "±1", "0/1", "real"]


@dataclass(frozen=True)
class LossSpec:
    """What ``fit``, the command line and the docs need to know about one loss.

    Attributes:
        function: ``function(pred, target) -> Value``, e.g. :func:`nn.mse`; ``fit``
            calls it on a batch (on the first output column for one-output kinds).
        labels: How labels are read (see the module docstring).
        output: What one output of the model is, for messages ("logit", "score").
        threshold: With one output, class 1 when the output is above it.
        summary: One line for help texts and docs.
        probabilities: The class probabilities that outputs (numbers) stand
            for, or None when the loss gives none.
    """

    function: Callable[[Any, Any], Value]
    labels: LabelKind
    output: str
    threshold: float
    summary: str
    probabilities: Callable[[Sequence[float]], list[float]] | None = None

    @property
    def binary(self) -> bool:
        """Whether the loss is for two classes only (one output, labels 0/1 or ±1)."""
        return self.labels in ("±1", "0/1")

    def outputs(self, classes: int) -> int:
        """How many outputs a model needs for ``classes`` classes under this loss."""
        if self.binary or (self.labels == "real" and classes == 2):
            return 1
        return classes

    def classify(self, output: Sequence[float]) -> int:
        """The class one example's outputs (numbers) stand for: the largest, or 1 above the threshold."""
        if len(output) > 1:
            return argmax(output)
        return 1 if output[0] > self.threshold else 0


def _sigmoid(outputs: Sequence[float]) -> list[float]:
    z = outputs[0]
    # Two branches so that exp never overflows, whatever the sign of z.
    if z >= 0:
        return [1.0 / (1.0 + math.exp(-z))]
    e = math.exp(z)
    return [e / (1.0 + e)]


def _softmax(outputs: Sequence[float]) -> list[float]:
    largest = max(outputs)
    weights = [math.exp(value - largest) for value in outputs]
    total = sum(weights)
    return [weight / total for weight in weights]


LOSSES: Registry[LossSpec] = Registry("loss")
"""The loss names ``fit`` and ``evaluate`` accept, each with its :class:`LossSpec`."""

LOSSES.register("hinge", LossSpec(
    hinge, "±1", "score", 0.0, "SVM hinge loss on one score; class 1 when the score is > 0"))
LOSSES.register("bce", LossSpec(
    bce_with_logits, "0/1", "logit", 0.0,
    "binary cross-entropy on one logit; class 1 when the logit is > 0", _sigmoid))
LOSSES.register("cross_entropy", LossSpec(
    cross_entropy, "class index", "logit", 0.0,
    "softmax cross-entropy, one logit per class; the class is the largest", _softmax))
LOSSES.register("mse", LossSpec(
    mse, "real", "prediction", 0.5,
    "mean squared error; int labels are one-hot (several outputs) or 0/1 (one output, "
    "class 1 when > 0.5)"))


def default_loss(classes: int) -> str:
    """The loss to use when none is named: bce for two classes, cross_entropy for more."""
    return "bce" if classes == 2 else "cross_entropy"
