"""Specification of Neuron, Layer, MLP, Dropout and the activation helpers."""

from __future__ import annotations

import json
import math
import random
import statistics
from collections.abc import Callable

import pytest

import nn
from autograd import Value, gradcheck

# ---------------------------------------------------------------- Neuron


def test_neuron_pre_activation_is_one_dot_node_with_the_bias_as_start() -> None:
    neuron = nn.Neuron(3, activation="linear", rng=random.Random(0))
    xs = [Value(1.0), Value(-2.0), Value(0.5)]
    out = neuron(xs)
    assert out.op == "dot"
    assert out.parents == (*neuron.w, *xs, neuron.b)
    expected = sum(w.data * x.data for w, x in zip(neuron.w, xs, strict=True))
    assert out.data == pytest.approx(expected)


def test_neuron_applies_its_activation_to_the_dot_node() -> None:
    neuron = nn.Neuron(2, activation="tanh", rng=random.Random(0))
    out = neuron([0.3, -0.4])
    assert out.op == "tanh"
    (pre,) = out.parents
    assert pre.op == "dot"
    assert out.data == pytest.approx(math.tanh(pre.data))


@pytest.mark.parametrize("activation", nn.ACTIVATIONS)
def test_each_activation_matches_its_formula(activation: str) -> None:
    neuron = nn.Neuron(1, activation=activation, rng=random.Random(0))
    neuron.w[0].data = 1.0
    formulas: dict[str, Callable[[float], float]] = {
        "tanh": math.tanh,
        "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
        "relu": lambda z: max(z, 0.0),
        "leaky_relu": lambda z: z if z > 0 else 0.01 * z,
        "linear": lambda z: z,
    }
    for z in (-1.5, 0.7):
        assert neuron([z]).data == pytest.approx(formulas[activation](z))


def test_neuron_accepts_floats_and_values_and_gradients_reach_both() -> None:
    neuron = nn.Neuron(2, activation="linear", rng=random.Random(0))
    x = Value(3.0)
    out = neuron([x, 2.0])
    out.backward()
    assert x.grad == neuron.w[0].data
    assert neuron.w[0].grad == 3.0
    assert neuron.w[1].grad == 2.0
    assert neuron.b is not None and neuron.b.grad == 1.0


def test_neuron_without_bias_has_only_weights() -> None:
    neuron = nn.Neuron(2, bias=False, rng=random.Random(0))
    assert neuron.b is None
    assert [name for name, _ in neuron.named_parameters()] == ["w.0", "w.1"]
    out = neuron([1.0, 1.0])
    assert out.data == pytest.approx(math.tanh(neuron.w[0].data + neuron.w[1].data))


@pytest.mark.parametrize("size", [1, 3])
def test_wrong_input_length_says_expected_and_received(size: int) -> None:
    with pytest.raises(ValueError, match=f"Neuron expected 2 inputs, got {size}"):
        nn.Neuron(2)([0.0] * size)
    with pytest.raises(ValueError, match=f"Layer expected 2 inputs, got {size}"):
        nn.Layer(2, 3)([0.0] * size)
    with pytest.raises(ValueError, match=f"MLP expected 2 inputs, got {size}"):
        nn.MLP(2, [3, 1])([0.0] * size)


def test_a_bare_number_input_is_a_type_error_that_explains() -> None:
    with pytest.raises(TypeError, match="expected a sequence of 1 floats or Values, got float"):
        nn.MLP(1, [1])(0.5)  # type: ignore[arg-type]


def test_unknown_activation_lists_the_valid_ones() -> None:
    for build in (
        lambda: nn.Neuron(2, activation="gelu"),
        lambda: nn.Layer(2, 2, activation="gelu"),
        lambda: nn.MLP(2, [2], activation="gelu"),
        lambda: nn.MLP(2, [2], output_activation="gelu"),
    ):
        with pytest.raises(ValueError, match="'gelu'; expected one of tanh, sigmoid, relu, leaky_relu, linear"):
            build()


