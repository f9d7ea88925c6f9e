"""Specification: exploring a loss that came out of a jitted function shows the program's steps, each with its line.

``step = jit(loss_fn); loss = step(...); explore(loss)``: the compiled call is
unfolded into the steps of its program, so the page holds the graph the
function would have built without jit, and each step's node shows, in its
panel and under the step bar while it is the current step, the line of
generated code that computes it (the Python backend's assignment, the native
backend's tape entry) with the user's file:line. Values and gradients are
those of the function run without jit; the user's ``.grad`` is not touched.

How the node count relates to the unjitted graph's: equal when the data are
Values. A plain number the jit reads (an argument ``0.5``) is an input of the
program, so the unfolded graph has one leaf per such number, where the
unjitted graph folds the number into the op that uses it (``x * 0.5``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.browser import console_errors, open_page

import nn
from autograd import Value, explore, jit, vsum
from autograd.compiler import backends

BACKENDS = ["python", "native"]
X = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]]
Y = [1.0, -1.0, 0.5]
HOSTILE = "</script><script>window.vgPwned = 1</script>"
HOSTILE_FILE = '<img src=x onerror="window.vgPwned = 2">'  # a file name: no "/", which would cut it


def mlp_loss(model: nn.MLP) -> Any:
    """A batch loss of a small MLP; each example's output labelled ``out_k``."""

    def loss_fn(xs: list[list[Any]], ys: list[Any]) -> Value:
        total = Value(0.0)
        for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
            out = model(x)[0]
            out.label = f"out_{k}"
            total = total + (out - y) ** 2
        total.label = "loss"
        return total

    return loss_fn


def jitted_loss(backend: str, xs: Any, ys: Any) -> tuple[Value, Any, nn.MLP]:
    """A loss of a trusted jitted call (traced twice), backward run: (loss, the jitted function, model)."""
    if backend not in backends():
        pytest.skip(f"no {backend} backend here")
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    step = jit(mlp_loss(model), backend=backend)
    data = [v for v in (*(x for row in xs for x in row), *ys) if isinstance(v, Value)]
    for _ in range(3):
        for value in (*model.parameters(), *data):
            value.grad = 0.0
        loss = step(xs, ys)
        loss.backward()
    assert loss.op == "jit"
    return loss, step, model


def plain_loss(xs: Any, ys: Any) -> Value:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    loss = mlp_loss(model)(xs, ys)
    loss.backward()
    return loss


def as_values(xs: list[list[float]], ys: list[float]) -> tuple[list[list[Value]], list[Value]]:
    return [[Value(number) for number in x] for x in xs], [Value(number) for number in ys]


def show(browser: Any, root: Value, path: Path, timeout: float = 20.0) -> None:
    explore(root).save(path)
    open_page(browser, path.as_uri(), timeout)


def numbers(browser: Any) -> dict[str, list[Any]]:
    result: dict[str, list[Any]] = browser.execute_script("return window.valuegrad.all()")
    return result


def seek_to(browser: Any, node: int, phase: str) -> dict[str, Any]:
    """Step the bar to the step of ``node`` in ``phase``; what ``current()`` gives there."""
    found: dict[str, Any] | None = browser.execute_script(
        """
        const [node, phase] = arguments;
        const api = window.valuegrad;
        for (let n = 1; n <= api.steps(); n++) {
          const now = api.seek(n);
          if (now.node === node && now.phase === phase) return now;
        }
        return null;
        """,
        node, phase,
    )
    assert found is not None, f"no {phase} step of node {node}"
    return found


def step_code(browser: Any) -> tuple[str, str]:
    """(where, line) under the step bar."""
    where = browser.execute_script("return document.querySelector('#vg-step-code .vg-step-code-where').textContent")
    line = browser.execute_script("return document.querySelector('#vg-step-code code').textContent")
    return str(where), str(line)


