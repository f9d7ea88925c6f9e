"""Specification of the explorer page in a real browser (headless Chromium via selenium).

The pages are opened from ``file://`` with every host name unresolvable, as a
user would open a saved page offline. The contract the tests rely on: each
drawn node or group is a ``.vg-node`` with ``data-node``; a group also has
``data-group`` and ``data-collapsed``; the search field is
``input[type=search]``; ``<body data-vg-ready="1">`` once a layout is drawn.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from support.browser import (
    BrowserUnavailable,
    click_box,
    console_errors,
    open_page,
    wait_ready,
)
from support.graphs import chain, summed_with_plus

import nn
from autograd import Value, detect_anomaly, explore

HOSTILE = ["</script><script>window.vgPwned = 1</script>", '<img src=x onerror="window.vgPwned = 2">']


def show(browser: Any, page: Any, path: Path) -> None:
    page.save(path)
    open_page(browser, path.as_uri())


def boxes(browser: Any, selector: str = ".vg-node") -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(browser.find_elements(By.CSS_SELECTOR, selector))


def box(browser: Any, selector: str) -> Any:
    found = boxes(browser, selector)
    assert found, f"nothing matches {selector}"
    return found[0]


def ten_nodes() -> Value:
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    loss = (d * f).tanh() + (a - c)
    loss.label = "L"
    loss.backward()
    return loss


def batch_page(examples: int = 3) -> Any:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    X, y = nn.moons(n=examples, noise=0.1, seed=0)
    loss = nn.compute_loss([model(x) for x in X], y, "bce")
    loss.backward()
    return explore(loss, model=model, collapse_above=4)


def test_a_ten_node_graph_shows_ten_nodes_with_their_labels_and_values(
    browser: Any, tmp_path: Path
) -> None:
    show(browser, explore(ten_nodes()), tmp_path / "ten.html")
    drawn = boxes(browser)
    assert len(drawn) == 10
    texts = " | ".join(element.text for element in drawn)
    for label in ("a", "b", "c", "e", "d", "f", "L"):
        assert any(element.text.splitlines()[0].startswith(label) for element in drawn), label
    assert "data -6" in texts and "data 4" in texts
    assert console_errors(browser) == []


def test_clicking_a_node_opens_its_panel_with_its_gradient(browser: Any, tmp_path: Path) -> None:
    loss = ten_nodes()
    a = loss.parents[1].parents[0]
    assert a.label == "a"
    show(browser, explore(loss), tmp_path / "panel.html")
    target = next(element for element in boxes(browser) if element.text.startswith("a\n"))
    click_box(browser, target)
    panel = box(browser, "#vg-panel")
    assert panel.is_displayed()
    facts = panel.text.splitlines()
    assert float(facts[facts.index("grad") + 1]) == a.grad
    assert "used by (2)" in panel.text


def test_the_panel_shows_what_each_user_adds_to_a_nodes_gradient_and_that_they_sum_to_it(
    browser: Any, tmp_path: Path
) -> None:
    x = Value(3.0, label="x")
    y = Value(5.0, label="y")
    out = x * y + x * x  # x is used twice by one user and once by another
    out.label = "out"
    out.backward()
    show(browser, explore(out), tmp_path / "adds.html")
    click_box(browser, next(e for e in boxes(browser) if e.text.startswith("x\n")))
    adds = sorted(e.text for e in boxes(browser, ".vg-users .vg-adds"))
    # local derivative × the user's grad: y × 1, and (x + x) × 1
    assert adds == ["adds 5 × 1 = 5", "adds 6 × 1 = 6"]
    assert box(browser, ".vg-sum").text.endswith("the parts sum to 11, this node's grad (11)")
    assert x.grad == 11


def test_reset_groups_also_clears_the_search(browser: Any, tmp_path: Path) -> None:
    show(browser, explore(ten_nodes()), tmp_path / "reset.html")
    field = box(browser, "input[type=search]")
    field.send_keys("tanh")
    browser.execute_script(
        "arguments[0].dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}))", field
    )
    wait_ready(browser)
    assert boxes(browser, ".vg-match")
    box(browser, "#vg-collapse").click()
    wait_ready(browser)
    assert boxes(browser, ".vg-match") == []
    assert field.get_attribute("value") == ""
    assert box(browser, "#vg-matches").text == ""


def test_the_panel_lists_operands_with_local_derivatives_and_they_are_links(
    browser: Any, tmp_path: Path
) -> None:
    x = Value(3.0, label="x")
    y = Value(5.0, label="y")
    out = x * y
    out.label = "out"
    out.backward()
    show(browser, explore(out), tmp_path / "links.html")
    click_box(browser, next(e for e in boxes(browser) if e.text.startswith("out")))
    rows = [row.text for row in boxes(browser, ".vg-operands tbody tr")]
    assert rows == ["0 x 3 5", "1 y 5 3"]  # operand, its data, d out / d operand
    box(browser, ".vg-operands .vg-link").click()
    assert box(browser, "#vg-panel h2").text == "x"


def test_clicking_a_collapsed_group_expands_it(browser: Any, tmp_path: Path) -> None:
    show(browser, batch_page(), tmp_path / "groups.html")
    stack = box(browser, '.vg-node[data-group][data-collapsed="true"].vg-kind-stack')
    group = stack.get_attribute("data-group")
    before = len(boxes(browser))
    click_box(browser, stack)
    opened = box(browser, f'.vg-node[data-group="{group}"]')
    assert opened.get_attribute("data-collapsed") == "false"
    assert len(boxes(browser)) > before
    example = box(browser, '.vg-kind-example[data-collapsed="true"]')
    group = example.get_attribute("data-group")
    click_box(browser, example)
    opened = box(browser, f'.vg-node[data-group="{group}"]')
    assert opened.get_attribute("data-collapsed") == "false"


def test_an_open_stack_shows_its_examples_in_order_down_each_column(browser: Any, tmp_path: Path) -> None:
    show(browser, batch_page(examples=40), tmp_path / "order.html")
    click_box(browser, '.vg-kind-stack[data-collapsed="true"]')
    places = browser.execute_script(
        "return Array.from(document.querySelectorAll('.vg-kind-example')).map((e) => {"
        " const r = e.querySelector('rect').getBoundingClientRect();"
        " return [e.querySelector('.vg-title').textContent, Math.round(r.left + r.width / 2), r.top]; })"
    )
    read = [int(name.split()[-1]) for name, _, _ in sorted(places, key=lambda place: (place[1], place[2]))]
    assert read == list(range(40))


def test_search_finds_a_label_inside_a_collapsed_group_and_opens_it(
    browser: Any, tmp_path: Path
) -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    x = [Value(0.5, label="input-zero"), Value(-1.0, label="input-one")]
    out = model(x)[0]
    inner = model.layers[0].neurons[2].b
    assert inner is not None
    inner.label = "needle"
    out.backward()
    show(browser, explore(out, model=model, collapse_above=2), tmp_path / "search.html")
    assert "needle" not in " ".join(element.text for element in boxes(browser))
    field = box(browser, "input[type=search]")
    field.send_keys("needle")
    browser.execute_script(
        "arguments[0].dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}))", field
    )
    wait_ready(browser)
    found = [element for element in boxes(browser) if element.text.startswith("needle")]
    assert len(found) == 1
    assert "vg-match" in found[0].get_attribute("class")
    assert box(browser, "#vg-matches").text == "1 match"


def test_local_derivatives_show_on_edges_with_the_toggle(browser: Any, tmp_path: Path) -> None:
    x = Value(3.0, label="x")
    out = x * x
    out.backward()
    show(browser, explore(out), tmp_path / "local.html")
    assert boxes(browser, ".vg-edge-label") == []
    box(browser, "#vg-local").click()
    wait_ready(browser)
    assert sorted(e.text for e in boxes(browser, ".vg-edge-label")) == ["3", "3"]


def test_local_derivatives_on_a_dense_layer_never_cover_one_another(browser: Any, tmp_path: Path) -> None:
    model = nn.MLP(4, [8, 8, 1], seed=0)
    out = model([0.5, -1.0, 0.25, 2.0])[0]
    out.backward()
    show(browser, explore(out, model=model, collapse_above=1000), tmp_path / "dense.html")
    box(browser, "#vg-local").click()
    wait_ready(browser)
    rects = browser.execute_script(
        "return Array.from(document.querySelectorAll('.vg-edge-label'))"
        ".map((t) => t.getBoundingClientRect().toJSON())"
    )
    assert len(rects) >= 20
    for k, one in enumerate(rects):
        for other in rects[k + 1 :]:
            overlap_x = min(one["right"], other["right"]) - max(one["left"], other["left"])
            overlap_y = min(one["bottom"], other["bottom"]) - max(one["top"], other["top"])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (one, other)


def test_edge_labels_show_only_at_a_scale_they_can_be_read(browser: Any, tmp_path: Path) -> None:
    x = Value(3.0, label="x")
    out = x * x
    out.backward()
    show(browser, explore(out), tmp_path / "scale.html")
    box(browser, "#vg-local").click()
    wait_ready(browser)
    shown = "return Array.from(document.querySelectorAll('.vg-edge-label')).filter((t) => t.getBBox && t.getClientRects().length > 0).length"
    assert browser.execute_script(shown) == 2
    browser.execute_script("window.vgExplorer.view.zoomAt(0.2, 10, 10)")
    assert browser.execute_script(shown) == 0
    browser.execute_script("window.vgExplorer.view.fit()")
    assert browser.execute_script(shown) == 2


def test_the_wheel_zooms_a_drag_pans_and_fit_to_screen_brings_it_all_back(
    browser: Any, tmp_path: Path
) -> None:
    show(browser, explore(ten_nodes()), tmp_path / "zoom.html")
    scene = box(browser, ".vg-scene")
    fitted = scene.get_attribute("transform")
    browser.execute_script(
        "arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: -500, clientX: 300, clientY: 300,"
        " bubbles: true, cancelable: true}))",
        box(browser, ".vg-canvas"),
    )
    zoomed = scene.get_attribute("transform")
    assert zoomed != fitted
    from selenium.webdriver.common.action_chains import ActionChains

    drag = ActionChains(browser).move_to_element_with_offset(box(browser, ".vg-canvas"), 10, 10)
    drag.click_and_hold().move_by_offset(80, 40).release().perform()
    assert scene.get_attribute("transform") != zoomed
    box(browser, "#vg-fit").click()
    assert scene.get_attribute("transform") == fitted


def test_labels_are_shown_as_text_and_never_run(browser: Any, tmp_path: Path) -> None:
    out = Value(1.0, label=HOSTILE[0]) * Value(2.0, label=HOSTILE[1])
    show(browser, explore(out), tmp_path / "hostile.html")
    assert browser.execute_script("return window.vgPwned") is None
    texts = [element.text.splitlines()[0] for element in boxes(browser)]
    for label in HOSTILE:
        assert any(text.startswith(label[:12]) for text in texts), texts
    assert boxes(browser, "img") == []
    assert console_errors(browser) == []


def test_the_page_makes_no_network_request_and_logs_no_error(browser: Any, tmp_path: Path) -> None:
    show(browser, batch_page(), tmp_path / "offline.html")
    click_box(browser, box(browser, '.vg-kind-stack[data-collapsed="true"]'))
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert resources == []
    assert browser.current_url.startswith("file://")
    assert console_errors(browser) == []


def test_the_line_that_made_a_node_under_anomaly_mode_shows_in_the_panel(
    browser: Any, tmp_path: Path
) -> None:
    with detect_anomaly():
        out = (Value(1.0, label="x") * 2).relu()
    out.label = "h"
    line = out.origin.line if out.origin is not None else -1
    show(browser, explore(out), tmp_path / "origin.html")
    click_box(browser, next(e for e in boxes(browser) if e.text.startswith("h")))
    expected = f"made at\n{__file__}:{line} in test_the_line_that_made_a_node_under_anomaly_mode_shows_in_the_panel"
    assert expected in box(browser, "#vg-panel").text


def test_two_inline_explorers_render_side_by_side_in_one_notebook_page(
    browser: Any, tmp_path: Path
) -> None:
    first = explore(ten_nodes())
    second = explore(Value(1.0, label=HOSTILE[0]) * 2)
    host = tmp_path / "notebook.html"
    host.write_text(
        "<!DOCTYPE html><html><head><title>notebook</title></head><body>"
        f"<div class='output'>{first._repr_html_()}</div>"
        f"<div class='output'>{second._repr_mimebundle_()['text/html']}</div>"
        f"<p id='after'>{html.escape('the notebook page stays as it was')}</p></body></html>",
        encoding="utf-8",
    )
    browser.get(host.as_uri())
    frames = boxes(browser, "iframe.vg-explorer")
    assert len(frames) == 2
    counts = []
    for frame in frames:
        browser.switch_to.frame(frame)
        wait_ready(browser)
        counts.append(len(boxes(browser)))
        browser.switch_to.default_content()
    assert counts == [10, 2]
    assert browser.execute_script("return window.vgPwned") is None
    assert box(browser, "#after").text == "the notebook page stays as it was"
    assert console_errors(browser) == []


@pytest.mark.slow
def test_a_training_steps_loss_graph_opens_and_expands_quickly_and_fits_in_5_mb() -> None:
    from benchmarks import explorer as workload

    try:
        timings = workload.measure(rounds=1)
    except BrowserUnavailable as error:
        pytest.skip(f"no headless Chromium: {error}")
    assert timings.nodes > 10_000
    assert timings.size_bytes <= workload.SIZE_TARGET_MB * 1e6
    # Twice the benchmark's targets: this machine is shared, and the benchmark reports the real figures.
    assert timings.ready_s[0] <= 2 * workload.READY_TARGET_S, timings.ready_s
    for what, seconds in timings.expand_s.items():
        assert seconds[0] <= 2 * workload.EXPAND_TARGET_S, (what, seconds)


# ---------------------------------------------------------------- any graph, without names

# The page's targets are 2 s to ready (5 s at 100,000 nodes) and 1 s to open a
# group; the tests allow twice that, as this machine is shared, and
# benchmarks/explorer.py reports the real figures.
SHARED_MACHINE = 2


def training_step(points: int = 150) -> Value:
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    X, y = nn.moons(n=points, noise=0.1, seed=0)
    loss = nn.compute_loss([model(x) for x in X], y, "bce") + 1e-3 * nn.l2(model)
    loss.backward()
    return loss


def open_saved(browser: Any, page: Any, path: Path, timeout: float = 20.0) -> float:
    page.save(path)
    browser.get("about:blank")
    return open_page(browser, path.as_uri(), timeout)


def status(browser: Any) -> str:
    text: str = box(browser, "#vg-status").text
    return text


def output_box(browser: Any) -> dict[str, float]:
    rect: dict[str, float] = browser.execute_script(
        "return document.querySelector('.vg-node[data-node=\"0\"] rect').getBoundingClientRect().toJSON()"
    )
    return rect


def in_window(browser: Any, rect: dict[str, float]) -> bool:
    stage: dict[str, float] = browser.execute_script(
        "return document.querySelector('.vg-canvas').getBoundingClientRect().toJSON()"
    )
    return bool(
        rect["left"] >= stage["left"] and rect["right"] <= stage["right"]
        and rect["top"] >= stage["top"] and rect["bottom"] <= stage["bottom"]
    )


def test_the_plain_call_on_a_training_step_opens_folded_within_2_s_and_shows_the_batch_size(
    browser: Any, tmp_path: Path
) -> None:
    loss = training_step()
    page = explore(loss)
    assert page.nodes > 10_000
    seconds = open_saved(browser, page, tmp_path / "step.html")
    assert seconds <= SHARED_MACHINE * 2.0, status(browser)
    assert len(boxes(browser)) < 50
    stack = box(browser, '.vg-kind-stack[data-collapsed="true"]')
    assert box(browser, ".vg-kind-stack .vg-title").get_attribute("textContent") == "150 examples"
    assert in_window(browser, output_box(browser))
    assert box(browser, '.vg-node[data-node="0"] .vg-title').get_attribute("textContent").startswith("loss = ")
    assert click_box(browser, stack) <= SHARED_MACHINE * 1.0
    assert len(boxes(browser, ".vg-kind-example")) == 150
    lines = [line.get_attribute("textContent") for line in boxes(browser, ".vg-kind-example .vg-line")]
    assert sum(line.startswith("share of the loss ") for line in lines) == 150, "each example shows its loss"
    assert console_errors(browser) == []


def test_a_batch_loss_with_a_penalty_counts_only_its_examples(browser: Any, tmp_path: Path) -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    X, y = nn.moons(n=5, noise=0.1, seed=0)
    loss = nn.compute_loss([model(x) for x in X], y, "bce") + 1e-3 * nn.l2(model)
    loss.backward()
    show(browser, explore(loss, model=model), tmp_path / "penalty.html")
    assert box(browser, ".vg-kind-stack .vg-title").get_attribute("textContent") == "5 examples"


def edge_counts(browser: Any) -> dict[str, int]:
    counts: dict[str, int] = browser.execute_script("return window.vgExplorer.view.edgeCounts")
    return counts


def test_a_loss_summed_with_plus_lays_out_in_seconds_with_every_edge_drawn(browser: Any, tmp_path: Path) -> None:
    # One box (the examples) feeds each link of a 150-link chain: routed by Graphviz, those
    # edges took minutes; the longest are drawn straight after the layout instead.
    seconds = open_saved(browser, explore(summed_with_plus(150)), tmp_path / "summed.html", timeout=60)
    assert seconds <= SHARED_MACHINE * 2.0, status(browser)
    counts = edge_counts(browser)
    assert counts["unrouted"] > 0 and counts["drawn"] == counts["edges"]
    assert "failed" not in status(browser) and in_window(browser, output_box(browser))
    assert console_errors(browser) == []


def test_an_ordinary_graph_has_every_edge_routed_by_graphviz(browser: Any, tmp_path: Path) -> None:
    open_saved(browser, explore(training_step(40)), tmp_path / "step.html")
    counts = edge_counts(browser)
    assert counts["unrouted"] == 0 and counts["drawn"] == counts["edges"] > 0


def test_a_6001_node_chain_lays_out_without_failing(browser: Any, tmp_path: Path) -> None:
    root = chain(6000)
    assert explore(root).nodes == 6001
    seconds = open_saved(browser, explore(root), tmp_path / "chain.html")
    assert seconds <= SHARED_MACHINE * 2.0
    assert "failed" not in status(browser)
    assert in_window(browser, output_box(browser))
    click_box(browser, '.vg-kind-band[data-collapsed="true"]')
    assert "failed" not in status(browser)
    assert console_errors(browser) == []


def test_fit_to_screen_keeps_a_4001_node_chain_readable(browser: Any, tmp_path: Path) -> None:
    open_saved(browser, explore(chain(4000)), tmp_path / "fit.html")
    click_box(browser, '.vg-kind-band[data-collapsed="true"]')
    box(browser, "#vg-fit").click()
    heights = browser.execute_script(
        "const stage = document.querySelector('.vg-canvas').getBoundingClientRect();"
        "return Array.from(document.querySelectorAll('.vg-node:not(.vg-cluster) > rect'))"
        ".map((r) => r.getBoundingClientRect())"
        ".filter((r) => r.right > stage.left && r.left < stage.right && r.bottom > stage.top && r.top < stage.bottom)"
        ".map((r) => r.height)"
    )
    assert len(heights) >= 5, "boxes in view"
    assert min(heights) >= 20, "tall enough to read their text"
    assert in_window(browser, output_box(browser)), "the output end is in view"


def test_groups_opened_past_what_can_be_laid_out_are_closed_again(browser: Any, tmp_path: Path) -> None:
    # Every group starts open: the page closes some rather than lay out 3,000 boxes.
    open_saved(browser, explore(chain(3000), collapse_above=10**6), tmp_path / "open.html")
    drawn = len(boxes(browser))
    assert 0 < drawn <= 1500
    assert in_window(browser, output_box(browser))
    assert console_errors(browser) == []


@pytest.mark.slow
def test_a_100000_node_graph_is_ready_within_5_s_and_a_group_opens_within_1_s(
    browser: Any, tmp_path: Path
) -> None:
    page = explore(chain(100_000))
    seconds = open_saved(browser, page, tmp_path / "big.html", timeout=60)
    assert seconds <= SHARED_MACHINE * 5.0, status(browser)
    assert "100,001 nodes" in status(browser)
    assert in_window(browser, output_box(browser))
    assert click_box(browser, '.vg-kind-band[data-collapsed="true"]') <= SHARED_MACHINE * 1.0
    assert console_errors(browser) == []


def test_a_jitted_calls_steps_show_their_lines_of_generated_code_in_the_panel(browser: Any, tmp_path: Path) -> None:
    from autograd import jit

    @jit
    def f(x: Value, y: Value) -> Value:
        return (x * y).tanh() + x

    for k in range(3):  # trusted after a second matching trace
        x, y = Value(1.0 + k, label="x"), Value(2.0, label="y")
        out = f(x, y)
    assert out.op == "jit"
    out.label = "f"
    out.backward()
    show(browser, explore(out), tmp_path / "jit.html")
    assert len(boxes(browser)) == 5  # x, y, *, tanh, + : the call unfolded into its steps
    click_box(browser, next(e for e in boxes(browser) if e.text.startswith("tanh")))
    tanh_line = next(line.strip() for line in f.source.split("\n") if " = tanh(" in line)
    assert box(browser, "#vg-panel .vg-code-line").text == tanh_line  # t1 = tanh(t0)  # tanh at <file>:<line> (in f)
    assert "frozen" not in box(browser, "#vg-panel").text  # the page runs every step
    assert console_errors(browser) == []


def test_a_jitted_call_whose_code_cannot_be_read_step_by_step_stays_one_node_with_its_code(
    browser: Any, tmp_path: Path
) -> None:
    from dataclasses import replace

    from autograd import jit
    from autograd.compiler import CompiledProgram, register_backend
    from autograd.compiler.backends import PythonBackend

    class Listing:  # a backend whose source is not one line per step
        name = "listing for the explorer test"

        def compile(self, program: Any, **names: str) -> CompiledProgram:
            compiled = PythonBackend().compile(program, **names)
            return replace(compiled, source=f"one listing of {len(program.steps)} steps\n")

    with register_backend(Listing()):
        f = jit(lambda x, y: (x * y).tanh() + x, backend=Listing.name)
        for _ in range(3):
            x, y = Value(1.0, label="x"), Value(2.0, label="y")
            out = f(x, y)
    out.label = "f"
    out.backward()
    show(browser, explore(out), tmp_path / "jit.html")
    click_box(browser, next(e for e in boxes(browser) if e.text.startswith("f")))
    assert box(browser, "#vg-panel .vg-code").text == "one listing of 3 steps"
    assert "frozen" in box(browser, "#vg-panel").text  # the page does not run a jitted call
    assert console_errors(browser) == []


def test_the_inputs_folded_into_a_neurons_dot_appear_in_its_panel(browser: Any, tmp_path: Path) -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    X, y = nn.moons(n=4, noise=0.1, seed=0)
    loss = nn.compute_loss([model(x) for x in X], y, "bce")
    loss.backward()
    show(browser, explore(loss, model=model), tmp_path / "folded.html")
    first = browser.execute_script(
        "const data = window.vgExplorer.model.data;"
        "for (let i = 0; i < data.const.length; i++) {"
        "  const c = data.const[i];"
        "  if (c && typeof c === 'object' && c.coefficients.length === 3) return i;"
        "} return -1;"
    )
    browser.execute_script("window.vgExplorer.goTo(arguments[0]);", first)
    wait_ready(browser)
    facts = box(browser, "#vg-panel").text.splitlines()
    folded = facts[facts.index("numbers folded in") + 1]
    x0, x1 = (f"{x:.4g}" for x in X[0])
    assert folded == f"w.0 × {x0}; w.1 × {x1}; b × 1"  # example 0's input, and the bias's 1
    where = facts[facts.index("in") + 1]
    assert where == "examples › example 0 › layers.0 › neurons.0"  # named as the boxes are


def test_a_gpt_positions_head_opens_to_its_labelled_attention_weights(browser: Any, tmp_path: Path) -> None:
    model = nn.GPT(27, seed=0)
    show(browser, nn.explore_gpt(model, [26, 4, 12, 12, 0, 26], 3), tmp_path / "position.html")
    closed = "Array.from(document.querySelectorAll('[data-group][data-collapsed=\"true\"]'))"
    drawn = "return Array.from(document.querySelectorAll('.vg-node')).map(e => e.textContent).join(' ')"
    assert "attention weight" not in browser.execute_script(drawn)  # inside closed boxes at first
    for name in ("blocks.0", "attn", "head 1"):  # a box's title starts with its name
        element = browser.execute_script(f"return {closed}.find(e => e.textContent.startsWith(arguments[0]))", name)
        assert element is not None, f"no closed box {name!r}"
        click_box(browser, element)
    shown = browser.execute_script(drawn)
    for key in range(4):
        assert f"attention weight of position {key}" in shown
    assert console_errors(browser) == []
