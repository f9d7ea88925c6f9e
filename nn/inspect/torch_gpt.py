"""The tiny GPT in PyTorch (float64), with the same weights: an oracle, a way out and back.

``to_torch(gpt)`` (see :mod:`.torch_bridge`) builds a ``torch.nn.Module``
that computes :class:`nn.GPT`'s function on a whole sequence at once, with a
causal mask where the GPT feeds one position at a time through its KV cache.
Its parameters have the GPT's names without the row and column
(``blocks.0.attn.wq.weight`` is the matrix of ``blocks.0.attn.wq.weight.3.7``),
so gradients can be compared name by name. ``from_torch`` of that module
(trained in PyTorch, say) gives back an :class:`nn.GPT` with its weights.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from ..modules.gpt import GPT

__all__ = ["gpt_from_torch", "gpt_to_torch", "is_torch_gpt"]


@functools.cache
def _classes(torch: Any) -> Any:
    """The torch module class of the GPT (made once, when PyTorch is first needed)."""
    functional = torch.nn.functional

    def rmsnorm(x: Any) -> Any:
        return x * torch.rsqrt((x * x).mean(dim=-1, keepdim=True) + 1e-5)

    class Attention(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, n_embd: int, n_head: int) -> None:
            super().__init__()
            self.n_head = n_head
            for name in ("wq", "wk", "wv", "wo"):
                setattr(self, name, torch.nn.Linear(n_embd, n_embd, bias=False, dtype=torch.float64))

        def forward(self, x: Any) -> Any:
            steps, width = x.shape
            head_dim = width // self.n_head

            def heads(y: Any) -> Any:
                return y.view(steps, self.n_head, head_dim).transpose(0, 1)

            q, k, v = heads(self.wq(x)), heads(self.wk(x)), heads(self.wv(x))
            scores = q @ k.transpose(1, 2) / math.sqrt(head_dim)
            future = torch.triu(torch.ones(steps, steps, dtype=torch.bool), diagonal=1)
            weights = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
            return self.wo((weights @ v).transpose(0, 1).reshape(steps, width))

    class FeedForward(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, n_embd: int) -> None:
            super().__init__()
            self.fc1 = torch.nn.Linear(n_embd, 4 * n_embd, bias=False, dtype=torch.float64)
            self.fc2 = torch.nn.Linear(4 * n_embd, n_embd, bias=False, dtype=torch.float64)

        def forward(self, x: Any) -> Any:
            return self.fc2(torch.relu(self.fc1(x)))

    class Block(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, n_embd: int, n_head: int) -> None:
            super().__init__()
            self.attn = Attention(n_embd, n_head)
            self.mlp = FeedForward(n_embd)

        def forward(self, x: Any) -> Any:
            x = x + self.attn(rmsnorm(x))
            return x + self.mlp(rmsnorm(x))

    class TorchGPT(torch.nn.Module):  # type: ignore[misc]
        """nn.GPT in PyTorch: ``forward(tokens)`` gives one row of logits per token."""

        def __init__(self, vocab_size: int, n_layer: int, n_embd: int, n_head: int, block_size: int) -> None:
            super().__init__()
            self.block_size = block_size
            self.wte = torch.nn.Embedding(vocab_size, n_embd, dtype=torch.float64)
            self.wpe = torch.nn.Embedding(block_size, n_embd, dtype=torch.float64)
            self.lm_head = torch.nn.Linear(n_embd, vocab_size, bias=False, dtype=torch.float64)
            self.blocks = torch.nn.ModuleList(Block(n_embd, n_head) for _ in range(n_layer))

        def forward(self, tokens: Any) -> Any:
            tokens = torch.as_tensor(tokens, dtype=torch.long)
            x = rmsnorm(self.wte(tokens) + self.wpe(torch.arange(len(tokens))))
            for block in self.blocks:
                x = block(x)
            return self.lm_head(x)

        def loss(self, tokens: Any) -> Any:
            """nn.GPT.loss: the mean cross-entropy of the first min(block_size, len - 1) predictions."""
            tokens = torch.as_tensor(tokens, dtype=torch.long)
            count = min(self.block_size, len(tokens) - 1)
            return functional.cross_entropy(self(tokens[:count]), tokens[1:count + 1])

    return TorchGPT


def gpt_to_torch(gpt: GPT, torch: Any) -> Any:
    """A float64 ``torch.nn.Module`` computing ``gpt``'s function, with a copy of its weights."""
    model = _classes(torch)(gpt.vocab_size, gpt.n_layer, gpt.n_embd, gpt.n_head, gpt.block_size)
    matrices: dict[str, dict[tuple[int, ...], float]] = {}
    for name, value in gpt.named_parameters():
        matrix, row, column = name.rsplit(".", 2)
        matrices.setdefault(matrix, {})[int(row), int(column)] = value.data
    with torch.no_grad():
        for name, tensor in model.named_parameters():
            entries = matrices[name]
            rows, columns = tensor.shape
            tensor.copy_(torch.tensor(
                [[entries[row, column] for column in range(columns)] for row in range(rows)],
                dtype=torch.float64,
            ))
    model.train(gpt.training)
    return model


def is_torch_gpt(module: Any, torch: Any) -> bool:
    """Whether ``module`` is the PyTorch twin that :func:`gpt_to_torch` makes."""
    return isinstance(module, _classes(torch))


def gpt_from_torch(module: Any, torch: Any) -> GPT:
    """An :class:`nn.GPT` with the configuration and weights of the twin ``module``."""
    first = module.blocks[0].attn if len(module.blocks) else None
    if first is None:
        raise ValueError("from_torch expects a GPT with at least one block, got none")
    vocab_size, n_embd = module.wte.weight.shape
    gpt = GPT(
        int(vocab_size), n_layer=len(module.blocks), n_embd=int(n_embd), n_head=first.n_head,
        block_size=int(module.wpe.weight.shape[0]), seed=0,
    )
    tensors = {name: tensor.detach().to(torch.float64).tolist() for name, tensor in module.named_parameters()}
    for name, value in gpt.named_parameters():
        matrix, row, column = name.rsplit(".", 2)
        value.data = float(tensors[matrix][int(row)][int(column)])
    gpt.train(module.training)
    return gpt
