"""A tiny GPT, one position at a time with a KV cache: microgpt's model as ``nn`` modules.

The model (Karpathy's microgpt.py, Feb 2026), for a token ``t`` at position ``p``::

    x = rmsnorm(wte[t] + wpe[p])
    for each block:
        x = x + attn(rmsnorm(x))     # causal: attends over the cache of this document
        x = x + mlp(rmsnorm(x))      # relu, n_embd -> 4·n_embd -> n_embd
    logits = lm_head(x)

Every norm is an RMSNorm without parameters, no layer has a bias, and every
matrix starts as N(0, 0.08²). Attention scores are ``q·k / sqrt(head_dim)``.
Each position appends its keys and values to the cache, then its query
attends over everything in the cache, so positions are fed one after the
other, as in generation.

The initial weights are drawn in microgpt's state-dict order: ``wte``,
``wpe``, ``lm_head``, then for each layer ``attn_wq``, ``attn_wk``,
``attn_wv``, ``attn_wo``, ``mlp_fc1``, ``mlp_fc2``, each matrix row by row
(``weight[out][in]``). That is also the order of :meth:`GPT.named_parameters`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import Value, dot, no_grad, vsum

from .._checks import describe, is_int, non_negative, positive_int, positive_real, seed_or_none
from ._lookup import take
from .functional import log_softmax, softmax
from .module import Module
from .sequence import DEFAULT_STD, Embedding, Linear, RMSNorm

__all__ = ["GPT", "CausalSelfAttention", "FeedForward", "GPTBlock", "KVCache"]


@dataclass
class KVCache:
    """The keys and values of the positions seen so far, for one attention layer.

    Attributes:
        keys: One key vector (``n_embd`` Values) per position.
        values: One value vector per position.
        weights: Per position, per head, its attention weights over the
            positions so far (``weights[3][1][0]``: how much head 1 of
            position 3 reads position 0); each list sums to 1.
    """

    keys: list[list[Value]] = field(default_factory=list)
    values: list[list[Value]] = field(default_factory=list)
    weights: list[list[list[Value]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.keys)


class CausalSelfAttention(Module):
    """Multi-head causal self-attention for one position, over a :class:`KVCache`.

    Args:
        n_embd: The size of the vectors.
        n_head: The number of heads; must divide ``n_embd``.
        std: The standard deviation of the initial weights.
        rng: Source of the initial weights; None uses the ``random`` module.

    Attributes:
        wq, wk, wv: The query, key and value projections (``Linear``, no bias).
        wo: The output projection.
    """

    def __init__(self, n_embd: int, n_head: int, std: float = DEFAULT_STD, rng: random.Random | None = None) -> None:
        super().__init__()
        self.n_embd = positive_int(n_embd, "CausalSelfAttention n_embd")
        self.n_head = positive_int(n_head, "CausalSelfAttention n_head")
        if self.n_embd % self.n_head:
            raise ValueError(f"n_head must divide n_embd, got n_embd={self.n_embd} and n_head={self.n_head}")
        self.head_dim = self.n_embd // self.n_head
        self.wq = Linear(self.n_embd, self.n_embd, bias=False, std=std, rng=rng)
        self.wk = Linear(self.n_embd, self.n_embd, bias=False, std=std, rng=rng)
        self.wv = Linear(self.n_embd, self.n_embd, bias=False, std=std, rng=rng)
        self.wo = Linear(self.n_embd, self.n_embd, bias=False, std=std, rng=rng)

    def __call__(self, x: Sequence[Value | float], cache: KVCache) -> list[Value]:
        """The attention output for the position ``x``; its key and value are appended to ``cache``.

        Args:
            x: The (normalised) vector of this position.
            cache: The keys and values of the earlier positions of this sequence.

        Returns:
            ``n_embd`` Values.
        """
        if not isinstance(cache, KVCache):
            raise TypeError(f"CausalSelfAttention expects a KVCache, got {describe(cache)}")
        q = self.wq(x)
        cache.keys.append(self.wk(x))
        cache.values.append(self.wv(x))
        root = math.sqrt(self.head_dim)
        heads: list[Value] = []
        per_head: list[list[Value]] = []
        for start in range(0, self.n_embd, self.head_dim):
            end = start + self.head_dim
            q_head = q[start:end]
            scores = [dot(q_head, key[start:end]) / root for key in cache.keys]
            weights = softmax(scores)
            per_head.append(weights)
            heads.extend(
                dot(weights, [value[j] for value in cache.values]) for j in range(start, end)
            )
        cache.weights.append(per_head)
        out = self.wo(heads)
        return self._hooked(x, out) if self._forward_hooks else out

    def extra_repr(self) -> str:
        return f"{self.n_embd}, n_head={self.n_head}"


class FeedForward(Module):
    """A transformer block's MLP: ``fc2(relu(fc1(x)))``, without biases.

    Args:
        n_embd: The size of the vectors.
        hidden: The hidden size (4·n_embd in GPTs).
        std: The standard deviation of the initial weights.
        rng: Source of the initial weights; None uses the ``random`` module.
    """

    def __init__(self, n_embd: int, hidden: int, std: float = DEFAULT_STD, rng: random.Random | None = None) -> None:
        super().__init__()
        self.fc1 = Linear(n_embd, hidden, bias=False, std=std, rng=rng)
        self.fc2 = Linear(hidden, n_embd, bias=False, std=std, rng=rng)

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        """``n_embd`` Values."""
        out = self.fc2([h.relu() for h in self.fc1(x)])
        return self._hooked(x, out) if self._forward_hooks else out

    def extra_repr(self) -> str:
        return f"{self.fc1.n_in} -> {self.fc1.n_out} -> {self.fc2.n_out}, relu"


class GPTBlock(Module):
    """Pre-norm transformer block: ``x + attn(norm(x))``, then ``x + mlp(norm(x))``.

    Args:
        n_embd: The size of the vectors.
        n_head: The number of attention heads.
        std: The standard deviation of the initial weights.
        rng: Source of the initial weights; None uses the ``random`` module.
    """

    def __init__(self, n_embd: int, n_head: int, std: float = DEFAULT_STD, rng: random.Random | None = None) -> None:
        super().__init__()
        self.attn_norm = RMSNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, std, rng)
        self.mlp_norm = RMSNorm(n_embd)
        self.mlp = FeedForward(n_embd, 4 * n_embd, std, rng)

    def __call__(self, x: Sequence[Value], cache: KVCache) -> list[Value]:
        """The block's output for one position (its key and value go to ``cache``)."""
        mixed = [a + b for a, b in zip(self.attn(self.attn_norm(x), cache), x, strict=True)]
        out = [a + b for a, b in zip(self.mlp(self.mlp_norm(mixed)), mixed, strict=True)]
        return self._hooked(x, out) if self._forward_hooks else out


