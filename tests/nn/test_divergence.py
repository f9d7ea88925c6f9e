"""fit's guard: when a loss or a gradient is not finite, the last good weights come back."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest

import nn
from autograd import Value

STEPS_PER_EPOCH = 5  # 150 training points in batches of 32


def _moons(n: int = 200) -> tuple[list[list[float]], list[int], list[list[float]], list[int]]:
    X, y = nn.moons(n=n, noise=0.1, seed=0)
    X_train, X_val, y_train, y_val = nn.train_test_split(X, y, test_size=0.25, seed=0,
                                                         stratify=True)
    X_train, X_val_s, _ = nn.standardize(X_train, X_val)
    assert X_val_s is not None
    return X_train, y_train, X_val_s, y_val


def _demo_model() -> nn.MLP:
    return nn.MLP(2, [16, 16, 1], activation="relu", seed=0)


class _Recording(nn.SGD):
    """SGD that keeps the weights every step started from (what fit must be able to go back to)."""

    def __init__(self, params: list[Value], lr: Any) -> None:
        super().__init__(params, lr)
        self.before: list[list[float]] = []

    def step(self) -> None:
        self.before.append([p.data for p in self.params])
        super().step()


def _explodes_at_35(step: int) -> float:
    return 0.1 if step < 35 else 1e200


@pytest.mark.parametrize(
    ("lr", "loss", "hidden"),
    [(_explodes_at_35, "bce", [16, 16])],
    ids=["lr 1e200 from step 35"],
)
def test_a_step_that_writes_huge_but_finite_weights_is_undone(
    lr: Any, loss: str, hidden: list[int]
) -> None:
    X, y, _, _ = _moons()
    model = nn.MLP(2, [*hidden, 1], activation="relu", seed=0)
    optimizer = _Recording(model.parameters(), lr)
    with pytest.raises(nn.TrainingDiverged) as caught:
        nn.fit(model, X, y, loss=loss, optimizer=optimizer, epochs=20, batch_size=32,
               progress=False, seed=0)
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, FloatingPointError)
    assert error.restored == "last_finite_loss"
    # The last step taken is the one that did the damage; the model is back where it started.
    assert [p.data for p in model.parameters()] == optimizer.before[-1]
    if lr is _explodes_at_35:  # the 1e200 step was the first bad one: the weights are sane
        assert max(abs(p.data) for p in model.parameters()) < 100.0
    steps = optimizer.step_count
    assert error.history.epochs == (steps - 1) // STEPS_PER_EPOCH  # the epochs that completed
    epoch, step = (steps - 1) // STEPS_PER_EPOCH + 1, (steps - 1) % STEPS_PER_EPOCH + 1
    assert f"the model holds the weights that gave the last finite loss (epoch {epoch}, step {step})" \
        in str(error)


def test_with_early_stopping_the_best_validation_weights_come_back_with_the_history() -> None:
    X, y, X_val, y_val = _moons()
    model = _demo_model()
    kept: dict[int, dict[str, float]] = {}

    def lr(step: int) -> float:
        if step % STEPS_PER_EPOCH == 0:  # the first step of an epoch: the last one's weights
            kept[step // STEPS_PER_EPOCH] = model.state_dict()
        return _explodes_at_35(step)

    with pytest.raises(nn.TrainingDiverged, match=r"holds the best validation weights \(epoch \d+\)") \
            as caught:
        nn.fit(model, X, y, loss="bce", optimizer=nn.SGD(model.parameters(), lr=lr), epochs=20,
               batch_size=32, validation=(X_val, y_val), early_stopping=50, progress=False, seed=0)
    history = caught.value.history
    assert caught.value.restored == "best_validation"
    assert history.best_epoch is not None and history.epochs >= 7
    assert history.val_loss[history.best_epoch] == min(history.val_loss)
    assert model.state_dict() == kept[history.best_epoch + 1]
    assert nn.evaluate(model, X_val, y_val, loss="bce")[0] == history.val_loss[history.best_epoch]


def test_the_last_step_of_training_is_checked_too() -> None:
    X, y, _, _ = _moons()
    model = _demo_model()
    before = model.state_dict()
    with pytest.raises(nn.TrainingDiverged, match=r"after the last step \(epoch 1\)") as caught:
        nn.fit(model, X, y, loss="mse", optimizer=nn.SGD(model.parameters(), lr=1e200), epochs=1,
               progress=False)
    assert caught.value.restored == "last_finite_loss"
    assert model.state_dict() == before  # full batch: the only finite loss came from these


def test_a_first_loss_that_is_not_finite_leaves_the_weights_untouched() -> None:
    model = nn.MLP(1, [2, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(nn.TrainingDiverged, match="the weights it had before training") as caught:
        nn.fit(model, [[1.0]], [0.0], loss=lambda outputs, targets: outputs[0][0] * math.inf,
               optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=3, progress=False)
    assert caught.value.restored == "initial"
    assert caught.value.history.epochs == 0
    assert model.state_dict() == before


def test_a_gradient_that_is_not_finite_stops_before_the_step_naming_the_parameter() -> None:
    model = nn.MLP(1, [1], seed=0)
    model.load_state_dict({"layers.0.neurons.0.w.0": 0.5, "layers.0.neurons.0.b": 0.0})
    before = model.state_dict()

    def loss(outputs: list[list[Value]], targets: list[Any]) -> Value:
        out = outputs[0][0]  # 0.5: the loss is 1e308, its derivative 1e308 + 1e308 = inf
        return out * 1e308 + out * 1e308

    with pytest.raises(nn.TrainingDiverged, match=r"the gradient of layers\.0\.neurons\.0\.w\.0 "
                                                  r"became (inf|-inf|nan) at epoch 1, step 1"):
        nn.fit(model, [[1.0]], [0.0], loss=loss, optimizer=nn.SGD(model.parameters(), lr=0.1),
               epochs=2, progress=False)
    assert model.state_dict() == before


def test_a_loss_whose_arithmetic_overflows_is_divergence_whether_it_raises_or_gives_inf() -> None:
    model = nn.MLP(1, [1], seed=0)
    steps: list[dict[str, float]] = []

    def loss(outputs: list[list[Value]], targets: list[Any]) -> Value:
        steps.append(model.state_dict())
        scale = 1.0 if len(steps) < 3 else 1e200
        return (outputs[0][0] * scale) ** 2  # float ** raises OverflowError, an engine may give inf

    with pytest.raises(nn.TrainingDiverged, match=r"at epoch 3, step 1") as caught:
        nn.fit(model, [[1.0]], [0.0], loss=loss, optimizer=nn.SGD(model.parameters(), lr=0.1),
               epochs=5, progress=False)
    assert caught.value.restored == "last_finite_loss"
    assert model.state_dict() == steps[1]


def test_a_validation_loss_that_is_not_finite_is_divergence_too() -> None:
    model = nn.MLP(1, [1], seed=0)
    calls: list[int] = []

    def loss(outputs: list[list[Value]], targets: list[Any]) -> Value:
        calls.append(len(outputs))
        value = nn.mse(outputs, targets)
        return value * math.nan if len(outputs) == 3 else value  # the validation set has 3

    with pytest.raises(nn.TrainingDiverged, match=r"the validation loss became nan after epoch 1"):
        nn.fit(model, [[1.0], [2.0]], [1.0, 2.0], loss=loss,
               optimizer=nn.SGD(model.parameters(), lr=0.01), epochs=2,
               validation=([[1.0], [2.0], [3.0]], [1.0, 2.0, 3.0]), progress=False)
    assert calls == [2, 3]


def test_the_guard_costs_little_next_to_a_training_step() -> None:
    # The copy per step is one list of floats: measured against the step it protects.
    X, y, _, _ = _moons()
    model = _demo_model()
    parameters = model.parameters()
    started = time.perf_counter()
    for _ in range(200):
        copy = [value.data for value in parameters]
    copying = (time.perf_counter() - started) / 200
    started = time.perf_counter()
    nn.fit(model, X, y, loss="bce", optimizer=nn.Adam(parameters, lr=0.02), epochs=2,
           batch_size=32, progress=False, seed=0)
    step = (time.perf_counter() - started) / (2 * STEPS_PER_EPOCH)
    assert len(copy) == 337
    assert copying < step / 20
