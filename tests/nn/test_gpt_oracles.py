"""The tiny GPT against oracles: PyTorch (float64), finite differences, and a saved copy."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

import autograd
import nn
from autograd import Value


def random_documents(count: int, vocab: int, longest: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    bos = vocab - 1
    return [[bos, *(rng.randrange(bos) for _ in range(rng.randint(1, longest))), bos] for _ in range(count)]


# ---------------------------------------------------------------- PyTorch


@pytest.fixture(scope="module")
def torch() -> object:
    return pytest.importorskip("torch")


@pytest.mark.parametrize("config", [{}, {"n_layer": 2, "n_embd": 8, "n_head": 2, "block_size": 6}],
                         ids=["microgpt", "two-layers"])
def test_logits_loss_and_gradients_equal_pytorchs(torch: object, config: dict[str, int]) -> None:
    model = nn.GPT(27, seed=5, **config)
    twin = nn.to_torch(model)
    names = [name for name, _ in model.named_parameters()]
    for tokens in random_documents(4, 27, 20, seed=1):  # some longer than block_size
        count = min(model.block_size, len(tokens) - 1)
        rows = model.logits(tokens[:count])
        expected_rows = twin(tokens[:count]).tolist()
        flat = [v.data for row in rows for v in row]
        assert flat == pytest.approx([x for row in expected_rows for x in row], abs=1e-12, rel=0)

        model.zero_grad()
        loss = model.loss(tokens)
        loss.backward()
        twin.zero_grad()
        expected = twin.loss(tokens)
        expected.backward()
        assert loss.data == pytest.approx(expected.item(), abs=1e-12, rel=0)
        torch_grads = {name: tensor.grad.tolist() for name, tensor in twin.named_parameters()}
        for name, (_, value) in zip(names, model.named_parameters(), strict=True):
            matrix, row, column = name.rsplit(".", 2)
            assert value.grad == pytest.approx(torch_grads[matrix][int(row)][int(column)], abs=1e-12, rel=0), name


def test_the_pytorch_twin_has_the_gpts_matrices_by_name(torch: object) -> None:
    model = nn.GPT(27, seed=0)
    twin = nn.to_torch(model)
    shapes = {name: tuple(tensor.shape) for name, tensor in twin.named_parameters()}
    assert shapes["wte.weight"] == (27, 16) and shapes["blocks.0.mlp.fc1.weight"] == (64, 16)
    assert sum(tensor.numel() for tensor in twin.parameters()) == model.num_parameters()


def test_a_gpt_trained_in_pytorch_comes_back_with_its_weights(torch: Any) -> None:
    model = nn.GPT(7, n_layer=2, n_embd=8, n_head=2, block_size=6, seed=4)
    twin = nn.to_torch(model)
    optimizer = torch.optim.SGD(twin.parameters(), lr=0.5)
    tokens = [6, 1, 2, 3, 6]
    twin.loss(tokens).backward()
    optimizer.step()
    back = nn.from_torch(twin)
    assert isinstance(back, nn.GPT) and back.config()["n_layer"] == 2 and back.n_head == 2
    assert back.loss(tokens).data == pytest.approx(twin.loss(tokens).item(), abs=1e-12, rel=0)
    assert back.loss(tokens).data != model.loss(tokens).data  # the step moved the weights


def test_a_gpt_goes_to_pytorch_and_back_unchanged(torch: Any) -> None:
    model = nn.GPT(7, n_embd=8, n_head=2, block_size=6, seed=5)
    back = nn.from_torch(nn.to_torch(model))
    assert [p.data for p in back.parameters()] == [p.data for p in model.parameters()]


# ---------------------------------------------------------------- finite differences


def test_gradcheck_passes_on_a_one_layer_four_dim_model() -> None:
    model = nn.GPT(5, n_embd=4, n_head=2, block_size=4, seed=0, std=0.5)
    tokens = [4, 0, 2, 1, 4]
    start = [p.data for p in model.parameters()]

    def loss_of(values: list[Value]) -> Value:
        """The loss with ``values`` in place of the parameters, in named_parameters order."""
        supply = iter(values)
        for module in model.modules():
            for attribute in ("weight", "bias"):
                rows = vars(module).get(attribute)
                for row in rows or []:
                    if isinstance(row, list):
                        row[:] = [next(supply) for _ in row]
        return model.loss(tokens)

    assert autograd.gradcheck(loss_of, start)


# ---------------------------------------------------------------- files


def test_a_saved_gpt_loads_back_with_the_same_loss(tmp_path: Path) -> None:
    model = nn.GPT(27, seed=3)
    opt = nn.Adam(model.parameters(), lr=0.01)
    for tokens in random_documents(3, 27, 8, seed=2):
        loss = model.loss(tokens)
        opt.zero_grad()
        loss.backward()
        opt.step()
    nn.save(model, tmp_path / "gpt.json", metadata={"tokenizer": {"chars": "abcdefghijklmnopqrstuvwxyz"}})
    loaded = nn.load(tmp_path / "gpt.json")
    assert isinstance(loaded, nn.GPT) and loaded.config() == model.config()
    for tokens in random_documents(5, 27, 20, seed=4):
        assert loaded.loss(tokens).data == model.loss(tokens).data
    assert loaded.generate(seed=7) == model.generate(seed=7)


def test_a_gpt_is_saved_without_preprocessing(tmp_path: Path) -> None:
    scaler = nn.Scaler([0.0], [1.0])
    with pytest.raises(ValueError, match="token ids, which are not scaled"):
        nn.save(nn.GPT(27), tmp_path / "gpt.json", preprocessing=scaler)


def test_loading_a_gpt_leaves_the_global_random_state_alone(tmp_path: Path) -> None:
    nn.save(nn.GPT(27, seed=None), tmp_path / "gpt.json")
    state = random.getstate()
    nn.load(tmp_path / "gpt.json")
    assert random.getstate() == state