class GPT(Module):
    """A character-level GPT; the defaults are microgpt's configuration.

    Args:
        vocab_size: The number of token ids (27 for names: 26 letters and BOS).
        n_layer: The number of blocks.
        n_embd: The size of the vectors.
        n_head: The number of attention heads; must divide ``n_embd``.
        block_size: The most positions the model reads (the size of ``wpe``).
        seed: Seed of the initial weights. None draws from the ``random``
            module's global state: ``random.seed(42)`` then ``GPT(..., seed=None)``
            draws what microgpt.py draws after its own ``random.seed(42)``
            (microgpt shuffles its documents first: do the same shuffle first).
        init: How the weights start: ``"normal"``, N(0, std²) for every matrix
            in microgpt's order (see the module docstring). The only one so far.
        std: The standard deviation of ``"normal"``.

    Attributes:
        wte: The token embedding (``vocab_size`` × ``n_embd``).
        wpe: The position embedding (``block_size`` × ``n_embd``).
        lm_head: The output projection to one logit per token id.
        blocks: The transformer blocks.
        norm: The RMSNorm applied to the summed embedding.

    Examples:
        >>> model = GPT(27, seed=0)
        >>> model.num_parameters()
        4192
        >>> loss = model.loss([26, 4, 12, 12, 0, 26])  # BOS e m m a BOS
        >>> 3.0 < loss.data < 4.0  # near log(27) = 3.3 before training
        True
    """

    def __init__(
        self,
        vocab_size: int,
        n_layer: int = 1,
        n_embd: int = 16,
        n_head: int = 4,
        block_size: int = 16,
        seed: int | None = 0,
        init: str = "normal",
        std: float = DEFAULT_STD,
    ) -> None:
        super().__init__()
        self.vocab_size = positive_int(vocab_size, "GPT vocab_size")
        self.n_layer = positive_int(n_layer, "GPT n_layer")
        self.n_embd = positive_int(n_embd, "GPT n_embd")
        self.n_head = positive_int(n_head, "GPT n_head")
        self.block_size = positive_int(block_size, "GPT block_size")
        if self.n_embd % self.n_head:
            raise ValueError(f"GPT n_head must divide n_embd, got n_embd={self.n_embd} and n_head={self.n_head}")
        seed_or_none(seed, "GPT")
        if init != "normal":
            raise ValueError(f"unknown GPT init {init!r}; expected 'normal'")
        std = non_negative(std, "GPT std")
        rng = random.Random(seed) if seed is not None else None
        # Built in microgpt's state-dict order, which is the order of the draws.
        self.wte = Embedding(self.vocab_size, self.n_embd, std, rng)
        self.wpe = Embedding(self.block_size, self.n_embd, std, rng)
        self.lm_head = Linear(self.n_embd, self.vocab_size, bias=False, std=std, rng=rng)
        self.blocks = [GPTBlock(self.n_embd, self.n_head, std, rng) for _ in range(self.n_layer)]
        self.norm = RMSNorm(self.n_embd)
        self._config: dict[str, Any] = {
            "vocab_size": self.vocab_size, "n_layer": self.n_layer, "n_embd": self.n_embd,
            "n_head": self.n_head, "block_size": self.block_size, "seed": seed, "init": init,
            "std": std,
        }

    def config(self) -> dict[str, Any]:
        """The constructor arguments, as JSON-able values: ``GPT(**model.config())`` rebuilds it."""
        return dict(self._config)

    def new_cache(self) -> list[KVCache]:
        """An empty KV cache for a new sequence: one :class:`KVCache` per block."""
        return [KVCache() for _ in self.blocks]

    def forward(self, token: int, position: int, cache: Sequence[KVCache]) -> list[Value]:
        """The logits of the token after ``token`` at ``position``, adding this position to ``cache``.

        Feed the positions of a sequence in order, 0, 1, 2, … with the same
        cache (from :meth:`new_cache`).

        Args:
            token: The token id at this position.
            position: Its position, ``len(cache[0])`` (positions come in order).
            cache: The sequence's cache.

        Returns:
            ``vocab_size`` logits.

        Raises:
            ValueError: If ``token`` is not a token id, ``position`` is not the
                next position, or is ``block_size`` or more.
        """
        self._check_token(token, "token")
        if not isinstance(cache, (list, tuple)) or len(cache) != self.n_layer:
            raise TypeError(f"GPT.forward expects the list of {self.n_layer} KVCache of new_cache(), got {describe(cache)}")
        if not is_int(position) or position != len(cache[0]):
            raise ValueError(f"GPT.forward expects positions in order: the next one is {len(cache[0])}, got {position!r}")
        if position >= self.block_size:
            raise ValueError(f"GPT reads at most block_size={self.block_size} positions, got position {position}")
        x = self.norm([t + p for t, p in zip(self.wte(token), self.wpe(position), strict=True)])
        for block, block_cache in zip(self.blocks, cache, strict=True):
            x = block(x, block_cache)
        return self.lm_head(x)

    def _check_token(self, token: object, what: str) -> None:
        if not is_int(token):
            raise TypeError(f"GPT expects int token ids, got {what} {describe(token)}")
        if not 0 <= token < self.vocab_size:  # type: ignore[operator]
            raise ValueError(f"GPT {what} {token!r} is not a token id (0..{self.vocab_size - 1})")

    def _check_tokens(self, tokens: object, least: int) -> Sequence[int]:
        if not isinstance(tokens, (list, tuple)):
            raise TypeError(f"GPT expects a list of token ids, got {describe(tokens)}")
        if len(tokens) < least:
            raise ValueError(
                f"GPT expects at least {least} token id{'s' if least > 1 else ''} "
                f"(a document is [BOS, c1, ..., cn, BOS]), got {len(tokens)}"
            )
        for index, token in enumerate(tokens):
            self._check_token(token, f"tokens[{index}]")
        return tokens

    def logits(self, tokens: Sequence[int]) -> list[list[Value]]:
        """The logits after each of ``tokens`` (at most ``block_size`` of them), one position at a time.

        Returns:
            One list of ``vocab_size`` logits per token: row ``i`` scores the token at ``i + 1``.

        Raises:
            ValueError: If ``tokens`` is empty, longer than ``block_size`` or holds a bad id.
        """
        tokens = self._check_tokens(tokens, 1)
        if len(tokens) > self.block_size:
            raise ValueError(f"GPT reads at most block_size={self.block_size} tokens, got {len(tokens)}")
        cache = self.new_cache()
        return [self.forward(token, position, cache) for position, token in enumerate(tokens)]

    def loss(self, tokens: Sequence[int]) -> Value:
        """The mean next-token loss of one document: mean of ``-log softmax(logits)[target]``.

        As in microgpt, the first ``n = min(block_size, len(tokens) - 1)``
        positions are scored (position ``i`` predicts ``tokens[i + 1]``); a
        longer document is cut to its first ``block_size`` predictions.

        Args:
            tokens: ``[BOS, c1, ..., cn, BOS]`` (see ``CharTokenizer.encode``).

        Returns:
            One Value, to call ``backward()`` on.

        Raises:
            TypeError: If ``tokens`` is not a list of ints.
            ValueError: If it has fewer than 2 tokens or holds an id outside the vocabulary.
        """
        losses = self._position_losses(self._check_tokens(tokens, 2))
        return vsum(losses) / len(losses)

    def batch_loss(self, documents: Sequence[Sequence[int]]) -> Value:
        """The mean next-token loss of a mini-batch of documents, every scored position weighing the same.

        The positions of all documents are pooled, as a cross-entropy over a
        padded batch that ignores the padding: a long document counts for more
        than a short one. With one document it is :meth:`loss`. Under
        ``autograd.jit`` a batch traces once per tuple of document lengths.

        Args:
            documents: One or more ``[BOS, c1, ..., cn, BOS]`` lists.

        Returns:
            One Value, to call ``backward()`` on.

        Raises:
            TypeError: If ``documents`` is not a list of token lists.
            ValueError: If it is empty, or a document is bad (as for :meth:`loss`).
        """
        if not isinstance(documents, (list, tuple)):
            raise TypeError(f"GPT.batch_loss expects a list of documents (lists of token ids), got {describe(documents)}")
        if not documents:
            raise ValueError("GPT.batch_loss expects at least one document, got an empty list")
        losses = [loss for tokens in documents for loss in self._position_losses(self._check_tokens(tokens, 2))]
        return vsum(losses) / len(losses)

    def _position_losses(self, tokens: Sequence[int]) -> list[Value]:
        """``-log softmax(logits)[next token]`` at each of the first ``min(block_size, len - 1)`` positions."""
        cache = self.new_cache()
        return [
            -take(log_softmax(self.forward(tokens[position], position, cache)), tokens[position + 1])
            for position in range(min(self.block_size, len(tokens) - 1))
        ]

    def generate(
        self, temperature: float = 0.5, seed: int | None = None, max_len: int | None = None,
        bos: int | None = None,
    ) -> list[int]:
        """Sample a document: token ids drawn one at a time from softmax(logits / temperature).

        Generation starts from ``bos`` and stops when the model emits ``bos``
        again (not included) or after ``max_len`` tokens, as microgpt does.

        Args:
            temperature: > 0; lower is more conservative.
            seed: Seed of the draws; None uses the ``random`` module (as microgpt).
            max_len: The most tokens emitted, 1..block_size (default ``block_size``).
            bos: The begin/end token id (default ``vocab_size - 1``, the
                ``CharTokenizer``'s BOS).

        Returns:
            The sampled ids, without BOS (decode with ``CharTokenizer.decode``).

        Raises:
            ValueError: If ``temperature`` <= 0, ``max_len`` is out of range, or ``bos`` is not a token id.
        """
        temperature = positive_real(temperature, "temperature")
        seed_or_none(seed, "generate")
        max_len = self.block_size if max_len is None else positive_int(max_len, "max_len")
        if max_len > self.block_size:
            raise ValueError(f"max_len must be at most block_size={self.block_size}, got {max_len}")
        bos = self.vocab_size - 1 if bos is None else bos
        self._check_token(bos, "bos")
        choices = random.Random(seed).choices if seed is not None else random.choices
        ids = range(self.vocab_size)
        out: list[int] = []
        token = bos
        with no_grad():
            cache = self.new_cache()
            for position in range(max_len):
                logits = self.forward(token, position, cache)
                probs = softmax([logit / temperature for logit in logits])
                token = choices(ids, weights=[p.data for p in probs])[0]
                if token == bos:
                    break
                out.append(token)
        return out

    def extra_repr(self) -> str:
        return (f"vocab_size={self.vocab_size}, n_layer={self.n_layer}, n_embd={self.n_embd}, "
                f"n_head={self.n_head}, block_size={self.block_size}")
