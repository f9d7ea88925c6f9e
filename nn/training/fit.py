"""The training loop: ``fit`` a model by gradient descent.

``fit`` runs full-batch (``batch_size=None``), mini-batch, or stochastic
(``batch_size=1``) gradient descent, one optimizer step per batch:

    outputs = [model(x) for x in batch]       # forward
    loss = loss_fn(outputs, targets)          # + l2 · Σ p² if asked
    optimizer.zero_grad(); loss.backward()    # the chain rule, by the engine
    optimizer.step()                          # the update rule

The guard against divergence (:mod:`nn.training.divergence`) keeps a copy of the
weights each time a loss is finite, so when a loss or a gradient is not, the
weights that gave the last finite loss go back into the model. What each
loss name expects is in :mod:`nn.losses.objective`.
"""

from __future__ import annotations

import math
import random
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import Value, no_grad

from .._checks import (
    non_negative,
    optional_positive_int,
    pair,
    plain,
    positive_int,
    seed_or_none,
    strict_bool,
)
from ..losses.functions import penalised
from ..losses.objective import LossFunction, Objective, objective
from ..modules.module import Module
from .compiled import BatchLoss, batch_loss, jit_targets
from .divergence import Guard
from .evaluate import Forward, check_examples, check_model, forward_of, measure
from .history import History
from .resident import Resident

__all__ = ["fit"]


