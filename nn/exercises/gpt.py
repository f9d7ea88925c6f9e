"""The exercises of notebook 08 (a tiny GPT): the causal mask, a softmax that does not overflow, a parameter count."""

from __future__ import annotations

import math
from typing import Any

from ..modules.gpt import GPT
from .grading import Exercise, as_float, refusal

__all__ = ["EXERCISES"]

NOTEBOOK = "08_tiny_gpt"
CONFIG: dict[str, int] = {"vocab_size": 27, "n_layer": 2, "n_embd": 8, "n_head": 2, "block_size": 10}


@refusal
def _grade_causal_mask(answer: Any) -> str | None:
    if not callable(answer):
        return f"causal_mask should be a function of n, got {type(answer).__name__}"
    for n in (1, 2, 5):
        out = answer(n)
        try:
            mask = [[bool(cell) for cell in row] for row in out]
        except TypeError:
            return f"causal_mask({n}) should return {n} rows of {n} True/False values, got {out!r}"
        right = [[j <= i for j in range(n)] for i in range(n)]
        if mask == right:
            continue
        case = f"causal_mask({n}): "
        if len(mask) != n or any(len(row) != n for row in mask):
            return case + f"expected {n} rows (one per reading position i) of {n} entries (one per position j)."
        if mask == [[j < i for j in range(n)] for i in range(n)]:
            return case + "position i cannot read itself in your mask, so position 0 reads nothing at all."
        if mask == [[j >= i for j in range(n)] for i in range(n)]:
            return case + "your mask lets a position read the LATER positions: row i is what position i may read."
        return case + "row i should allow what position i has already seen, and nothing after it."
    return None


SOFTMAX_CASES = ([1.0, 2.0, 3.0], [0.5], [-1.0, 0.0, 4.0, 2.5], [1000.0, 1001.0, 999.0], [-1000.0, -1002.0])


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    return [e / sum(exps) for e in exps]


@refusal
def _grade_stable_softmax(answer: Any) -> str | None:
    if not callable(answer):
        return f"stable_softmax should be a function of a list of scores, got {type(answer).__name__}"
    for scores in SOFTMAX_CASES:
        case = f"stable_softmax({scores}): "
        try:
            out = answer(list(scores))
        except OverflowError:
            return case + ("exp overflowed. Subtracting the same number from every score changes no weight; "
                           "which number keeps every exponential at most 1?")
        except ZeroDivisionError:
            return case + "every exponential underflowed to 0, so the sum is 0. Shift the scores before exp."
        weights = [as_float(w, "each weight") for w in out]
        if any(not math.isfinite(w) for w in weights):
            return case + "some weights are not finite (inf or nan): the exponentials grew too large or too small."
        right = _softmax(scores)
        if len(weights) == len(right) and all(
            math.isclose(w, r, rel_tol=1e-9, abs_tol=1e-12) for w, r in zip(weights, right, strict=True)
        ):
            continue
        if len(weights) != len(scores):
            return case + f"expected one weight per score, {len(scores)}, got {len(weights)}."
        if not math.isclose(sum(weights), 1.0, rel_tol=1e-9):
            return case + f"the weights add up to {sum(weights):.4g}; a softmax's weights add up to 1."
        return case + "the weights add up to 1 but are not exp(s_i) / Σ exp(s_j)."
    return None


def _count() -> int:
    return GPT(CONFIG["vocab_size"], n_layer=CONFIG["n_layer"], n_embd=CONFIG["n_embd"], n_head=CONFIG["n_head"],
               block_size=CONFIG["block_size"]).num_parameters()


@refusal
def _grade_parameter_count(answer: Any) -> str | None:
    predicted = as_float(answer, "the number of parameters")
    actual = _count()
    if predicted == actual:
        return None
    vocab, layers, embd, block = CONFIG["vocab_size"], CONFIG["n_layer"], CONFIG["n_embd"], CONFIG["block_size"]
    if predicted == actual - vocab * embd:
        return "One matrix is missing: besides the token embedding wte, the output lm_head maps back to the vocabulary."
    if predicted == actual - block * embd:
        return "One matrix is missing: positions have an embedding too (wpe, one row per position the model reads)."
    if predicted == actual - layers * 12 * embd * embd + 12 * embd * embd:
        return f"Count the blocks: n_layer = {layers}, and each block has its own attention and MLP."
    if predicted > actual:
        return ("Too many. This model has no biases, and its RMSNorm has no weights; are the heads counted "
                "separately? The heads split the n_embd columns of wq, wk and wv, they do not add to them.")
    return ("Too few. Go through print(model) for a small GPT: wte, wpe, lm_head, and in each block the attention's "
            "wq, wk, wv, wo and the MLP's two layers (the MLP's hidden size is 4 · n_embd).")


EXERCISES = (
    Exercise("causal_mask", NOTEBOOK,
             "a function causal_mask(n) returning n rows of n booleans, row i column j True when position i may read position j",
             _grade_causal_mask),
    Exercise("stable_softmax", NOTEBOOK,
             "a function stable_softmax(scores) returning the softmax weights of a list of floats, even for scores near 1000",
             _grade_stable_softmax),
    Exercise("gpt_parameter_count", NOTEBOOK,
             "the number of parameters of nn.GPT(vocab_size=27, n_layer=2, n_embd=8, n_head=2, block_size=10), worked out by hand",
             _grade_parameter_count),
)
