"""The training and evaluation computations of ``fit`` and ``evaluate``, compiled with ``autograd.jit``.

One function computes a batch's loss from its inputs and targets, and returns
beside it (as ``jit``'s aux numbers) the data loss and the model's outputs,
which the history and the accuracy need. ``jit`` traces it once per batch
shape (the last, smaller batch gets its own trace) and replays generated
code after that. Targets enter as inputs of the program: class indices are
turned into one-hot rows first, because picking a logit by index would be a
decision on the data. Where ``jit`` refuses (a program too large to pay back
its compile time), the loss runs uncompiled, with one warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from autograd import JitError, Value, jit

from ..losses.functions import penalised
from ..losses.labels import one_hot
from ..losses.objective import Objective

__all__ = ["BatchLoss", "batch_loss", "jit_targets"]

BatchLoss = Callable[[list[Sequence[float]], list[Any]], tuple[Value, tuple[float, list[list[float]]]]]
"""``(inputs, targets) -> (total loss, (data loss, outputs))`` for one batch."""


def jit_targets(bound: Objective, nout: int) -> list[Any]:
    """``bound``'s targets as numbers a compiled program can take (one-hot rows for class indices)."""
    return one_hot(bound.targets, nout) if bound.indices else bound.targets


def batch_loss(
    forward: Callable[[Sequence[Any]], list[Value]],
    bound: Objective,
    l2: float,
    parameters: list[Value],
) -> BatchLoss:
    """A compiled function of one batch: its loss (with the ``l2`` penalty), data loss and outputs."""

    def loss_of_batch(xs: list[Sequence[float]], targets: list[Any]) -> tuple[Value, Any]:
        outputs = [forward(x) for x in xs]
        data_loss = bound.loss(outputs, targets)
        if not isinstance(data_loss, Value):
            raise TypeError(
                f"the loss function must return a Value, got {type(data_loss).__name__}"
            )
        total = penalised(data_loss, l2, parameters)
        return total, (data_loss, outputs)

    compiled = jit(loss_of_batch, has_aux=True)
    uncompiled = False

    def batch(xs: list[Sequence[float]], targets: list[Any]) -> tuple[Value, Any]:
        nonlocal uncompiled
        if not uncompiled:
            try:
                return compiled(xs, targets)
            except JitError as error:  # too large to pay back its compile time, or refused
                uncompiled = True
                warnings.warn(f"fit(jit=True) runs this loss uncompiled: {error}", stacklevel=2)
        total, (data_loss, outputs) = loss_of_batch(xs, targets)
        return total, (data_loss.data, [[value.data for value in out] for out in outputs])

    batch.jitted = compiled  # type: ignore[attr-defined]  # for the resident steps of fit
    return batch