@dataclass
class _Run:
    """Everything one call of ``fit`` has checked, and the state it carries between steps."""

    model: Module
    forward: Forward
    objective: Objective
    optimizer: Any
    X: Sequence[Sequence[float]]
    batch_size: int
    l2: float
    validation: tuple[Sequence[Sequence[float]], Objective, BatchLoss | None, list[Any]] | None
    early_stopping: int | None
    guard: Guard
    order: list[int]
    penalised: list[Value]  # the model's parameters, for the l2 penalty
    compiled: BatchLoss | None = None  # the batch loss compiled by autograd.jit, with jit=True
    targets: list[Any] = field(default_factory=list)  # what ``compiled`` takes as targets
    native: Any = None  # the optimizer's update in C (a FlatUpdate), with jit=True where it has one
    resident: Resident | None = None  # the steps on flat buffers, with that update
    history: History = field(default_factory=History)
    since_best: int = 0
    modules: list[Module] | None = None  # the model's modules, walked once (see _mode)
    recorded: list[tuple[str, Value]] | None = None  # with record=True: the parameters kept each epoch


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
    jit: bool = False,
    record: bool = False,
) -> History:
    """Train ``model`` on ``(X, y)`` and return the per-epoch history.

    The model is in training mode during the epochs (dropout active) and in
    evaluation mode for validation; it is left in the mode it was in before.

    Args:
        model: An :class:`nn.Module` that maps one example to a list of Values
            (e.g. :class:`nn.MLP`; a :class:`nn.Neuron`'s one Value also works).
        X: Training examples: lists of finite numbers, all the same length.
        y: One label (or regression target) per example; see
            :mod:`nn.losses.objective` for what each loss expects.
        loss: One of :data:`nn.LOSSES` or a callable ``loss(outputs, targets)``
            that returns a Value.
        optimizer: An :mod:`nn.optim` optimizer over the model's parameters.
        epochs: Passes over the training set, >= 1.
        batch_size: Examples per step; None for full-batch gradient descent,
            1 for stochastic gradient descent.
        validation: ``(X_val, y_val)`` evaluated after every epoch.
        early_stopping: Patience: stop when the validation loss has not
            improved for this many epochs, then restore the weights of the
            best epoch (restored also when all epochs ran). Needs ``validation``.
        progress: Show a tqdm progress bar (a widget in notebooks; on a
            terminal only, so that a log file gets no carriage-return frames).
        l2: Coefficient λ of an ``λ·Σ p²`` penalty added to the loss, >= 0.
        shuffle: Visit the examples in a new random order every epoch.
        seed: Seed for that order (None: a fresh order each run).
        jit: Compile each batch's loss with :func:`autograd.jit`: traced once
            per batch shape (twice, to check it), then replayed as generated
            Python, several times faster on networks of many small batches.
            Losses, accuracies and weights are those of ``jit=False`` (to
            rounding). The validation pass is compiled too. With a C
            compiler, the update of an ``nn.SGD``, ``RMSprop``, ``Adam`` or
            ``AdamW`` runs in C (:mod:`nn.optim.native`, the same numbers),
            its state kept in flat buffers until ``fit`` returns; once a
            batch shape's program is confirmed, its steps stay in those
            buffers (:mod:`nn.training.resident`), the parameters' Values
            written where Python can read them.
        record: Keep the parameters, by name, as ``fit`` found them and after
            every epoch, in ``History.parameters`` (saved with the History);
            ``nn.explore_model(model, data=(X, y), history=...)`` scrubs
            through them. With ``early_stopping`` the last entry is the
            epoch that ran last, not the restored best.

    Returns:
        The :class:`nn.History`.

    Whatever is raised, the model is never left half updated: an error in
    an optimizer's step puts back the weights that step started from.

    Raises:
        TypeError: If the model, data or options have the wrong type, or a
            callable loss does not return a Value.
        ValueError: If shapes, labels or options do not fit together (e.g.
            ``"bce"`` with a 3-output model, ``early_stopping`` without
            ``validation``), if the data hold NaN or inf (the message gives the
            example), or if the optimizer holds none of the model's parameters.
        TrainingDiverged: If a loss (training or validation) or a gradient
            becomes NaN or inf, arithmetic raises (an overflow, a division by
            0), or a batch loss runs away: more than ``nn.RUNAWAY_FACTOR``
            (1e6) times the lowest loss so far (see :mod:`nn.training.divergence`). The model then holds the weights that gave the
            last finite loss, or the best validation weights with early
            stopping; the error carries the History and says which.

    Examples:
        >>> import nn
        >>> X, y = nn.xor()
        >>> model = nn.MLP(2, [8, 1], activation="tanh", seed=1)
        >>> optimizer = nn.Adam(model.parameters(), lr=0.1)
        >>> history = nn.fit(model, X, y, loss="bce", optimizer=optimizer, epochs=150,
        ...                  progress=False)
        >>> nn.predict_classes(model, X, loss="bce")
        [0, 1, 1, 0]
    """
    check_model(model)
    X, y = plain(X), plain(y)
    check_examples(X, y, "fit")
    epochs = positive_int(epochs, "epochs")
    size = optional_positive_int(batch_size, "batch_size")
    patience = optional_positive_int(early_stopping, "early_stopping")
    parameters = _trained_parameters(optimizer, model)
    l2 = non_negative(l2, "l2")
    strict_bool(progress, "progress")
    strict_bool(shuffle, "shuffle")
    strict_bool(jit, "jit")
    strict_bool(record, "record")
    rng = random.Random(seed_or_none(seed, "fit"))
    if validation is not None:
        X_val, y_val = pair(validation, "validation", "(X_val, y_val)")
        validation = (plain(X_val), plain(y_val))
        check_examples(*validation, "fit validation")
    if patience is not None and validation is None:
        raise ValueError("early_stopping needs validation=(X_val, y_val) to watch the validation loss")

    forward, nout = forward_of(model, X[0])
    watched = None
    if validation is not None:
        X_val, y_val = validation
        bound_val = objective(loss, y_val, forward_of(model, X_val[0])[1])
        compiled_val = batch_loss(forward, bound_val, 0.0, []) if jit else None
        watched = (X_val, bound_val, compiled_val, jit_targets(bound_val, nout))
    bound = objective(loss, y, nout)
    run = _Run(model, forward, bound, optimizer, X,
               len(X) if size is None else min(size, len(X)), l2, watched, patience,
               Guard(model, parameters), list(range(len(X))), model.parameters())
    if jit:
        run.compiled = batch_loss(forward, bound, l2, run.penalised)
        run.targets = jit_targets(bound, nout)
        flat_update = getattr(optimizer, "flat_update", None)
        run.native = flat_update() if callable(flat_update) else None
        if run.native is not None:
            run.resident = Resident(run.compiled, run.native, X, run.targets)
    if record:
        run.recorded = model.named_parameters()
        _record(run)
    previous_mode = model.training
    try:
        _epochs(run, epochs, shuffle, rng, progress)
    finally:
        model.train(previous_mode)
        if run.resident is not None and run.resident.dirty:  # an error mid-epoch: the weights it reached
            run.resident.write_back()
        if run.native is not None:  # the optimizer's state, as its own steps would have left it
            run.native.write_state()
    return run.history


