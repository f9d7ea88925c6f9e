"""Specification of the explorer's data and page: autograd.pictures.explorer, nn.inspect.explore (no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import nn
from autograd import Value, detect_anomaly, explore, vsum
from autograd.pictures import ExplorerPage, caption
from autograd.pictures.explorer.folding import BOX_LIMIT, FAN_OUT, levels
from autograd.pictures.explorer.graph_data import (
    KIND_LEAF,
    KIND_OP,
    KIND_OUTPUT,
    KIND_PARAMETER,
    graph_data,
)
from autograd.pictures.explorer.page import _library, script_json

HOSTILE = ["</script><script>window.vgPwned = 1</script>", '<img src=x onerror="window.vgPwned = 2">']


def embedded_data(page: str) -> dict[str, Any]:
    """The graph JSON as the page's script reads it."""
    match = re.search(r'<script type="application/json" id="vg-data">(.*?)</script>', page, re.S)
    assert match is not None, "the page has no vg-data script element"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def small_batch(examples: int = 3) -> tuple[nn.MLP, Value]:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    X, y = nn.moons(n=examples, noise=0.1, seed=0)
    loss = nn.compute_loss([model(x) for x in X], y, "bce")
    loss.backward()
    return model, loss


# ---------------------------------------------------------------- the graph as data


def test_every_node_is_listed_once_output_first_each_before_its_operands() -> None:
    x = Value(2.0, label="x")
    y = Value(-1.0, label="y")
    out = (x * y + x).tanh()
    data = graph_data(out)
    assert len(data["label"]) == 5
    assert data["kind"][0] == KIND_OUTPUT
    for index, parents in enumerate(data["parents"]):
        assert all(parent > index for parent in parents)


def test_operands_keep_their_order_and_repeats() -> None:
    x = Value(3.0, label="x")
    y = Value(5.0, label="y")
    data = graph_data((x - y) * (x * x))
    labels = data["label"]
    difference = data["parents"][0][0]
    assert [labels[p] for p in data["parents"][difference]] == ["x", "y"]
    square = data["parents"][0][1]
    assert [labels[p] for p in data["parents"][square]] == ["x", "x"]


def test_each_operand_has_its_local_derivative() -> None:
    x = Value(3.0)
    y = Value(5.0)
    data = graph_data(x * y)
    assert data["local"][0] == [5.0, 3.0]


def test_an_infinite_local_derivative_is_shown_as_inf() -> None:
    data = graph_data(Value(0.0).sqrt())
    assert data["local"][0] == ["inf"]


def test_kinds_follow_draw_dots_colours() -> None:
    w = Value(0.5)
    x = Value(2.0)
    out = (w * x).relu()
    data = graph_data(out, params=[w])
    kinds = dict(zip([id(n) for n in (out, w, x)], [KIND_OUTPUT, KIND_PARAMETER, KIND_LEAF], strict=True))
    assert data["kind"][0] == kinds[id(out)]
    assert sorted(data["kind"]) == [KIND_OP, KIND_LEAF, KIND_PARAMETER, KIND_OUTPUT]


def test_non_finite_numbers_are_written_as_strings_json_can_hold() -> None:
    big = Value(1e308) * 10.0
    data = graph_data(big)
    assert data["data"][0] == "inf"
    json.dumps(data, allow_nan=False)


def test_an_op_node_shows_its_symbol_and_any_folded_constant() -> None:
    x = Value(1.0)
    assert caption(x * 2) == "* 2"
    assert caption(3 - x) == "3-"
    assert caption(x - 0.5) == "- 0.5"
    assert caption(x.relu()) == "relu"
    assert caption(x) == ""


def test_the_explorer_shows_each_op_node_as_draw_dot_does() -> None:
    from autograd import dot, draw_dot, vsum

    x, y = Value(1.0), Value(2.0)
    nodes = [x * 2, 3 - x, x - 0.5, x + 0.5, x / 2, 2 / x, x**2, 2**x, x.leaky_relu(0.1),
             dot([x, y], [1.0, 2.0]), dot([x, y], [1.0, 2.0], 1.5), vsum([x, y]), vsum([x, y, 3.0])]
    for node in nodes:
        shown = graph_data(node)["text"][0]
        assert f'o0 [label="{shown}"' in draw_dot(node).source, node.op


