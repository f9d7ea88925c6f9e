"""Training loop: ``fit`` a model by gradient descent; ``evaluate`` and ``predict`` it.

``fit`` runs full-batch (``batch_size=None``), mini-batch, or stochastic
(``batch_size=1``) gradient descent, one optimizer step per batch:

    outputs = [model(x) for x in batch]       # forward
    loss = loss_fn(outputs, targets)          # + l2 · Σ p² if asked
    model.zero_grad(); loss.backward()        # the chain rule, by the engine
    optimizer.step()                          # the update rule

Losses by name, and what "accuracy" means for each:

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

import math
import numbers
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from autograd import Value, no_grad

from .losses import bce_with_logits, cross_entropy, hinge, mse
from .losses import l2 as l2_penalty
from .module import Module

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LOSSES: tuple[str, ...] = ("hinge", "bce", "cross_entropy", "mse")
"""The loss names ``fit`` and ``evaluate`` accept."""

Outputs = list[list[Value]]
LossFunction = Callable[[Outputs, list[Any]], Value]
Forward = Callable[[Sequence[float]], list[Value]]


# ---------------------------------------------------------------- History


@dataclass
class History:
    """What happened during :func:`fit`, one entry per epoch.

    Attributes:
        train_loss: Mean loss over the epoch's batches (weighted by batch size),
            measured while training, before each step; the ``l2`` penalty is
            not included.
        train_accuracy: Fraction of training examples classified correctly,
            measured the same way; empty when the loss has no notion of class.
        val_loss: Loss on the validation set after the epoch (eval mode);
            empty without validation data.
        val_accuracy: Accuracy on the validation set after the epoch.
        best_epoch: With early stopping, the index (0-based) of the epoch
            whose weights were restored; None otherwise.
        stopped_early: True if early stopping ended training before ``epochs``.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.train_loss)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict with the same fields."""
        return {
            "train_loss": list(self.train_loss),
            "train_accuracy": list(self.train_accuracy),
            "val_loss": list(self.val_loss),
            "val_accuracy": list(self.val_accuracy),
            "best_epoch": self.best_epoch,
            "stopped_early": self.stopped_early,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> History:
        """Rebuild a History from :meth:`to_dict`'s output."""
        return cls(
            train_loss=[float(v) for v in data.get("train_loss", [])],
            train_accuracy=[float(v) for v in data.get("train_accuracy", [])],
            val_loss=[float(v) for v in data.get("val_loss", [])],
            val_accuracy=[float(v) for v in data.get("val_accuracy", [])],
            best_epoch=data.get("best_epoch"),
            stopped_early=bool(data.get("stopped_early", False)),
        )

    def plot(self, path: str | None = None) -> Figure:
        """Loss (and accuracy, when recorded) per epoch, training and validation.

        Uses a bare matplotlib ``Figure`` (no pyplot state), so it works
        without a display; in Jupyter the returned figure shows inline.

        Args:
            path: If given, also save the figure there (format from the
                extension, e.g. ``loss.png``).

        Returns:
            The matplotlib Figure.
        """
        from matplotlib.figure import Figure

        panels = 2 if self.train_accuracy else 1
        figure = Figure(figsize=(4.5 * panels, 3.4), layout="constrained")
        axes = figure.subplots(1, panels, squeeze=False)[0]
        epochs = range(1, self.epochs + 1)
        series = [("loss", self.train_loss, self.val_loss)]
        if self.train_accuracy:
            series.append(("accuracy", self.train_accuracy, self.val_accuracy))
        for axis, (name, train, val) in zip(axes, series, strict=True):
            axis.plot(epochs, train, label=f"train {name}")
            if val:
                axis.plot(epochs, val, label=f"validation {name}")
            if self.best_epoch is not None:
                axis.axvline(self.best_epoch + 1, color="grey", linestyle=":", label="best epoch")
            axis.set_xlabel("epoch")
            axis.set_ylabel(name)
            if name == "loss" and min(train + val, default=1.0) > 0.0:
                axis.set_yscale("log")  # losses span decades; a log scale shows the late progress
            axis.grid(True, alpha=0.3)
            axis.legend()
        if path is not None:
            figure.savefig(path, dpi=120)
        return figure


