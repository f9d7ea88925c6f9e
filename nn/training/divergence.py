"""The guard against divergence in ``fit``, and the error it raises: ``TrainingDiverged``.

"The weights that gave the last finite loss", precisely: before each optimizer
step whose loss is finite, the guard copies the weights that loss was computed
from (floats only, one list). If a later loss or a gradient is NaN or inf, that
copy goes back into the model, so the step that made the damage is undone even
when the weights it wrote were still finite numbers (say 1e199). With early
stopping, the best validation weights are restored instead, once there are any.

A loss can also run away while staying finite (1e149 is a float). A batch
loss more than :data:`RUNAWAY_FACTOR` times the lowest batch loss seen so far
in the run is divergence too; the lowest is counted as at least a thousandth
of the first loss, so a run that reached a loss of 0 is not stopped by the
next small one. The weights that gave the lowest loss then go back.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator
from typing import NoReturn

from autograd import Value

from ..modules.module import Module
from .history import History

__all__ = ["RUNAWAY_FACTOR", "Guard", "TrainingDiverged"]

RUNAWAY_FACTOR = 1e6
"""How many times the lowest loss so far a batch loss may be before it counts as running away."""

ADVICE = "Try a smaller learning rate, or standardize the inputs (nn.standardize) if they are not."


class TrainingDiverged(FloatingPointError, ValueError):
    """``fit`` stopped because a loss or a gradient became NaN or inf.

    A ``ValueError`` (the data or settings cannot be trained on as given) and a
    ``FloatingPointError`` (what ``fit`` raised before, so existing handlers
    still catch it). The optimizer's own state (momentum, Adam's moments, its
    step count) is not rolled back: make a new optimizer to train on.

    Attributes:
        history: The epochs that completed before the failure.
        restored: Which weights the model now holds: ``"best_validation"``
            (early stopping's best epoch), ``"last_finite_loss"`` (the weights
            that gave the last finite training loss), ``"lowest_loss"`` (a loss
            ran away: the weights that gave the lowest training loss) or
            ``"initial"`` (the first loss was not finite, so no step was taken).
        reason: What happened and which weights the model holds, without the
            advice that ends the message (for callers with advice of their own).
    """

    def __init__(self, message: str, history: History, restored: str, reason: str = "") -> None:
        super().__init__(message)
        self.history = history
        self.restored = restored
        self.reason = reason or message


class Guard:
    """Keeps the copies of the weights ``fit`` may need to put back (see the module docstring)."""

    def __init__(self, model: Module, parameters: list[Value]) -> None:
        self._parameters = parameters
        names = {value: name for name, value in model.named_parameters()}
        self._names = [names.get(value, f"the optimizer's parameter {index}")
                       for index, value in enumerate(parameters)]
        self._last_good: Iterable[float] | None = None
        self._last_good_at = ""
        self._first_loss: float | None = None
        self._lowest: Iterable[float] | None = None  # the weights that gave the lowest loss
        self._lowest_loss = math.inf
        self._lowest_at = ""
        self._best: list[float] | None = None
        self._best_epoch = 0

    def _copy(self) -> list[float]:
        return [value.data for value in self._parameters]

    def _put_back(self, copy: Iterable[float]) -> None:
        for value, data in zip(self._parameters, copy, strict=True):
            value.data = data

    def remember(
        self, epoch: int, step: int, loss: float, history: History, weights: Iterable[float] | None = None
    ) -> None:
        """The current weights just gave the finite ``loss``: keep a copy before the step changes them.

        ``weights`` are those numbers when the parameters' ``.data`` does not
        hold them yet (``fit``'s resident steps keep them in a flat buffer).

        Raises:
            TrainingDiverged: If ``loss`` ran away (see the module docstring).
        """
        at = f"epoch {epoch}, step {step}"
        if self._first_loss is None:
            self._first_loss = loss
        scale = max(self._lowest_loss, self._first_loss / 1e3)
        if self._lowest is not None and loss > RUNAWAY_FACTOR * scale:
            self._put_back(self._lowest)
            reason = (f"the loss ran away to {loss:.3g} at {at}, more than {RUNAWAY_FACTOR:g} "
                      f"times the lowest so far ({self._lowest_loss:.3g} at {self._lowest_at}); "
                      "training stopped and the model holds the weights that gave that lowest loss")
            raise TrainingDiverged(f"{reason}. {ADVICE}", history, "lowest_loss", reason)
        self._last_good = self._copy() if weights is None else weights
        self._last_good_at = at
        if loss <= self._lowest_loss:
            self._lowest, self._lowest_loss, self._lowest_at = self._last_good, loss, at

    def remember_best(self, epoch: int) -> None:
        """The current weights gave the best validation loss so far (``epoch`` counts from 1)."""
        self._best = self._copy()
        self._best_epoch = epoch

    def restore_best(self, history: History) -> None:
        """Put the best validation weights back, if early stopping kept any."""
        if self._best is not None:
            self._put_back(self._best)
            history.best_epoch = self._best_epoch - 1

    def check_gradients(self, where: str, history: History) -> None:
        """Call :meth:`diverged` if a gradient is NaN or inf (``where`` says at which step)."""
        for name, value in zip(self._names, self._parameters, strict=True):
            if not math.isfinite(value.grad):
                self.diverged(f"the gradient of {name} became {value.grad} {where}", history)

    @contextlib.contextmanager
    def overflow(self, what: str, history: History) -> Iterator[None]:
        """Arithmetic that raises instead of giving inf (Python's float ``**`` does) is divergence too."""
        try:
            yield
        except ArithmeticError as error:
            self.diverged(f"{what}: {type(error).__name__}: {error}", history)

    @contextlib.contextmanager
    def whole_step(self) -> Iterator[None]:
        """If the optimizer's step raises anything, put back the weights it started from.

        ``fit`` never leaves a model half updated, whatever the optimizer (one
        of your own included) raised; the error is then raised again.
        """
        try:
            yield
        except BaseException:
            if self._last_good is not None:
                self._put_back(self._last_good)
            raise

    def diverged(self, what: str, history: History) -> NoReturn:
        """Put back the weights to keep and raise :class:`TrainingDiverged` saying which they are."""
        if self._best is not None:
            self.restore_best(history)
            restored = "best_validation"
            holds = f"the best validation weights (epoch {self._best_epoch})"
        elif self._last_good is not None:
            self._put_back(self._last_good)
            restored = "last_finite_loss"
            holds = f"the weights that gave the last finite loss ({self._last_good_at})"
        else:
            restored = "initial"
            holds = "the weights it had before training (no step was taken)"
        reason = f"{what}; training stopped and the model holds {holds}"
        raise TrainingDiverged(f"{reason}. {ADVICE}", history, restored, reason)