def source_line(source: str, where: str) -> str:
    """The line of ``source`` that ``where`` ("generated code, line 12…") names, stripped."""
    number = int(where.split("line ", 1)[1].split(",")[0].split(":")[0])
    return source.split("\n")[number - 1].strip()


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unfolded_jitted_loss_has_the_unjitted_graphs_nodes_values_and_gradients(
    browser: Any, tmp_path: Path, backend: str
) -> None:
    loss, _, model = jitted_loss(backend, *as_values(X, Y))
    grads_before = [p.grad for p in model.parameters()]
    show(browser, loss, tmp_path / "jit.html")
    unfolded = numbers(browser)
    show(browser, plain_loss(*as_values(X, Y)), tmp_path / "plain.html")
    plain = numbers(browser)
    assert len(unfolded["data"]) == len(plain["data"])  # one node per node, in the same order
    for key in ("data", "grad"):
        for got, want in zip(unfolded[key], plain[key], strict=True):
            assert got == pytest.approx(want, abs=1e-12), key
    assert [p.grad for p in model.parameters()] == grads_before  # exploring wrote no .grad


def by_label(browser: Any, labels: list[str]) -> list[dict[str, float]]:
    """``valuegrad.get`` of the first node ``valuegrad.find`` gives for each label."""
    found: list[dict[str, float]] = browser.execute_script(
        "return arguments[0].map((l) => window.valuegrad.get(window.valuegrad.find(l)[0]))", labels
    )
    return found


@pytest.mark.parametrize("backend", BACKENDS)
def test_find_and_get_agree_with_the_unjitted_graph_and_each_plain_number_is_one_more_leaf(
    browser: Any, tmp_path: Path, backend: str
) -> None:
    loss, step, _ = jitted_loss(backend, X, Y)
    show(browser, loss, tmp_path / "jit.html")
    labels = ["loss", *(f"out_{k}" for k in range(len(X)))]
    unfolded = by_label(browser, labels)
    count = browser.execute_script("return window.valuegrad.all().data.length")
    show(browser, plain_loss(X, Y), tmp_path / "plain.html")
    plain = by_label(browser, labels)
    plain_count = browser.execute_script("return window.valuegrad.all().data.length")
    read = sum(1 for entry in step.program.inputs if entry.kind == "number")
    assert read == 3 * 2 + 3  # every x and y
    assert count == plain_count + read
    for got, want in zip(unfolded, plain, strict=True):
        assert got["data"] == pytest.approx(want["data"], abs=1e-12)
        assert got["grad"] == pytest.approx(want["grad"], abs=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_stepping_to_a_node_shows_its_line_of_generated_code_under_the_step_bar_and_in_its_panel(
    browser: Any, tmp_path: Path, backend: str
) -> None:
    loss, step, _ = jitted_loss(backend, X, Y)
    show(browser, loss, tmp_path / "jit.html")
    node = browser.execute_script("return window.valuegrad.find('out_1')[0]")
    seek_to(browser, node, "forward")
    where, line = step_code(browser)
    assert line == source_line(step.source, where)  # the very line of Jitted.source
    assert "dot" in line and f"{Path(__file__).name}:" in line  # the op, and the user's file:line
    if backend == "python":
        assert line.startswith("out_1 = ")  # the generated code names the value as the user did
    panel = browser.execute_script(
        "window.valuegrad.pause(); document.querySelector('.vg-node[data-node=\"' + arguments[0] + '\"]')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}));"
        "return document.querySelector('#vg-panel .vg-code-line').textContent", node,
    )
    assert panel == line
    assert console_errors(browser) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_page_runs_an_unfolded_graph_itself_and_each_nodes_parts_sum_to_its_grad(
    browser: Any, tmp_path: Path, backend: str
) -> None:
    loss, _, _ = jitted_loss(backend, X, Y)
    show(browser, loss, tmp_path / "jit.html")
    python = numbers(browser)  # the page opens on Python's numbers
    browser.execute_script("const api = window.valuegrad; const x = api.find('xs_0_0')[0]; api.set(x, api.get(x).data)")
    page = numbers(browser)  # every value and gradient computed again by the page's own program
    for key in ("data", "grad"):
        for got, want in zip(page[key], python[key], strict=True):
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12), key
    node = browser.execute_script("return window.valuegrad.find('out_1')[0]")
    seek_to(browser, node, "backward")
    after = browser.execute_script("return window.valuegrad.shown(arguments[0])", node)
    assert after["grad"] == pytest.approx(python["grad"][node], rel=1e-12)  # its grad is complete when it passes it on
    sums = browser.execute_script(
        "window.valuegrad.stop(); const id = window.valuegrad.find('out_1')[0];"
        "document.querySelector('.vg-node[data-node=\"' + id + '\"]').dispatchEvent(new MouseEvent('click', {bubbles: true}));"
        "return document.querySelector('#vg-panel .vg-sum').textContent"
    )
    total, grad = sums.split("the parts sum to ")[1].split(", this node's grad (")
    assert float(total) == pytest.approx(float(grad.rstrip(")")), rel=1e-9)