# ---------------------------------------------------------------- losses by name


@dataclass(frozen=True)
class _Objective:
    """A loss bound to a data set: the targets it needs and how to read a class."""

    name: str
    loss: LossFunction
    targets: list[Any]  # what ``loss`` receives, one per example
    classes: list[int] | None  # the true class per example, None for regression
    classify: Callable[[list[float]], int] | None  # outputs' data -> predicted class


def _argmax(outputs: list[float]) -> int:
    return max(range(len(outputs)), key=outputs.__getitem__)


def _is_int_label(label: object) -> bool:
    return isinstance(label, numbers.Integral) and not isinstance(label, bool)


def _binary_labels(y: Sequence[Any], name: str, allowed: tuple[int, ...]) -> list[int]:
    for index, label in enumerate(y):
        if not _is_int_label(label) or label not in allowed:
            raise ValueError(
                f"loss {name!r} expects labels in {set(allowed)}, got {label!r} at example {index}"
            )
    return [int(label) for label in y]


def _need_outputs(name: str, nout: int, expected: str, ok: bool) -> None:
    if not ok:
        raise ValueError(f"loss {name!r} needs a model with {expected}, this model has {nout}")


def _first_column(outputs: Outputs) -> list[Value]:
    return [out[0] for out in outputs]


def _objective(loss: str | LossFunction, y: Sequence[Any], nout: int) -> _Objective:
    if callable(loss):
        return _Objective("custom", loss, list(y), None, None)
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)} or a callable")
    if loss == "hinge":
        _need_outputs(loss, nout, "1 output (a score)", nout == 1)
        labels = _binary_labels(y, loss, (0, 1, -1))
        signs = [1.0 if label == 1 else -1.0 for label in labels]
        return _Objective(
            loss,
            lambda outputs, targets: hinge(_first_column(outputs), targets),
            signs,
            [1 if label == 1 else 0 for label in labels],
            lambda out: 1 if out[0] > 0.0 else 0,
        )
    if loss == "bce":
        _need_outputs(loss, nout, "1 output (a logit)", nout == 1)
        labels = _binary_labels(y, loss, (0, 1))
        return _Objective(
            loss,
            lambda outputs, targets: bce_with_logits(_first_column(outputs), targets),
            [float(label) for label in labels],
            labels,
            lambda out: 1 if out[0] > 0.0 else 0,
        )
    if loss == "cross_entropy":
        _need_outputs(loss, nout, "at least 2 outputs (one logit per class)", nout >= 2)
        labels = _class_labels(y, loss, nout)
        return _Objective(loss, cross_entropy, labels, labels, _argmax)
    # mse: classification when the labels say so, otherwise regression
    if all(_is_int_label(label) for label in y):
        if nout >= 2:
            labels = _class_labels(y, loss, nout)
            one_hot = [[1.0 if j == label else 0.0 for j in range(nout)] for label in labels]
            return _Objective(loss, mse, one_hot, labels, _argmax)
        if all(label in (0, 1) for label in y):
            labels = [int(label) for label in y]
            return _Objective(
                loss, mse, [float(label) for label in labels], labels,
                lambda out: 1 if out[0] > 0.5 else 0,
            )
    return _Objective(loss, mse, list(y), None, None)


def _class_labels(y: Sequence[Any], name: str, nout: int) -> list[int]:
    for index, label in enumerate(y):
        if not _is_int_label(label) or not 0 <= label < nout:
            raise ValueError(
                f"loss {name!r} expects class indices in [0, {nout}) for a model with {nout} "
                f"outputs, got {label!r} at example {index}"
            )
    return [int(label) for label in y]