def _trained_parameters(optimizer: Any, model: Module) -> list[Value]:
    """The Values ``optimizer`` updates; refuses one that updates none of the model's."""
    if not hasattr(optimizer, "step") or not hasattr(optimizer, "zero_grad"):
        raise TypeError(
            f"optimizer must have step() and zero_grad() (e.g. nn.Adam), got {type(optimizer).__name__}"
        )
    own = model.parameters()
    held = getattr(optimizer, "params", None)
    if not isinstance(held, list) or not all(isinstance(p, Value) for p in held):
        return own  # an optimizer of another kind: trust it with the model's parameters
    shared = len(set(own).intersection(held))
    if own and shared == 0:
        raise ValueError(
            f"the optimizer holds none of the model's {len(own)} parameters (it holds "
            f"{len(held)} other Values), so fit would train nothing; make it from this "
            f"model, e.g. nn.Adam(model.parameters())"
        )
    if shared < len(own):
        warnings.warn(
            f"the optimizer holds {shared} of the model's {len(own)} parameters; "
            f"the other {len(own) - shared} will not be trained",
            UserWarning,
            stacklevel=3,
        )
    return held


def _epochs(run: _Run, epochs: int, shuffle: bool, rng: random.Random, progress: bool) -> None:
    if progress:
        from tqdm.auto import tqdm  # a widget in Jupyter, text in a terminal
    else:
        # Not tqdm.auto: in a notebook without ipywidgets, importing it warns
        # (TqdmWarning) even for a bar that is never shown.
        from tqdm import tqdm

    bar = tqdm(range(1, epochs + 1), desc="fit", unit="epoch",
               disable=not progress or not _shows_progress(tqdm))
    try:
        for epoch in bar:
            if shuffle:
                rng.shuffle(run.order)
            _train_epoch(run, epoch)
            postfix = _postfix("", run.history.train_loss, run.history.train_accuracy)
            stop = False
            if run.validation is not None:
                _validate(run, epoch)
                postfix.update(_postfix("val_", run.history.val_loss, run.history.val_accuracy))
                stop = _should_stop(run, epoch)
            bar.set_postfix(postfix)
            if stop:
                run.history.stopped_early = epoch < epochs
                break
        else:
            if run.validation is None:
                _check_last_step(run, epochs)
    finally:
        bar.close()
    run.guard.restore_best(run.history)


def _shows_progress(bar_class: type) -> bool:
    """Whether a bar would be seen: a notebook's widget, or text on a terminal (not in a log file)."""
    if any(cls.__module__ == "tqdm.notebook" for cls in getattr(bar_class, "__mro__", ())):
        return True
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def _postfix(prefix: str, losses: list[float], accuracies: list[float]) -> dict[str, str]:
    shown = {f"{prefix}loss": f"{losses[-1]:.4f}"}
    if accuracies:
        shown[f"{prefix}acc"] = f"{accuracies[-1]:.3f}"
    return shown


def _train_epoch(run: _Run, epoch: int) -> None:
    """One pass over the training set, one optimizer step per batch; records the epoch."""
    _mode(run, True)
    total_loss = 0.0
    correct = 0
    count = len(run.order)
    for step, start in enumerate(range(0, count, run.batch_size), start=1):
        indices = run.order[start : start + run.batch_size]
        batch_loss, batch_correct = _step(run, indices, epoch, step)
        total_loss += batch_loss * len(indices)
        correct += batch_correct
    if run.resident is not None and (run.validation is not None or run.recorded is not None):
        run.resident.write_back()  # validation and the record read the Values
    if run.recorded is not None:
        _record(run)
    run.history.train_loss.append(total_loss / count)
    if run.objective.classify is not None:
        run.history.train_accuracy.append(correct / count)


def _record(run: _Run) -> None:
    assert run.recorded is not None
    run.history.parameters.append({name: parameter.data for name, parameter in run.recorded})


