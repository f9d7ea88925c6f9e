"""Specification of looking inside the GPT: its attention weights, their picture, one position in the explorer."""

from __future__ import annotations

import math

import pytest

import nn
from autograd.pictures.explorer.graph_data import graph_data
from nn.inspect import trace_position

EMMA = [26, 4, 12, 12, 0, 26]  # BOS e m m a BOS


@pytest.fixture(scope="module")
def model() -> nn.GPT:
    return nn.GPT(27, seed=0)


# ---------------------------------------------------------------- the weights


def test_the_cache_keeps_each_positions_weights_per_head(model: nn.GPT) -> None:
    cache = model.new_cache()
    for position, token in enumerate(EMMA[:4]):
        model.forward(token, position, cache)
    (block_cache,) = cache
    assert len(block_cache.weights) == 4
    assert all(len(per_head) == model.n_head for per_head in block_cache.weights)
    assert [len(per_head[0]) for per_head in block_cache.weights] == [1, 2, 3, 4]


def test_each_row_of_weights_sums_to_one_and_reads_no_later_position(model: nn.GPT) -> None:
    weights = nn.attention_weights(model, EMMA[:5])
    assert len(weights) == model.n_layer and len(weights[0]) == model.n_head
    for head in weights[0]:
        assert [len(row) for row in head] == [1, 2, 3, 4, 5]  # causal: row i has i + 1 keys
        for row in head:
            assert math.isclose(sum(row), 1.0, abs_tol=1e-12)
            assert all(0.0 < weight <= 1.0 for weight in row)


def test_the_weights_are_the_softmax_of_the_scaled_scores(model: nn.GPT) -> None:
    attn = model.blocks[0].attn
    cache = model.new_cache()
    for position, token in enumerate(EMMA[:3]):
        model.forward(token, position, cache)
    # Recompute head 1's weights at position 2 from the cached keys and the query.
    x = model.norm([t + p for t, p in zip(model.wte(EMMA[2]), model.wpe(2), strict=True)])
    q = attn.wq(model.blocks[0].attn_norm(x))
    start, end = attn.head_dim, 2 * attn.head_dim
    scores = [
        sum(a.data * b.data for a, b in zip(q[start:end], key[start:end], strict=True)) / math.sqrt(attn.head_dim)
        for key in cache[0].keys
    ]
    total = sum(math.exp(s) for s in scores)
    expected = [math.exp(s) / total for s in scores]
    got = nn.attention_weights(model, EMMA[:3])[0][1][2]
    assert got == pytest.approx(expected, rel=1e-12)


def test_attention_weights_refuses_what_is_no_document(model: nn.GPT) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        nn.attention_weights(model, [])
    with pytest.raises(ValueError, match="block_size=16"):
        nn.attention_weights(model, [26] * 17)
    with pytest.raises(TypeError, match=r"nn\.GPT"):
        nn.attention_weights(nn.MLP(2, [1]), EMMA)  # type: ignore[arg-type]


def test_draw_attention_has_one_heatmap_per_head_with_the_characters_as_ticks(model: nn.GPT) -> None:
    tok = nn.CharTokenizer(["emma"])
    tokens = tok.encode("emma")[:-1]
    figure = nn.draw_attention(model, tokens, tokenizer=tok)
    assert len(figure.axes) == model.n_head
    for head, axis in enumerate(figure.axes):
        assert axis.get_title() == f"head {head}"
        assert [label.get_text() for label in axis.get_xticklabels()] == ["BOS", "e", "m", "m", "a"]
        (image,) = axis.get_images()
        grid = image.get_array()
        assert grid.shape == (5, 5)
        for i in range(5):
            assert float(grid[i, : i + 1].sum()) == pytest.approx(1.0)
            assert grid.mask[i, i + 1 :].all()  # above the diagonal: blank


# ---------------------------------------------------------------- one position in the explorer


def test_one_positions_loss_is_its_term_of_the_documents_loss(model: nn.GPT) -> None:
    loss, _ = trace_position(model, EMMA, 3)
    logits = model.logits(EMMA)[3]
    assert loss.data == pytest.approx(-nn.log_softmax(logits)[EMMA[4]].data, rel=1e-12)
    assert loss.label == "loss at position 3"


