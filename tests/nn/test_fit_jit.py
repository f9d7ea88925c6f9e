"""nn.fit(jit=True): the same training as jit=False, faster; every feature of fit still works."""

from __future__ import annotations

import math
from typing import Any

import pytest
from support.additions import equal

import nn


def _train(jit: bool, loss: str, data: tuple[list[list[float]], list[Any]], **options: Any) -> tuple[nn.History, list[float]]:
    X, y = data
    nout = 3 if loss == "cross_entropy" else 1
    dropout = options.pop("dropout", 0.0)
    model = nn.MLP(2, [6, nout], activation="relu", seed=4, dropout=dropout)
    optimizer = nn.Adam(model.parameters(), lr=0.05)
    history = nn.fit(model, X, y, loss=loss, optimizer=optimizer, progress=False, seed=1, jit=jit,
                     **options)
    return history, [p.data for p in model.parameters()]


def _same(a: list[float], b: list[float]) -> bool:
    return a == pytest.approx(b, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("loss", ["hinge", "bce", "cross_entropy", "mse"])
def test_jit_trains_exactly_as_without_for_every_loss(loss: str) -> None:
    X, y = nn.spiral(n=99, classes=3, seed=0) if loss == "cross_entropy" else nn.moons(n=33, seed=0)
    plain_history, plain_weights = _train(False, loss, (X, y), epochs=4, batch_size=8, l2=1e-3)
    jit_history, jit_weights = _train(True, loss, (X, y), epochs=4, batch_size=8, l2=1e-3)
    assert _same(jit_history.train_loss, plain_history.train_loss)
    assert jit_history.train_accuracy == plain_history.train_accuracy
    assert _same(jit_weights, plain_weights)


def test_validation_and_early_stopping_work_the_same() -> None:
    X, y = nn.moons(n=40, seed=1)
    X_val, y_val = nn.moons(n=20, seed=2)
    options: dict[str, Any] = dict(epochs=8, batch_size=16, validation=(X_val, y_val), early_stopping=2)
    plain_history, plain_weights = _train(False, "bce", (X, y), **options)
    jit_history, jit_weights = _train(True, "bce", (X, y), **options)
    assert _same(jit_history.val_loss, plain_history.val_loss)
    assert jit_history.val_accuracy == plain_history.val_accuracy
    assert jit_history.best_epoch == plain_history.best_epoch
    assert _same(jit_weights, plain_weights)


def test_dropout_masks_match_without_jit() -> None:
    X, y = nn.moons(n=24, seed=3)
    plain_history, plain_weights = _train(False, "hinge", (X, y), epochs=5, batch_size=12, dropout=0.3)
    jit_history, jit_weights = _train(True, "hinge", (X, y), epochs=5, batch_size=12, dropout=0.3)
    assert _same(jit_history.train_loss, plain_history.train_loss)
    assert _same(jit_weights, plain_weights)


def test_the_divergence_guard_restores_the_same_weights_with_jit() -> None:
    def diverge(jit: bool) -> tuple[nn.TrainingDiverged, list[float]]:
        X, y = nn.moons(n=20, seed=0)
        model = nn.MLP(2, [4, 1], activation="relu", seed=0)
        optimizer = nn.SGD(model.parameters(), lr=lambda step: 0.1 if step < 12 else 1e200)
        with pytest.raises(nn.TrainingDiverged) as caught:
            nn.fit(model, X, y, loss="hinge", optimizer=optimizer, epochs=30, batch_size=5,
                   progress=False, seed=0, jit=jit)
        return caught.value, [p.data for p in model.parameters()]

    plain, plain_weights = diverge(jit=False)
    compiled, compiled_weights = diverge(jit=True)
    assert compiled.restored == plain.restored
    assert _same(compiled.history.train_loss, plain.history.train_loss)
    assert _same(compiled_weights, plain_weights)
    assert all(math.isfinite(w) for w in compiled_weights)


def test_jit_must_be_a_bool() -> None:
    X, y = nn.xor()
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(TypeError, match="jit must be a bool"):
        nn.fit(model, X, y, loss="bce", optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=1,
               progress=False, jit="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("loss", ["hinge", "bce", "cross_entropy", "mse"])
def test_batches_of_other_targets_replay_one_program_per_batch_shape(loss: str) -> None:
    # Targets are number arguments of the compiled loss: no loss decides on them
    # batch by batch, so jit never gives up for too many patterns.
    import warnings

    X, y = nn.spiral(n=99, classes=3, seed=0) if loss == "cross_entropy" else nn.moons(n=33, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _train(True, loss, (X, y), epochs=3, batch_size=8)


def test_a_program_over_the_size_limit_falls_back_with_one_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd.compiler.backends import auto
    from autograd.compiler.backends import python as python_backend

    monkeypatch.setattr(python_backend, "MAX_LINES", 100)
    monkeypatch.setattr(auto, "NATIVE_FROM_OPERATIONS", 10**9)  # the Python backend, whose limit this is
    X, y = nn.moons(n=30, seed=0)
    plain_history, plain_weights = _train(False, "hinge", (X, y), epochs=2, batch_size=None)
    with pytest.warns(UserWarning, match=r"runs this loss uncompiled: .*limit is 100") as caught:
        jit_history, jit_weights = _train(True, "hinge", (X, y), epochs=2, batch_size=None)
    assert len([w for w in caught if "uncompiled" in str(w.message)]) == 1
    assert _same(jit_history.train_loss, plain_history.train_loss)
    assert _same(jit_weights, plain_weights)


def test_switching_dropout_between_training_and_evaluation_is_seen_by_every_replay() -> None:
    from autograd import jit

    def run(compiled: bool) -> list[float]:
        model = nn.MLP(2, [6, 1], activation="tanh", seed=3, dropout=0.5)
        step = jit(lambda x: model(x)[0]) if compiled else (lambda x: model(x)[0])
        results = []
        for training in (True, True, True, False, False, True, False):
            model.train() if training else model.eval()
            results.append(step([0.5, -1.0]).data)
        return results

    compiled, plain = run(compiled=True), run(compiled=False)
    # Bit for bit before Python 3.12; within the promised tolerance from 3.12 on (its sum()).
    assert all(equal(a, b) for a, b in zip(compiled, plain, strict=True))


OPTIMIZERS: dict[str, Any] = {
    "sgd with nesterov": lambda ps: nn.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda ps: nn.RMSprop(ps, lr=0.01, momentum=0.3),
    "adam": lambda ps: nn.Adam(ps, lr=0.05),
    "adamw": lambda ps: nn.AdamW(ps, lr=0.05, weight_decay=0.1),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_each_optimizer_leaves_the_same_weights_and_state_with_jit(name: str) -> None:
    X, y = nn.moons(n=30, seed=3)
    results = []
    for jit in (False, True):
        model = nn.MLP(2, [6, 1], activation="relu", seed=5)
        optimizer = OPTIMIZERS[name](model.parameters())
        history = nn.fit(model, X, y, loss="hinge", optimizer=optimizer, epochs=3, batch_size=8,
                         progress=False, seed=1, jit=jit)
        state = {key: list(value) for key, value in vars(optimizer).items() if isinstance(value, list)
                 and key != "params"}
        results.append((history.train_loss, [p.data for p in model.parameters()], state, optimizer.step_count))
    (plain_loss, plain_weights, plain_state, plain_steps), (loss, weights, state, steps) = results
    assert _same(loss, plain_loss) and _same(weights, plain_weights) and steps == plain_steps
    assert state.keys() == plain_state.keys()
    for key in state:
        assert _same(state[key], plain_state[key]), key
