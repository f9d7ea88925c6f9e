"""Workload I's comparator: the tiny GPT written with micrograd's ``Value`` (PyPI, never copied).

micrograd 0.1.0 has no ``exp`` or ``log``; they are added here as two
functions that make nodes the way micrograd's own ops do (a child tuple and a
``_backward`` closure), as microgpt's own Value class has them. The model is
microgpt's: token and position embeddings, an RMSNorm without parameters on the
summed embedding, then per layer a pre-norm causal self-attention over a KV
cache (one position at a time) and a pre-norm ReLU MLP, each around a residual,
then the head. Every weighted sum is a plain Python ``sum`` of products over
micrograd Values, as a scalar engine without fused ops must write it.

The weights come in as a dict of matrices (rows of floats) named as
:func:`weights_of` names them, so both engines start from the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from micrograd.engine import Value

Matrix = list[list[Any]]

__all__ = ["MicrogradGPT"]


def _exp(x: Value) -> Value:
    out = Value(math.exp(x.data), (x,), "exp")

    def backward() -> None:
        x.grad += out.data * out.grad

    out._backward = backward
    return out


def _log(x: Value) -> Value:
    out = Value(math.log(x.data), (x,), "log")

    def backward() -> None:
        x.grad += out.grad / x.data

    out._backward = backward
    return out


def _linear(x: Sequence[Any], rows: Matrix) -> list[Any]:
    return [sum(w * xi for w, xi in zip(row, x, strict=True)) for row in rows]


def _rmsnorm(x: Sequence[Any]) -> list[Any]:
    mean_square = sum(xi * xi for xi in x) * (1.0 / len(x))
    scale = (mean_square + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def _softmax(logits: Sequence[Any]) -> list[Any]:
    largest = max(v.data for v in logits)  # a constant shift: softmax does not change
    exps = [_exp(v - largest) for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


class MicrogradGPT:
    """The GPT in micrograd, with Adam (bias-corrected, the rate decayed linearly to 0).

    Args:
        weights: Matrices by name: ``wte``, ``wpe``, ``lm_head`` and per layer
            ``layer{i}.wq``, ``.wk``, ``.wv``, ``.wo``, ``.fc1``, ``.fc2`` (rows are outputs).
        n_layer: Layers.
        n_head: Attention heads (they split the embedding evenly).
        lr, betas, eps, steps: Adam's rate (decayed linearly to 0 over ``steps``), moments, epsilon.
    """

    def __init__(
        self,
        weights: dict[str, list[list[float]]],
        n_layer: int,
        n_head: int,
        lr: float = 0.01,
        betas: tuple[float, float] = (0.85, 0.99),
        eps: float = 1e-8,
        steps: int = 1_000,
    ) -> None:
        self.matrices: dict[str, Matrix] = {
            name: [[Value(w) for w in row] for row in rows] for name, rows in weights.items()
        }
        self.n_layer, self.n_head = n_layer, n_head
        self.params: list[Any] = [w for rows in self.matrices.values() for row in rows for w in row]
        self.lr, self.betas, self.eps, self.steps = lr, betas, eps, steps
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)
        self.t = 0

    def _position(self, token: int, position: int, keys: list[list[Any]], values: list[list[Any]]) -> list[Any]:
        m = self.matrices
        x = _rmsnorm([t + p for t, p in zip(m["wte"][token], m["wpe"][position], strict=True)])
        width = len(x)
        head = width // self.n_head
        for layer in range(self.n_layer):
            name = f"layer{layer}."
            residual = x
            x = _rmsnorm(x)
            q = _linear(x, m[name + "wq"])
            keys[layer].append(_linear(x, m[name + "wk"]))
            values[layer].append(_linear(x, m[name + "wv"]))
            attended: list[Any] = []
            for h in range(0, width, head):
                scores = [
                    sum(qi * ki for qi, ki in zip(q[h : h + head], k[h : h + head], strict=True)) * head**-0.5
                    for k in keys[layer]
                ]
                weights = _softmax(scores)
                attended.extend(
                    sum(a * v[j] for a, v in zip(weights, values[layer], strict=True)) for j in range(h, h + head)
                )
            x = [a + r for a, r in zip(_linear(attended, m[name + "wo"]), residual, strict=True)]
            residual = x
            hidden = [u.relu() for u in _linear(_rmsnorm(x), m[name + "fc1"])]
            x = [a + r for a, r in zip(_linear(hidden, m[name + "fc2"]), residual, strict=True)]
        return _linear(x, m["lm_head"])

    def loss(self, tokens: Sequence[int]) -> Any:
        """The mean over positions of −log softmax(logits)[next token], as a micrograd Value."""
        positions = min(len(tokens) - 1, len(self.matrices["wpe"]))
        keys: list[list[Any]] = [[] for _ in range(self.n_layer)]
        values: list[list[Any]] = [[] for _ in range(self.n_layer)]
        losses = []
        for position in range(positions):
            logits = self._position(tokens[position], position, keys, values)
            largest = max(v.data for v in logits)  # a constant shift: log-softmax does not change
            shifted = [v - largest for v in logits]
            log_total = _log(sum(_exp(s) for s in shifted))
            losses.append(-(shifted[tokens[position + 1]] - log_total))
        return sum(losses) * (1.0 / positions)

    def step(self, tokens: Sequence[int]) -> float:
        """Forward, backward and one Adam update; returns the loss before the update."""
        loss = self.loss(tokens)
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        # Adam with bias correction, in the same arithmetic as nn.Adam, so that the two runs'
        # losses can be compared number for number; the rate decays linearly to 0 over the steps.
        beta1, beta2 = self.betas
        rate = self.lr + (0.0 - self.lr) * min(self.t, self.steps) / self.steps
        self.t += 1
        step_size = rate / (1.0 - beta1**self.t)
        root_correction = math.sqrt(1.0 - beta2**self.t)
        for i, p in enumerate(self.params):
            g = p.grad
            m = self.m[i] = beta1 * self.m[i] + (1.0 - beta1) * g
            v = self.v[i] = beta2 * self.v[i] + (1.0 - beta2) * g * g
            p.data -= step_size * m / (math.sqrt(v) / root_correction + self.eps)
        return float(loss.data)