def test_bad_sizes_and_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="nin must be a positive int, got 0"):
        nn.Neuron(0)
    with pytest.raises(TypeError, match="nin must be a positive int, got float"):
        nn.Layer(2.0, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"nouts\[1\] must be a positive int, got -1"):
        nn.MLP(2, [3, -1])
    with pytest.raises(ValueError, match="at least one layer size"):
        nn.MLP(2, [])
    with pytest.raises(TypeError, match="list of layer sizes"):
        nn.MLP(2, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown init 'glorot'; expected one of normal, uniform, xavier, he"):
        nn.MLP(2, [1], init="glorot")
    with pytest.raises(TypeError, match="bias must be a bool"):
        nn.Neuron(2, bias=1)  # type: ignore[arg-type]


def test_activation_can_be_switched_by_name_after_construction() -> None:
    layer = nn.Layer(1, 2, activation="tanh", rng=random.Random(0))
    layer.activation = "relu"
    assert [neuron.activation for neuron in layer.neurons] == ["relu", "relu"]
    assert all(out.op == "relu" for out in layer([1.0]))
    with pytest.raises(ValueError, match="expected one of"):
        layer.activation = "swish"


# ---------------------------------------------------------------- Layer and MLP outputs


def test_layer_with_one_neuron_returns_a_list() -> None:
    out = nn.Layer(2, 1)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)


def test_mlp_always_returns_a_list_of_values() -> None:
    assert len(nn.MLP(2, [3, 1], seed=0)([1.0, 2.0])) == 1
    assert len(nn.MLP(2, [3, 4], seed=0)([1.0, 2.0])) == 4


def test_mlp_hidden_layers_use_activation_and_last_layer_output_activation() -> None:
    model = nn.MLP(2, [3, 3, 2], activation="relu", seed=0)
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]
    model = nn.MLP(2, [3, 1], activation="relu", output_activation="sigmoid", seed=0)
    assert [layer.activation for layer in model.layers] == ["relu", "sigmoid"]
    assert [(layer.nin, layer.nout) for layer in model.layers] == [(2, 3), (3, 1)]


def test_mlp_forward_matches_a_handwritten_computation() -> None:
    model = nn.MLP(2, [2, 1], activation="tanh", seed=3)
    x = [0.4, -1.1]
    hidden = [
        math.tanh(sum(w.data * xi for w, xi in zip(n.w, x, strict=True)) + n.b.data)  # type: ignore[union-attr]
        for n in model.layers[0].neurons
    ]
    last = model.layers[1].neurons[0]
    expected = sum(w.data * h for w, h in zip(last.w, hidden, strict=True)) + last.b.data  # type: ignore[union-attr]
    assert model(x)[0].data == pytest.approx(expected, abs=1e-15)


def test_mlp_gradients_pass_gradcheck_wrt_inputs() -> None:
    model = nn.MLP(3, [4, 2], activation="tanh", seed=0)
    assert gradcheck(lambda xs: model(xs)[1], [0.2, -0.5, 0.9])


@pytest.mark.parametrize("bias", [True, False])
def test_a_layer_gives_the_same_outputs_and_gradients_for_every_kind_of_input(
    bias: bool,
) -> None:
    # A layer takes a fast path for all-Value and all-float inputs; ints, and a
    # mix of Values and numbers, take dot's general path. All must agree.
    numbers = [1.0, -2.0, 3.0]
    inputs: dict[str, Callable[[], list[object]]] = {
        "floats": lambda: list(numbers),
        "ints": lambda: [int(x) for x in numbers],
        "values": lambda: [Value(x) for x in numbers],
        "mixed": lambda: [Value(numbers[0]), numbers[1], Value(numbers[2])],
    }
    results: dict[str, list[float]] = {}
    for kind, make in inputs.items():
        layer = nn.Layer(3, 2, activation="tanh", bias=bias, rng=random.Random(0))
        outputs = layer(make())  # type: ignore[arg-type]
        (outputs[0] + 2.0 * outputs[1]).backward()
        results[kind] = [out.data for out in outputs] + [p.grad for p in layer.parameters()]
    for kind in inputs:
        assert results[kind] == pytest.approx(results["floats"], rel=1e-12, abs=1e-15), kind
    assert any(results["floats"][2:]), "all-zero gradients would check nothing"


