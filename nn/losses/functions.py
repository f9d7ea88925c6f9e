"""Loss functions: numerically stable, one example or a batch, averaged over the batch.

Shapes. ``pred`` is one example (a Value, or a list of Values: one per model
output) or a batch (a list of such lists, as ``[model(x) for x in X]``
gives). ``target`` mirrors it: a number or a list of numbers per example; an
example with one output may have a plain number as its target, so
``mse([model(x) for x in X], y)`` works with ``y`` a list of numbers. Every
example in a batch must have the same number of outputs.

Every loss is a mean over the batch. Element-wise losses (``mse``,
``bce_with_logits``, ``hinge``) are also means over the outputs, as in
PyTorch's default ``reduction="mean"``, so passing a list of single-output
predictions as one example or as a batch gives the same number. ``sse`` is a
sum over outputs (½·Σ, the hand-worked-backprop form) and a mean over examples.

Sums are single ``vsum``/``dot`` nodes, so a loss over a batch adds few nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from autograd import Value, dot, vsum
from autograd.extend import is_real, standing_for

from .._checks import is_int, plain, sequence, short_repr
from ..modules.functional import log_softmax
from ..modules.module import Module

__all__ = ["bce_with_logits", "cross_entropy", "hinge", "l2", "mse", "penalised", "sse"]

Scalar = Value | float
Prediction = Value | Sequence[Scalar] | Sequence[Sequence[Scalar]]
Target = float | Sequence[float] | Sequence[float | Sequence[float]]


# ---------------------------------------------------------------- shapes


@dataclass(frozen=True)
class _Words:
    """How a loss names its inputs in messages."""

    item: str  # one output: "prediction", "logit"
    target: str  # one example's target: "target", "class index"
    batch: str  # what a batch is counted in: "predictions", "examples"


_OUTPUTS = _Words("prediction", "target", "predictions")
_LOGITS = _Words("logit", "class index", "examples")


def _is_list(obj: object) -> bool:
    return isinstance(obj, Sequence) and not isinstance(obj, (str, bytes))


def _is_scalar(obj: object) -> bool:
    return isinstance(obj, Value) or is_real(obj)


def _check_row(row: Sequence[Any], what: str, loss: str) -> None:
    for index, item in enumerate(row):
        if not _is_scalar(item):
            raise TypeError(
                f"{loss} expects each {what} to be a Value or a real number, "
                f"got {type(item).__name__}: {short_repr(item)} at position {index}"
            )


def _examples(
    pred: object, target: object, loss: str, words: _Words
) -> tuple[list[list[Any]], list[Any], bool]:
    """(prediction rows, one target per row, whether it was a batch): one example is a batch of one.

    Rows are checked: non-empty, all as wide as the first, Values or real numbers.
    """
    batch = False
    pred, target = plain(pred), plain(target)
    if _is_scalar(pred):
        rows, targets = [[pred]], [target]
    else:
        examples = sequence(pred, f"{loss} expects a Value, a list of Values (one example) "
                                  "or a list of lists (a batch)")
        if len(examples) == 0:
            raise ValueError(
                f"{loss} expects a non-empty list of {words.item}s or a batch of them, "
                "got an empty list"
            )
        if not _is_list(examples[0]):
            rows, targets = [list(examples)], [target]
        else:
            batch = True
            count = len(examples)
            if not _is_list(target):
                raise ValueError(
                    f"{loss} got a batch of {count} examples but a single target "
                    f"{short_repr(target)}; pass one {words.target} per example"
                )
            targets = list(target)  # type: ignore[call-overload]
            if len(targets) != count:
                raise ValueError(
                    f"{loss} got a batch of {count} {words.batch} but {len(targets)} targets"
                )
            rows = [list(sequence(row, f"{loss} expects every example of a batch to be a list "
                                       f"of Values at example {index}"))
                    for index, row in enumerate(examples)]
    width = len(rows[0])
    for index, row in enumerate(rows):
        if len(row) == 0:
            raise ValueError(
                f"{loss} expects at least one output per example, got an empty list at example {index}"
            )
        if len(row) != width:
            raise ValueError(
                f"{loss} expects every example to have the same number of outputs, "
                f"got {width} at example 0 and {len(row)} at example {index}"
            )
        _check_row(row, words.item, loss)
    return rows, targets, batch


def _target_row(target: object, width: int, loss: str, where: str) -> list[Any]:
    """One example's target as a row as wide as its predictions (a number stands for a row of one)."""
    if _is_list(target) or isinstance(target, (Mapping, Set)):
        row = list(sequence(target, f"{loss} expects a number or a list of targets{where}"))
        if len(row) != width:
            raise ValueError(f"{loss} got {width} predictions but {len(row)} targets{where}")
    elif width == 1:
        row = [target]
    else:
        raise ValueError(
            f"{loss} got {width} predictions but a single target {short_repr(target)}{where}; "
            f"pass a list of {width} targets"
        )
    _check_row(row, "target", loss)
    return row


