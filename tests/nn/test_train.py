"""Training: fit, evaluate, predict, History (the training room, nn/training/)."""

from __future__ import annotations

import io
import json
import math
import sys
import types
from typing import Any

import pytest

import nn
from autograd import Value
from nn import (
    MLP,
    SGD,
    Adam,
    History,
    compute_loss,
    evaluate,
    fit,
    moons,
    predict,
    predict_classes,
    spiral,
    standardize,
    train_test_split,
    xor,
)


def _linear(weight: float, bias: float = 0.0) -> MLP:
    """A one-input, one-output linear model with the given weight and bias."""
    model = MLP(1, [1], seed=0)
    model.load_state_dict({"layers.0.neurons.0.w.0": weight, "layers.0.neurons.0.b": bias})
    return model


# ---------------------------------------------------------------- learning


def test_xor_is_learned_from_at_least_four_of_five_seeds() -> None:
    X, y = xor()
    learned = 0
    for seed in range(5):
        model = MLP(2, [8, 1], activation="tanh", seed=seed)
        fit(model, X, y, loss="bce", optimizer=Adam(model.parameters(), lr=0.1), epochs=150,
            progress=False, seed=seed)
        learned += predict_classes(model, X, loss="bce") == y
    assert learned >= 4


def test_moons_reaches_97_percent_test_accuracy() -> None:
    # The demo's settings (python -m nn train): 200 points, MLP [2, 16, 16, 1], relu, Adam.
    X, y = moons(n=200, noise=0.1, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0,
                                                        stratify=True)
    X_train, X_test_s, _ = standardize(X_train, X_test)
    assert X_test_s is not None
    model = MLP(2, [16, 16, 1], activation="relu", seed=0)
    history = fit(model, X_train, y_train, loss="bce", optimizer=Adam(model.parameters(), lr=0.02),
                  epochs=50, batch_size=32, progress=False, seed=0)
    _, accuracy = evaluate(model, X_test_s, y_test, loss="bce")
    assert accuracy is not None and accuracy >= 0.97
    assert history.train_loss[-1] < history.train_loss[0]


def test_cross_entropy_learns_a_three_class_spiral() -> None:
    X, y = spiral(n=30, classes=3, seed=0)
    model = MLP(2, [16, 3], activation="tanh", seed=0)
    history = fit(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=150, progress=False)
    assert history.train_accuracy[-1] >= 0.9
    assert len(predict(model, X)[0]) == 3


def test_hinge_uses_labels_0_and_1_as_minus_1_and_plus_1() -> None:
    model = _linear(1.0)
    loss, accuracy = evaluate(model, [[2.0], [-0.5]], [1, 0], loss="hinge")
    # max(0, 1 - 1·2) = 0 and max(0, 1 - (-1)·(-0.5)) = 0.5, mean 0.25
    assert loss == pytest.approx(0.25)
    assert accuracy == 1.0


def test_hinge_also_accepts_labels_minus_1_and_plus_1() -> None:
    model = _linear(1.0)
    loss, accuracy = evaluate(model, [[2.0], [-0.5]], [1, -1], loss="hinge")
    assert loss == pytest.approx(0.25)
    assert accuracy == 1.0


def test_mse_on_float_targets_is_regression_without_accuracy() -> None:
    X = [[x / 4] for x in range(-4, 5)]
    y = [2.0 * row[0] + 1.0 for row in X]
    model = MLP(1, [1], seed=0)
    history = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.3),
                  epochs=200, progress=False)
    assert history.train_accuracy == []
    loss, accuracy = evaluate(model, X, y, loss="mse")
    assert accuracy is None
    assert loss < 1e-6
    state = model.state_dict()
    assert state["layers.0.neurons.0.w.0"] == pytest.approx(2.0, abs=1e-3)
    assert state["layers.0.neurons.0.b"] == pytest.approx(1.0, abs=1e-3)


def test_mse_with_several_outputs_and_class_labels_uses_one_hot_targets() -> None:
    model = MLP(1, [2], seed=0)
    model.load_state_dict({"layers.0.neurons.0.w.0": 0.0, "layers.0.neurons.0.b": 1.0,
                           "layers.0.neurons.1.w.0": 0.0, "layers.0.neurons.1.b": 0.0})
    # outputs are [1, 0] for every input: exactly one-hot class 0
    loss, accuracy = evaluate(model, [[0.3], [0.7]], [0, 1], loss="mse")
    assert loss == pytest.approx((0.0 + 1.0) / 2)  # example 2: ((1-0)² + (0-1)²) / 2 outputs
    assert accuracy == 0.5