def test_origins_are_empty_outside_anomaly_mode() -> None:
    assert (Value(1.0) * 2).origin is None
    assert graph_data(Value(1.0) * 2)["origins"] == {}


def test_the_line_that_made_each_node_under_anomaly_mode_is_carried_into_the_data() -> None:
    with detect_anomaly():
        out = (Value(1.0) * 2).relu()
    line = out.origin.line if out.origin is not None else -1
    data = graph_data(out)
    assert data["origins"]["0"] == {"file": __file__, "line": line, "function": data["origins"]["0"]["function"]}
    assert set(data["origins"]) == {"0", "1"}  # the relu and the multiplication, not the leaf


# ---------------------------------------------------------------- grouping


def groups_of(data: dict[str, Any], kind: str) -> list[int]:
    return [g for g, k in enumerate(data["groups"]["kind"]) if k == kind]


def test_a_batch_folds_into_one_stack_of_examples_each_a_copy_of_the_network() -> None:
    model, loss = small_batch(examples=3)
    data = graph_data(loss, model=model)
    (stack,) = groups_of(data, "stack")
    examples = groups_of(data, "example")
    assert [data["groups"]["name"][g] for g in examples] == ["example 0", "example 1", "example 2"]
    assert all(data["groups"]["parent"][g] == stack for g in examples)
    sizes = {data["groups"]["size"][g] for g in examples}
    assert len(sizes) == 1, "every example holds the same number of nodes"
    assert data["groups"]["collapsed"][stack] is True


def test_a_penalty_on_the_weights_is_not_counted_as_an_example() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    X, y = nn.moons(n=5, noise=0.1, seed=0)
    loss = nn.compute_loss([model(x) for x in X], y, "bce") + 1e-3 * nn.l2(model)
    loss.backward()
    data = graph_data(loss, model=model)
    assert len(groups_of(data, "example")) == 5


def test_a_neuron_box_holds_its_dot_and_its_activation_in_every_example() -> None:
    model, loss = small_batch(examples=2)
    data = graph_data(loss, model=model)
    groups = data["groups"]
    boxes = [g for g, name in enumerate(groups["name"]) if name == "layers.0.neurons.1"]
    # One box per example (two) and one among the shared parameters.
    assert len(boxes) == 3
    ops = sorted(data["op"][i] for i, g in enumerate(data["group"]) if g in boxes)
    assert ops == ["", "", "", "dot", "dot", "tanh", "tanh"]  # w.0, w.1, b; two examples


def test_module_boxes_are_titled_by_the_model() -> None:
    model, loss = small_batch(examples=2)
    data = graph_data(loss, model=model)
    titles = dict(zip(data["groups"]["name"], data["groups"]["title"], strict=True))
    assert titles["layers.0"] == "Layer(2 -> 3, tanh)"


def test_parameter_names_alone_give_the_same_boxes_as_the_model() -> None:
    model, loss = small_batch(examples=2)
    by_model = graph_data(loss, model=model)
    by_names = graph_data(loss, params=model.named_parameters())
    assert by_model["group"] == by_names["group"]
    assert by_model["groups"]["name"] == by_names["groups"]["name"]


def test_the_output_is_never_hidden_in_a_collapsed_group() -> None:
    model = nn.MLP(2, [30, 1], seed=0)
    page_data = graph_data(model([0.5, 1.0])[0], model=model, collapse_above=1)
    group = page_data["group"][0]
    while group >= 0:
        assert page_data["groups"]["collapsed"][group] is False
        group = page_data["groups"]["parent"][group]


def test_without_parameters_nothing_is_grouped() -> None:
    _, loss = small_batch(examples=2)
    data = graph_data(loss)
    assert data["groups"]["name"] == []
    assert set(data["group"]) == {-1}


# ---------------------------------------------------------------- folding by shape