def _rows(pred: object, target: object, loss: str) -> tuple[list[list[Any]], list[list[Any]]]:
    """(prediction rows, target rows), one row per example, checked and rectangular."""
    pred_rows, targets, batch = _examples(pred, target, loss, _OUTPUTS)
    target_rows = [
        _target_row(item, len(row), loss, f" at example {index}" if batch else "")
        for index, (row, item) in enumerate(zip(pred_rows, targets, strict=True))
    ]
    return pred_rows, target_rows


def _as_value(x: Scalar) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _mean(total: Value, count: int) -> Value:
    return total if count == 1 else total * (1.0 / count)


# ---------------------------------------------------------------- regression


def _errors(pred_rows: Any, target_rows: Any) -> list[Value]:
    """Every prediction minus its target, flattened over examples and outputs."""
    return [p - t for prow, trow in zip(pred_rows, target_rows, strict=True)
            for p, t in zip(prow, trow, strict=True)]


def mse(pred: Prediction, target: Target) -> Value:
    """Mean squared error: the mean of (pred - target)² over outputs and examples.

    Args:
        pred: One example or a batch (see the module docstring).
        target: Matching targets.

    Returns:
        A Value.

    Raises:
        ValueError: If the shapes of ``pred`` and ``target`` do not match.
        TypeError: If an element is not a Value or a real number.

    Examples:
        >>> mse([Value(1.0), Value(3.0)], [0.0, 0.0]).data
        5.0
    """
    pred_rows, target_rows = _rows(pred, target, "mse")
    errors = _errors(pred_rows, target_rows)
    return _mean(dot(errors, errors), len(errors))


def sse(pred: Prediction, target: Target) -> Value:
    """Half the sum of squared errors, ½·Σ (pred - target)², averaged over a batch.

    The ½ makes the derivative with respect to a prediction exactly
    ``pred - target``, the form used in hand-worked backpropagation.

    Args:
        pred: One example or a batch (see the module docstring).
        target: Matching targets.

    Returns:
        A Value: ½·Σ over outputs, then the mean over examples.

    Raises:
        ValueError: If the shapes of ``pred`` and ``target`` do not match.
        TypeError: If an element is not a Value or a real number.

    Examples:
        >>> sse([Value(1.0), Value(3.0)], [0.0, 0.0]).data
        5.0
    """
    pred_rows, target_rows = _rows(pred, target, "sse")
    errors = _errors(pred_rows, target_rows)
    return dot(errors, errors) * (0.5 / len(pred_rows))


# ---------------------------------------------------------------- classification