def test_a_callable_loss_is_used_as_given_and_records_no_accuracy() -> None:
    calls: list[int] = []

    def half_sse(outputs: list[list[Value]], targets: list[Any]) -> Value:
        calls.append(len(outputs))
        return sum(((out[0] - t) ** 2 for out, t in zip(outputs, targets, strict=True)),
                   Value(0.0)) * 0.5

    model = _linear(0.0)
    history = fit(model, [[1.0], [2.0]], [1.0, 2.0], loss=half_sse,
                  optimizer=SGD(model.parameters(), lr=0.1), epochs=3, progress=False)
    # One call per step, and one more: the last step's weights are checked to give a finite loss.
    assert calls == [2, 2, 2, 2]
    assert history.train_accuracy == []
    assert history.epochs == 3


def test_l2_penalty_shrinks_the_weights() -> None:
    X = [[x / 4] for x in range(-4, 5)]
    y = [2.0 * row[0] for row in X]
    weights = []
    for l2 in (0.0, 0.5):
        model = _linear(0.0)
        fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.2), epochs=200,
            progress=False, l2=l2)
        weights.append(model.state_dict()["layers.0.neurons.0.w.0"])
    assert weights[0] == pytest.approx(2.0, abs=1e-3)
    assert 0.5 < weights[1] < 1.9


# ---------------------------------------------------------------- batch modes


@pytest.mark.parametrize(("batch_size", "steps_per_epoch"), [(None, 1), (3, 4), (1, 10), (50, 1)])
def test_batch_size_sets_the_number_of_steps_per_epoch(
    batch_size: int | None, steps_per_epoch: int
) -> None:
    X = [[x / 10] for x in range(10)]
    y = [x % 2 for x in range(10)]
    model = MLP(1, [4, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=0.01)
    fit(model, X, y, loss="bce", optimizer=optimizer, epochs=2, batch_size=batch_size,
        progress=False)
    assert optimizer.step_count == 2 * steps_per_epoch


def test_stochastic_and_full_batch_descent_both_reduce_the_loss() -> None:
    X, y = moons(n=40, seed=1)
    X, _, _ = standardize(X)
    for batch_size in (None, 1):
        model = MLP(2, [8, 1], activation="tanh", seed=0)
        before, _ = evaluate(model, X, y, loss="bce")
        fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=0.05), epochs=5,
            batch_size=batch_size, progress=False, seed=0)
        after, _ = evaluate(model, X, y, loss="bce")
        assert after < before


def test_the_batch_order_is_reproducible_with_a_seed() -> None:
    X, y = moons(n=30, seed=0)
    states = []
    for _ in range(2):
        model = MLP(2, [4, 1], seed=0)
        fit(model, X, y, loss="bce", optimizer=Adam(model.parameters(), lr=0.01), epochs=2,
            batch_size=4, progress=False, seed=5)
        states.append(model.state_dict())
    assert states[0] == states[1]


# ---------------------------------------------------------------- early stopping


def test_early_stopping_stops_and_restores_the_best_validation_weights() -> None:
    # Training pulls the weight towards 2, validation prefers 1: the validation loss
    # falls, then rises, so training must stop and go back to the best epoch.
    X = [[1.0], [2.0]]
    model = MLP(1, [1], bias=False, seed=0)
    model.load_state_dict({"layers.0.neurons.0.w.0": 0.0})
    patience = 3
    history = fit(model, X, [2.0, 4.0], loss="mse", optimizer=SGD(model.parameters(), lr=0.02),
                  epochs=300, validation=(X, [1.0, 2.0]), early_stopping=patience,
                  progress=False, shuffle=False)
    assert history.stopped_early
    assert history.best_epoch is not None
    assert history.val_loss[history.best_epoch] == min(history.val_loss)
    assert history.epochs == history.best_epoch + 1 + patience
    restored_loss, _ = evaluate(model, X, [1.0, 2.0], loss="mse")
    assert restored_loss == history.val_loss[history.best_epoch]
    assert model.state_dict()["layers.0.neurons.0.w.0"] == pytest.approx(1.0, abs=0.05)


def test_early_stopping_without_validation_data_is_refused() -> None:
    model = _linear(0.0)
    with pytest.raises(ValueError, match="early_stopping needs validation"):
        fit(model, [[1.0]], [1.0], loss="mse", optimizer=SGD(model.parameters(), lr=0.1),
            epochs=2, early_stopping=2, progress=False)


def test_validation_is_recorded_every_epoch_in_eval_mode() -> None:
    X, y = moons(n=20, seed=0)
    model = MLP(2, [8, 1], seed=0, dropout=0.5)
    history = fit(model, X, y, loss="bce", optimizer=Adam(model.parameters(), lr=0.01),
                  epochs=3, validation=(X, y), progress=False)
    assert len(history.val_loss) == len(history.val_accuracy) == 3
    # Evaluation is deterministic (no dropout) and matches the last recorded validation loss.
    assert evaluate(model, X, y, loss="bce")[0] == history.val_loss[-1]


