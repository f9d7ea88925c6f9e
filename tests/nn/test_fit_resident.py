"""fit(jit=True) with a native optimizer update: steps resident in flat buffers train exactly as jit=False."""

from __future__ import annotations

import math
from typing import Any

import pytest

import nn
from autograd.compiler.backends.native import native_available

pytestmark = pytest.mark.skipif(not native_available(), reason="no C compiler for the native backend")

OPTIMIZERS: dict[str, Any] = {
    "sgd": lambda ps: nn.SGD(ps, lr=0.05),
    "momentum": lambda ps: nn.SGD(ps, lr=0.05, momentum=0.9),
    "nesterov": lambda ps: nn.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "rmsprop": lambda ps: nn.RMSprop(ps, lr=0.01, momentum=0.5),
    "adam": lambda ps: nn.Adam(ps, lr=0.02),
    "adamw": lambda ps: nn.AdamW(ps, lr=0.02, weight_decay=0.01),
}


def _close(a: list[float], b: list[float]) -> bool:
    return a == pytest.approx(b, rel=1e-12, abs=1e-15)


def _train(jit: bool, name: str, **options: Any) -> tuple[nn.History, nn.MLP, Any]:
    X, y = nn.spiral(n=60, classes=3, seed=2)
    model = nn.MLP(2, [8, 3], activation="tanh", seed=3)
    optimizer = OPTIMIZERS[name](model.parameters())
    history = nn.fit(model, X, y, loss="cross_entropy", optimizer=optimizer, epochs=6, batch_size=7,
                     progress=False, seed=5, jit=jit, l2=1e-4, **options)
    return history, model, optimizer


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_many_shuffled_mini_batches_train_as_without_jit(name: str) -> None:
    plain, plain_model, plain_opt = _train(False, name)
    resident, model, opt = _train(True, name)
    assert _close(resident.train_loss, plain.train_loss)
    assert resident.train_accuracy == plain.train_accuracy
    assert _close([p.data for p in model.parameters()], [p.data for p in plain_model.parameters()])
    # The last batch's gradients are in .grad, as an ordinary step leaves them.
    assert _close([p.grad for p in model.parameters()], [p.grad for p in plain_model.parameters()])
    assert opt.step_count == plain_opt.step_count
    for attribute in ("first_moments", "second_moments", "momentum_buffers", "square_averages"):
        if hasattr(plain_opt, attribute):
            assert _close(getattr(opt, attribute), getattr(plain_opt, attribute))


def test_validation_and_early_stopping_see_the_epochs_weights() -> None:
    X_val, y_val = nn.spiral(n=30, classes=3, seed=9)
    options: dict[str, Any] = dict(validation=(X_val, y_val), early_stopping=1)
    plain, plain_model, _ = _train(False, "adam", **options)
    resident, model, _ = _train(True, "adam", **options)
    assert _close(resident.val_loss, plain.val_loss)
    assert resident.best_epoch == plain.best_epoch
    assert resident.stopped_early == plain.stopped_early
    assert _close([p.data for p in model.parameters()], [p.data for p in plain_model.parameters()])


def test_a_loss_that_runs_away_late_restores_the_same_weights() -> None:
    def diverge(jit: bool) -> tuple[nn.TrainingDiverged, list[float]]:
        X, y = nn.spiral(n=60, classes=3, seed=2)
        model = nn.MLP(2, [8, 3], activation="relu", seed=3)
        optimizer = nn.SGD(model.parameters(), lr=lambda step: 0.05 if step < 30 else 1e3)
        with pytest.raises(nn.TrainingDiverged) as caught:
            nn.fit(model, X, y, loss="cross_entropy", optimizer=optimizer, epochs=40, batch_size=7,
                   progress=False, seed=1, jit=jit)
        return caught.value, [p.data for p in model.parameters()]

    plain, plain_weights = diverge(False)
    resident, weights = diverge(True)
    assert resident.restored == plain.restored
    assert str(resident).split(";")[0] == str(plain).split(";")[0]
    assert _close(resident.history.train_loss, plain.history.train_loss)
    assert _close(weights, plain_weights)
    assert all(math.isfinite(w) for w in weights)


def test_an_optimizer_used_after_fit_goes_on_from_the_same_state() -> None:
    _, plain_model, plain_opt = _train(False, "adam")
    _, model, opt = _train(True, "adam")
    for m, o in ((plain_model, plain_opt), (model, opt)):
        o.zero_grad()
        m([0.5, -0.25])[0].backward()
        o.step()
    assert _close([p.data for p in model.parameters()], [p.data for p in plain_model.parameters()])