# ---------------------------------------------------------------- argument checks


def _check_model(model: object) -> Forward:
    if not isinstance(model, Module) or not callable(model):
        raise TypeError(
            f"expected a callable nn.Module (e.g. nn.MLP) as the model, got {type(model).__name__}"
        )
    return cast(Forward, model)


def _check_data(X: object, y: object, what: str) -> None:
    for name, seq in (("X", X), ("y", y)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence):
            raise TypeError(f"{what} expects {name} to be a list, got {type(seq).__name__}")
    X = cast(Sequence[Any], X)
    y = cast(Sequence[Any], y)
    if len(X) == 0:
        raise ValueError(f"{what} expects at least one example, got an empty X")
    if len(X) != len(y):
        raise ValueError(
            f"{what} expects one label per example, got {len(X)} examples and {len(y)} labels"
        )


def _optional_positive_int(value: object, what: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{what} must be a positive int or None, got {type(value).__name__}: {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be a positive int or None, got {value!r}")
    return int(value)


def _output_count(forward: Forward, X: Sequence[Sequence[float]]) -> int:
    with no_grad():
        outputs = forward(X[0])
    if not isinstance(outputs, list) or not all(isinstance(o, Value) for o in outputs):
        raise TypeError(
            f"the model must return a list of Values for one example, got {type(outputs).__name__}"
        )
    return len(outputs)


def _accuracy_count(objective: _Objective, outputs: Outputs, indices: Sequence[int]) -> int:
    classify = cast(Callable[[list[float]], int], objective.classify)
    classes = cast(list[int], objective.classes)
    return sum(
        classify([value.data for value in out]) == classes[i]
        for out, i in zip(outputs, indices, strict=True)
    )


# ---------------------------------------------------------------- fit


def fit(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    *,
    loss: str | LossFunction,
    optimizer: Any,
    epochs: int,
    batch_size: int | None = None,
    validation: tuple[Sequence[Sequence[float]], Sequence[Any]] | None = None,
    early_stopping: int | None = None,
    progress: bool = True,
    l2: float = 0.0,
    shuffle: bool = True,
    seed: int | None = None,
) -> History:
    """Train ``model`` on ``(X, y)`` and return the per-epoch history.

    The model is in training mode during the epochs (dropout active) and in
    evaluation mode for validation; it is left in the mode it was in before.

    Args:
        model: An :class:`nn.Module` that maps one example to a list of Values
            (e.g. :class:`nn.MLP`).
        X: Training examples.
        y: One label (or regression target) per example; see the module
            docstring for what each loss expects.
        loss: One of :data:`LOSSES` or a callable ``loss(outputs, targets)``.
        optimizer: An :mod:`nn.optim` optimizer over the model's parameters.
        epochs: Passes over the training set, >= 1.
        batch_size: Examples per step; None for full-batch gradient descent,
            1 for stochastic gradient descent.
        validation: ``(X_val, y_val)`` evaluated after every epoch.
        early_stopping: Patience: stop when the validation loss has not
            improved for this many epochs, then restore the weights of the
            best epoch (restored also when all epochs ran). Needs ``validation``.
        progress: Show a tqdm progress bar (a widget in notebooks).
        l2: Coefficient λ of an ``λ·Σ p²`` penalty added to the loss, >= 0.
        shuffle: Visit the examples in a new random order every epoch.
        seed: Seed for that order (None: a fresh order each run).

    Returns:
        The :class:`History`.

    Raises:
        TypeError: If the model, data or options have the wrong type.
        ValueError: If shapes, labels or options do not fit together (e.g.
            ``"bce"`` with a 3-output model, ``early_stopping`` without
            ``validation``).
        FloatingPointError: If the loss or a gradient becomes NaN or inf; the
            message names the epoch and step. Raised before the optimizer
            step, so the weights are those of the last good step.

    Example:
        >>> import nn
        >>> X, y = nn.xor()
        >>> model = nn.MLP(2, [8, 1], activation="tanh", seed=1)
        >>> optimizer = nn.Adam(model.parameters(), lr=0.1)
        >>> history = nn.fit(model, X, y, loss="bce", optimizer=optimizer, epochs=150,
        ...                  progress=False)
        >>> nn.predict_classes(model, X, loss="bce")
        [0, 1, 1, 0]
    """
    forward = _check_model(model)
    _check_data(X, y, "fit")
    if epochs is None:
        raise TypeError("epochs must be a positive int, got None")
    epochs = cast(int, _optional_positive_int(epochs, "epochs"))
    batch_size = _optional_positive_int(batch_size, "batch_size")
    early_stopping = _optional_positive_int(early_stopping, "early_stopping")
    if not hasattr(optimizer, "step") or not hasattr(optimizer, "zero_grad"):
        raise TypeError(
            f"optimizer must have step() and zero_grad() (e.g. nn.Adam), got {type(optimizer).__name__}"
        )
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not math.isfinite(l2) or l2 < 0:
        raise ValueError(f"l2 must be a finite number >= 0, got {l2!r}")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError("validation must be a pair (X_val, y_val)")
        _check_data(validation[0], validation[1], "fit validation")
    if early_stopping is not None and validation is None:
        raise ValueError("early_stopping needs validation=(X_val, y_val) to watch the validation loss")

    objective = _objective(loss, y, _output_count(forward, X))
    if validation is not None:
        _objective(loss, validation[1], _output_count(forward, validation[0]))  # check labels now
    parameters = model.parameters()
    count = len(X)
    size = count if batch_size is None else min(batch_size, count)
    rng = random.Random(seed)
    order = list(range(count))

    from tqdm.auto import tqdm

    history = History()
    best_loss = math.inf
    best_state: dict[str, float] | None = None
    since_best = 0
    previous_mode = model.training
    bar = tqdm(range(1, epochs + 1), desc="fit", unit="epoch", disable=not progress)
    try:
        for epoch in bar:
            model.train()
            if shuffle:
                rng.shuffle(order)
            total_loss = 0.0
            correct = 0
            for step, start in enumerate(range(0, count, size), start=1):
                indices = order[start : start + size]
                outputs = [forward(X[i]) for i in indices]
                data_loss = objective.loss(outputs, [objective.targets[i] for i in indices])
                total = data_loss + l2 * l2_penalty(parameters) if l2 else data_loss
                if not math.isfinite(total.data):
                    raise FloatingPointError(
                        f"the loss became {total.data} at epoch {epoch}, step {step} "
                        f"(a batch of {len(indices)} examples); training stopped before the "
                        "optimizer step, so the weights are those of the previous step. "
                        "Try a smaller learning rate or standardized inputs."
                    )
                model.zero_grad()
                optimizer.zero_grad()
                total.backward()
                _check_gradients(model, epoch, step)
                optimizer.step()
                total_loss += data_loss.data * len(indices)
                if objective.classify is not None:
                    correct += _accuracy_count(objective, outputs, indices)
            history.train_loss.append(total_loss / count)
            if objective.classify is not None:
                history.train_accuracy.append(correct / count)
            postfix = {"loss": f"{history.train_loss[-1]:.4f}"}
            if history.train_accuracy:
                postfix["acc"] = f"{history.train_accuracy[-1]:.3f}"
            if validation is not None:
                val_loss, val_accuracy = evaluate(model, validation[0], validation[1], loss=loss)
                history.val_loss.append(val_loss)
                postfix["val_loss"] = f"{val_loss:.4f}"
                if val_accuracy is not None:
                    history.val_accuracy.append(val_accuracy)
                    postfix["val_acc"] = f"{val_accuracy:.3f}"
                if early_stopping is not None:
                    if val_loss < best_loss:
                        best_loss, best_state, since_best = val_loss, model.state_dict(), 0
                        history.best_epoch = epoch - 1
                    else:
                        since_best += 1
                        if since_best >= early_stopping:
                            history.stopped_early = epoch < epochs
                            bar.set_postfix(postfix)
                            break
            bar.set_postfix(postfix)
    finally:
        bar.close()
        model.train(previous_mode)
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


def _check_gradients(model: Module, epoch: int, step: int) -> None:
    for name, value in model.named_parameters():
        if not math.isfinite(value.grad):
            raise FloatingPointError(
                f"the gradient of {name} became {value.grad} at epoch {epoch}, step {step}; "
                "training stopped before the optimizer step, so the weights are those of the "
                "previous step. Try a smaller learning rate or standardized inputs."
            )


# ---------------------------------------------------------------- evaluate / predict


def evaluate(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    loss: str | LossFunction,
) -> tuple[float, float | None]:
    """The mean loss and the accuracy of ``model`` on ``(X, y)``, in eval mode.

    Runs under :func:`autograd.no_grad` (no graph is recorded, so it is fast
    and leaves gradients alone), then restores the model's mode.

    Args:
        model: The model.
        X: Examples.
        y: Labels or targets.
        loss: As for :func:`fit`.

    Returns:
        ``(loss, accuracy)``; accuracy is None when the loss has no notion
        of class (regression, callable losses).

    Raises:
        TypeError, ValueError: As :func:`fit`, for bad data or labels.
    """
    forward = _check_model(model)
    _check_data(X, y, "evaluate")
    previous_mode = model.training
    model.eval()
    try:
        with no_grad():
            outputs = [forward(x) for x in X]
            objective = _objective(loss, y, len(outputs[0]))
            value = objective.loss(outputs, objective.targets).data
    finally:
        model.train(previous_mode)
    if objective.classify is None:
        return value, None
    return value, _accuracy_count(objective, outputs, range(len(X))) / len(X)


def predict(model: Module, X: Sequence[Sequence[float]]) -> list[list[float]]:
    """The model's outputs for every example, as floats (eval mode, no graph).

    Args:
        model: The model.
        X: Examples.

    Returns:
        One list of output floats per example (logits/scores, not probabilities).
    """
    forward = _check_model(model)
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence):
        raise TypeError(f"predict expects a list of examples, got {type(X).__name__}")
    previous_mode = model.training
    model.eval()
    try:
        with no_grad():
            return [[value.data for value in forward(x)] for x in X]
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
        ValueError: If ``loss`` is not one of :data:`LOSSES`.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)}")
    return [classify_output(out, loss) for out in predict(model, X)]


def classify_output(output: Sequence[float], loss: str) -> int:
    """The class that one example's outputs stand for, under ``loss`` (see :func:`predict_classes`)."""
    if len(output) > 1:
        return _argmax(list(output))
    threshold = 0.5 if loss == "mse" else 0.0
    return 1 if output[0] > threshold else 0


def compute_loss(outputs: Outputs, y: Sequence[Any], loss: str | LossFunction) -> Value:
    """The loss ``fit`` minimises, for given outputs and labels, as a Value with its graph.

    Useful to look at one step by hand: ``compute_loss([model(x)], [label], "bce").backward()``.

    Args:
        outputs: One list of output Values per example (``[model(x) for x in X]``).
        y: One label or target per example, as for :func:`fit`.
        loss: One of :data:`LOSSES` or a callable.

    Returns:
        The mean loss over the examples.

    Raises:
        ValueError: If the labels do not suit the loss or the number of outputs.
    """
    if isinstance(outputs, (str, bytes)) or not isinstance(outputs, Sequence) or not outputs:
        raise ValueError("compute_loss expects a non-empty list with one list of outputs per example")
    _check_data(outputs, y, "compute_loss")
    objective = _objective(loss, y, len(outputs[0]))
    return objective.loss(list(outputs), objective.targets)
