"""What a GPT's heads attend to: ``attention_weights`` and ``draw_attention``.

The weights are the model's own: the positions run through ``GPT.forward``
one at a time, and each :class:`~nn.KVCache` keeps the softmax weights every
head gave the positions so far (``cache.weights``). Row ``i`` of a head's
pattern is what position ``i`` read: ``i + 1`` weights that sum to 1 (a
position never sees a later one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from autograd import no_grad

from .._checks import describe
from ..modules.gpt import GPT

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["attention_weights", "draw_attention"]

MAX_WIDTH = 9.0
"""The widest figure draw_attention makes, in inches (a notebook's width)."""


class Characters(Protocol):
    """What the ticks need of a tokenizer (``nn.CharTokenizer`` has it)."""

    chars: str
    bos: int


def attention_weights(model: GPT, tokens: Sequence[int]) -> list[list[list[list[float]]]]:
    """Every head's attention weights on ``tokens``: ``[layer][head][query][key]``.

    Args:
        model: An ``nn.GPT``.
        tokens: Token ids, at most ``block_size`` (``[BOS, c1, ..., cn]``).

    Returns:
        Per layer, per head, per query position ``i``, its ``i + 1`` weights
        over positions ``0 .. i``.

    Raises:
        TypeError: If ``model`` is not a GPT.
        ValueError: If ``tokens`` is empty, longer than ``block_size``, or holds a bad id.

    Examples:
        >>> import nn
        >>> weights = attention_weights(nn.GPT(27, seed=0), [26, 4, 12])
        >>> [len(row) for row in weights[0][0]]
        [1, 2, 3]
    """
    if not isinstance(model, GPT):
        raise TypeError(f"attention_weights expects an nn.GPT, got {describe(model)}")
    if not isinstance(tokens, (list, tuple)) or not tokens:
        raise ValueError(f"attention_weights expects a non-empty list of token ids, got {tokens!r:.60}")
    if len(tokens) > model.block_size:
        raise ValueError(f"GPT reads at most block_size={model.block_size} tokens, got {len(tokens)}")
    with no_grad():
        cache = model.new_cache()
        for position, token in enumerate(tokens):
            model.forward(token, position, cache)
    return [
        [[[weight.data for weight in per_head[head]] for per_head in block_cache.weights] for head in range(model.n_head)]
        for block_cache in cache
    ]


def _tick(token: int, tokenizer: Characters | None) -> str:
    if tokenizer is None:
        return str(token)
    return "BOS" if token == tokenizer.bos else tokenizer.chars[token]


def draw_attention(model: GPT, tokens: Sequence[int], tokenizer: Characters | None = None) -> Figure:
    """One heatmap per head: row ``i`` is what position ``i`` attends to.

    Rows are query positions, columns key positions, each cell a softmax
    weight from 0 (white) to 1 (dark); the cells above the diagonal (later
    positions, never read) are blank. One row of heatmaps per layer, wrapped
    onto more rows where one row would be wider than 9 inches.

    Args:
        model: An ``nn.GPT``.
        tokens: Token ids, at most ``block_size`` (``[BOS, c1, ..., cn]``).
        tokenizer: Labels the ticks with characters (``BOS`` for BOS); None shows ids.

    Returns:
        A matplotlib ``Figure`` (no pyplot state), with ``n_layer × n_head`` axes.
    """
    from matplotlib.figure import Figure

    if tokenizer is not None and not (hasattr(tokenizer, "chars") and hasattr(tokenizer, "bos")):
        raise TypeError(f"draw_attention tokenizer must be an nn.CharTokenizer or None, got {describe(tokenizer)}")
    weights = attention_weights(model, tokens)
    count = len(tokens)
    ticks = [_tick(token, tokenizer) for token in tokens]
    side = max(1.6, 0.22 * count + 0.8)
    # A layer's heads wrap onto as many rows as keep the figure within MAX_WIDTH inches.
    rows_per_layer = math.ceil(side * model.n_head / MAX_WIDTH)
    columns = math.ceil(model.n_head / rows_per_layer)
    side = min(side, MAX_WIDTH / columns)
    total_rows = rows_per_layer * model.n_layer
    figure = Figure(figsize=(side * columns, side * total_rows + 0.4), layout="constrained")
    nan = float("nan")
    for layer in range(model.n_layer):
        for head in range(model.n_head):
            axis = figure.add_subplot(total_rows, columns, layer * rows_per_layer * columns + head + 1)
            grid = [row + [nan] * (count - len(row)) for row in weights[layer][head]]
            axis.imshow(grid, cmap="Blues", vmin=0.0, vmax=1.0)
            axis.set_xticks(range(count), ticks, fontsize=9)
            axis.set_yticks(range(count), ticks, fontsize=9)
            axis.set_title(f"layer {layer}, head {head}" if model.n_layer > 1 else f"head {head}", fontsize=10)
            axis.set_xlabel("key position", fontsize=9)
            if head % columns == 0:
                axis.set_ylabel("query position", fontsize=9)
    return figure
