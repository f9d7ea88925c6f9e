"""Specification of the drawings: autograd.pictures.dot.draw_dot and nn.inspect.draw.draw_model."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.strategies import Expression, expressions

import nn
from autograd import TABLE, Op, Value, apply, grad, no_grad, vsum
from autograd.pictures.dot import (
    LEAF_FILL,
    PARAMETER_FILL,
    ROOT_FILL,
    Drawing,
    GraphvizNotFoundError,
    draw_dot,
    make_drawing,
    record_label,
)
from autograd.rules.op import VARIADIC, DotConst
from nn import draw_model
from nn.inspect.draw import (  # internal: the edge colours, as the DOT text spells them
    NEGATIVE,
    POSITIVE,
)

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")

# ---------------------------------------------------------------- reading DOT source

EDGE = re.compile(r"^\t+(\w+)(?::\w+)? -> (\w+)(?::\w+)?(?: \[(.*)\])?$", re.MULTILINE)


def value_nodes(source: str) -> dict[str, str]:
    """Value record id -> its statement's attributes."""
    return dict(re.findall(r"^\t(v\d+) \[(.*)\]$", source, re.MULTILINE))


def op_nodes(source: str) -> dict[str, str]:
    """Op node id -> its label."""
    return dict(re.findall(r'^\t(o\d+) \[label="([^"]*)"', source, re.MULTILINE))


def edges(source: str) -> list[tuple[str, str, str]]:
    """(tail, head, attributes) for every edge, in source order."""
    return EDGE.findall(source)


def summary_counts(source: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"… ([\d,]+) more nodes?", source)]


