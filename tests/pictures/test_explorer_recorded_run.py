"""Specification of scrubbing a recorded run in the explorer (headless Chromium).

``nn.fit(..., record=True)`` keeps the parameters as fit found them and after
every epoch in ``History.parameters``; ``nn.explore_model(model, data=(X, y),
history=history)`` opens a page whose slider (and ``[``/``]`` keys, and
``valuegrad.rewind(k)``) goes to each of those states, the graph's values and
gradients recomputed in the page from the derivative table's JavaScript. A
History saved to disk and loaded back scrubs the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.browser import console_errors, open_page

import nn
from autograd import Value

X, Y = nn.moons(n=16, noise=0.1, seed=1)
EPOCHS = 6


def _recorded_run() -> tuple[nn.MLP, nn.History]:
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.05)
    history = nn.fit(model, X, Y, loss="bce", optimizer=optimizer, epochs=EPOCHS, batch_size=4, seed=0,
                     progress=False, record=True)
    return model, history


def _loss_at(parameters: dict[str, float]) -> tuple[float, dict[str, float]]:
    """The full-batch loss on (X, Y) and its gradients, in Python, with the model's weights set to ``parameters``."""
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    for name, parameter in model.named_parameters():
        parameter.data = parameters[name]
    loss = nn.compute_loss([model([Value(x) for x in row]) for row in X], Y, "bce")
    loss.backward()
    return loss.data, {name: parameter.grad for name, parameter in model.named_parameters()}


def test_fit_records_the_parameters_at_the_start_and_after_every_epoch() -> None:
    model, history = _recorded_run()
    assert len(history.parameters) == EPOCHS + 1 == len(history.train_loss) + 1
    assert history.parameters[-1] == {name: p.data for name, p in model.named_parameters()}
    fresh = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    assert history.parameters[0] == {name: p.data for name, p in fresh.named_parameters()}
    assert nn.fit(fresh, X, Y, loss="bce", optimizer=nn.SGD(fresh.parameters(), lr=0.1), epochs=1,
                  progress=False).parameters == []  # not recorded unless asked


def test_a_recorded_run_with_jit_records_the_same_numbers() -> None:
    _, plain = _recorded_run()
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    compiled = nn.fit(model, X, Y, loss="bce", optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=EPOCHS,
                      batch_size=4, seed=0, progress=False, record=True, jit=True)
    for ours, theirs in zip(compiled.parameters, plain.parameters, strict=True):
        assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)


def test_a_saved_history_comes_back_with_its_recorded_parameters(tmp_path: Path) -> None:
    _, history = _recorded_run()
    loaded = nn.History.load(history.save(tmp_path / "run.json"))
    assert loaded == history


def test_loading_a_file_that_is_not_a_history_says_so(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="is not a saved History: expected a JSON object"):
        nn.History.load(path)
    path.write_text('{"loss": [3.2, 3.1]}')
    with pytest.raises(ValueError, match=r"expected the fields of History\.to_dict, got loss"):
        nn.History.load(path)


def test_the_page_scrubs_to_every_recorded_epoch_with_pythons_numbers(browser: Any, tmp_path: Path) -> None:
    model, history = _recorded_run()
    saved = history.save(tmp_path / "run.json")
    page_path = tmp_path / "run.html"
    nn.explore_model(model, data=(X, Y), history=nn.History.load(saved)).save(page_path)
    open_page(browser, page_path.as_uri())
    opened = browser.execute_script("return [valuegrad.training().step, valuegrad.recorded()];")
    assert opened[0] == EPOCHS  # it opens where the run ended, the model as it is
    assert opened[1] == {"epochs": EPOCHS, "losses": history.train_loss}
    (loss_node,) = browser.execute_script("return [0];")
    for epoch in (0, 3, EPOCHS, 1):
        shown = browser.execute_script(
            "valuegrad.rewind(arguments[0]); return [valuegrad.parameters(), valuegrad.get(arguments[1])];",
            epoch, loss_node)
        assert shown[0] == history.parameters[epoch]  # the recorded numbers themselves
        loss, _ = _loss_at(history.parameters[epoch])
        assert shown[1]["data"] == pytest.approx(loss, rel=1e-12)
    gradients = browser.execute_script(
        "valuegrad.rewind(2); const named = {};"
        "for (const name of Object.keys(valuegrad.parameters())) named[name] = valuegrad.get(valuegrad.find(name)[0]).grad;"
        "return named;")
    _, expected = _loss_at(history.parameters[2])
    assert gradients == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert console_errors(browser) == []


def test_the_bracket_keys_step_through_the_recorded_run(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    model, history = _recorded_run()
    page_path = tmp_path / "keys.html"
    nn.explore_model(model, data=(X, Y), history=history).save(page_path)
    open_page(browser, page_path.as_uri())
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("[[")
    assert browser.execute_script("return valuegrad.training().step;") == EPOCHS - 2
    body.send_keys("]")
    assert browser.execute_script("return valuegrad.training().step;") == EPOCHS - 1
    text = browser.find_element(By.ID, "vg-train-text").text
    assert f"after epoch {EPOCHS - 1} of {EPOCHS}" in text


def test_a_history_without_a_record_or_of_another_model_is_refused() -> None:
    model, history = _recorded_run()
    with pytest.raises(ValueError, match=r"train with nn\.fit"):
        nn.explore_model(model, data=(X, Y), history=nn.History(train_loss=[1.0]))
    other = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="does not name this model's"):
        nn.explore_model(other, data=(X, Y), history=history)
    with pytest.raises(ValueError, match="pass data"):
        nn.explore_model(model, history=history)
    with pytest.raises(TypeError, match=r"must be an nn\.History"):
        nn.explore_model(model, data=(X, Y), history={"parameters": []})
