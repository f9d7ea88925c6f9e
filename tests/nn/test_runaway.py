"""A loss that runs away while staying finite is divergence, relative to the lowest loss seen."""

from __future__ import annotations

from typing import Any

import pytest

import nn
from autograd import Value


class _Recording(nn.SGD):
    """SGD that keeps the weights before every step and the loss they gave."""

    def __init__(self, params: list[Value], lr: Any) -> None:
        super().__init__(params, lr)
        self.before: list[list[float]] = []

    def step(self) -> None:
        self.before.append([p.data for p in self.params])
        super().step()


def _growing(step: int) -> float:
    return 0.05 * 3.0**step  # a schedule that grows the weights without bound


@pytest.mark.parametrize(("lr", "loss", "hidden"), [(1e6, "mse", [4]), (_growing, "bce", [8]),
                                                    (_growing, "hinge", [8])],
                         ids=["lr 1e6, mse", "growing lr, bce", "growing lr, hinge"])
def test_a_loss_that_runs_away_while_finite_stops_training_with_the_lowest_loss_weights(
    lr: Any, loss: str, hidden: list[int]
) -> None:
    X, y = nn.moons(n=64, noise=0.1, seed=0)
    X, _, _ = nn.standardize(X)
    model = nn.MLP(2, [*hidden, 1], activation="tanh", seed=0)
    optimizer = _Recording(model.parameters(), lr)
    losses: list[float] = []

    def recorded(outputs: Any, targets: Any) -> Value:
        value = nn.compute_loss(outputs, targets, loss)
        losses.append(value.data)
        return value

    with pytest.raises(nn.TrainingDiverged, match="ran away") as caught:
        nn.fit(model, X, y, loss=recorded if loss != "hinge" else loss, optimizer=optimizer,
               epochs=200, batch_size=16, progress=False, seed=0)
    assert caught.value.restored == "lowest_loss"
    assert "1e+06 times the lowest so far" in str(caught.value)
    if loss != "hinge":
        assert max(losses) < 1e30  # stopped long before 1e149
        lowest = min(range(len(losses) - 1), key=lambda index: (losses[index], -index))
        assert [p.data for p in model.parameters()] == optimizer.before[lowest]


def test_a_loss_that_reaches_zero_is_not_stopped_by_the_next_small_loss() -> None:
    X, y = nn.xor()
    model = nn.MLP(2, [8, 1], activation="tanh", seed=1)
    history = nn.fit(model, X, [2 * label - 1 for label in y], loss="hinge",
                     optimizer=nn.Adam(model.parameters(), lr=0.1), epochs=150, progress=False,
                     seed=0)
    assert min(history.train_loss) == 0.0
    assert len(history.train_loss) == 150


def test_the_divergence_message_reason_has_no_advice_and_the_message_does() -> None:
    X, y = nn.moons(n=32, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    with pytest.raises(nn.TrainingDiverged) as caught:
        nn.fit(model, X, y, loss="mse", optimizer=nn.SGD(model.parameters(), lr=1e6), epochs=50,
               progress=False, seed=0)
    assert "smaller learning rate" in str(caught.value)
    assert "learning rate" not in caught.value.reason
    assert nn.RUNAWAY_FACTOR == 1e6
