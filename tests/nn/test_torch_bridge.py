"""The PyTorch bridge: to_torch / from_torch (nn/inspect/torch_bridge.py)."""

from __future__ import annotations

import builtins
import random
import sys
from typing import Any

import pytest

from nn import MLP, from_torch, to_torch

torch = pytest.importorskip("torch")

ARCHITECTURES = [
    {"nin": 2, "nouts": [16, 16, 1], "activation": "relu"},
    {"nin": 3, "nouts": [5, 4], "activation": "tanh", "output_activation": "sigmoid"},
    {"nin": 4, "nouts": [6, 6, 3], "activation": "leaky_relu", "bias": False},
    {"nin": 2, "nouts": [3], "activation": "sigmoid", "output_activation": "tanh"},
    {"nin": 3, "nouts": [4, 2], "activation": "linear"},
]


def _random_inputs(nin: int, count: int = 20, seed: int = 0) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(-3.0, 3.0) for _ in range(nin)] for _ in range(count)]


@pytest.mark.parametrize("config", ARCHITECTURES, ids=lambda c: f"{c['nouts']}-{c['activation']}")
def test_to_torch_computes_the_same_outputs_to_1e_12(config: dict[str, Any]) -> None:
    mlp = MLP(**config, seed=3)
    sequential = to_torch(mlp)
    inputs = _random_inputs(mlp.nin)
    with torch.no_grad():
        theirs = sequential(torch.tensor(inputs, dtype=torch.float64)).tolist()
    ours = [[value.data for value in mlp(x)] for x in inputs]
    for row_ours, row_theirs in zip(ours, theirs, strict=True):
        assert row_ours == pytest.approx(row_theirs, abs=1e-12, rel=1e-12)


@pytest.mark.parametrize("config", ARCHITECTURES, ids=lambda c: f"{c['nouts']}-{c['activation']}")
def test_round_trip_preserves_config_and_state(config: dict[str, Any]) -> None:
    mlp = MLP(**config, seed=3)
    back = from_torch(to_torch(mlp))
    assert back.state_dict() == mlp.state_dict()
    expected = dict(mlp.config(), seed=0)  # the seed is not part of a torch model
    if len(mlp.nouts) == 1:
        expected["activation"] = "tanh"  # no hidden layer: the hidden activation is moot
    assert back.config() == expected


def test_to_torch_uses_float64_linear_layers_and_activation_modules() -> None:
    sequential = to_torch(MLP(2, [16, 16, 1], activation="relu", seed=0))
    kinds = [type(module).__name__ for module in sequential]
    assert kinds == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert all(module.weight.dtype == torch.float64 for module in sequential
               if isinstance(module, torch.nn.Linear))


def test_neuron_weights_become_rows_of_the_linear_weight() -> None:
    mlp = MLP(3, [2], seed=1)
    linear: Any = to_torch(mlp)[0]
    assert linear.weight.tolist() == [[w.data for w in n.w] for n in mlp.layers[0].neurons]
    assert linear.bias.tolist() == [n.b.data for n in mlp.layers[0].neurons if n.b is not None]


def test_dropout_is_placed_after_hidden_activations_and_modes_follow() -> None:
    mlp = MLP(2, [4, 4, 1], activation="tanh", dropout=0.25, seed=0)
    mlp.eval()
    sequential = to_torch(mlp)
    kinds = [type(module).__name__ for module in sequential]
    assert kinds == ["Linear", "Tanh", "Dropout", "Linear", "Tanh", "Dropout", "Linear"]
    assert sequential.training is False
    back = from_torch(sequential)
    assert back.config()["dropout"] == 0.25
    assert back.training is False


def test_the_copies_are_independent() -> None:
    mlp = MLP(2, [1], seed=0)
    sequential: Any = to_torch(mlp)
    mlp.parameters()[0].data += 1.0
    assert sequential[0].weight[0, 0].item() != mlp.parameters()[0].data


def test_from_torch_reads_a_float32_model_built_in_torch() -> None:
    torch.manual_seed(0)
    sequential = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    mlp = from_torch(sequential)
    inputs = _random_inputs(3, count=5)
    with torch.no_grad():
        theirs = sequential.double()(torch.tensor(inputs, dtype=torch.float64)).tolist()
    for x, row in zip(inputs, theirs, strict=True):
        assert [v.data for v in mlp(x)] == pytest.approx(row, abs=1e-12)


@pytest.mark.parametrize(
    ("modules", "error", "match"),
    [
        (lambda: [torch.nn.Linear(2, 3), torch.nn.Softmax(dim=-1)], TypeError,
         r"module 1 \(Softmax\) is not supported"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.Linear(4, 1)], ValueError,
         r"takes 4 inputs but the previous Linear gives 3"),
        (lambda: [torch.nn.ReLU(), torch.nn.Linear(2, 1)], ValueError,
         r"an activation must directly follow a Linear"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Tanh(), torch.nn.Linear(3, 1)],
         ValueError, r"an activation must directly follow a Linear"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 3), torch.nn.Tanh(),
                  torch.nn.Linear(3, 1)], ValueError, r"one hidden activation"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.LeakyReLU(0.2), torch.nn.Linear(3, 1)],
         ValueError, r"LeakyReLU slope 0.2 is not supported"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.Linear(3, 1, bias=False)], ValueError,
         r"all have biases or none"),
        (lambda: [torch.nn.Linear(2, 1), torch.nn.Dropout(0.5)], ValueError,
         r"not after the output layer"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.Dropout(0.5), torch.nn.ReLU(),
                  torch.nn.Linear(3, 1)], ValueError, r"an activation must directly follow"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                  torch.nn.Linear(3, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1)], ValueError,
         r"same dropout after every hidden layer"),
        (lambda: [], ValueError, r"no Linear layer"),
    ],
)
def test_from_torch_refuses_what_an_mlp_cannot_represent(modules: Any, error: type[Exception],
                                                          match: str) -> None:
    with pytest.raises(error, match=match):
        from_torch(torch.nn.Sequential(*modules()))


def test_from_torch_refuses_a_non_sequential() -> None:
    with pytest.raises(TypeError, match=r"expects a torch.nn.Sequential \(or the module to_torch makes of a GPT\), got Linear"):
        from_torch(torch.nn.Linear(2, 1))


def test_to_torch_refuses_a_non_mlp() -> None:
    with pytest.raises(TypeError, match=r"to_torch expects an nn.MLP or an nn.GPT, got list"):
        to_torch([1, 2])  # type: ignore[arg-type]


def test_without_torch_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "torch")
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install 'valuegrad\[torch\]'"):
        to_torch(MLP(2, [1], seed=0))
