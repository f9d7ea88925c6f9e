"""Optimizers: SGD, RMSprop, Adam, AdamW.

Each ``step()`` applies the same update formula as the ``torch.optim`` class
of the same name (defaults: dampening 0, ``centered=False``, no AMSGrad), to
each parameter's ``.data`` using its ``.grad``. Per-parameter state (momentum
buffers, moment estimates) lives in the optimizer, in lists indexed by the
parameter's position in ``params``, never on the Values.

Learning rate: a float, or a schedule ``lr(step) -> float`` (see
:mod:`nn.optim.schedules`). ``step`` counts
the ``step()`` calls made before this one, so the first update uses ``lr(0)``;
after it ``step_count`` is 1 (Adam's bias correction uses that count, 1 for
the first update, as in the papers and in PyTorch).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any

from autograd import Value

from .._checks import non_negative, ordered_items, pair, probability, strict_bool
from ..modules.module import Module
from .schedules import Schedule

__all__ = [
    "SGD", "Adam", "AdamW", "LearningRate", "Optimizer", "ParamGroup", "RMSprop", "register_flat_update",
]

LearningRate = float | Schedule


# ---------------------------------------------------------------- argument checks


def _check_lr(lr: object) -> LearningRate:
    if callable(lr):
        return lr  # checked at each step, where it is called
    return non_negative(lr, "lr")


def _check_params(params: object, owner: str) -> list[Value]:
    if isinstance(params, Module):
        raise TypeError(f"{owner} expects a list of Values; pass model.parameters(), not the model")
    values = ordered_items(params, f"{owner} expects a non-empty list of Values")
    if not values:
        raise ValueError(f"{owner} expects a non-empty list of Values, got an empty list")
    first_index: dict[Value, int] = {}
    for index, value in enumerate(values):
        if not isinstance(value, Value):
            raise TypeError(
                f"{owner} expects Values, got {type(value).__name__} at position {index}"
            )
        if not value.is_leaf:
            raise ValueError(
                f"{owner} can only update leaf Values (parameters), got a {value.op!r} "
                f"node at position {index}; detach() it or pass the leaves it was made from"
            )
        if value in first_index:
            raise ValueError(
                f"{owner} got the same Value at positions {first_index[value]} and {index}; "
                f"each parameter must appear once"
            )
        first_index[value] = index
    return values


# ---------------------------------------------------------------- base class

_FLAT_UPDATE: list[Callable[[Optimizer], Any]] = []  # set by nn.optim.native, which builds on this module


def register_flat_update(factory: Callable[[Optimizer], Any]) -> None:
    """Make ``factory(optimizer)`` (a flat update, or None) what :meth:`Optimizer.flat_update` returns."""
    _FLAT_UPDATE[:] = [factory]


class Optimizer:
    """Base class: holds the parameters, the learning rate and the step count.

    Args:
        params: The parameters to update (a non-empty list of distinct leaf Values).
        lr: A float >= 0, or a schedule ``lr(step) -> float``.

    Attributes:
        params: The parameters, in the given order (state lists follow it).
        step_count: How many ``step()`` calls have been made.

    Raises:
        TypeError: If ``params`` is not a list of Values or ``lr`` not a number
            or callable.
        ValueError: If ``params`` is empty or has duplicates, or ``lr`` < 0.
    """

    def __init__(self, params: Iterable[Value], lr: LearningRate) -> None:
        self.params = _check_params(params, type(self).__name__)
        self.lr = lr
        self.step_count = 0

    @property
    def lr(self) -> LearningRate:
        """The learning rate as given: a float or a schedule (assign to change it)."""
        return self._lr

    @lr.setter
    def lr(self, lr: LearningRate) -> None:
        self._lr = _check_lr(lr)

    @property
    def current_lr(self) -> float:
        """The learning rate the next ``step()`` will use."""
        lr = self._lr
        if not callable(lr):
            return lr
        try:
            return non_negative(lr(self.step_count), "scheduled lr")
        except (TypeError, ValueError) as error:
            raise type(error)(f"{error} (schedule {lr!r} at step {self.step_count})") from None

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Set every parameter's ``.grad`` to 0.0.

        Args:
            set_to_none: Accepted for PyTorch's signature; a Value's gradient is
                always a number, so it becomes 0.0 either way.
        """
        strict_bool(set_to_none, "set_to_none")
        for value in self.params:
            value.grad = 0.0

    @property
    def param_groups(self) -> list[ParamGroup]:
        """PyTorch's view of the settings: one group, ``[{"params": ..., "lr": ..., ...}]``.

        ``optimizer.param_groups[0]["lr"] = 0.01`` changes the learning rate,
        as ``optimizer.lr = 0.01`` does; valuegrad's optimizers have one group.
        """
        return [ParamGroup(self)]

    def step(self) -> None:
        """Update every parameter once from its ``.grad``.

        All or nothing: if the update raises (a schedule that fails, an
        optimizer of your own that raises, an interrupt), every parameter's
        ``.data`` and the optimizer's state are put back as they were before
        the call, and the error is raised again.
        """
        lr = self.current_lr
        weights = [value.data for value in self.params]
        state = {name: list(item) if isinstance(item, list) else item
                 for name, item in vars(self).items()}
        try:
            self._update(lr)
        except BaseException:
            for value, data in zip(self.params, weights, strict=True):
                value.data = data
            vars(self).update(state)
            raise
        self.step_count += 1

    def _update(self, lr: float) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _update")

    def flat_update(self) -> Any:
        """This optimizer's update in C on flat buffers (:class:`nn.optim.native.FlatUpdate`), or None.

        None for an optimizer of another kind (a subclass may change the
        update) or without a C compiler. ``fit(jit=True)`` steps through it.
        """
        return _FLAT_UPDATE[0](self) if _FLAT_UPDATE else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self._lr!r})"


