"""Specification of training in the explorer page (headless Chromium): ``nn.explore_model(model, data=(X, y))``.

The page runs full-batch gradient descent on the loss graph it shows; each
step must equal ``nn.fit``'s with ``nn.SGD`` (same learning rate and
momentum), ``batch_size=None`` and ``shuffle=False``, to 1e-9 relative.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from support.browser import console_errors, open_page

import nn

X, Y = nn.moons(n=12, noise=0.1, seed=0)


def _model() -> nn.MLP:
    return nn.MLP(2, [4, 1], activation="tanh", seed=0)


def _fitted(epochs: int, lr: float, momentum: float) -> nn.MLP:
    model = _model()
    if epochs:
        optimizer = nn.SGD(model.parameters(), lr=lr, momentum=momentum)
        nn.fit(model, X, Y, loss="bce", optimizer=optimizer, epochs=epochs, shuffle=False, progress=False)
    return model


def _open(browser: Any, tmp_path: Path, lr: float = 0.2, momentum: float = 0.5) -> None:
    path = tmp_path / "train.html"
    nn.explore_model(_model(), data=(X, Y), lr=lr, momentum=momentum).save(path)
    open_page(browser, path.as_uri())


def _assert_parameters_equal(page: dict[str, float], model: nn.MLP) -> None:
    for name, parameter in model.named_parameters():
        assert page[name] == pytest.approx(parameter.data, rel=1e-9, abs=1e-300), name


def test_each_step_in_the_page_equals_fits_step_with_sgd_and_momentum(browser: Any, tmp_path: Path) -> None:
    _open(browser, tmp_path)
    for step in range(1, 5):
        page = browser.execute_script("valuegrad.train(1); return valuegrad.parameters();")
        _assert_parameters_equal(page, _fitted(step, 0.2, 0.5))
    losses = browser.execute_script("return valuegrad.training().losses;")
    model = _model()
    history = nn.fit(model, X, Y, loss="bce", optimizer=nn.SGD(model.parameters(), lr=0.2, momentum=0.5),
                     epochs=4, shuffle=False, progress=False)
    assert losses == pytest.approx(history.train_loss, rel=1e-9)
    assert console_errors(browser) == []


def test_the_recorded_run_can_be_scrubbed_back_to_any_step(browser: Any, tmp_path: Path) -> None:
    _open(browser, tmp_path)
    browser.execute_script("valuegrad.train(6);")
    for step in (2, 0, 5):
        page = browser.execute_script("valuegrad.rewind(arguments[0]); return valuegrad.parameters();", step)
        _assert_parameters_equal(page, _fitted(step, 0.2, 0.5))
    # Training on from a rewound step is fit's run from there.
    page = browser.execute_script("valuegrad.rewind(3); valuegrad.train(1); return valuegrad.parameters();")
    _assert_parameters_equal(page, _fitted(4, 0.2, 0.5))


def test_the_decision_boundary_is_the_models_output_with_the_current_parameters(
    browser: Any, tmp_path: Path
) -> None:
    _open(browser, tmp_path)
    browser.execute_script("valuegrad.train(3);")
    model = _fitted(3, 0.2, 0.5)
    for point in ([0.0, 0.0], [1.5, -0.4], [-1.0, 0.7]):
        got = browser.execute_script("return valuegrad.predict(arguments[0], arguments[1]);", *point)
        assert got == pytest.approx(model(point)[0].data, rel=1e-12)
    accuracy = browser.execute_script("return valuegrad.training().accuracy;")
    right = sum((model(x)[0].data > 0) == (label == 1) for x, label in zip(X, Y, strict=True))
    assert accuracy == right / len(X)


def test_the_train_button_plays_and_pauses_and_the_numbers_in_the_graph_follow(
    browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, tmp_path)
    before = browser.execute_script("return valuegrad.get(0).data;")
    button = browser.find_element(By.ID, "vg-train-play")
    button.click()
    time.sleep(0.6)
    button.click()
    state = browser.execute_script("return valuegrad.training();")
    assert state["step"] > 0 and button.text == "▶ train"
    assert state["loss"] != before
    assert browser.execute_script("return valuegrad.get(0).data;") == state["loss"]
    text = browser.find_element(By.ID, "vg-train-text").text
    assert f"step {state['step']}" in text and "accuracy" in text


def test_the_model_is_left_as_it_was() -> None:
    model = _model()
    before = [(p.data, p.grad) for p in model.parameters()]
    nn.explore_model(model, data=(X, Y))
    assert [(p.data, p.grad) for p in model.parameters()] == before


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"data": (X, [2] * len(X))}, ValueError, "labels must be 0 or 1, got 2 at index 0"),
        ({"data": (X, Y), "loss": "mse"}, ValueError, "loss 'bce' or 'hinge'"),
        ({"data": (X, Y[:3])}, ValueError, "one label per point"),
        ({"data": (X, Y), "lr": 0.0}, ValueError, "lr must be a finite number > 0"),
        ({"data": (X, Y), "momentum": -1.0}, ValueError, "momentum must be a finite number >= 0"),
        ({"data": [X, Y]}, TypeError, "a pair (X, y)"),
    ],
)
def test_explore_model_with_data_refuses_what_it_cannot_train(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        nn.explore_model(_model(), **kwargs)


def test_the_training_view_needs_a_two_input_model() -> None:
    with pytest.raises(ValueError, match="3 inputs, not 2"):
        nn.explore_model(nn.MLP(3, [2, 1], seed=0), data=([[0.0, 0.0, 0.0]], [1]))


def test_hinge_trains_in_the_page_as_fit_trains_it(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "hinge.html"
    nn.explore_model(nn.MLP(2, [4, 1], seed=0), data=(X, Y), loss="hinge", lr=0.05).save(path)
    open_page(browser, path.as_uri())
    page = browser.execute_script("valuegrad.train(3); return valuegrad.parameters();")
    model = nn.MLP(2, [4, 1], seed=0)
    nn.fit(model, X, Y, loss="hinge", optimizer=nn.SGD(model.parameters(), lr=0.05), epochs=3,
           shuffle=False, progress=False)
    _assert_parameters_equal(page, model)
