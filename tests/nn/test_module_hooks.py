"""Forward hooks on modules and gradient norms per part of a model."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value


def test_a_forward_hook_sees_each_call_and_can_replace_the_output() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    seen: list[tuple[str, int]] = []
    first = model.layers[0].register_forward_hook(lambda m, x, out: seen.append(("layer", len(out))))
    model.register_forward_hook(lambda m, x, out: seen.append(("mlp", len(x))))
    model([0.5, -1.0])
    model([1.0, 2.0])
    assert seen == [("layer", 3), ("mlp", 2)] * 2
    first.remove()
    first.remove()  # a second remove does nothing
    with model.register_forward_hook(lambda m, x, out: [o * 2.0 for o in out]):
        doubled = model([0.5, -1.0])[0].data
    assert doubled == pytest.approx(2.0 * model([0.5, -1.0])[0].data)


def test_a_neurons_hook_runs_also_when_its_layer_runs_it() -> None:
    layer = nn.Layer(2, 3, activation="relu")
    outputs: list[float] = []
    handle = layer.neurons[1].register_forward_hook(lambda m, x, out: outputs.append(out.data))
    out = layer([1.0, -2.0])
    assert outputs == [out[1].data]
    handle.remove()
    layer([1.0, -2.0])
    assert len(outputs) == 1


def test_internal_count_of_hooked_neurons_returns_to_zero_when_their_hooks_are_removed() -> None:
    # An internal: while no neuron has a hook, a Layer skips asking each neuron for one.
    layer = nn.Layer(2, 3, activation="relu")
    handles = [neuron.register_forward_hook(lambda m, x, out: None) for neuron in layer.neurons]
    assert nn.Neuron._hooked_neurons == 3
    for handle in handles:
        handle.remove()
    assert nn.Neuron._hooked_neurons == 0


def test_hooks_must_be_callable() -> None:
    with pytest.raises(TypeError, match="expects a callable, got int"):
        nn.Neuron(2).register_forward_hook(3)  # type: ignore[arg-type]


def test_grad_norms_give_each_layers_gradient_size() -> None:
    model = nn.MLP(2, [4, 4, 1], activation="sigmoid", seed=1)
    model([0.3, -0.7])[0].backward()
    norms = nn.grad_norms(model)
    assert list(norms) == ["layers.0", "layers.1", "layers.2"]
    for index, layer in enumerate(model.layers):
        expected = math.sqrt(sum(p.grad**2 for p in layer.parameters()))
        assert norms[f"layers.{index}"] == pytest.approx(expected, rel=1e-15)
    neuron = nn.Neuron(2)
    neuron([1.0, 2.0]).backward()
    assert set(nn.grad_norms(neuron)) == {"w.0", "w.1", "b"}


def test_a_forward_hook_under_jit_is_refused_at_the_users_line_and_runs_once_removed() -> None:
    from autograd import JitError, jit

    model = nn.MLP(2, [2, 1], seed=0)
    handle = model.register_forward_hook(lambda m, x, out: None)
    step = jit(lambda x: model(x)[0])
    with pytest.raises(JitError, match=r"forward hook of MLP ran at test_module_hooks.py:\d+"):
        step([0.5, 0.5])
    handle.remove()
    for _ in range(3):
        assert isinstance(step([0.5, 0.5]), Value)
