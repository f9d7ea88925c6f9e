"""Using a model: ``evaluate`` (loss and accuracy), ``predict`` and ``predict_classes``.

All three run in evaluation mode under ``no_grad`` (no graph is recorded,
gradients are left alone) and put the model back in the mode it was in. The
checks they share with :func:`nn.fit` (is this a model, is this data) are here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, no_grad

from .._checks import describe, finite_examples, paired, plain, sequence
from ..losses.objective import LossFunction, Objective, objective
from ..losses.registry import LOSSES
from ..modules.module import Module

__all__ = [
    "Forward",
    "check_examples",
    "check_model",
    "evaluate",
    "forward_of",
    "measure",
    "predict",
    "predict_classes",
]

Forward = Callable[[Sequence[Any]], list[Value]]
"""One example in, the model's outputs as a list of Values out."""


def check_model(model: object) -> Module:
    """``model`` if it is an nn.Module, else TypeError."""
    if not isinstance(model, Module):
        raise TypeError(
            f"expected a callable nn.Module (e.g. nn.MLP) as the model, got {type(model).__name__}"
        )
    return model


def forward_of(model: object, first: Sequence[Any]) -> tuple[Forward, int]:
    """``model`` as a :data:`Forward`, and its number of outputs, checked on the example ``first``.

    A model that returns one Value (a :class:`nn.Neuron`) counts as having one output.

    Raises:
        TypeError: If ``model`` is not an nn.Module, or its output is not a Value
            or a list of Values.
    """
    module = check_model(model)
    with no_grad():
        outputs = module(first)
    if isinstance(outputs, Value):
        return (lambda x: [module(x)]), 1
    if not isinstance(outputs, list) or not all(isinstance(o, Value) for o in outputs):
        raise TypeError(
            f"the model must return a list of Values for one example, got {describe(outputs)}"
        )
    return module, len(outputs)


def check_examples(X: object, y: object, what: str) -> None:
    """Check labelled data for ``what``: lists of equal length, rows of finite numbers."""
    paired(X, y, what)
    finite_examples(X, what)


def evaluate(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    loss: str | LossFunction,
) -> tuple[float, float | None]:
    """The mean loss and the accuracy of ``model`` on ``(X, y)``, in eval mode.

    Args:
        model: The model.
        X: Examples (finite numbers).
        y: Labels or targets.
        loss: As for :func:`nn.fit`.

    Returns:
        ``(loss, accuracy)``; accuracy is None when the loss has no notion
        of class (regression, callable losses).

    Raises:
        TypeError, ValueError: As :func:`nn.fit`, for bad data or labels.
    """
    check_model(model)
    X, y = plain(X), plain(y)
    check_examples(X, y, "evaluate")
    previous_mode = model.training
    model.eval()
    try:
        forward, nout = forward_of(model, X[0])
        return measure(forward, objective(loss, y, nout), X)
    finally:
        model.train(previous_mode)


def measure(
    forward: Forward,
    bound: Objective,
    X: Sequence[Sequence[float]],
    compiled: Any = None,
    targets: Sequence[Any] = (),
) -> tuple[float, float | None]:
    """``(loss, accuracy or None)`` of ``forward`` on checked data, without recording a graph.

    With ``compiled`` (``nn.training.compiled.batch_loss``'s function), the pass is
    replayed from generated code, on ``targets`` (``nn.training.compiled.jit_targets``).
    """
    indices = range(len(X))
    with no_grad():
        if compiled is not None:
            _, (value, numbers) = compiled(list(X), list(targets))
        else:
            outputs = [forward(x) for x in X]
            value = bound.value(outputs, indices).data
            numbers = [[output.data for output in out] for out in outputs]
    if bound.classify is None:
        return value, None
    return value, bound.correct(numbers, indices) / len(X)


def predict(model: Module, X: Sequence[Sequence[float]]) -> list[list[float]]:
    """The model's outputs for every example, as floats (eval mode, no graph).

    Args:
        model: The model.
        X: Examples (finite numbers); an empty list gives an empty list.

    Returns:
        One list of output floats per example (logits/scores, not probabilities).

    Raises:
        TypeError: If ``X`` is not a list of examples.
        ValueError: If an example holds NaN or inf, or has the wrong length.
    """
    check_model(model)
    X = plain(X)
    if len(sequence(X, "predict expects a list of examples")) == 0:
        return []
    rows = finite_examples(X, "predict")
    previous_mode = model.training
    model.eval()
    try:
        forward, _ = forward_of(model, rows[0])
        with no_grad():
            return [[value.data for value in forward(x)] for x in rows]
    finally:
        model.train(previous_mode)


def predict_classes(model: Module, X: Sequence[Sequence[float]], loss: str) -> list[int]:
    """The predicted class of every example, read from the outputs as ``loss`` defines it.

    Args:
        model: The model.
        X: Examples.
        loss: ``"hinge"`` or ``"bce"`` (one output, class 1 when > 0),
            ``"cross_entropy"`` or ``"mse"`` (several outputs: the largest;
            one output: class 1 when > 0.5).

    Returns:
        One int class per example.

    Raises:
        ValueError: If ``loss`` is not one of :data:`nn.LOSSES`.
    """
    spec = LOSSES.lookup(loss)
    return [spec.classify(out) for out in predict(model, X)]