def test_one_position_is_boxed_by_embedding_head_mlp_and_output(model: nn.GPT) -> None:
    loss, made_by = trace_position(model, EMMA, 3)
    data = graph_data(loss, model=model, groups=made_by)
    names = set(data["groups"]["name"])
    expected = {"wte", "wpe", "wte + wpe", "norm", "blocks.0.attn", "blocks.0.mlp", "lm_head", "log_softmax"}
    expected |= {f"blocks.0.attn.head {head}" for head in range(4)}
    expected |= {f"position {earlier}" for earlier in range(3)}
    assert expected <= names
    group_names = data["groups"]["name"]
    parents = data["groups"]["parent"]
    for head in range(4):
        index = group_names.index(f"blocks.0.attn.head {head}")
        assert group_names[parents[index]] == "blocks.0.attn"
        inside = [op for op, group in zip(data["op"], data["group"], strict=True) if group == index]
        # 4 scores (dot, / sqrt(4)), a softmax over 4 (max, 4 sub, 4 exp, sum, 4 div), 4 weighted sums
        assert inside.count("exp") == 4 and inside.count("dot") == 8 and inside.count("max") == 1


def test_the_current_positions_attention_weights_are_labelled(model: nn.GPT) -> None:
    loss, _ = trace_position(model, EMMA, 3)
    data = graph_data(loss, model=model)
    labels = [label for label in data["label"] if label.startswith("attention weight")]
    assert len(labels) == 4 * 4  # 4 heads, positions 0..3
    assert sorted(set(labels)) == [f"attention weight of position {key}" for key in range(4)]


def test_explore_gpt_leaves_the_models_gradients_as_they_were(model: nn.GPT) -> None:
    for p in model.parameters():
        p.grad = 0.5
    page = nn.explore_gpt(model, EMMA, 2)
    assert "loss at position 2" in page.html
    assert all(p.grad == 0.5 for p in model.parameters())


def test_explore_gpt_refuses_a_position_that_is_not_scored(model: nn.GPT) -> None:
    with pytest.raises(ValueError, match=r"position must be in 0\.\.4"):
        nn.explore_gpt(model, EMMA, 5)
    with pytest.raises(TypeError, match=r"nn\.GPT"):
        nn.explore_gpt(nn.MLP(2, [1]), EMMA)  # type: ignore[arg-type]


def test_gpt_modules_run_forward_hooks(model: nn.GPT) -> None:
    seen: list[str] = []
    handles = [
        module.register_forward_hook(lambda module, inputs, out: seen.append(type(module).__name__))
        for module in (model.wte, model.norm, model.blocks[0].attn, model.blocks[0].mlp, model.blocks[0], model.lm_head)
    ]
    model.logits([26])
    for handle in handles:
        handle.remove()
    assert seen == ["Embedding", "RMSNorm", "CausalSelfAttention", "FeedForward", "GPTBlock", "Linear"]


def test_the_boxes_hold_only_nodes_the_loss_depends_on(model: nn.GPT) -> None:
    loss, made_by = trace_position(model, EMMA, 3)
    data = graph_data(loss, model=model, groups=made_by)
    group_names = data["groups"]["name"]
    for earlier in range(3):
        inside = data["group"].count(group_names.index(f"position {earlier}"))
        assert inside == sum(1 for path in made_by.values() if path == f"position {earlier}")


def test_the_first_position_reads_only_itself_with_weight_one(model: nn.GPT) -> None:
    loss, made_by = trace_position(model, EMMA, 0)
    data = graph_data(loss, model=model, groups=made_by)
    assert not any(name.startswith("position ") for name in data["groups"]["name"])
    weights = [value for label, value in zip(data["label"], data["data"], strict=True) if label.startswith("attention")]
    assert weights == [1.0] * model.n_head


def test_draw_attention_wraps_the_heads_to_stay_within_nine_inches(model: nn.GPT) -> None:
    tok = nn.CharTokenizer(["katelica"])
    tokens = tok.encode("katelica")[:-1]
    figure = nn.draw_attention(model, tokens, tokenizer=tok)
    width, _ = figure.get_size_inches()
    assert width <= 9.0
    assert len(figure.axes) == model.n_head
    assert all(label.get_fontsize() >= 9 for axis in figure.axes for label in axis.get_xticklabels())
