"""One position of a GPT in the explorer: ``trace_position`` and ``explore_gpt``.

The positions of a document run one at a time, with forward hooks on every
module of the model noting which module made which node (a module made the
nodes between its inputs and its outputs), so the page boxes them by module:
``wte``, ``wpe``, ``norm``, ``blocks.0.attn`` with one box per head
(``blocks.0.attn.head 2``: its scores, softmax and weighted sums),
``blocks.0.mlp``, ``lm_head``. The earlier positions, whose keys and values
the position reads, are one box each (``position 0``, ...). The hooks are
removed before returning; training never sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd import Value, enable_grad
from autograd.pictures import ExplorerPage, explore

from .._checks import describe, is_int
from ..modules._lookup import take
from ..modules.functional import log_softmax
from ..modules.gpt import GPT, CausalSelfAttention
from ..modules.module import Module
from .explore import with_gradients

__all__ = ["explore_gpt", "trace_position"]

COLLAPSE_ABOVE = 12
"""Boxes of more nodes start closed: the page opens on the boxes of the modules, a click opens one."""

EMBEDDING_SUM = "wte + wpe"
"""The box of the sums ``wte[t] + wpe[p]`` (made by the GPT itself, in no sub-module)."""


LOG_SOFTMAX = "log_softmax"
"""The box of the loss's ``log_softmax(logits)`` (the loss itself, ``-log p[target]``, is outside)."""


def _values_in(item: object) -> list[Value]:
    if isinstance(item, Value):
        return [item]
    if isinstance(item, (list, tuple)):
        return [value for element in item for value in _values_in(element)]
    return []


class _Recorder:
    """Forward hooks that note, per node, the module path that made it."""

    def __init__(self, model: GPT) -> None:
        self.made_by: dict[Value, str] = {}
        self.place: str | None = None  # an earlier position's box, which takes every node
        self.inputs: dict[int, Any] = {}  # id(module) -> the inputs of its last call
        self.handles = [
            module.register_forward_hook(self._hook(path))
            for path, module in _named_modules(model)
        ]

    def record(self, outputs: Sequence[Value], path: str, stop: set[Value] | None = None) -> None:
        """Note every node between ``outputs`` and ``stop`` not yet noted as made at ``path``.

        The walk goes on through nodes already noted (an inner module's), so
        what a module computes between its sub-modules (the MLP's relu) is its own.
        """
        stop = stop or set()
        seen: set[Value] = set()
        stack = list(outputs)
        while stack:
            node = stack.pop()
            if node in seen or node in stop or node.is_leaf:
                continue
            seen.add(node)
            if node not in self.made_by:
                self.made_by[node] = self.place or path
            stack.extend(node.parents)

    def _hook(self, path: str) -> Any:
        def hook(module: Module, inputs: Any, output: Any) -> None:
            self.inputs[id(module)] = inputs
            stop = set(_values_in(inputs))
            if isinstance(module, CausalSelfAttention):
                heads = _values_in(self.inputs[id(module.wo)])  # what the output projection read
                for head in range(module.n_head):
                    part = heads[head * module.head_dim:(head + 1) * module.head_dim]
                    self.record(part, f"{path}.head {head}", stop)
            self.record(_values_in(output), path, stop)

        return hook

    def embedding_sums(self, model: GPT) -> None:
        """Note the sums ``wte[t] + wpe[p]`` the model's norm just read (the GPT's own nodes)."""
        self.record(_values_in(self.inputs[id(model.norm)]), EMBEDDING_SUM)

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()


def _named_modules(model: Module) -> list[tuple[str, Module]]:
    found: list[tuple[str, Module]] = []
    stack: list[tuple[str, Module]] = [("", model)]
    while stack:
        prefix, module = stack.pop()
        for name, child in module.named_children():
            path = f"{prefix}.{name}" if prefix else name
            found.append((path, child))
            stack.append((path, child))
    return found