def test_stepping_backward_shows_the_python_lines_that_pass_the_nodes_gradient_on(
    browser: Any, tmp_path: Path
) -> None:
    loss, step, _ = jitted_loss("python", X, Y)
    show(browser, loss, tmp_path / "jit.html")
    node = browser.execute_script("return window.valuegrad.find('out_1')[0]")
    seek_to(browser, node, "backward")
    where, shown = step_code(browser)
    first, last = (int(n) for n in where.split("lines ", 1)[1].rstrip(": ").split("–"))
    lines = [line.strip() for line in step.source.split("\n")[first - 1 : last]]
    assert shown.split("  ⏎  ") == lines
    assert lines[0].startswith("if g_out_1:") and all(line.startswith("g_") for line in lines[1:])


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_batch_compiled_as_a_loop_maps_each_iterations_node_to_the_bodys_line(
    browser: Any, tmp_path: Path, backend: str
) -> None:
    if backend not in backends():
        pytest.skip(f"no {backend} backend here")
    w, b = Value(0.5, label="w"), Value(-0.25, label="b")

    def loss_fn(xs: list[float]) -> Value:
        terms = []
        for k, x in enumerate(xs):
            out = (w * x + b).tanh()
            out.label = f"example_{k}"
            terms.append(out * out)
        return vsum(terms)

    xs = [0.01 * k for k in range(150)]  # 600 steps: the Python backend writes them as a loop
    step = jit(loss_fn, backend=backend)
    for _ in range(3):
        loss = step(xs)
    loss.backward()
    assert "for k in range(" in step.source
    show(browser, loss, tmp_path / "loop.html")
    shown = []
    for k in (3, 97):
        node = browser.execute_script("return window.valuegrad.find(arguments[0])[0]", f"example_{k}")
        seek_to(browser, node, "forward")
        where, line = step_code(browser)
        assert f"iteration {k} of " in where
        assert line == source_line(step.source, where) and "tanh" in line
        shown.append((where.split(",")[1], line))
    assert shown[0] == shown[1]  # one body line for every iteration
    plain = loss_fn(xs)
    got = browser.execute_script("return window.valuegrad.get(0)")
    assert got["data"] == pytest.approx(plain.data, abs=1e-12)


def test_a_generated_line_holding_script_text_from_a_function_and_file_name_is_shown_as_text(
    browser: Any, tmp_path: Path
) -> None:
    namespace: dict[str, Any] = {}
    exec(compile("def f(x, y):\n    return (x * y).tanh()\n", f"{HOSTILE_FILE}.py", "exec"), namespace)
    f = namespace["f"]
    f.__code__ = f.__code__.replace(co_name=HOSTILE)  # the user's line comment names the function
    step = jit(f, backend="python")
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    for _ in range(3):
        out = step(x, y)
    out.label = HOSTILE
    out.backward()
    assert HOSTILE in step.source and HOSTILE_FILE in step.source
    show(browser, out, tmp_path / "hostile.html")
    seek_to(browser, 0, "forward")
    _, line = step_code(browser)
    assert HOSTILE in line and HOSTILE_FILE in line
    assert browser.execute_script("return window.vgPwned") is None
    assert console_errors(browser) == []


def test_a_sum_of_jitted_calls_unfolds_each_and_rebuilds_what_is_above_them() -> None:
    w = Value(0.5, label="w")
    step = jit(lambda x: (w * x).tanh(), backend="python")
    for _ in range(3):
        w.grad = 0.0
        total = vsum([step(x) for x in (1.0, 2.0, 3.0)]) * 2.0
        total.backward()
    grad = w.grad
    page = explore(total)
    # w, then per call: the number x, w * x and tanh; then the sum and * 2
    assert page.nodes == 1 + 3 * 3 + 2
    assert w.grad == grad  # exploring wrote no .grad