def bce_with_logits(logit: Prediction, target: Target) -> Value:
    """Binary cross-entropy on logits: mean of softplus(z) - y·z.

    Equal to -[y·log σ(z) + (1 - y)·log(1 - σ(z))], computed per element from
    the logit ``z`` as ``(1 - y)·softplus(z) + y·softplus(-z)`` with the
    engine's overflow-free softplus, then summed: every term is at least 0,
    so it is finite for any finite ``z`` and a large logit never cancels the
    others' small losses. At an infinite logit it gives the limit (0 when
    the logit agrees with its label, inf when not).

    Args:
        logit: Logits (no sigmoid applied): one example or a batch.
        target: Labels in {0, 1} (probabilities in [0, 1] also work).

    Returns:
        A Value: the mean over outputs and examples.

    Raises:
        ValueError: If shapes do not match or a target is outside [0, 1].
        TypeError: If an element is not a Value or a real number.

    Examples:
        >>> round(bce_with_logits(Value(0.0), 1).data, 4)
        0.6931
    """
    logit_rows, target_rows = _rows(logit, target, "bce_with_logits")
    zs = [_as_value(z) for row in logit_rows for z in row]
    ys = [t for row in target_rows for t in row]
    for index, y in enumerate(ys):
        if not isinstance(y, Value) and not 0.0 <= y <= 1.0:
            raise ValueError(
                f"bce_with_logits expects targets in {{0, 1}} (or probabilities in [0, 1]), "
                f"got {y!r} at position {index}"
            )
    # Per element (1 - y)·softplus(z) + y·softplus(-z), which is softplus(z) - y·z: terms that are
    # never negative, so a large logit elsewhere in the batch cannot cancel the small ones. One
    # form for every label, with no decision on it: a target jit made an input of the program
    # (a traced number) computes exactly what the plain number does, batch after batch.
    return _mean(vsum([_binary_cross_entropy(z, y) for z, y in zip(zs, ys, strict=True)]), len(zs))


def _binary_cross_entropy(z: Value, y: Any) -> Value:
    label = y if standing_for(y) is not None else float(y)
    return (1.0 - label) * z.softplus() + label * (-z).softplus()


def cross_entropy(
    logits: Sequence[Scalar] | Sequence[Sequence[Scalar]],
    target_index: int | Sequence[float] | Sequence[int | Sequence[float]],
) -> Value:
    """Softmax cross-entropy: mean of log Σ_j exp(z_j) - z_target, via log-sum-exp.

    Computed per example as ``log Σ_j exp(z_j - m) + (m - z_target)`` with ``m``
    the largest logit (``autograd.vmax``): no exp overflows, the log never
    sees 0, and both terms are at least 0, so nothing cancels (two equal
    logits of 1e16 give log 2). The mean over examples is taken after.
    A target may also be a distribution over the classes (one-hot, or soft
    labels), as in PyTorch: the loss is then ``Σ_k t_k (log Σ_j exp(z_j) - z_k)``.
    Inside a jit-compiled function a class index picks its logit by its exact
    number, so another label traces again; pass one-hot targets to replay one
    program for every label.

    Args:
        logits: One example's logits (a list, one per class), or a batch (a
            list of such lists).
        target_index: The correct class for each example (an int, or a list
            of ints for a batch), or a distribution per example (a list of
            one number or Value per class).

    Returns:
        A Value: the mean over examples.

    Raises:
        ValueError: If the batch size and number of targets differ, a logits
            list is empty, a target index is out of range, or a distribution
            has the wrong length or a number outside [0, 1].
        TypeError: If a target is neither an int nor a list, or a logit not a Value/number.

    Examples:
        >>> round(cross_entropy([Value(1000.0), Value(1000.0)], 0).data, 4)
        0.6931
    """
    if _is_scalar(logits):  # one logit is not a distribution over classes
        raise ValueError(f"cross_entropy expects a non-empty list of logits, got {short_repr(logits)}")
    rows, targets, batch = _examples(logits, target_index, "cross_entropy", _LOGITS)
    count = len(rows)
    # The mean of the per-example losses, as one dot node: weights and terms. Each loss is
    # -log_softmax(z)[k] = log Σ_j exp(z_j - m) + (m - z_k), two terms that are never negative,
    # so equal huge logits give log 2, not the 0 that (m + lse) - z_k rounds to.
    weights: list[Value | float] = []
    terms: list[Value] = []
    for index, (row, target) in enumerate(zip(rows, targets, strict=True)):
        where = f" at example {index}" if batch else ""
        if _is_list(target):
            distribution = _distribution(target, len(row), where)
            for t, log_p in zip(distribution, log_softmax(row), strict=True):
                # A zero share adds nothing, not 0·inf; a share that stands for a Value (a
                # Value, or a target jit made an input) is arithmetic, never a decision.
                if standing_for(t) is not None:
                    weights.append(t * (-1.0 / count))
                    terms.append(log_p)
                elif t != 0.0:
                    weights.append(-t / count)
                    terms.append(log_p)
            continue
        if not is_int(target):
            raise TypeError(
                f"cross_entropy expects an int class index{where}, got "
                f"{type(target).__name__}: {target!r} (or pass a list of probabilities per example)"
            )
        if not 0 <= int(target) < len(row):
            raise ValueError(
                f"cross_entropy target index must be in [0, {len(row)}) for {len(row)} classes"
                f"{where}, got {target}"
            )
        weights.append(-1.0 / count)
        terms.append(log_softmax(row)[int(target)])
    return dot(weights, terms)