def chain(length: int) -> Value:
    """A chain of ``length`` op nodes on one leaf: sin, *, +, tanh over and over."""
    x = Value(0.5, label="x")
    steps = [lambda v: v.sin(), lambda v: v * 1.01, lambda v: v + 0.1, lambda v: v.tanh()]
    for k in range(length):
        x = steps[k % 4](x)
    return x


def batch_loss(points: int, penalty: float = 1e-3) -> Value:
    model = nn.MLP(2, [4, 1], seed=0)
    X, y = nn.moons(n=points, noise=0.1, seed=0)
    loss = nn.compute_loss([model(x) for x in X], y, "bce") + penalty * nn.l2(model)
    loss.backward()
    return loss


def shown_when_opened(data: dict[str, Any]) -> dict[int, int]:
    """Per group (-1: the top level), how many boxes it shows directly once opened."""
    shown: dict[int, int] = {-1: 0}
    for group in range(len(data["groups"]["name"])):
        shown.setdefault(group, 0)
        shown[data["groups"]["parent"][group]] = shown.get(data["groups"]["parent"][group], 0) + 1
    for group in data["group"]:
        shown[group] += 1
    return shown


def shown_at_first(data: dict[str, Any]) -> int:
    """How many boxes the page lays out when it opens."""
    groups = data["groups"]

    def hidden_by(group: int) -> bool:  # is a collapsed group around (or at) ``group``?
        while group >= 0:
            if groups["collapsed"][group]:
                return True
            group = groups["parent"][group]
        return False

    count = sum(1 for group in data["group"] if not hidden_by(group))
    for group, parent in enumerate(groups["parent"]):
        if groups["collapsed"][group] and not hidden_by(parent):
            count += 1
    return count


def test_internal_levels_are_the_longest_distance_from_the_output() -> None:
    # 0 uses 1 and 2; 1 uses 2: node 2 is two steps down by the longer path.
    assert levels([[1, 2], [2], []]) == [0, 1, 2]


def test_a_small_graph_without_names_is_not_folded() -> None:
    data = graph_data(chain(BOX_LIMIT - 1))
    assert data["groups"]["name"] == []


def test_a_batch_loss_without_names_folds_its_examples_into_a_stack_of_the_batch_size() -> None:
    data = graph_data(batch_loss(points=30))
    (stack,) = groups_of(data, "stack")
    examples = groups_of(data, "example")
    assert len(examples) == 30, "the penalty on the weights is no example"
    assert [data["groups"]["name"][g] for g in examples[:3]] == ["example 0", "example 1", "example 2"]
    assert len({data["groups"]["size"][g] for g in examples}) == 1
    assert data["groups"]["collapsed"][stack] is True
    (shared,) = groups_of(data, "params")
    inside = [i for i, g in enumerate(data["group"]) if g == shared]
    assert len(inside) == 4 * 3 + 5, "the weights and biases of MLP(2, [4, 1]), used by every example"
    assert {data["op"][i] for i in inside} == {""}
    assert data["group"][0] == -1, "the output is in view"


def test_a_long_chain_folds_into_bands_of_depth_and_opens_on_its_output_end() -> None:
    data = graph_data(chain(6000))
    assert set(data["groups"]["kind"]) == {"band"}
    assert max(shown_when_opened(data).values()) <= BOX_LIMIT + FAN_OUT
    assert shown_at_first(data) <= BOX_LIMIT + 2 * FAN_OUT
    group = data["group"][0]
    assert group >= 0
    while group >= 0:
        assert data["groups"]["collapsed"][group] is False
        group = data["groups"]["parent"][group]


def test_a_wide_sum_of_leaves_folds_too() -> None:
    data = graph_data(vsum([Value(float(k)) for k in range(5000)]))
    assert max(shown_when_opened(data).values()) <= BOX_LIMIT + FAN_OUT
    assert shown_at_first(data) <= BOX_LIMIT + 2 * FAN_OUT