class ParamGroup(MutableMapping[str, Any]):
    """An optimizer's settings as PyTorch's ``param_groups[0]`` dict: reads and ``"lr"`` writes go to it."""

    _SETTINGS = ("lr", "momentum", "dampening", "nesterov", "alpha", "betas", "eps", "weight_decay")

    def __init__(self, optimizer: Optimizer) -> None:
        self._optimizer = optimizer

    def _keys(self) -> list[str]:
        return ["params", *(name for name in self._SETTINGS if hasattr(self._optimizer, name))]

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys():
            raise KeyError(key)
        return getattr(self._optimizer, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if key != "lr":
            raise KeyError(
                f"param_groups[0][{key!r}] cannot be set: valuegrad's optimizers have one group, "
                f"and only 'lr' is changed through it; set optimizer.{key} on a new optimizer"
            )
        self._optimizer.lr = value

    def __delitem__(self, key: str) -> None:
        raise KeyError(f"param_groups[0][{key!r}] cannot be removed")

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __repr__(self) -> str:
        return repr(dict(self))


# ---------------------------------------------------------------- SGD


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, Nesterov and weight decay.

    For each parameter p with gradient g (as ``torch.optim.SGD``, dampening 0)::

        g = g + weight_decay * p
        buf = g                       (first step)
        buf = momentum * buf + g      (later steps)
        g = g + momentum * buf  if nesterov  else  buf      (when momentum > 0)
        p = p - lr * g

    Args:
        params: The parameters to update.
        lr: Learning rate (float >= 0 or schedule).
        momentum: Momentum factor, >= 0.
        nesterov: Use Nesterov momentum (needs momentum > 0).
        weight_decay: L2 penalty coefficient added to the gradient, >= 0.

    Attributes:
        momentum_buffers: One buffer per parameter (position-aligned with
            ``params``); empty until the first step with momentum.

    Raises:
        ValueError: For negative hyper-parameters, or nesterov without momentum.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = non_negative(momentum, "momentum")
        strict_bool(nesterov, "nesterov")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs a momentum > 0, got momentum=0.0")
        self.nesterov = nesterov
        self.weight_decay = non_negative(weight_decay, "weight_decay")
        self.momentum_buffers: list[float] = []

    def _update(self, lr: float) -> None:
        params = self.params
        decay = self.weight_decay
        momentum = self.momentum
        if momentum == 0.0:
            if decay == 0.0:
                for p in params:
                    p.data -= lr * p.grad
            else:
                for p in params:
                    data = p.data
                    p.data = data - lr * (p.grad + decay * data)
            return
        first = not self.momentum_buffers
        buffers = self.momentum_buffers
        if first:
            buffers.extend([0.0] * len(params))
        nesterov = self.nesterov
        for index, p in enumerate(params):
            data = p.data  # read once: each read is a property call
            g = p.grad + decay * data
            buffer = g if first else momentum * buffers[index] + g
            buffers[index] = buffer
            p.data = data - lr * (g + momentum * buffer if nesterov else buffer)


# ---------------------------------------------------------------- RMSprop


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root-mean-square of recent gradients.

    For each parameter p with gradient g (as ``torch.optim.RMSprop``, centered=False)::

        g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g²                (v starts at 0)
        buf = momentum * buf + g / (√v + eps); p = p - lr * buf   (momentum > 0; buf starts at 0)
        p = p - lr * g / (√v + eps)                     (momentum = 0)

    Args:
        params: The parameters to update.
        lr: Learning rate (float >= 0 or schedule).
        alpha: Smoothing constant of the squared-gradient average, in [0, 1).
        eps: Added to the denominator for stability, >= 0. With 0, a parameter
            whose gradients so far were all 0 is not moved (PyTorch writes NaN).
        momentum: Momentum factor, >= 0.
        weight_decay: L2 penalty coefficient added to the gradient, >= 0.

    Attributes:
        square_averages: v per parameter (position-aligned with ``params``).
        momentum_buffers: buf per parameter (used when momentum > 0).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.alpha = probability(alpha, "alpha")
        self.eps = non_negative(eps, "eps")
        self.momentum = non_negative(momentum, "momentum")
        self.weight_decay = non_negative(weight_decay, "weight_decay")
        self.square_averages = [0.0] * len(self.params)
        self.momentum_buffers = [0.0] * len(self.params)

    def _update(self, lr: float) -> None:
        alpha, eps, momentum, decay = self.alpha, self.eps, self.momentum, self.weight_decay
        averages = self.square_averages
        buffers = self.momentum_buffers
        sqrt = math.sqrt
        keep = 1.0 - alpha
        for index, p in enumerate(self.params):
            data = p.data
            g = p.grad + decay * data
            average = averages[index] = alpha * averages[index] + keep * g * g
            denominator = sqrt(average) + eps
            scaled = g / denominator if denominator else 0.0  # 0 only with eps = 0, no gradient yet
            if momentum > 0.0:
                scaled = buffers[index] = momentum * buffers[index] + scaled
            p.data = data - lr * scaled


# ---------------------------------------------------------------- Adam / AdamW


class Adam(Optimizer):
    """Adam: momentum on the gradient, scaled by a running RMS, both bias-corrected.

    For each parameter p with gradient g, at step t = 1, 2, … (as ``torch.optim.Adam``)::

        g = g + weight_decay * p                 (L2 penalty in the gradient)
        m = beta1 * m + (1 - beta1) * g          (m, v start at 0)
        v = beta2 * v + (1 - beta2) * g²
        p = p - (lr / (1 - beta1^t)) * m / (√v / √(1 - beta2^t) + eps)

    Args:
        params: The parameters to update.
        lr: Learning rate (float >= 0 or schedule).
        betas: Decay rates (beta1, beta2) of the moment estimates, each in [0, 1).
        eps: Added to the denominator for stability, >= 0. With 0, a parameter
            whose gradients so far were all 0 (√v = 0) is not moved (PyTorch
            writes NaN there).
        weight_decay: L2 penalty coefficient added to the gradient, >= 0.

    Attributes:
        first_moments: m per parameter (position-aligned with ``params``).
        second_moments: v per parameter.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        beta1, beta2 = pair(betas, "betas", "(beta1, beta2)")
        self.betas = (probability(beta1, "betas[0]"), probability(beta2, "betas[1]"))
        self.eps = non_negative(eps, "eps")
        self.weight_decay = non_negative(weight_decay, "weight_decay")
        self.first_moments = [0.0] * len(self.params)
        self.second_moments = [0.0] * len(self.params)

    def _update(self, lr: float) -> None:
        self._adam_update(lr, self.weight_decay)

    def _adam_update(self, lr: float, l2_decay: float) -> None:
        beta1, beta2 = self.betas
        eps = self.eps
        t = self.step_count + 1
        step_size = lr / (1.0 - beta1**t)
        root_correction = math.sqrt(1.0 - beta2**t)
        ms, vs = self.first_moments, self.second_moments
        sqrt = math.sqrt
        keep1, keep2 = 1.0 - beta1, 1.0 - beta2
        for index, p in enumerate(self.params):
            data = p.data
            g = p.grad + l2_decay * data
            m = ms[index] = beta1 * ms[index] + keep1 * g
            v = vs[index] = beta2 * vs[index] + keep2 * g * g
            denominator = sqrt(v) / root_correction + eps
            if denominator:  # 0 only with eps = 0 and no gradient yet: no move
                p.data = data - step_size * m / denominator


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019).

    The decay shrinks the parameter directly instead of entering the gradient
    (as ``torch.optim.AdamW``)::

        p = p - lr * weight_decay * p
        then the Adam update of p, without any L2 term in g

    Args:
        params: The parameters to update.
        lr: Learning rate (float >= 0 or schedule).
        betas: Decay rates (beta1, beta2), each in [0, 1).
        eps: Added to the denominator for stability, >= 0.
        weight_decay: Decoupled decay coefficient, >= 0.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def _update(self, lr: float) -> None:
        shrink = 1.0 - lr * self.weight_decay
        if shrink != 1.0:
            for p in self.params:
                p.data *= shrink
        self._adam_update(lr, 0.0)
