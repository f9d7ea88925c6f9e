"""A loss bound to a data set: the targets it needs and what "accuracy" means.

How labels are read depends on the loss's label kind (its row in
:data:`nn.losses.registry.LOSSES`):

* ``"±1"`` (``hinge``): one output, a score; labels 0/1 (or -1/+1) are used
  as -1/+1; class 1 when the score is above the loss's threshold.
* ``"0/1"`` (``bce``): one output, a logit; labels 0/1; class 1 when the
  logit is above the threshold (probability > 0.5).
* ``"class index"`` (``cross_entropy``): one output (logit) per class; labels
  are class indices; the class is the largest output.
* ``"real"`` (``mse``): with several outputs and int labels, the targets are
  one-hot and the class is the largest output; with one output and labels
  0/1, the class is 1 when the output is above the threshold (0.5);
  otherwise (float targets, or a list of targets per example) it is
  regression and no accuracy is recorded.

A callable ``loss(outputs, targets) -> Value`` (``outputs`` a list with one
list of Values per example) is also accepted; no accuracy is recorded for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value
from autograd.extend import is_real

from .._checks import describe, finite_targets, is_int, paired, plain, sequence
from .labels import one_hot
from .registry import LOSSES, LossSpec

__all__ = [
    "LossFunction",
    "Objective",
    "Outputs",
    "compute_loss",
    "objective",
]

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
    indices: bool = False  # the targets are class indices (a compiled program takes one-hot rows)

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
        return sum([
            classify(out if type(out) is list else list(out)) == classes[i]
            for out, i in zip(outputs, indices, strict=True)
        ])


def _whole(label: object) -> bool:
    """An int, or a float that is one (``1.0``, ``-1.0``): labels as the losses accept them."""
    return is_int(label) or (is_real(label) and float(label).is_integer())  # type: ignore[arg-type]


def _binary_labels(y: Sequence[Any], name: str, allowed: tuple[int, ...]) -> list[int]:
    for index, label in enumerate(y):
        if not _whole(label) or label not in allowed:
            raise ValueError(
                f"loss {name!r} expects labels in {set(allowed)}, got {label!r} at example {index}"
            )
    return [int(label) for label in y]


def _class_labels(y: Sequence[Any], name: str, nout: int) -> list[int]:
    for index, label in enumerate(y):
        if not _whole(label) or not 0 <= label < nout:
            raise ValueError(
                f"loss {name!r} expects class indices in [0, {nout}) for a model with {nout} "
                f"outputs, got {label!r} at example {index}"
            )
    return [int(label) for label in y]


def _probability(label: object) -> bool:
    return is_real(label) and 0.0 <= label <= 1.0  # type: ignore[operator]


def _distribution(label: Sequence[Any], name: str, nout: int, index: int) -> Sequence[Any]:
    if len(label) != nout or not all(_probability(p) for p in label):
        raise ValueError(
            f"loss {name!r} expects a class index or a list of {nout} probabilities per "
            f"example, got {label!r} at example {index}"
        )
    return label


def _need_outputs(name: str, nout: int, expected: str, ok: bool) -> None:
    if not ok:
        raise ValueError(f"loss {name!r} needs a model with {expected}, this model has {nout}")


def _on_first_column(function: Callable[[Any, Any], Value]) -> LossFunction:
    """``function`` applied to the first output of every example (a one-output loss)."""
    return lambda outputs, targets: function([out[0] for out in outputs], targets)


def _regression_targets(y: Sequence[Any], name: str) -> list[Any]:
    for index, target in enumerate(y):
        if not (is_real(target) or isinstance(target, Value)):
            sequence(target, f"loss {name!r} expects a number or a list of numbers per example, "
                             f"example {index} is")
    finite_targets(y, f"loss {name!r}")
    return list(y)


def _bind(name: str, spec: LossSpec, y: Sequence[Any], nout: int) -> Objective:
    """The objective of the registered loss ``name`` (see the module docstring)."""
    classify = spec.classify
    if spec.labels == "±1":
        _need_outputs(name, nout, f"1 output (a {spec.output})", nout == 1)
        labels = _binary_labels(y, name, (0, 1, -1))
        signs = [1.0 if label == 1 else -1.0 for label in labels]
        return Objective(name, _on_first_column(spec.function), signs,
                         [1 if label == 1 else 0 for label in labels], classify)
    if spec.labels == "0/1":
        _need_outputs(name, nout, f"1 output (a {spec.output})", nout == 1)
        if not all(_whole(label) for label in y) and all(_probability(label) for label in y):
            # Soft labels, as bce_with_logits takes them; no class to count as right.
            return Objective(name, _on_first_column(spec.function), [float(p) for p in y], None,
                             None)
        labels = _binary_labels(y, name, (0, 1))
        return Objective(name, _on_first_column(spec.function),
                         [float(label) for label in labels], labels, classify)
    if spec.labels == "class index":
        _need_outputs(name, nout, f"at least 2 outputs (one {spec.output} per class)", nout >= 2)
        if y and all(isinstance(label, (list, tuple)) for label in y):
            # A distribution per example, as cross_entropy takes them; the class is the likeliest.
            rows = [[float(p) for p in _distribution(label, name, nout, index)]
                    for index, label in enumerate(y)]
            return Objective(name, spec.function, rows, [row.index(max(row)) for row in rows],
                             classify)
        labels = _class_labels(y, name, nout)
        return Objective(name, spec.function, labels, labels, classify, indices=True)
    # real targets: classification when the labels say so, otherwise regression
    if all(is_int(label) for label in y):
        if nout >= 2:
            labels = _class_labels(y, name, nout)
            return Objective(name, spec.function, one_hot(labels, nout), labels, classify)
        if all(label in (0, 1) for label in y):
            labels = [int(label) for label in y]
            return Objective(name, spec.function, [float(label) for label in labels], labels,
                             classify)
    return Objective(name, spec.function, _regression_targets(y, name), None, None)


def objective(loss: str | LossFunction, y: Sequence[Any], nout: int) -> Objective:
    """The :class:`Objective` for ``loss`` on labels ``y`` and a model with ``nout`` outputs.

    Raises:
        ValueError: If ``loss`` is unknown, or the labels or ``nout`` do not suit it.
    """
    if callable(loss):
        finite_targets(y, "the loss")
        return Objective("custom", loss, list(y), None, None)
    spec = LOSSES.lookup(loss, alternative="a callable")
    return _bind(str(loss), spec, y, nout)


def compute_loss(outputs: Outputs, y: Sequence[Any], loss: str | LossFunction) -> Value:
    """The loss ``fit`` minimises, for given outputs and labels, as a Value with its graph.

    Useful to look at one step by hand: ``compute_loss([model(x)], [label], "bce").backward()``.

    Args:
        outputs: One list of output Values per example (``[model(x) for x in X]``).
        y: One label or target per example, as for :func:`nn.fit`.
        loss: One of :data:`nn.LOSSES` or a callable.

    Returns:
        The mean loss over the examples.

    Raises:
        ValueError: If the labels do not suit the loss or the number of outputs.
        TypeError: If ``outputs`` or ``y`` is not a list.
    """
    y = plain(y)
    message = "compute_loss expects a non-empty list with one list of outputs per example"
    if len(sequence(outputs, message)) == 0:
        raise ValueError(message)
    paired(outputs, y, "compute_loss")
    bound = objective(loss, y, len(outputs[0]))
    return bound.value(list(outputs), range(len(outputs)))
