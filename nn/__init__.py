"""valuegrad's neural-network package, built on ``autograd.Value``."""

from .functional import ACTIVATIONS, activate, log_softmax, logsumexp, softmax
from .layers import INITS, MLP, Dropout, Layer, Neuron
from .losses import bce_with_logits, cross_entropy, hinge, l2, mse, sse
from .module import LoadResult, Module
from .optim import SGD, Adam, AdamW, Optimizer, RMSprop, cosine, linear_decay, step_decay

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "Dropout",
    "Layer",
    "LoadResult",
    "Module",
    "Neuron",
    "Optimizer",
    "RMSprop",
    "activate",
    "bce_with_logits",
    "cosine",
    "cross_entropy",
    "hinge",
    "l2",
    "linear_decay",
    "log_softmax",
    "logsumexp",
    "mse",
    "softmax",
    "sse",
    "step_decay",
]
