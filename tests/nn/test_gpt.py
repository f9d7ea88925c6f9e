"""The tiny GPT and its layers: shapes, microgpt's configuration and init order, input checks."""

from __future__ import annotations

import math
import random

import pytest

import autograd
import nn
from autograd import Value

BOS = 26
EMMA = [BOS, 4, 12, 12, 0, BOS]


def microgpt_matrices(rng: random.Random, vocab: int = 27, n_embd: int = 16, block: int = 16,
                      n_layer: int = 1) -> list[list[list[float]]]:
    """The draws of microgpt.py's state dict, in its order, from ``rng``."""
    def matrix(nout: int, nin: int) -> list[list[float]]:
        return [[rng.gauss(0, 0.08) for _ in range(nin)] for _ in range(nout)]
    matrices = [matrix(vocab, n_embd), matrix(block, n_embd), matrix(vocab, n_embd)]
    for _ in range(n_layer):
        matrices += [matrix(n_embd, n_embd) for _ in range(4)]
        matrices += [matrix(4 * n_embd, n_embd), matrix(n_embd, 4 * n_embd)]
    return matrices


# ---------------------------------------------------------------- layers


def test_linear_is_one_dot_node_per_output_and_matches_the_formula() -> None:
    layer = nn.Linear(3, 2, rng=random.Random(0))
    layer.bias[1].data = 0.5  # type: ignore[index]
    x = [1.0, -2.0, 0.5]
    out = layer(x)
    assert [o.op for o in out] == ["dot", "dot"]
    for row, bias, o in zip(layer.weight, layer.bias, out, strict=True):  # type: ignore[arg-type]
        assert o.data == pytest.approx(sum(w.data * xi for w, xi in zip(row, x, strict=True)) + bias.data)


def test_linear_without_bias_has_only_weights() -> None:
    layer = nn.Linear(4, 3, bias=False, rng=random.Random(0))
    assert layer.bias is None and layer.num_parameters() == 12
    assert [name for name, _ in layer.named_parameters()][:2] == ["weight.0.0", "weight.0.1"]


def test_linear_checks_its_input_length() -> None:
    with pytest.raises(ValueError, match="Linear expected 3 inputs, got 2"):
        nn.Linear(3, 1)([1.0, 2.0])


def test_embedding_returns_the_row_of_its_index() -> None:
    table = nn.Embedding(5, 3, rng=random.Random(1))
    assert [v.data for v in table(2)] == [w.data for w in table.weight[2]]


@pytest.mark.parametrize(("index", "error"), [(5, ValueError), (-1, ValueError), (1.0, TypeError)])
def test_embedding_refuses_an_index_outside_the_table(index: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="Embedding"):
        nn.Embedding(5, 3)(index)  # type: ignore[arg-type]


def test_rmsnorm_without_parameters_gives_unit_root_mean_square() -> None:
    norm = nn.RMSNorm(4)
    assert norm.num_parameters() == 0
    out = norm([1.0, -2.0, 3.0, 0.5])
    mean_square = sum(o.data ** 2 for o in out) / 4
    assert mean_square == pytest.approx(1.0, rel=1e-5)  # up to eps = 1e-5


def test_rmsnorm_affine_has_a_scale_per_feature() -> None:
    assert nn.RMSNorm(4, affine=True).num_parameters() == 4


def test_layernorm_centres_and_scales() -> None:
    norm = nn.LayerNorm(3)
    out = [o.data for o in norm([1.0, 2.0, 6.0])]
    assert sum(out) == pytest.approx(0.0, abs=1e-12)
    assert sum(o * o for o in out) / 3 == pytest.approx(1.0, rel=1e-4)
    assert norm.num_parameters() == 6


# ---------------------------------------------------------------- GPT


def test_gpt_defaults_are_microgpts_configuration() -> None:
    model = nn.GPT(27)
    assert (model.n_layer, model.n_embd, model.n_head, model.block_size) == (1, 16, 4, 16)
    assert model.num_parameters() == 4192  # microgpt's "num params"


def test_gpt_parameters_come_in_microgpts_state_dict_order() -> None:
    names = [name for name, _ in nn.GPT(27).named_parameters()]
    firsts = [name.rsplit(".weight", 1)[0] for name in names if name.endswith(".weight.0.0")]
    assert firsts == ["wte", "wpe", "lm_head", "blocks.0.attn.wq", "blocks.0.attn.wk",
                      "blocks.0.attn.wv", "blocks.0.attn.wo", "blocks.0.mlp.fc1", "blocks.0.mlp.fc2"]


def test_seed_none_draws_what_microgpt_draws_after_random_seed_42() -> None:
    random.seed(42)
    model = nn.GPT(27, seed=None)
    expected = [w for matrix in microgpt_matrices(random.Random(42)) for row in matrix for w in row]
    assert [p.data for p in model.parameters()] == expected


def test_the_same_seed_gives_the_same_weights() -> None:
    assert nn.GPT(27, seed=3).state_dict() == nn.GPT(27, seed=3).state_dict()
    assert nn.GPT(27, seed=3).state_dict() != nn.GPT(27, seed=4).state_dict()


def test_logits_give_one_row_per_token() -> None:
    rows = nn.GPT(27).logits(EMMA)
    assert len(rows) == len(EMMA) and all(len(row) == 27 for row in rows)


def test_a_position_sees_only_the_positions_before_it() -> None:
    model = nn.GPT(27, seed=1)
    first = [v.data for v in model.logits([BOS, 4, 12])[1]]
    other = [v.data for v in model.logits([BOS, 4, 20])[1]]
    assert first == other