# ---------------------------------------------------------------- NaN / inf


def test_a_nan_loss_stops_training_before_the_step_and_names_epoch_and_step() -> None:
    seen: list[dict[str, float]] = []
    model = _linear(0.5, 0.1)

    def loss(outputs: list[list[Value]], targets: list[Any]) -> Value:
        seen.append(model.state_dict())  # the weights this step starts from
        value = sum(((out[0] - t) ** 2 for out, t in zip(outputs, targets, strict=True)),
                    Value(0.0))
        return value * float("nan") if len(seen) == 3 else value

    X = [[1.0], [2.0], [3.0], [4.0]]
    with pytest.raises(FloatingPointError, match=r"nan at epoch 2, step 1"):
        fit(model, X, [1.0, 2.0, 3.0, 4.0], loss=loss, optimizer=SGD(model.parameters(), lr=0.01),
            epochs=5, batch_size=2, progress=False)
    assert len(seen) == 3
    assert seen[2] != seen[1] != seen[0]  # two good steps did change the weights...
    # ...and the model is back at the weights that gave the last finite loss (step 2's).
    assert model.state_dict() == seen[1]


class _NanAt(nn.Module):
    """An MLP whose outputs become NaN for the input 3.0 (a fault inside the model)."""

    def __init__(self) -> None:
        super().__init__()
        self.inner = MLP(1, [3, 1], seed=0)

    def __call__(self, x: list[float]) -> list[Value]:
        outputs = self.inner(x)
        return [out * math.nan for out in outputs] if x[0] == 3.0 else outputs


def test_a_nan_output_restores_the_weights_that_gave_the_last_finite_loss() -> None:
    X = [[1.0], [2.0], [4.0], [5.0], [3.0], [6.0]]
    y = [1, 0, 1, 0, 1, 0]
    model = _NanAt()
    with pytest.raises(FloatingPointError, match=r"epoch 1, step 3"):
        fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=0.1), epochs=2,
            batch_size=2, shuffle=False, progress=False)
    # Step 2's loss was the last finite one; it was computed from the weights after
    # step 1, which a twin that takes only that first step ends with.
    twin = MLP(1, [3, 1], seed=0)
    fit(twin, X[:2], y[:2], loss="bce", optimizer=SGD(twin.parameters(), lr=0.1), epochs=1,
        progress=False)
    assert model.inner.state_dict() == twin.state_dict()
    assert all(math.isfinite(value) for value in model.state_dict().values())


def test_a_nan_or_inf_in_the_data_is_refused_before_training_naming_the_example() -> None:
    model = MLP(1, [3, 1], seed=0)
    before = model.state_dict()
    for bad in (math.nan, math.inf, -math.inf):
        X = [[1.0], [2.0], [bad], [4.0]]
        with pytest.raises(ValueError, match=rf"fit expects finite numbers, got {bad} at example 2"):
            fit(model, X, [1, 0, 1, 0], loss="bce", optimizer=SGD(model.parameters(), lr=0.1),
                epochs=2, progress=False)
        with pytest.raises(ValueError, match=rf"fit validation expects finite numbers, got {bad}"):
            fit(model, [[1.0]], [1], loss="bce", optimizer=SGD(model.parameters(), lr=0.1),
                epochs=1, validation=([[bad]], [0]), progress=False)
        with pytest.raises(ValueError, match=rf"finite targets, got {bad} at example 1"):
            fit(model, [[1.0], [2.0]], [0.5, bad], loss="mse",
                optimizer=SGD(model.parameters(), lr=0.1), epochs=1, progress=False)
    assert model.state_dict() == before


# ---------------------------------------------------------------- argument errors


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"loss": "bce", "nouts": [3]}, ValueError, r"needs a model with 1 output"),
        ({"loss": "cross_entropy", "nouts": [1]}, ValueError, r"at least 2 outputs"),
        ({"loss": "hinge", "y": [0, 2]}, ValueError, r"labels in"),
        ({"loss": "cross_entropy", "nouts": [2], "y": [0, 2]}, ValueError, r"class indices in \[0, 2\)"),
        ({"loss": "huber"}, ValueError, r"unknown loss 'huber'"),
        ({"epochs": 0}, ValueError, r"epochs must be a positive int"),
        ({"batch_size": 0}, ValueError, r"batch_size must be a positive int"),
        ({"l2": -1.0}, ValueError, r"l2 must be"),
        ({"y": [0]}, ValueError, r"2 examples and 1 labels"),
        ({"optimizer": "adam"}, TypeError, r"optimizer must have step"),
    ],
)
def test_fit_refuses_inconsistent_arguments(kwargs: dict[str, Any], error: type[Exception],
                                            match: str) -> None:
    model = MLP(2, kwargs.pop("nouts", [1]), seed=0)
    options: dict[str, Any] = {"loss": "bce", "optimizer": SGD(model.parameters(), lr=0.1),
                               "epochs": 1, "progress": False}
    y = kwargs.pop("y", [0, 1])
    options.update(kwargs)
    with pytest.raises(error, match=match):
        fit(model, [[0.0, 1.0], [1.0, 0.0]], y, **options)