def _distribution(target: Any, classes: int, where: str) -> list[Value | float]:
    row = list(sequence(target, f"cross_entropy expects a list of probabilities{where}"))
    if len(row) != classes:
        raise ValueError(
            f"cross_entropy got {classes} logits but a distribution of {len(row)} targets{where}"
        )
    _check_row(row, "probability", "cross_entropy")
    for t in row:
        if not isinstance(t, Value) and not 0.0 <= t <= 1.0:
            raise ValueError(f"cross_entropy expects probabilities in [0, 1]{where}, got {t!r}")
    return row


def hinge(score: Prediction, label: Target) -> Value:
    """SVM hinge loss: mean of max(0, 1 - label·score), labels -1 or +1.

    Args:
        score: Raw scores (no activation): one example or a batch.
        label: -1 or +1 per score (map 0/1 labels with ``2 * y - 1``). A label
            that is a Value enters the margin arithmetically, ``relu(1 -
            label·score)``, and is not checked; so does a number argument
            of a jit-compiled function, checked with ``label * label == 1``
            (one decision, the same for both labels, so a batch of other
            labels replays the same program).

    Returns:
        A Value: the mean over outputs and examples.

    Raises:
        ValueError: If shapes do not match or a label is not -1 or +1.
        TypeError: If an element is not a Value or a real number.

    Examples:
        >>> hinge([Value(0.5), Value(-2.0)], [1, -1]).data
        0.25
    """
    score_rows, label_rows = _rows(score, label, "hinge")
    margins: list[Value] = []
    for row, labels in zip(score_rows, label_rows, strict=True):
        for s, y in zip(row, labels, strict=True):
            if isinstance(y, Value):
                margins.append((1.0 - y * s).relu())
            elif standing_for(y) is not None:  # a traced number: the same bits as the branches below
                if not y * y == 1:
                    raise ValueError(
                        f"hinge expects labels -1 or +1, got {y!r}; map 0/1 labels with 2 * y - 1"
                    )
                margins.append((1.0 - y * _as_value(s)).relu())
            elif y == 1:
                margins.append((1.0 - _as_value(s)).relu())
            elif y == -1:
                margins.append((_as_value(s) + 1.0).relu())
            else:
                raise ValueError(
                    f"hinge expects labels -1 or +1, got {y!r}; map 0/1 labels with 2 * y - 1"
                )
    return _mean(vsum(margins), len(margins))


# ---------------------------------------------------------------- regularisation


def l2(parameters: Iterable[Value] | Module) -> Value:
    """The sum of squares of ``parameters``: Σ p² (multiply by λ for weight decay).

    Args:
        parameters: Values, or a Module (its ``parameters()`` are used).

    Returns:
        A Value (0.0 for no parameters).

    Raises:
        TypeError: If an item is not a Value or a real number.

    Examples:
        >>> l2([Value(3.0), Value(4.0)]).data
        25.0
    """
    values = parameters.parameters() if isinstance(parameters, Module) else list(parameters)
    return dot(values, values)


def penalised(loss: Value, coefficient: float, parameters: list[Value]) -> Value:
    """``loss + coefficient · Σ p²``, the loss ``fit`` minimises with ``l2=coefficient``; ``loss`` itself for 0."""
    return loss + coefficient * l2(parameters) if coefficient else loss
