"""``fit`` never leaves a model half updated, and optimizers' steps are all or nothing."""

from __future__ import annotations

from typing import Any

import pytest

import nn
from autograd import Value


def _weights(model: nn.Module) -> list[float]:
    return [p.data for p in model.parameters()]


@pytest.mark.parametrize("make", [
    lambda ps: nn.Adam(ps, eps=0.0), lambda ps: nn.AdamW(ps, eps=0.0, weight_decay=0.0),
    lambda ps: nn.RMSprop(ps, eps=0.0), lambda ps: nn.RMSprop(ps, eps=0.0, momentum=0.9),
], ids=["Adam", "AdamW", "RMSprop", "RMSprop momentum"])
def test_eps_zero_with_a_zero_gradient_leaves_the_parameter_where_it_is(make: Any) -> None:
    still, moving = Value(1.0), Value(2.0)
    optimizer = make([still, moving])
    for _ in range(3):
        optimizer.zero_grad()
        (moving * moving).backward()
        optimizer.step()
    assert still.data == 1.0
    assert moving.data < 2.0


def test_fit_with_adam_eps_zero_trains_a_model_with_a_parameter_that_gets_no_gradient() -> None:
    model = nn.MLP(2, [4, 1], activation="relu", seed=0)
    X, y = nn.moons(n=40, seed=0)
    history = nn.fit(model, X, y, loss="bce", optimizer=nn.Adam(model.parameters(), eps=0.0),
                     epochs=3, progress=False, seed=0)
    assert len(history.train_loss) == 3


class _FailsHalfway(nn.SGD):
    """Updates the first parameter, then raises: an optimizer of your own with a bug."""

    def _update(self, lr: float) -> None:
        self.params[0].data -= lr * self.params[0].grad
        raise RuntimeError("a bug halfway through the update")


def test_an_optimizer_step_that_raises_puts_back_every_parameter_and_its_state() -> None:
    values = [Value(1.0), Value(2.0)]
    optimizer = _FailsHalfway(values, lr=0.5)
    (values[0] * values[1]).backward()
    with pytest.raises(RuntimeError, match="halfway"):
        optimizer.step()
    assert [value.data for value in values] == [1.0, 2.0]
    assert optimizer.step_count == 0


class _DuckOptimizer:
    """Not an nn optimizer: updates some weights, then raises."""

    def __init__(self, params: list[Value]) -> None:
        self.params = params

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        self.params[0].data += 100.0
        raise ZeroDivisionError("float division by zero")


@pytest.mark.parametrize("error", [ZeroDivisionError, KeyError])
def test_fit_puts_back_the_weights_when_any_optimizer_step_raises(error: type[Exception]) -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    before = _weights(model)
    optimizer = _DuckOptimizer(model.parameters())
    if error is KeyError:
        optimizer.step = lambda: (model.parameters()[0].__setattr__("data", 5.0), {}["x"])  # type: ignore[method-assign]
    X, y = nn.moons(n=20, seed=0)
    with pytest.raises(nn.TrainingDiverged if error is ZeroDivisionError else KeyError):
        nn.fit(model, X, y, loss="bce", optimizer=optimizer, epochs=2, progress=False)
    assert _weights(model) == before
