"""Specification of nn.Module: discovery, naming, modes, state dicts, repr."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

import nn
from autograd import Value


class Affine(nn.Module):
    """A hand-written module: two parameters and a non-parameter setting."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = Value(2.0)
        self.note = "not a parameter"
        self.shift = Value(0.5)
        self._hidden = Value(9.0)  # private: not a parameter

    def __call__(self, x: Value) -> Value:
        return x * self.scale + self.shift


class Stack(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = Affine()
        self.blocks = [Affine(), Affine()]
        self.extra = [Value(1.0), Value(2.0)]


def test_parameters_are_found_in_assignment_order_with_dotted_names() -> None:
    names = [name for name, _ in Stack().named_parameters()]
    assert names == [
        "first.scale", "first.shift",
        "blocks.0.scale", "blocks.0.shift",
        "blocks.1.scale", "blocks.1.shift",
        "extra.0", "extra.1",
    ]


def test_private_attributes_and_non_values_are_not_parameters() -> None:
    module = Affine()
    assert [value.data for value in module.parameters()] == [2.0, 0.5]
    assert module._hidden not in module.parameters()


def test_parameters_are_the_same_objects_on_every_call() -> None:
    module = Stack()
    first, second = module.parameters(), module.parameters()
    assert all(a is b for a, b in zip(first, second, strict=True))


def test_shared_parameter_is_listed_once_under_its_first_name() -> None:
    module = Stack()
    module.blocks[1].scale = module.first.scale
    named = module.named_parameters()
    assert [name for name, value in named if value is module.first.scale] == ["first.scale"]
    assert module.num_parameters() == 7


def test_mlp_names_follow_layers_neurons_weights() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == [
        "layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-1] == "layers.1.neurons.0.b"
    assert model.num_parameters() == 3 * 3 + 4 == len(names)


def test_zero_grad_clears_every_parameter_gradient() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, -1.0])[0].backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_train_and_eval_set_the_flag_on_every_module() -> None:
    model = nn.MLP(2, [3, 1], seed=0, dropout=0.5)
    assert model.eval() is model
    assert all(module.training is False for module in model.modules())
    model.train()
    assert all(module.training is True for module in model.modules())
    assert len(model.modules()) == 1 + 2 + 4 + 1  # MLP, layers, neurons, dropout


def test_a_module_without_a_forward_says_so_when_called() -> None:
    with pytest.raises(NotImplementedError, match="Stack does not define __call__"):
        Stack()(1.0)


def test_train_refuses_a_non_bool_mode() -> None:
    with pytest.raises(TypeError, match="bool"):
        nn.MLP(2, [1]).train("no")  # type: ignore[arg-type]


def test_state_dict_maps_names_to_plain_floats() -> None:
    model = nn.MLP(2, [2, 1], seed=1)
    state = model.state_dict()
    assert list(state) == [name for name, _ in model.named_parameters()]
    assert all(type(value) is float for value in state.values())
    json.dumps(state)  # plain data


def test_state_dict_round_trip_copies_weights_into_a_fresh_model() -> None:
    source = nn.MLP(2, [3, 1], seed=1)
    target = nn.MLP(2, [3, 1], seed=2)
    assert target.state_dict() != source.state_dict()
    result = target.load_state_dict(source.state_dict())
    assert target.state_dict() == source.state_dict()
    assert result == nn.LoadResult([], [])
    x = [0.3, -0.7]
    assert target(x)[0].data == source(x)[0].data


def test_state_dict_is_a_copy_not_a_view() -> None:
    model = nn.MLP(1, [1], seed=0)
    state = model.state_dict()
    state["layers.0.neurons.0.b"] = 5.0
    assert model.layers[0].neurons[0].b is not None
    assert model.layers[0].neurons[0].b.data == 0.0


def test_load_state_dict_lists_missing_and_unexpected_keys_and_changes_nothing() -> None:
    model = nn.MLP(2, [1], seed=0)
    before = model.state_dict()
    state = dict(before)
    del state["layers.0.neurons.0.w.1"]
    state["layers.0.neurons.0.w.0"] = 123.0
    state["layers.9.neurons.0.b"] = 1.0
    with pytest.raises(ValueError) as error:
        model.load_state_dict(state)
    message = str(error.value)
    assert "missing keys: 'layers.0.neurons.0.w.1'" in message
    assert "unexpected keys: 'layers.9.neurons.0.b'" in message
    assert model.state_dict() == before  # atomic: nothing half-loaded


def test_load_state_dict_refuses_values_that_are_not_finite_numbers() -> None:
    model = nn.MLP(1, [1], seed=0)
    for bad in ("0.5", None, True, math.nan, math.inf, [1.0]):
        state: dict[str, Any] = dict(model.state_dict())
        state["layers.0.neurons.0.w.0"] = bad
        with pytest.raises(ValueError, match=r"not finite real numbers: 'layers.0.neurons.0.w.0'"):
            model.load_state_dict(state)


def test_load_state_dict_non_strict_skips_and_reports_key_mismatches() -> None:
    model = nn.MLP(2, [1], seed=0)
    result = model.load_state_dict({"layers.0.neurons.0.b": 0.25, "other": 1.0}, strict=False)
    assert model.layers[0].neurons[0].b is not None
    assert model.layers[0].neurons[0].b.data == 0.25
    assert result.missing_keys == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1"]
    assert result.unexpected_keys == ["other"]


def test_load_state_dict_refuses_a_non_mapping() -> None:
    with pytest.raises(TypeError, match="mapping"):
        nn.MLP(1, [1]).load_state_dict([("a", 1.0)])  # type: ignore[arg-type]


def test_repr_shows_the_architecture_like_pytorch() -> None:
    model = nn.MLP(2, [16, 1], activation="relu", seed=0, dropout=0.1)
    assert repr(model) == (
        "MLP(\n"
        "  (layers): [\n"
        "    (0): Layer(2 -> 16, relu)\n"
        "    (1): Layer(16 -> 1, linear)\n"
        "  ]\n"
        "  (dropout): Dropout(p=0.1)\n"
        ")"
    )


def test_repr_of_nested_custom_modules_is_indented() -> None:
    text = repr(Stack())
    assert text.splitlines() == [
        "Stack(",
        "  (first): Affine()",
        "  (blocks): [",
        "    (0): Affine()",
        "    (1): Affine()",
        "  ]",
        ")",
    ]
    assert repr(nn.Neuron(3, bias=False)) == "Neuron(3, tanh, bias=False)"


def test_modules_have_no_save_method_because_saving_is_nn_save() -> None:
    # One way to save (nn.save, with metadata and preprocessing), and no import of
    # the file format from the base class every layer builds on.
    assert not hasattr(nn.Module, "save")
    assert not hasattr(nn.MLP(2, [1], seed=0), "save")
