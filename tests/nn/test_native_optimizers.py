"""The optimizers' native updates (nn.optim.native) give the Python optimizers' numbers bit for bit."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

import nn
from autograd import Value
from autograd.compiler.backends import native_available
from nn.optim.native import FlatUpdate, step_natively

pytestmark = pytest.mark.skipif(not native_available(), reason="no C compiler (run scripts/ensure_compiler.sh)")

OPTIMIZERS: dict[str, Callable[[list[Value]], Any]] = {
    "sgd": lambda ps: nn.SGD(ps, lr=0.1),
    "sgd, weight decay": lambda ps: nn.SGD(ps, lr=0.1, weight_decay=0.01),
    "sgd, momentum": lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9),
    "sgd, nesterov and decay": lambda ps: nn.SGD(ps, lr=0.05, momentum=0.8, nesterov=True, weight_decay=1e-3),
    "rmsprop": lambda ps: nn.RMSprop(ps, lr=0.01),
    "rmsprop, momentum and decay": lambda ps: nn.RMSprop(ps, lr=0.01, momentum=0.5, weight_decay=0.01),
    "adam": lambda ps: nn.Adam(ps, lr=0.01),
    "adam, l2 decay, eps 0": lambda ps: nn.Adam(ps, lr=0.01, weight_decay=0.1, eps=0.0),
    "adamw": lambda ps: nn.AdamW(ps, lr=0.01, weight_decay=0.05),
    "adam, scheduled": lambda ps: nn.Adam(ps, lr=nn.optim.cosine(0.01, 20)),
}


def _bits(numbers: list[float]) -> list[str]:
    return [number.hex() for number in numbers]


def _state(optimizer: Any) -> list[str]:
    names = ("momentum_buffers", "square_averages", "first_moments", "second_moments")
    return [bits for name in names for bits in _bits(list(getattr(optimizer, name, [])))]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_native_step_equals_the_python_step_bit_for_bit(name: str) -> None:
    rng = random.Random(name)
    start = [rng.uniform(-2.0, 2.0) for _ in range(40)]
    python_params = [Value(x) for x in start]
    native_params = [Value(x) for x in start]
    python, native = OPTIMIZERS[name](python_params), OPTIMIZERS[name](native_params)
    for step in range(20):
        grads = [rng.gauss(0.0, 1.0) if k % 7 else 0.0 for k in range(40)]  # some stay 0: eps matters
        for p, q, grad in zip(python_params, native_params, grads, strict=True):
            p.grad = q.grad = grad
        python.step()
        if step % 2:  # alternate: the native state is written back and read again
            step_natively(native)
        else:
            native.step()
        assert _bits([p.data for p in native_params]) == _bits([p.data for p in python_params]), step
        assert _state(native) == _state(python) and native.step_count == python.step_count


def test_a_flat_update_keeps_its_buffers_across_steps_and_writes_back_once() -> None:
    python_params, native_params = [Value(0.5), Value(-1.0)], [Value(0.5), Value(-1.0)]
    python, native = nn.Adam(python_params, lr=0.1), nn.Adam(native_params, lr=0.1)
    update = FlatUpdate(native)
    for step in range(5):
        grads = [0.3 * step - 0.5, 0.1]
        for p, grad in zip(python_params, grads, strict=True):
            p.grad = grad
        python.step()
        update.grads[:] = update.grads.__class__("d", grads)
        update.step()
    assert [p.data for p in native_params] == [0.5, -1.0]  # not written yet
    update.write_back()
    assert _bits([p.data for p in native_params]) == _bits([p.data for p in python_params])


def test_an_optimizer_it_does_not_know_is_refused() -> None:
    class Mine(nn.SGD):
        pass

    with pytest.raises(TypeError, match="FlatUpdate expects an SGD, RMSprop, Adam or AdamW, got Mine"):
        FlatUpdate(Mine([Value(1.0)], lr=0.1))