def _step(run: _Run, indices: list[int], epoch: int, step: int) -> tuple[float, int]:
    """Forward, loss, backward and update on one batch; (its data loss, how many it got right)."""
    where = f"at epoch {epoch}, step {step} (a batch of {len(indices)} examples)"
    resident = run.resident
    if resident is not None:
        done = resident.forward_backward(indices)
        if done is not None:
            total_loss, data_loss, outputs, grads = done
            try:
                run.guard.remember(epoch, step, total_loss, run.history, resident.weights())
            except BaseException:
                resident.dirty = False  # the guard has put the weights to keep into the Values
                raise
            resident.step(grads)
            return data_loss, run.objective.correct(outputs, indices)
        resident.write_back()  # this step runs the ordinary way, on the Values
    with run.guard.overflow(f"the loss could not be computed {where}", run.history):
        total, data_loss, outputs = _batch_loss(run, indices)
    if not math.isfinite(total.data):
        run.guard.diverged(f"the loss became {total.data} {where}", run.history)
    run.guard.remember(epoch, step, total.data, run.history)
    run.optimizer.zero_grad()
    with run.guard.overflow(f"the gradients could not be computed {where}", run.history):
        total.backward()
    run.guard.check_gradients(f"at epoch {epoch}, step {step}", run.history)
    failed = f"the optimizer's step failed {where}"
    with run.guard.whole_step(), run.guard.overflow(failed, run.history):
        if run.native is not None:
            run.native.step_values()
        else:
            run.optimizer.step()
    if resident is not None:
        resident.look(indices)
    return data_loss, run.objective.correct(outputs, indices)


def _batch_loss(run: _Run, indices: list[int]) -> tuple[Value, float, list[list[float]]]:
    """The batch's loss with its graph, its data loss (no penalty) and the outputs' numbers."""
    if run.compiled is not None:
        total, (data_loss, outputs) = run.compiled(
            [run.X[i] for i in indices], [run.targets[i] for i in indices]
        )
        return total, data_loss, outputs
    values = [run.forward(run.X[i]) for i in indices]
    loss = run.objective.value(values, indices)
    total = penalised(loss, run.l2, run.penalised)
    return total, loss.data, [[value.data for value in out] for out in values]


def _mode(run: _Run, training: bool) -> None:
    """``model.train(training)``, with the modules walked once per ``fit`` (nothing can add one meanwhile).

    A model whose class overrides ``train`` is asked each time, as without this.
    """
    model = run.model
    if type(model).train is not Module.train:
        model.train(training)
        return
    if run.modules is None:
        run.modules = list(model.modules())
    for module in run.modules:
        module.training = training


def _validate(run: _Run, epoch: int) -> None:
    """Measure the validation set in eval mode and record it; a non-finite loss is divergence."""
    assert run.validation is not None
    X_val, bound, compiled, targets = run.validation
    _mode(run, False)
    with run.guard.overflow(f"the validation loss could not be computed after epoch {epoch}",
                            run.history):
        val_loss, val_accuracy = measure(run.forward, bound, X_val, compiled, targets)
    if not math.isfinite(val_loss):
        run.guard.diverged(f"the validation loss became {val_loss} after epoch {epoch}", run.history)
    run.history.val_loss.append(val_loss)
    if val_accuracy is not None:
        run.history.val_accuracy.append(val_accuracy)


def _should_stop(run: _Run, epoch: int) -> bool:
    """Early stopping: remember the best validation weights; True once patience runs out."""
    if run.early_stopping is None:
        return False
    val_loss = run.history.val_loss[-1]
    if val_loss < min(run.history.val_loss[:-1], default=math.inf):
        run.guard.remember_best(epoch)
        run.history.best_epoch = epoch - 1
        run.since_best = 0
        return False
    run.since_best += 1
    return run.since_best >= run.early_stopping


def _check_last_step(run: _Run, epochs: int) -> None:
    """The last step's weights have given no loss yet: compute it once, on the last batch."""
    count = len(run.order)
    last = run.order[(count - 1) // run.batch_size * run.batch_size :]
    if run.resident is not None:
        run.resident.write_back()
    run.model.eval()
    with no_grad(), run.guard.overflow(
        f"the loss could not be computed after the last step (epoch {epochs})", run.history
    ):
        outputs = [run.forward(run.X[i]) for i in last]
        total = run.objective.value(outputs, last)
        total = penalised(total, run.l2, run.penalised)
    if not math.isfinite(total.data):
        run.guard.diverged(
            f"the loss became {total.data} after the last step (epoch {epochs})", run.history
        )