def _check(model: object, tokens: object, position: int | None) -> tuple[list[int], int]:
    if not isinstance(model, GPT):
        raise TypeError(f"explore_gpt expects an nn.GPT, got {describe(model)}")
    if not isinstance(tokens, (list, tuple)) or not all(is_int(token) for token in tokens):
        raise TypeError(f"explore_gpt expects a list of token ids, got {describe(tokens)}")
    count = min(model.block_size, len(tokens) - 1)
    if count < 1:
        raise ValueError(f"explore_gpt needs at least 2 tokens (a position and its target), got {len(tokens)}")
    position = count - 1 if position is None else position
    if not is_int(position) or not 0 <= position < count:
        raise ValueError(f"explore_gpt position must be in 0..{count - 1} for these tokens, got {position!r}")
    return list(tokens), position


def trace_position(
    model: GPT, tokens: Sequence[int], position: int | None = None
) -> tuple[Value, dict[Value, str]]:
    """The loss of one position, and the module path that made each of its nodes.

    Positions ``0 .. position`` run in order (the earlier ones fill the KV
    cache); the loss is ``-log softmax(logits)[tokens[position + 1]]``, as
    one term of ``model.loss(tokens)``. The current position's attention
    weights are labelled ``attention weight of position j``.

    Args:
        model: An ``nn.GPT``.
        tokens: ``[BOS, c1, ..., cn, BOS]``.
        position: Which position; None takes the last one scored.

    Returns:
        The loss (labelled ``loss at position p``) and, for each node under it, its module path,
        with ``blocks.0.attn.head 2`` for a head's nodes, ``position 0`` for
        an earlier position's, ``wte + wpe`` for the embedding's sums and
        ``log_softmax`` for the loss's log-probabilities.

    Raises:
        TypeError: If ``model`` is not a GPT or ``tokens`` not a list of ids.
        ValueError: If there are fewer than 2 tokens or ``position`` is not scored.
    """
    tokens, position = _check(model, tokens, position)
    recorder = _Recorder(model)
    try:
        with enable_grad():
            cache = model.new_cache()
            for earlier in range(position):
                recorder.place = f"position {earlier}"
                model.forward(tokens[earlier], earlier, cache)
                recorder.embedding_sums(model)
            recorder.place = None
            logits = model.forward(tokens[position], position, cache)
            recorder.embedding_sums(model)
            log_probabilities = log_softmax(logits)
            recorder.record(log_probabilities, LOG_SOFTMAX, set(logits))
            loss = -take(log_probabilities, tokens[position + 1])
    finally:
        recorder.remove()
    for block_cache in cache:
        for per_head in block_cache.weights[-1]:
            for key, weight in enumerate(per_head):
                weight.label = f"attention weight of position {key}"
    loss.label = f"loss at position {position}"
    return loss, _under(loss, recorder.made_by)


def _under(root: Value, made_by: dict[Value, str]) -> dict[Value, str]:
    """``made_by`` cut to the nodes the loss depends on (an earlier position's query is not one)."""
    under = {root, *root.ancestors()}
    return {node: path for node, path in made_by.items() if node in under}


def explore_gpt(
    model: GPT, tokens: Sequence[int], position: int | None = None, *, height: int = 640,
) -> ExplorerPage:
    """One position's forward and backward pass in the explorer, boxed by module and head.

    See :func:`trace_position` for the graph and its boxes. The model's
    ``.grad`` fields are left as they were.

    Args:
        model: An ``nn.GPT``.
        tokens: ``[BOS, c1, ..., cn, BOS]``.
        position: Which position; None takes the last one scored.
        height: The inline view's height in Jupyter, in pixels.

    Returns:
        An :class:`autograd.pictures.explorer.ExplorerPage`.
    """
    loss, made_by = trace_position(model, tokens, position)
    return with_gradients(
        model,
        loss,
        lambda: explore(
            loss, model=model, groups=made_by, title=loss.label, collapse_above=COLLAPSE_ABOVE, height=height
        ),
    )
