"""The optimizers' updates in C, on flat buffers: the same formulas, the same bits.

:class:`FlatUpdate` keeps an optimizer's parameters, gradients and state
(momentum buffers, moment estimates) in flat arrays of doubles and updates
them with one C call per step, computing exactly what the Python
``_update`` of :class:`~nn.optim.SGD` (momentum, Nesterov, weight decay),
:class:`~nn.optim.RMSprop`, :class:`~nn.optim.Adam` and
:class:`~nn.optim.AdamW` computes: each expression in the same order, no fast
math, no fused multiply-adds (the flags of :func:`autograd.compiler.load_c_functions`).
The scalars that depend on the step (the learning rate, Adam's bias
corrections) are computed in Python, as the optimizer computes them.

:func:`step_natively` is ``optimizer.step()`` done this way, for a parameter
list of Values: it reads ``.data`` and ``.grad``, updates, and writes the
parameters and the optimizer's state back, so the optimizer can go on in
Python afterwards (or the other way round).
"""

from __future__ import annotations

import ctypes
import math
from array import array
from typing import Any

from autograd import Value
from autograd.compiler import CompileFailed, NoCompiler, load_c_functions

from .optimizers import SGD, Adam, AdamW, Optimizer, RMSprop, register_flat_update

__all__ = ["FlatUpdate", "native_update", "step_natively"]

_SOURCE = r"""
#include <math.h>
#include <stdint.h>

/* torch.optim.SGD, dampening 0: as nn.SGD._update. */
void vg_sgd(int64_t n, double *p, const double *g, double *buf, double lr, double momentum,
            double decay, int64_t nesterov, int64_t first) {
    if (momentum == 0.0) {
        if (decay == 0.0) { for (int64_t i = 0; i < n; i++) p[i] = p[i] - lr * g[i]; }
        else { for (int64_t i = 0; i < n; i++) p[i] = p[i] - lr * (g[i] + decay * p[i]); }
        return;
    }
    for (int64_t i = 0; i < n; i++) {
        const double grad = g[i] + decay * p[i];
        const double b = first ? grad : momentum * buf[i] + grad;
        buf[i] = b;
        p[i] = p[i] - lr * (nesterov ? grad + momentum * b : b);
    }
}

/* torch.optim.RMSprop, centered=False: as nn.RMSprop._update. */
void vg_rmsprop(int64_t n, double *p, const double *g, double *average, double *buf, double lr,
                double alpha, double eps, double momentum, double decay) {
    for (int64_t i = 0; i < n; i++) {
        const double grad = g[i] + decay * p[i];
        const double a = alpha * average[i] + (1.0 - alpha) * grad * grad;
        average[i] = a;
        const double denominator = sqrt(a) + eps;
        double scaled = denominator != 0.0 ? grad / denominator : 0.0;
        if (momentum > 0.0) { scaled = momentum * buf[i] + scaled; buf[i] = scaled; }
        p[i] = p[i] - lr * scaled;
    }
}

/* torch.optim.Adam and AdamW's Adam part: as nn.Adam._adam_update; shrink != 1 is AdamW's decay first. */
void vg_adam(int64_t n, double *p, const double *g, double *m, double *v, double step_size,
             double root_correction, double beta1, double beta2, double eps, double l2_decay,
             double shrink) {
    for (int64_t i = 0; i < n; i++) {
        if (shrink != 1.0) p[i] = p[i] * shrink;
        const double grad = g[i] + l2_decay * p[i];
        const double first = beta1 * m[i] + (1.0 - beta1) * grad;
        const double second = beta2 * v[i] + (1.0 - beta2) * grad * grad;
        m[i] = first;
        v[i] = second;
        const double denominator = sqrt(second) / root_correction + eps;
        if (denominator != 0.0) p[i] = p[i] - step_size * first / denominator;
    }
}
"""

