"""Solutions to the exercises of notebook 08."""

import math


def causal_mask(n):
    """Position i reads positions 0..i: itself and everything before it."""
    return [[j <= i for j in range(n)] for i in range(n)]


def stable_softmax(scores):
    """Subtract the largest score first: no weight changes, and every exponential is at most 1."""
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


# wte and lm_head: 27 × 8 each; wpe: 10 × 8; each of the 2 blocks: wq, wk, wv, wo (8 × 8 each) and the
# MLP's 8 → 32 → 8 (2 × 8 × 32); no biases, and RMSNorm has no weights.
# 2·27·8 + 10·8 + 2·(4·64 + 2·256) = 432 + 80 + 1536
gpt_parameter_count = 2048

ANSWERS = {"causal_mask": causal_mask, "stable_softmax": stable_softmax, "gpt_parameter_count": gpt_parameter_count}