def test_loss_is_the_mean_next_token_cross_entropy() -> None:
    model = nn.GPT(27, seed=2)
    rows = model.logits(EMMA[:-1])
    expected = sum(
        math.log(sum(math.exp(v.data) for v in row)) - row[target].data
        for row, target in zip(rows, EMMA[1:], strict=True)
    ) / 5
    assert model.loss(EMMA).data == pytest.approx(expected, rel=1e-12)


def test_an_untrained_models_loss_is_near_log_vocab() -> None:
    assert abs(nn.GPT(27, seed=0).loss(EMMA).data - math.log(27)) < 0.5


def test_a_document_longer_than_block_size_is_cut_to_block_size_predictions() -> None:
    model = nn.GPT(27, block_size=4, seed=0)
    long = [BOS, 1, 2, 3, 4, 5, 6, BOS]
    assert model.loss(long).data == model.loss(long[:5]).data


@pytest.mark.parametrize(
    ("tokens", "error", "message"),
    [
        ([BOS], ValueError, "at least 2 token ids"),
        ([], ValueError, "at least 2"),
        ([BOS, 27, BOS], ValueError, "27 is not a token id"),
        ([BOS, -1], ValueError, "-1 is not a token id"),
        ([BOS, 1.0], TypeError, "int token ids"),
        ("ab", TypeError, "list of token ids"),
    ],
)
def test_loss_refuses_bad_documents(tokens: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        nn.GPT(27).loss(tokens)  # type: ignore[arg-type]


def test_logits_refuse_more_than_block_size_tokens() -> None:
    with pytest.raises(ValueError, match="at most block_size=4"):
        nn.GPT(27, block_size=4).logits([BOS] * 5)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"n_embd": 6, "n_head": 4}, "n_head must divide n_embd"), ({"init": "xavier"}, "unknown GPT init"),
     ({"n_layer": 0}, "n_layer must be a positive int")],
)
def test_gpt_refuses_bad_settings(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        nn.GPT(27, **arguments)  # type: ignore[arg-type]


def test_generate_is_deterministic_for_a_seed_and_emits_valid_ids() -> None:
    model = nn.GPT(27, seed=0)
    samples = [model.generate(seed=seed) for seed in range(10)]
    assert samples == [model.generate(seed=seed) for seed in range(10)]
    assert all(0 <= token < BOS for sample in samples for token in sample)
    assert all(len(sample) <= 16 for sample in samples)
    assert len({tuple(sample) for sample in samples}) > 1


def test_generate_stops_at_max_len() -> None:
    assert len(nn.GPT(27, seed=0).generate(temperature=5.0, seed=0, max_len=3)) <= 3


@pytest.mark.parametrize("temperature", [0.0, -1.0])
def test_generate_refuses_a_temperature_that_is_not_positive(temperature: float) -> None:
    with pytest.raises(ValueError, match="temperature"):
        nn.GPT(27).generate(temperature=temperature)


def test_generate_refuses_max_len_past_block_size() -> None:
    with pytest.raises(ValueError, match="at most block_size=16"):
        nn.GPT(27).generate(max_len=17)


def test_generate_builds_no_graph_and_leaves_gradients_alone() -> None:
    model = nn.GPT(27, seed=0)
    model.generate(seed=0)
    assert all(p.grad == 0.0 for p in model.parameters())


def test_backward_reaches_every_parameter_used() -> None:
    model = nn.GPT(27, seed=0)
    model.loss(EMMA).backward()
    grads = dict((name, p.grad) for name, p in model.named_parameters())
    assert grads["lm_head.weight.3.0"] != 0.0 and grads["blocks.0.mlp.fc2.weight.0.0"] != 0.0
    assert grads["wte.weight.5.0"] == 0.0  # 'f' is not in the document
    assert isinstance(model.loss(EMMA), Value)


def test_jit_of_loss_equals_the_interpreted_loss_and_gradients() -> None:
    model = nn.GPT(27, seed=0)
    step = autograd.jit(model.loss, backend="python")
    for doc in (EMMA, [BOS, 1, 2, BOS], EMMA):
        model.zero_grad()
        expected = model.loss(doc)
        expected.backward()
        grads = [p.grad for p in model.parameters()]
        model.zero_grad()
        got = step(doc)
        got.backward()
        assert got.data == expected.data
        assert [p.grad for p in model.parameters()] == pytest.approx(grads, abs=1e-12)


def test_a_batch_loss_pools_the_positions_of_its_documents() -> None:
    model = nn.GPT(6, n_embd=8, n_head=2, block_size=8, seed=3)
    short, long = [5, 1, 2, 5], [5, 0, 3, 3, 4, 1, 5]
    pooled = model.batch_loss([short, long])
    expected = (3 * model.loss(short).data + 6 * model.loss(long).data) / 9
    assert pooled.data == pytest.approx(expected, rel=1e-12)
    assert model.batch_loss([long]).data == model.loss(long).data


def test_a_batch_loss_trains_every_parameter_its_documents_use() -> None:
    model = nn.GPT(6, n_embd=8, n_head=2, block_size=8, seed=3)
    model.batch_loss([[5, 1, 2, 5], [5, 0, 3, 5]]).backward()
    assert any(p.grad != 0.0 for p in model.lm_head.parameters())


@pytest.mark.parametrize(
    ("documents", "error", "message"),
    [([], ValueError, "at least one document"), ("abc", TypeError, "list of documents"),
     ([[5, 1, 5], [5]], ValueError, "at least 2")],
)
def test_a_batch_loss_refuses_bad_batches(documents: object, error: type[Exception], message: str) -> None:
    model = nn.GPT(6, n_embd=8, n_head=2, block_size=8, seed=3)
    with pytest.raises(error, match=message):
        model.batch_loss(documents)  # type: ignore[arg-type]