_P = ctypes.c_void_p
_D = ctypes.c_double
_I = ctypes.c_int64
_SIGNATURES: dict[str, tuple[list[Any], Any]] = {
    "vg_sgd": ([_I, _P, _P, _P, _D, _D, _D, _I, _I], None),
    "vg_rmsprop": ([_I, _P, _P, _P, _P, _D, _D, _D, _D, _D], None),
    "vg_adam": ([_I, _P, _P, _P, _P, _D, _D, _D, _D, _D, _D, _D], None),
}
_FUNCTIONS: dict[str, Any] = {}


def _functions() -> dict[str, Any]:
    if not _FUNCTIONS:
        _FUNCTIONS.update(load_c_functions(_SOURCE, _SIGNATURES))
    return _FUNCTIONS


def _address(buffer: array[float]) -> int:
    address: int = buffer.buffer_info()[0]
    return address


class FlatUpdate:
    """One optimizer's parameters, gradients and state as flat arrays, updated in C.

    Args:
        optimizer: An :class:`~nn.optim.SGD`, :class:`~nn.optim.RMSprop`,
            :class:`~nn.optim.Adam` or :class:`~nn.optim.AdamW`; its settings
            and current state are read now.

    Attributes:
        data: The parameters' numbers, in the optimizer's order.
        grads: Their gradients (fill before :meth:`step`).

    Raises:
        TypeError: For an optimizer of another kind (a subclass of one of
            these may change the update: it is refused too).
        NoCompiler: If there is no C compiler (see :func:`autograd.compiler.load_c_functions`).
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if type(optimizer) not in (SGD, RMSprop, Adam, AdamW):
            raise TypeError(
                f"FlatUpdate expects an SGD, RMSprop, Adam or AdamW, got {type(optimizer).__name__}"
            )
        self._functions = _functions()
        self.optimizer = optimizer
        params = optimizer.params
        self.params: list[Value] = list(params)  # the Values of the buffers' places, in order
        self._order: list[int] | None = None  # each place's index in the optimizer's list, once reordered
        self.data = array("d", [p.data for p in params])
        self.grads = array("d", [p.grad for p in params])
        self._state = [array("d", values) for values in self._state_lists()]
        if isinstance(optimizer, SGD) and optimizer.momentum > 0.0 and not optimizer.momentum_buffers:
            self._state = [array("d", bytes(8 * len(params)))]
            self._first = True
        else:
            self._first = False

    def _state_lists(self) -> list[list[float]]:
        optimizer = self.optimizer
        if isinstance(optimizer, SGD):
            return [optimizer.momentum_buffers] if optimizer.momentum_buffers else [[0.0] * len(optimizer.params)]
        if isinstance(optimizer, RMSprop):
            return [optimizer.square_averages, optimizer.momentum_buffers]
        assert isinstance(optimizer, Adam)
        return [optimizer.first_moments, optimizer.second_moments]

    def reorder(self, order: list[int]) -> None:
        """Put the buffers' places in this order (``order[k]``: the optimizer's index of place ``k``).

        The update is elementwise, so any order computes the same numbers; a
        caller whose numbers come in another order (a compiled program's
        inputs) reads and writes the buffers without a permutation per step.
        :meth:`write_state` still writes the optimizer's lists in its own order.

        Raises:
            ValueError: If ``order`` is not a permutation of the places.
        """
        count = len(self.data)
        if sorted(order) != list(range(count)):
            raise ValueError(f"reorder expects a permutation of 0..{count - 1}, got {len(order)} indices")
        current = self._order or list(range(count))
        picked = [current[k] for k in order]
        for buffer in (self.data, self.grads, *self._state):
            if len(buffer) == count:  # (a state that is not kept, RMSprop's momentum at 0, is empty)
                buffer[:] = array("d", [buffer[k] for k in order])
        self.params = [self.params[k] for k in order]
        self._order = picked

    def step(self) -> None:
        """Update :attr:`data` and the state once from :attr:`grads`, counting the step on the optimizer."""
        optimizer = self.optimizer
        lr = optimizer.current_lr
        n, p, g = len(self.data), _address(self.data), _address(self.grads)
        state = [_address(part) for part in self._state]
        if isinstance(optimizer, SGD):
            self._functions["vg_sgd"](n, p, g, state[0], lr, optimizer.momentum, optimizer.weight_decay,
                                      int(optimizer.nesterov), int(self._first))
            self._first = False
        elif isinstance(optimizer, RMSprop):
            self._functions["vg_rmsprop"](n, p, g, state[0], state[1], lr, optimizer.alpha, optimizer.eps,
                                          optimizer.momentum, optimizer.weight_decay)
        else:
            assert isinstance(optimizer, Adam)
            beta1, beta2 = optimizer.betas
            t = optimizer.step_count + 1
            decoupled = isinstance(optimizer, AdamW)
            self._functions["vg_adam"](
                n, p, g, state[0], state[1], lr / (1.0 - beta1**t), math.sqrt(1.0 - beta2**t), beta1, beta2,
                optimizer.eps, 0.0 if decoupled else optimizer.weight_decay,
                1.0 - lr * optimizer.weight_decay if decoupled else 1.0,
            )
        optimizer.step_count += 1

    def step_values(self) -> None:
        """One step from the parameters' ``.data`` and ``.grad``, written back to ``.data``; the state stays here.

        What ``fit`` calls per batch: the optimizer's state lists are brought
        up to date by :meth:`write_state` where Python looks at them.
        """
        params = self.params
        self.data[:] = array("d", [p.data for p in params])
        self.grads[:] = array("d", [p.grad for p in params])
        self.step()
        for value, number in zip(params, self.data.tolist(), strict=True):
            value.data = number

    def write_back(self) -> None:
        """Put the numbers into the parameters' ``.data`` and the state into the optimizer's lists."""
        for value, number in zip(self.params, self.data, strict=True):
            value.data = number
        self.write_state()

    def _in_optimizer_order(self, buffer: array[float]) -> list[float]:
        numbers: list[float] = buffer.tolist()
        if self._order is None or len(numbers) != len(self._order):
            return numbers
        ordered = [0.0] * len(numbers)
        for place, index in enumerate(self._order):
            ordered[index] = numbers[place]
        return ordered

    def write_state(self) -> None:
        """Put the state (momentum buffers, moment estimates) into the optimizer's lists."""
        optimizer = self.optimizer
        if isinstance(optimizer, SGD):
            if optimizer.momentum > 0.0 and not self._first:
                optimizer.momentum_buffers[:] = self._in_optimizer_order(self._state[0])
        elif isinstance(optimizer, RMSprop):
            optimizer.square_averages[:] = self._in_optimizer_order(self._state[0])
            optimizer.momentum_buffers[:] = self._in_optimizer_order(self._state[1])
        else:
            assert isinstance(optimizer, Adam)
            optimizer.first_moments[:] = self._in_optimizer_order(self._state[0])
            optimizer.second_moments[:] = self._in_optimizer_order(self._state[1])


def native_update(optimizer: Any) -> FlatUpdate | None:
    """A :class:`FlatUpdate` of ``optimizer``, or None where there is none (another kind, or no C compiler)."""
    if type(optimizer) not in (SGD, RMSprop, Adam, AdamW):
        return None
    try:
        return FlatUpdate(optimizer)
    except (NoCompiler, CompileFailed):
        return None


def step_natively(optimizer: Optimizer) -> None:
    """``optimizer.step()``, computed in C on flat copies: the same ``.data`` and state, bit for bit.

    Raises:
        TypeError: For an optimizer :class:`FlatUpdate` does not take.
        NoCompiler: If there is no C compiler.
    """
    update = FlatUpdate(optimizer)
    update.step()
    update.write_back()


register_flat_update(native_update)