def test_a_crowded_group_of_a_named_model_is_cut_into_bands_too() -> None:
    model, loss = small_batch(examples=3)
    for _ in range(3 * BOX_LIMIT):
        loss = loss * 1.0001
    data = graph_data(loss, model=model)
    assert len(groups_of(data, "example")) == 3
    assert "band" in data["groups"]["kind"]
    assert max(shown_when_opened(data).values()) <= BOX_LIMIT + FAN_OUT


def test_many_examples_fold_into_stacks_of_stacks() -> None:
    terms = [(Value(float(k)) * 2.0).tanh() for k in range(3 * BOX_LIMIT)]
    data = graph_data(vsum(terms))
    assert len(groups_of(data, "example")) == 3 * BOX_LIMIT
    assert max(shown_when_opened(data).values()) <= BOX_LIMIT + FAN_OUT
    assert shown_at_first(data) <= BOX_LIMIT + 2 * FAN_OUT


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize("named", [True, False], ids=["by module names", "by shape"])
def test_a_batch_losss_output_is_the_loss_and_each_example_holds_its_own_loss(named: bool) -> None:
    model, loss = small_batch(examples=3)
    if not named:
        model, loss = None, batch_loss(points=30, penalty=0.0)  # type: ignore[assignment]
    data = graph_data(loss, model=model)
    assert data["roles"]["0"] == "loss"
    examples = groups_of(data, "example")
    shares = [data["groups"]["share"][g] for g in examples]
    # bce adds each example's terms up: the mean of the examples' losses is the batch's loss.
    assert sum(shares) == pytest.approx(loss.data, rel=1e-5)
    assert [data["groups"]["share"][g] for g in groups_of(data, "stack")] == [None]


def test_an_example_that_leaves_by_one_node_has_it_as_its_loss() -> None:
    terms = [(Value(float(k), label=f"x{k}") * 2.0).tanh() for k in range(BOX_LIMIT)]
    total = vsum(terms) * (1 / BOX_LIMIT)
    total.backward()
    data = graph_data(total)
    examples = groups_of(data, "example")
    assert len(examples) == BOX_LIMIT
    tanh = data["label"].index("x3") - 2  # each term's tanh comes just before its * 2 and x
    assert data["op"][tanh] == "tanh"
    assert data["roles"][str(tanh)] == f"loss of {data['groups']['name'][data['group'][tanh]]}"
    assert data["groups"]["share"][data["group"][tanh]] == pytest.approx(terms[3].data / BOX_LIMIT)


def test_without_a_batch_no_node_gets_a_role() -> None:
    assert graph_data(chain(BOX_LIMIT * 3))["roles"] == {}


def test_params_must_be_values_or_named_values() -> None:
    with pytest.raises(TypeError, match="named_parameters"):
        graph_data(Value(1.0) * 2, params=["w"])


# ---------------------------------------------------------------- the page


def test_script_json_cannot_close_its_script_element() -> None:
    data = {"label": [*HOSTILE, "<!-- a", "line\u2028break", "a & b"]}
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text
    assert json.loads(text) == data


def test_hostile_labels_appear_in_the_page_only_as_escaped_json() -> None:
    x = Value(1.0, label=HOSTILE[0])
    y = Value(2.0, label=HOSTILE[1])
    page = explore(x * y)
    for label in HOSTILE:
        assert label not in page.html
    assert embedded_data(page.html)["label"][1:] == HOSTILE


def test_the_page_allows_no_network_source() -> None:
    page = explore(Value(1.0) * 2).html
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert policy is not None
    assert "default-src &#x27;none&#x27;" in policy.group(1)
    assert "http" not in policy.group(1)
    assert not re.search(r'<(script|link|img)[^>]+(src|href)=', page)


def test_jupyter_shows_the_page_in_a_sandboxed_iframe() -> None:
    page = explore(Value(1.0, label=HOSTILE[0]) * 2)
    bundle = page._repr_mimebundle_()
    frame = bundle["text/html"]
    assert frame.startswith("<iframe") and 'sandbox="allow-scripts"' in frame
    assert "allow-same-origin" not in frame
    assert "<script" not in frame, "the page is inside srcdoc, escaped"
    assert "ExplorerPage" in bundle["text/plain"]
    assert page._repr_html_() == frame