def neuron_example() -> tuple[Value, list[Value]]:
    """tanh(x1*w1 + x2*w2 + b) after backward, labelled as in micrograd's demo."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.label = "out"
    out.backward()
    return out, [w1, w2, b]


def chain(length: int) -> Value:
    x = Value(0.5, label="x")
    y = x
    for _ in range(length):
        y = y * 1.0000001
    return y


# ---------------------------------------------------------------- structure


def test_draw_dot_has_one_record_per_value_one_op_node_per_operation_and_their_edges() -> None:
    out, _ = neuron_example()
    source = draw_dot(out).source
    # 5 leaves, 2 products, 2 sums, tanh.
    assert len(value_nodes(source)) == 10
    assert sorted(op_nodes(source).values()) == ["*", "*", "+", "+", "tanh"]
    # One edge op -> result per operation, one edge per operand.
    assert len(edges(source)) == 5 + (2 + 2 + 2 + 2 + 1)


def test_draw_dot_labels_show_label_data_and_grad_to_four_significant_digits() -> None:
    x = Value(1.0 / 3.0, label="third")
    y = x * 3.0
    y.backward()
    records = value_nodes(draw_dot(y).source)
    assert '"{ third | data 0.3333 | grad 3 }"' in records["v1"]
    assert '"{ data 1 | grad 1 }"' in records["v0"]


def test_draw_dot_without_grad_shows_only_label_and_data() -> None:
    x = Value(2.0, label="x")
    source = draw_dot(x * x, show_grad=False).source
    assert "grad" not in source
    assert '"{ x | data 2 }"' in source


def test_draw_dot_draws_a_leaf_root_as_a_single_node() -> None:
    source = draw_dot(Value(4.0, label="lonely")).source
    assert len(value_nodes(source)) == 1
    assert op_nodes(source) == {}
    assert edges(source) == []


OPS = sorted(TABLE.values(), key=lambda op: op.name)


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_draw_dot_op_node_shows_the_ops_symbol(op: Op) -> None:
    arity = op.test.arity if op.arity == VARIADIC else op.arity
    operands = [Value(1.5) for _ in range(arity)]
    const = op.test.consts[0]
    if op.name == "dot":
        const = DotConst(0, (1.0,) * arity, 0.0)  # every operand a linear term
    node = apply(op, operands, const)
    (label,) = op_nodes(draw_dot(node).source).values()
    assert op.symbol in label


def test_draw_dot_op_node_shows_folded_constants() -> None:
    x = Value(1.0)
    labels = [
        next(iter(op_nodes(draw_dot(node).source).values()))
        for node in (x * 2.0, x - 3.0, 3.0 - x, 2.0 / x, x**2, vsum([x, x], start=1.5))
    ]
    assert labels == ["* 2", "- 3", "3-", "2/", "** 2", "Σ + 1.5"]


def test_draw_dot_keeps_both_operands_of_x_times_x_in_order() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    source = draw_dot(y, show_local=True).source
    operand_edges = [(tail, head, attrs) for tail, head, attrs in edges(source) if head == "o0"]
    assert operand_edges == [
        ("v1", "o0", 'label="3" headlabel="0"'),
        ("v1", "o0", 'label="3" headlabel="1"'),
    ]


def test_draw_dot_numbers_operands_where_their_order_matters() -> None:
    x, y = Value(6.0, label="x"), Value(2.0, label="y")
    source = draw_dot(x / y).source
    operand_edges = [(tail, attrs) for tail, head, attrs in edges(source) if head == "o0"]
    records = value_nodes(source)
    assert [records[tail].split(" |")[0] for tail, _ in operand_edges] == ['label="{ x', 'label="{ y']
    assert [attrs for _, attrs in operand_edges] == ['headlabel="0"', 'headlabel="1"']


def test_draw_dot_leaves_commutative_operands_of_distinct_values_unnumbered() -> None:
    x, y = Value(6.0), Value(2.0)
    source = draw_dot(x + y).source
    assert "headlabel" not in source


def test_draw_dot_show_local_labels_each_edge_with_the_local_derivative() -> None:
    x, y = Value(2.0, label="x"), Value(5.0, label="y")
    z = x * y
    source = draw_dot(z, show_local=True).source
    labels = [attrs for _, head, attrs in edges(source) if head == "o0"]
    assert labels == ['label="5"', 'label="2"']  # dz/dx = y, dz/dy = x


def test_draw_dot_show_local_shows_an_infinite_derivative() -> None:
    root = Value(0.0).sqrt()  # defined, but its derivative at 0 is infinite
    source = draw_dot(root, show_local=True).source
    assert 'label="inf"' in source


# ---------------------------------------------------------------- styles


def test_draw_dot_root_parameters_and_other_leaves_look_different() -> None:
    out, params = neuron_example()
    records = value_nodes(draw_dot(out, params=params).source)
    by_label = {attrs.split(" |")[0].removeprefix('label="{ '): attrs for attrs in records.values()}
    assert ROOT_FILL in by_label["out"] and "bold" in by_label["out"]
    for name in ("w1", "w2", "b"):
        assert PARAMETER_FILL in by_label[name]
    for name in ("x1", "x2"):
        assert LEAF_FILL in by_label[name]


def test_draw_dot_without_params_draws_labelled_leaves_as_parameters() -> None:
    w, x = Value(2.0, label="w"), Value(3.0)
    records = value_nodes(draw_dot(w * x).source)
    assert PARAMETER_FILL in records["v1"]
    assert LEAF_FILL in records["v2"]


def test_draw_dot_escapes_record_special_characters_in_labels() -> None:
    tricky = 'a{b}|<c> "d" \\'
    x = Value(1.0, label=tricky)
    source = draw_dot(x * 2.0).source
    assert r'a\{b\}\|\<c\> \"d\" \\' in source
    assert record_label(tricky) == r'"a\{b\}\|\<c\> \"d\" \\"'


@needs_dot
def test_draw_dot_escaped_label_renders_verbatim() -> None:
    tricky = 'a{b}|<c> "d"'
    svg = draw_dot(Value(1.0, label=tricky) * 2.0).pipe(format="svg", encoding="utf-8")
    assert "a{b}|&lt;c&gt; &quot;d&quot;" in svg


# ---------------------------------------------------------------- determinism


def test_draw_dot_gives_the_same_source_twice() -> None:
    out, params = neuron_example()
    assert draw_dot(out, params=params).source == draw_dot(out, params=params).source


def test_draw_dot_gives_identical_source_for_separately_built_identical_graphs() -> None:
    first, _ = neuron_example()
    padding = [Value(float(i)) for i in range(100)]  # shifts every id() of the second graph
    second, _ = neuron_example()
    assert padding and first is not second
    assert draw_dot(first, show_local=True).source == draw_dot(second, show_local=True).source


# ---------------------------------------------------------------- large graphs


def test_draw_dot_summarises_a_100000_node_chain_in_bounded_output() -> None:
    root = chain(100_000)
    source = draw_dot(root, max_nodes=50).source
    assert len(value_nodes(source)) == 50
    assert summary_counts(source) == [100_001 - 50]
    assert "… 99,951 more nodes" in source
    assert "showing 50 of 100,001 values" in source
    assert len(source) < 20_000


def test_draw_dot_summarises_a_wide_sum_with_one_summary_node() -> None:
    leaves = [Value(float(i)) for i in range(100_000)]
    source = draw_dot(vsum(leaves)).source
    assert len(value_nodes(source)) == 400
    assert summary_counts(source) == [100_001 - 400]
    # The sum's 99,601 hidden operands reach it through one dashed edge.
    assert [tail for tail, head, _ in edges(source) if tail.startswith("s")] == ["s0"]


def test_draw_dot_max_nodes_none_draws_every_node() -> None:
    root = chain(1_000)
    source = draw_dot(root, max_nodes=None).source
    assert len(value_nodes(source)) == 1_001
    assert summary_counts(source) == []


def test_draw_dot_keeps_the_nodes_nearest_the_root() -> None:
    deep = chain(20)
    shallow = Value(1.0, label="near")
    source = draw_dot(deep + shallow, max_nodes=3).source
    assert "near" in source  # at distance 1, so kept ahead of the chain's far end
    assert summary_counts(source) == [20]


def test_draw_dot_gives_separate_hidden_branches_separate_summaries() -> None:
    source = draw_dot(chain(20) + chain(30), max_nodes=3).source
    assert summary_counts(source) == [20, 30]
    assert [tail for tail, _, _ in edges(source) if tail.startswith("s")] == ["s0", "s1"]


def test_draw_dot_merges_the_hidden_part_of_a_network_into_one_summary() -> None:
    # Every example reuses the same weights, so what is hidden is one connected part.
    model = nn.MLP(2, [8, 8, 1], seed=0)
    examples = [[0.1 * i, -0.2 * i] for i in range(4)]
    loss = nn.mse([model(x) for x in examples], [[1.0]] * 4)
    loss.backward()
    source = draw_dot(loss, params=model.parameters(), max_nodes=60).source
    assert summary_counts(source) == [len(loss.ancestors()) + 1 - 60]
    assert len({tail for tail, _, _ in edges(source) if tail.startswith("s")}) == 1


def test_draw_dot_with_a_model_titles_its_parameters_by_their_module_paths() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    loss = nn.mse([model([0.5, -1.0])], [[1.0]])
    loss.backward()
    by_model = draw_dot(loss, model=model, max_nodes=None).source
    by_names = draw_dot(loss, params=model.named_parameters(), max_nodes=None).source
    assert by_model == by_names
    for name, _ in model.named_parameters():
        assert name in by_model, name  # layers.0.neurons.1.w.0 and the like
    assert by_model.count(PARAMETER_FILL) == len(list(model.parameters()))


def test_draw_dot_refuses_a_model_without_named_parameters() -> None:
    with pytest.raises(TypeError, match="named_parameters"):
        draw_dot(Value(1.0), model=object())


@given(program=expressions(max_inputs=3, max_steps=12), max_nodes=st.integers(1, 12))
def test_draw_dot_summaries_count_every_hidden_node_exactly_once(
    program: Expression, max_nodes: int
) -> None:
    root = program([Value(x) for x in program.point])
    total = len(root.ancestors()) + 1
    source = draw_dot(root, max_nodes=max_nodes).source
    drawn = len(value_nodes(source))
    assert drawn == min(max_nodes, total)
    assert drawn + sum(summary_counts(source)) == total
    assert all(count > 0 for count in summary_counts(source))
    # Every summary feeds at least one drawn operation.
    summaries = {tail for tail, _, _ in edges(source) if tail.startswith("s")}
    assert len(summaries) == len(summary_counts(source))


@given(program=expressions(max_inputs=3, max_steps=12))
def test_draw_dot_without_limit_draws_every_operand_edge(program: Expression) -> None:
    root = program([Value(x) for x in program.point])
    nodes = (root, *root.ancestors())
    source = draw_dot(root, max_nodes=None).source
    assert len(value_nodes(source)) == len(nodes)
    interior = [node for node in nodes if not node.is_leaf]
    assert len(op_nodes(source)) == len(interior)
    assert len(edges(source)) == sum(len(node.parents) + 1 for node in interior)


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rankdir": "XY"}, ValueError, "rankdir must be one of"),
        ({"max_nodes": 0}, ValueError, "max_nodes must be an int >= 1 or None, got 0"),
        ({"max_nodes": 2.5}, ValueError, "got 2.5"),
        ({"params": [1.0]}, TypeError, "got float at index 0"),
        ({"params": 3}, TypeError, "iterable of Values or (name, Value) pairs, got int"),
    ],
)
def test_draw_dot_rejects_bad_arguments_with_a_clear_message(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        draw_dot(Value(1.0) * 2.0, **kwargs)  # type: ignore[arg-type]


def test_draw_dot_rejects_a_root_that_is_not_a_value() -> None:
    with pytest.raises(TypeError, match=re.escape("expects a Value as root, got float: 1.0")):
        draw_dot(1.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------- rendering


@needs_dot
def test_draw_dot_renders_svg_files(tmp_path: Path) -> None:
    out, params = neuron_example()
    path = draw_dot(out, params=params).render(tmp_path / "neuron", format="svg")
    svg = Path(path).read_text(encoding="utf-8")
    assert path.endswith(".svg")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "data 0.7071" in svg and "tanh" in svg


@needs_dot
def test_drawing_displays_inline_in_jupyter_as_svg() -> None:
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(draw_dot(Value(2.0) * 3.0))
    assert "<svg" in data["image/svg+xml"]


def test_rendering_without_graphviz_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = neuron_example()
    drawing = draw_dot(out)
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot on this PATH
    with pytest.raises(GraphvizNotFoundError) as caught:
        drawing.render(tmp_path / "graph", format="svg")
    message = str(caught.value)
    for hint in ("apt-get install graphviz", "brew install graphviz", "conda install -c conda-forge graphviz"):
        assert hint in message
    assert isinstance(caught.value, RuntimeError)
    assert "'dot' program" in message
    with pytest.raises(GraphvizNotFoundError):
        drawing.pipe(format="svg")
    with pytest.raises(GraphvizNotFoundError, match="'unflatten' program"):
        drawing.unflatten(stagger=2)  # names the program that is really missing
    assert drawing.source.startswith("digraph {")  # the DOT text is still there


def test_importing_the_packages_does_not_import_graphviz_until_a_drawing_is_asked_for() -> None:
    code = (
        "import sys, autograd, nn\n"
        "assert 'graphviz' not in sys.modules, 'imported too early'\n"
        "nn.draw_model, autograd.draw_dot\n"
        "assert 'graphviz' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_jupyter_display_without_graphviz_falls_back_to_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawing = draw_dot(Value(2.0, label="x") * 3.0)
    monkeypatch.setenv("PATH", str(tmp_path))
    bundle = drawing._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "apt-get install graphviz" in str(bundle["text/plain"])
    assert drawing.source in str(bundle["text/plain"])


def test_drawing_copy_keeps_the_friendly_rendering() -> None:
    drawing = draw_dot(Value(2.0) * 3.0)
    copied = drawing.copy()
    assert isinstance(copied, Drawing)
    assert copied.source == drawing.source


def test_make_drawing_writes_the_statements_in_order_under_an_optional_title() -> None:
    styles = {"graph_attr": {"rankdir": "LR"}, "node_attr": {"fontsize": "10"}, "edge_attr": {}}
    titled = make_drawing(["\ta -> b", "", "\tb -> c"], title='say "hi"', **styles)
    assert isinstance(titled, Drawing)
    assert titled.source == (
        "digraph {\n"
        '\tgraph [fontname=Helvetica label="say \\"hi\\"" labelloc=t rankdir=LR]\n'
        "\tnode [fontsize=10]\n"
        "\ta -> b\n"
        "\tb -> c\n"
        "}\n"
    )
    untitled = make_drawing(["\ta -> b"], **styles).source
    assert "label" not in untitled and "rankdir=LR" in untitled


# ---------------------------------------------------------------- draw_model


def visible_edges(source: str) -> list[tuple[str, str, str]]:
    return [edge for edge in edges(source) if "invis" not in edge[2]]


def test_draw_model_draws_layers_as_clusters_of_neurons_with_a_weight_per_edge() -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    source = draw_model(model).source
    assert source.count("subgraph cluster_") == 1 + 3  # inputs, then each layer
    assert len(re.findall(r"^\t\tx\d+ \[", source, re.MULTILINE)) == 2
    assert len(re.findall(r"^\t\tn\d+_\d+ \[", source, re.MULTILINE)) == 16 + 16 + 1
    assert len(visible_edges(source)) == 2 * 16 + 16 * 16 + 16 * 1
    assert source.count("<td>tanh</td>") == 32 and source.count("<td>linear</td>") == 1


def test_draw_model_colours_weights_by_sign_and_widens_them_by_magnitude() -> None:
    model = nn.MLP(2, [3, 1], seed=1)
    model.layers[0].neurons[0].w[0].data = 2.0
    model.layers[0].neurons[0].w[1].data = -1.0
    source = draw_model(model).source
    weights = [w.data for layer in model.layers for neuron in layer.neurons for w in neuron.w]
    colours = [attrs for _, _, attrs in visible_edges(source)]
    assert sum(POSITIVE in attrs for attrs in colours) == sum(w >= 0 for w in weights)
    assert sum(NEGATIVE in attrs for attrs in colours) == sum(w < 0 for w in weights)
    assert 'color="#2b6cb0" penwidth="4.00" tooltip="w = 2"' in colours[0]
    assert 'penwidth="2.15"' in colours[1]  # half the largest weight: halfway up the range


def test_draw_model_writes_each_bias_as_an_equation() -> None:
    # "b 0" would read as "bias number 0"; "b = 0" is the bias's value.
    neuron = nn.Neuron(2, activation="relu")
    assert neuron.b is not None
    neuron.b.data = 0.25
    source = draw_model(neuron).source
    assert "<td>relu</td><td>b = 0.25</td>" in source
    assert "<td>b 0" not in draw_model(nn.MLP(2, [3, 1], seed=0)).source


def test_draw_model_with_example_shows_activations_and_gradients() -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    example = [0.5, -1.0]
    source = draw_model(model, example=example).source
    (out,) = model(example)
    x0 = Value(0.5)
    (model_out,) = model([x0, Value(-1.0)])
    (d_x0,) = grad(model_out, [x0])
    assert f"<td>out {out.data:.4g}</td><td>grad 1</td>" in source
    assert f"<td>x0 = 0.5</td></tr><tr><td>grad {d_x0.data:.4g}</td>" in source
    assert source.count("<td>grad ") == 2 + 33
    assert len(visible_edges(source)) == 304


def test_draw_model_with_example_leaves_parameter_grads_untouched() -> None:
    model = nn.MLP(2, [4, 2], seed=0)
    for index, parameter in enumerate(model.parameters()):
        parameter.grad = float(index)
    before = [parameter.grad for parameter in model.parameters()]
    draw_model(model, example=[1.0, 2.0])
    assert [parameter.grad for parameter in model.parameters()] == before


def test_draw_model_with_example_works_inside_no_grad() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    with no_grad():
        source = draw_model(model, example=[1.0, 2.0]).source
    assert source == draw_model(model, example=[1.0, 2.0]).source
    assert "<td>grad 1</td>" in source


def test_draw_model_with_dropout_is_deterministic_and_keeps_training_mode() -> None:
    model = nn.MLP(2, [8, 1], seed=0, dropout=0.5)
    assert model.training
    first = draw_model(model, example=[1.0, -1.0]).source
    assert first == draw_model(model, example=[1.0, -1.0]).source
    assert model.training
    model.eval()
    (out,) = model([1.0, -1.0])
    assert f"out {out.data:.4g}" in first  # dropout off, as in eval mode


def test_draw_model_accepts_a_layer_or_a_neuron() -> None:
    layer = nn.Layer(3, 2)
    assert len(visible_edges(draw_model(layer).source)) == 6
    neuron = nn.Neuron(3, activation="relu")
    source = draw_model(neuron, example=[1.0, 2.0, 3.0]).source
    assert len(visible_edges(source)) == 3 and "<td>relu</td>" in source


@pytest.mark.parametrize(
    ("module", "example", "error", "message"),
    [
        ("not a model", None, TypeError, "expects an nn.MLP, nn.Layer or nn.Neuron, got str"),
        (nn.MLP(2, [1], seed=0), [1.0], ValueError, "one number per input (2), got 1"),
        (nn.MLP(2, [1], seed=0), "ab", TypeError, "list of 2 numbers, got str"),
        (nn.MLP(2, [1], seed=0), [1.0, "b"], TypeError, "got str at index 1"),
    ],
)
def test_draw_model_rejects_bad_arguments_with_a_clear_message(
    module: object, example: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        draw_model(module, example=example)  # type: ignore[arg-type]


def test_draw_model_gives_the_same_source_for_the_same_model() -> None:
    first = draw_model(nn.MLP(3, [4, 2], seed=7), example=[1.0, 0.0, -1.0]).source
    second = draw_model(nn.MLP(3, [4, 2], seed=7), example=[1.0, 0.0, -1.0]).source
    assert first == second


@needs_dot
def test_draw_model_renders_svg() -> None:
    svg = draw_model(nn.MLP(2, [3, 1], seed=0), example=[0.5, 0.5]).pipe(
        format="svg", encoding="utf-8"
    )
    assert "<svg" in svg and "tanh" in svg