def test_fit_refuses_inputs_of_the_wrong_length_with_the_model_message() -> None:
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match=r"expected 2 inputs, got 3"):
        fit(model, [[0.0, 1.0, 2.0]], [1], loss="bce", optimizer=SGD(model.parameters(), lr=0.1),
            epochs=1, progress=False)


# ---------------------------------------------------------------- modes, predict, progress


def test_fit_without_progress_does_not_import_the_notebook_progress_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # In a notebook without ipywidgets, importing tqdm.auto warns (TqdmWarning) into the
    # cell's output even for a bar that is never shown; progress=False must not import it.
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("fit(progress=False) used tqdm.auto")

    stand_in = types.ModuleType("tqdm.auto")
    stand_in.tqdm = refuse  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm.auto", stand_in)
    X, y = nn.xor()
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=0.1), epochs=2,
                  progress=False)
    assert history.epochs == 2
    with pytest.raises(AssertionError, match=r"used tqdm\.auto"):
        fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
            progress=True)


def test_fit_leaves_the_model_in_the_mode_it_was_in() -> None:
    model = MLP(2, [1], seed=0)
    model.eval()
    fit(model, [[0.0, 1.0]], [1], loss="bce", optimizer=SGD(model.parameters(), lr=0.1),
        epochs=1, progress=False)
    assert model.training is False


def test_predict_and_evaluate_record_no_graph_and_leave_gradients_and_mode_alone() -> None:
    model = MLP(2, [4, 1], seed=0, dropout=0.5)
    for value in model.parameters():
        value.grad = 5.0
    first = predict(model, [[0.5, -0.2], [1.0, 1.0]])
    evaluate(model, [[0.5, -0.2]], [1], loss="bce")
    assert model.training is True
    assert all(value.grad == 5.0 for value in model.parameters())
    assert all(isinstance(v, float) for row in first for v in row)
    assert predict(model, [[0.5, -0.2], [1.0, 1.0]]) == first  # eval mode: no dropout noise


def test_compute_loss_builds_the_graph_fit_differentiates() -> None:
    model = _linear(2.0)
    loss = compute_loss([model([1.0])], [1], "hinge")
    loss.backward()
    assert loss.data == 0.0  # margin 1·2 >= 1
    other = compute_loss([model([0.25])], [1], "hinge")  # 1 - 0.5 = 0.5
    model.zero_grad()
    other.backward()
    assert other.data == pytest.approx(0.5)
    assert model.state_dict().keys() == {"layers.0.neurons.0.w.0", "layers.0.neurons.0.b"}
    assert model.parameters()[0].grad == pytest.approx(-0.25)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_loss_and_accuracy_only_when_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = MLP(2, [1], seed=0)
    for progress in (False, True):
        terminal = _Terminal()  # the bar shows on a terminal only
        monkeypatch.setattr(sys, "stderr", terminal)
        fit(model, [[0.0, 1.0], [1.0, 0.0]], [0, 1], loss="bce",
            optimizer=SGD(model.parameters(), lr=0.1), epochs=2, progress=progress)
        captured = capsys.readouterr()
        assert captured.out == ""
        if progress:
            assert "loss=" in terminal.getvalue() and "acc=" in terminal.getvalue()
        else:
            assert terminal.getvalue() == ""


# ---------------------------------------------------------------- History


def test_history_round_trips_through_json_and_plots(tmp_path: Any) -> None:
    history = History(train_loss=[1.0, 0.5], train_accuracy=[0.5, 0.75], val_loss=[1.1, 0.6],
                      val_accuracy=[0.5, 0.7], best_epoch=1)
    restored = History.from_dict(json.loads(json.dumps(history.to_dict())))
    assert restored == history
    path = tmp_path / "loss.png"
    figure = history.plot(str(path))
    assert len(figure.axes) == 2
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_history_plot_without_accuracy_has_one_panel() -> None:
    figure = History(train_loss=[1.0, 0.5]).plot()
    assert len(figure.axes) == 1
    assert [line.get_label() for line in figure.axes[0].get_lines()] == ["train loss"]