def test_each_neuron_adds_two_nodes_to_the_graph() -> None:
    model = nn.MLP(2, [4, 4, 1], activation="relu", seed=0)
    (out,) = model([Value(1.0), Value(2.0)])
    interior = [node for node in (out, *out.ancestors()) if not node.is_leaf]
    assert len(interior) == 2 * 4 + 2 * 4 + 1  # dot + relu per hidden neuron; the output is linear


# ---------------------------------------------------------------- initialisation


def test_same_seed_gives_identical_weights_and_different_seeds_differ() -> None:
    first = nn.MLP(3, [5, 2], seed=42).state_dict()
    assert nn.MLP(3, [5, 2], seed=42).state_dict() == first
    assert nn.MLP(3, [5, 2], seed=43).state_dict() != first


def test_seed_none_uses_the_global_random_state() -> None:
    random.seed(7)
    first = nn.MLP(2, [3], seed=None).state_dict()
    random.seed(7)
    assert nn.MLP(2, [3], seed=None).state_dict() == first
    assert nn.MLP(2, [3], seed=None).state_dict() != first  # the state moved on


def test_biases_start_at_zero() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    assert all(value.data == 0.0 for name, value in model.named_parameters() if name.endswith(".b"))


def _weights(init: str, nin: int, nout: int) -> list[float]:
    layer = nn.Layer(nin, nout, init=init, rng=random.Random(0))
    return [w.data for neuron in layer.neurons for w in neuron.w]


def test_xavier_weights_are_uniform_within_the_glorot_bound() -> None:
    weights = _weights("xavier", 20, 30)
    bound = math.sqrt(6.0 / 50)
    assert max(abs(w) for w in weights) <= bound
    assert max(abs(w) for w in weights) > 0.9 * bound  # fills the interval
    assert statistics.pstdev(weights) == pytest.approx(bound / math.sqrt(3), rel=0.1)


def test_he_weights_have_std_sqrt_two_over_fan_in() -> None:
    weights = _weights("he", 50, 40)
    assert statistics.fmean(weights) == pytest.approx(0.0, abs=0.02)
    assert statistics.pstdev(weights) == pytest.approx(math.sqrt(2.0 / 50), rel=0.1)


def test_normal_and_uniform_weights_have_unit_scale() -> None:
    normal = _weights("normal", 40, 40)
    uniform = _weights("uniform", 40, 40)
    assert statistics.pstdev(normal) == pytest.approx(1.0, rel=0.1)
    assert max(abs(w) for w in uniform) <= 1.0
    assert statistics.pstdev(uniform) == pytest.approx(1.0 / math.sqrt(3), rel=0.1)


# ---------------------------------------------------------------- config


def test_config_is_json_and_rebuilds_the_same_model() -> None:
    model = nn.MLP(2, (4, 1), activation="relu", output_activation="sigmoid",
                   init="he", seed=5, bias=False, dropout=0.25)
    config = json.loads(json.dumps(model.config()))
    assert config == {
        "nin": 2, "nouts": [4, 1], "activation": "relu", "output_activation": "sigmoid",
        "init": "he", "seed": 5, "bias": False, "dropout": 0.25,
    }
    rebuilt = nn.MLP(**config)
    assert repr(rebuilt) == repr(model)
    assert rebuilt.state_dict() == model.state_dict()


# ---------------------------------------------------------------- Dropout


def test_dropout_zeroes_and_rescales_in_training_only() -> None:
    dropout = nn.Dropout(0.5, seed=0)
    values = [Value(1.0) for _ in range(400)]
    out = dropout(values)
    kept = [v.data for v in out if v.data != 0.0]
    assert set(kept) == {2.0}
    assert 150 < len(kept) < 250
    dropout.eval()
    assert [v.data for v in dropout(values)] == [1.0] * 400


def test_dropout_with_a_seed_repeats_its_masks() -> None:
    values = [Value(1.0) for _ in range(50)]
    first = [v.data for v in nn.Dropout(0.3, seed=1)(values)]
    assert [v.data for v in nn.Dropout(0.3, seed=1)(values)] == first


