"""Specification of the graph run in the explorer page (headless Chromium): set, get, step.

The page carries the graph's forward and backward as JavaScript printed from
the derivative table. Setting a leaf in the page must give the numbers Python
gives for the same graph built at the new point, to 1e-12 relative, on the
random graphs of ``autograd.testing.graphs`` (every row of the table).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.browser import click_box, console_errors, open_page

import nn
from autograd import Value, explore, vsum
from autograd.testing import Graph, graphs


def _build(graphs_: list[Graph], points: list[list[float]]) -> tuple[Value, list[Value]]:
    """The sum of the graphs at the points, after backward, and its inputs in order."""
    inputs: list[Value] = []
    outputs = []
    for number, (graph, point) in enumerate(zip(graphs_, points, strict=True)):
        xs = [Value(x, label=f"g{number}x{k}") for k, x in enumerate(point)]
        inputs += xs
        outputs.append(graph(xs))
    root = vsum(outputs)
    root.backward()
    return root, inputs


def _close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1e-300)


def _page_numbers(browser: Any) -> tuple[list[float], list[float]]:
    numbers = browser.execute_script(
        "const all = valuegrad.all(); return [all.data.map(String), all.grad.map(String)];"
    )
    return [float(x) for x in numbers[0]], [float(x) for x in numbers[1]]


def _python_numbers(root: Value) -> tuple[list[float], list[float]]:
    from autograd.pictures.explorer.order import nodes_under

    nodes = nodes_under(root)
    return [node.data for node in nodes], [node.grad for node in nodes]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(graphs(max_inputs=3, max_steps=8), min_size=4, max_size=4), shift=st.floats(-0.01, 0.01))
def test_setting_a_leaf_in_the_page_gives_pythons_values_and_gradients_to_1e_12(
    browser: Any, tmp_path: Path, drawn: list[Graph], shift: float
) -> None:
    points = [list(graph.point) for graph in drawn]
    root, inputs = _build(drawn, points)
    path = tmp_path / "runs.html"
    explore(root).save(path)
    open_page(browser, path.as_uri())
    # Recomputing in the page at the same point gives Python's numbers.
    browser.execute_script("valuegrad.set(arguments[0], valuegrad.get(arguments[0]).data);",
                           browser.execute_script("return valuegrad.find(arguments[0])[0];", inputs[0].label))
    for page, python in zip(_page_numbers(browser), _python_numbers(root), strict=True):
        assert all(_close(a, b) for a, b in zip(page, python, strict=True)), (page, python)
    # Each input moved in turn: the page recomputes what Python computes at the new point.
    for number, point in enumerate(points):
        for k in range(len(point)):
            point[k] += shift
            label = f"g{number}x{k}"
            [found] = browser.execute_script("return valuegrad.find(arguments[0]);", label)
            browser.execute_script("valuegrad.set(arguments[0], arguments[1]);", found, point[k])
    moved, _ = _build(drawn, points)
    for page, python in zip(_page_numbers(browser), _python_numbers(moved), strict=True):
        assert all(_close(a, b) for a, b in zip(page, python, strict=True)), (page, python)
    assert console_errors(browser) == []


def _small(tmp_path: Path, browser: Any) -> tuple[Value, Value, Value]:
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    out = (a * b).tanh() + a * 2.0
    out.label = "out"
    out.backward()
    path = tmp_path / "small.html"
    explore(out).save(path)
    open_page(browser, path.as_uri())
    return a, b, out


def test_editing_a_leaf_in_the_panel_recomputes_every_number_shown(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _small(tmp_path, browser)
    [a] = browser.execute_script("return valuegrad.find('a');")
    browser.find_element(By.CSS_SELECTOR, f'.vg-node[data-node="{a}"]').click()
    field = browser.find_element(By.CSS_SELECTOR, ".vg-edit")
    field.clear()
    field.send_keys("1", Keys.ENTER)
    a2, b2 = Value(1.0), Value(-3.0)
    out2 = (a2 * b2).tanh() + a2 * 2.0
    out2.backward()
    got = browser.execute_script("return valuegrad.get(arguments[0]);", a)
    assert got["data"] == 1.0 and _close(got["grad"], a2.grad)
    assert browser.execute_script("return valuegrad.get(0).data;") == pytest.approx(out2.data, rel=1e-12)
    texts = " | ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, ".vg-value"))
    assert "data 1.005" in texts  # the output's box shows its new value
    panel = browser.find_element(By.CSS_SELECTOR, "#vg-panel").text.splitlines()
    assert float(panel[panel.index("grad") + 1]) == pytest.approx(a2.grad, rel=1e-12)  # the panel too


def test_set_refuses_what_is_not_a_leaf_with_a_clear_error(browser: Any, tmp_path: Path) -> None:
    _small(tmp_path, browser)
    message = browser.execute_script("try { valuegrad.set(0, 1); } catch (e) { return e.message; }")
    assert "only a leaf can be set" in message
    message = browser.execute_script("try { valuegrad.set(99, 1); } catch (e) { return e.message; }")
    assert "no node 99" in message


def test_stepping_runs_forward_then_backward_in_the_sweeps_order_filling_in_numbers(
    browser: Any, tmp_path: Path
) -> None:
    a, _, _ = _small(tmp_path, browser)
    total = browser.execute_script("return valuegrad.steps();")
    assert total == 4 + 4  # four op nodes forward, then the same four backward
    start = browser.execute_script("valuegrad.seek(0); return [valuegrad.shown(0), valuegrad.current()];")
    assert start[0] == {"data": None, "grad": None} and start[1]["phase"] == "start"
    seen = []
    for _ in range(total):
        seen.append(browser.execute_script("return valuegrad.step();"))
    assert [step["phase"] for step in seen] == ["forward"] * 4 + ["backward"] * 4
    assert seen[3]["node"] == 0 and seen[4]["node"] == 0  # the output last forward, first backward
    assert seen[4]["parts"] == [1.0, 1.0]  # d out / d operand × grad 1, for each operand of the sum
    [node_a] = browser.execute_script("return valuegrad.find('a');")
    assert browser.execute_script("return valuegrad.shown(arguments[0]).grad;", node_a) == pytest.approx(a.grad)
    # Scrubbing back: the output's value is unknown again before its forward step.
    assert browser.execute_script("valuegrad.seek(3); return valuegrad.shown(0).data;") is None
    assert browser.execute_script("return document.querySelectorAll('.vg-current').length;") == 1


def test_the_keyboard_steps_and_plays(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _small(tmp_path, browser)
    actions = ActionChains(browser)
    actions.send_keys(Keys.HOME).send_keys(Keys.ARROW_RIGHT).send_keys(Keys.ARROW_RIGHT).perform()
    assert browser.execute_script("return valuegrad.current().position;") == 2
    actions = ActionChains(browser)
    actions.send_keys(Keys.ARROW_LEFT).perform()
    assert browser.execute_script("return valuegrad.current().position;") == 1
    ActionChains(browser).send_keys(Keys.END).perform()
    assert browser.execute_script("return valuegrad.current().phase;") == "done"
    text = browser.execute_script("return document.getElementById('vg-step-text').textContent;")
    assert "8 steps" in text


def test_a_collapsed_group_steps_as_one_unit_and_opening_it_steps_inside(browser: Any, tmp_path: Path) -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    X, y = nn.moons(n=4, noise=0.1, seed=0)
    loss = nn.compute_loss([model(x) for x in X], y, "bce")
    loss.backward()
    path = tmp_path / "units.html"
    explore(loss, model=model, collapse_above=4).save(path)  # each example starts collapsed
    open_page(browser, path.as_uri())
    first = browser.execute_script("valuegrad.seek(0); return valuegrad.step();")
    assert first["nodes"] > 10  # the whole stack of examples, forward, in one step
    text = browser.execute_script("return document.getElementById('vg-step-text').textContent;")
    assert "stepped as one" in text
    click_box(browser, '.vg-kind-stack[data-collapsed="true"]')
    inside = browser.execute_script("valuegrad.seek(0); return valuegrad.step();")
    assert 1 < inside["nodes"] < first["nodes"]  # now one example at a time
    # Stepping by units reaches the same finished numbers as the engine.
    while browser.execute_script("return valuegrad.current().position < valuegrad.steps();"):
        browser.execute_script("valuegrad.step();")
    [w] = browser.execute_script("return valuegrad.find('layers.0.neurons.0.w.0');")
    weight = dict(model.named_parameters())["layers.0.neurons.0.w.0"]
    assert browser.execute_script("return valuegrad.shown(arguments[0]).grad;", w) == pytest.approx(
        weight.grad, rel=1e-12
    )


def test_a_sum_of_100000_leaves_opens_and_recomputes_in_the_page(browser: Any, tmp_path: Path) -> None:
    xs = [Value(0.001 * i) for i in range(100_000)]
    total = vsum(xs)
    total.backward()
    path = tmp_path / "wide.html"
    explore(total).save(path)
    open_page(browser, path.as_uri(), timeout=60)
    assert browser.execute_script("return document.body.getAttribute('data-vg-failed');") is None
    browser.execute_script("valuegrad.set(1, arguments[0]);", xs[0].data + 1.0)  # position 1 is the first term
    assert browser.execute_script("return valuegrad.get(0).data;") == pytest.approx(total.data + 1.0, rel=1e-12)
    assert console_errors(browser) == []


def test_keys_typed_into_a_field_are_not_shortcuts(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _small(tmp_path, browser)
    [a] = browser.execute_script("return valuegrad.find('a');")
    browser.find_element(By.CSS_SELECTOR, f'.vg-node[data-node="{a}"]').click()
    field = browser.find_element(By.CSS_SELECTOR, ".vg-edit")
    scale = browser.execute_script("return window.vgExplorer.view.scale;")
    field.send_keys(Keys.END, "0", Keys.ARROW_LEFT, " ", "-")
    assert browser.execute_script("return valuegrad.current().phase;") == "done"  # no step, no play
    assert browser.execute_script("return window.vgExplorer.view.scale;") == scale  # no zoom, no fit


def test_each_examples_share_of_the_loss_follows_a_change_of_a_weight(browser: Any, tmp_path: Path) -> None:
    from autograd.pictures.explorer.graph_data import graph_data

    def loss_of(model: nn.MLP) -> Value:
        X, y = nn.moons(n=4, noise=0.1, seed=0)
        loss = nn.compute_loss([model(x) for x in X], y, "bce")
        loss.backward()
        return loss

    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    path = tmp_path / "shares.html"
    explore(loss_of(model), model=model).save(path)
    open_page(browser, path.as_uri())
    [w] = browser.execute_script("return valuegrad.find('layers.0.neurons.1.w.0');")
    browser.execute_script("valuegrad.set(arguments[0], 1.5);", w)
    page = browser.execute_script("return window.vgExplorer.model.data.groups.share;")
    moved = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    dict(moved.named_parameters())["layers.0.neurons.1.w.0"].data = 1.5
    python = graph_data(loss_of(moved), model=moved)["groups"]["share"]
    assert [s is None for s in page] == [s is None for s in python]
    assert [s for s in page if s is not None] == pytest.approx([s for s in python if s is not None], rel=1e-5)
    click_box(browser, '.vg-kind-stack[data-collapsed="true"]')
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('.vg-kind-example')).map((e) => e.textContent);"
    )
    expected = browser.execute_script(
        "const shares = window.vgExplorer.model.data.groups.share;"
        "return shares.filter((s) => s !== null).map((s) => 'share of the loss ' + formatShare(s));"
        .replace("formatShare(s)", "String(Number(s.toPrecision(4)))")
    )
    assert sorted(expected) == sorted(line for text in shown for line in expected if line in text)