def test_saving_writes_one_self_contained_file(tmp_path: Path) -> None:
    written = explore(Value(1.0) * 2).save(tmp_path / "step.html")
    assert written == tmp_path / "step.html"
    text = written.read_text("utf-8")
    assert "vgGraphvizLibrary" in text and 'id="vg-data"' in text
    assert list(tmp_path.iterdir()) == [written]


def test_internal_the_vendored_layout_library_is_turned_into_a_global() -> None:
    library = _library()
    assert library.rstrip().endswith("};")
    assert "globalThis.vgGraphvizLibrary={" in library and "Graphviz:" in library
    assert "export{" not in library[-400:]


def test_explore_rejects_what_is_not_a_value() -> None:
    with pytest.raises(TypeError, match="explore expects a Value"):
        explore(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="height"):
        explore(Value(1.0), height=0)


# ---------------------------------------------------------------- nn


def test_explore_model_shows_inputs_and_leaves_the_models_gradients_alone() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    for p in model.parameters():
        p.grad = 0.25
    page = nn.explore_model(model, example=[0.5, -1.0])
    assert isinstance(page, ExplorerPage)
    data = embedded_data(page.html)
    assert {"x0", "x1"} <= set(data["label"])
    assert any(grad != 0.0 for grad in data["grad"])
    assert all(p.grad == 0.25 for p in model.parameters())


def test_write_loss_graph_writes_the_loss_of_one_batch(tmp_path: Path) -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    X, y = nn.moons(n=10, seed=0)
    path = nn.inspect.write_loss_graph(model, X, y, "bce", tmp_path / "graph.html", batch_size=4)
    data = embedded_data(path.read_text("utf-8"))
    assert "4 examples" in data["title"]
    assert data["groups"]["kind"].count("example") == 4
    assert all(p.grad == 0.0 for p in model.parameters())


def test_the_graphs_program_is_printed_from_the_rules_and_numbers_only() -> None:
    # Labels, op names and file names are data: the program's text holds none of them,
    # only the printer's own words, the vocabulary's spellings and numbers.
    from autograd.rules.print_javascript import JAVASCRIPT_SPELLINGS

    model = nn.MLP(2, [3, 1], seed=0)
    X, y = nn.moons(n=6, noise=0.1, seed=0)
    leaves = [Value(1.0, label=label) for label in HOSTILE]
    loss = nn.compute_loss([model(x) for x in X], y, "bce") + vsum(leaves).tanh() * leaves[0]
    loss.backward()
    script = graph_data(loss, model=model)["script"]
    for label in HOSTILE:
        assert label not in script
    code = re.sub(r"//[^\n]*", "", script)
    words = set(re.findall(r"[A-Za-z_][A-Za-z_0-9.]*", code))
    allowed = {
        "globalThis.vgProgram", "function", "return", "const", "let", "if", "for", "use", "strict",
        "forward", "local", "v", "p", "o", "x", "y", "xs", "i", "positive", "other", "largest", "expX",
        "xs.length", "Infinity", "NaN", "e", "Math.pow", "Math.log1p", "Math.exp", "Math.abs",
        "index", "count", "nearest", "position", "at", "Math.round", "vg_position",  # vg_pick's helper
        *JAVASCRIPT_SPELLINGS.values(),
    }
    assert words - allowed == set()
    assert re.search(r"\d", code)  # the folded numbers are there, as numbers


def test_a_recorded_path_that_is_no_module_is_a_box_inside_the_deepest_module_it_names() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    x = [Value(0.5, label="x0"), Value(-1.0, label="x1")]
    hidden = model.layers[0](x)
    mixed = hidden[0] * hidden[1]  # made between the layers, by no module
    out = mixed.tanh()
    data = graph_data(out, model=model, groups={mixed: "layers.0.mixing", out: "layers.1"})
    names = data["groups"]["name"]
    parents = data["groups"]["parent"]
    box = names.index("layers.0.mixing")
    assert names[parents[box]] == "layers.0"
    assert data["group"][1] == box  # the product, the output's one operand
    assert data["op"][1] == "mul"