def test_dropped_units_pass_no_gradient() -> None:
    x, y = Value(1.0), Value(1.0)
    dropout = nn.Dropout(0.5, seed=0)
    outs: list[Value] = []
    while not ({o.data for o in outs} >= {0.0, 2.0}):  # draw until one of each
        outs = dropout([x, y])
    for source, out in zip((x, y), outs, strict=True):
        source.grad = 0.0
        out.backward()
        assert source.grad == out.data  # 2.0 if kept (scale), 0.0 if dropped


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_dropout_probability_outside_zero_one_is_refused(p: float) -> None:
    with pytest.raises(ValueError, match=r"Dropout p must be in \[0, 1\)"):
        nn.Dropout(p)
    with pytest.raises(ValueError, match=r"Dropout p must be in \[0, 1\)"):
        nn.MLP(2, [2, 1], dropout=p)


def test_mlp_dropout_acts_in_training_and_not_in_eval() -> None:
    model = nn.MLP(4, [64, 1], activation="relu", seed=0, dropout=0.5)
    x = [0.5, -0.3, 0.8, 0.1]
    train_outputs = {model(x)[0].data for _ in range(5)}
    assert len(train_outputs) > 1  # a new mask each call
    model.eval()
    plain = nn.MLP(4, [64, 1], activation="relu", seed=0)
    plain.load_state_dict(model.state_dict())
    assert model(x)[0].data == plain(x)[0].data


# ---------------------------------------------------------------- functional


def test_softmax_is_stable_for_large_logits_and_sums_to_one() -> None:
    probabilities = nn.softmax([Value(1000.0), Value(1001.0)])
    expected = 1.0 / (1.0 + math.e)
    assert probabilities[0].data == pytest.approx(expected, rel=1e-12)
    assert probabilities[1].data == pytest.approx(1.0 - expected, rel=1e-12)
    assert sum(p.data for p in nn.softmax([-1000.0, 0.0, 3.0])) == pytest.approx(1.0)


def test_log_softmax_is_stable_and_equals_log_of_softmax() -> None:
    logits = [1000.0, 1001.0, 999.0]
    logs = [v.data for v in nn.log_softmax(logits)]
    shifted = [x - 1001.0 for x in logits]
    total = math.log(sum(math.exp(s) for s in shifted))
    assert logs == pytest.approx([s - total for s in shifted], rel=1e-12)
    small = [0.1, -0.4, 0.3]
    assert [v.data for v in nn.log_softmax(small)] == pytest.approx(
        [math.log(p.data) for p in nn.softmax(small)]
    )
    assert nn.logsumexp(logits).data == pytest.approx(1001.0 + total)


def test_softmax_and_log_softmax_pass_gradcheck() -> None:
    point = [0.5, -1.0, 2.0]
    for index in range(3):

        def probability(xs: list[Value], i: int = index) -> Value:
            return nn.softmax(xs)[i]

        def log_probability(xs: list[Value], i: int = index) -> Value:
            return nn.log_softmax(xs)[i]

        assert gradcheck(probability, point)
        assert gradcheck(log_probability, point)


def test_softmax_refuses_an_empty_list() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        nn.softmax([])


def test_activate_applies_a_named_activation() -> None:
    assert nn.activate(Value(-2.0), "relu").data == 0.0
    assert nn.activate(Value(-2.0), "leaky_relu").data == pytest.approx(-0.02)
    x = Value(0.3)
    assert nn.activate(x, "linear") is x
    with pytest.raises(ValueError, match="expected one of"):
        nn.activate(x, "softmax")


# ---------------------------------------------------------------- learning


@pytest.mark.parametrize("seed", range(5))
def test_mlp_learns_xor_in_150_full_batch_adam_steps(seed: int) -> None:
    X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    y = [0, 1, 1, 0]
    model = nn.MLP(2, [4, 1], activation="tanh", seed=seed)
    optimizer = nn.Adam(model.parameters(), lr=0.1)
    for _ in range(150):
        loss = nn.bce_with_logits([model(x) for x in X], y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.data < 0.05
    assert [int(model(x)[0].data > 0.0) for x in X] == y
