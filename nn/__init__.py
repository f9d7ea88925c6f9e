"""valuegrad's neural-network package, built on ``autograd.Value``."""

from typing import Any

from .data import (
    Scaler,
    batches,
    circles,
    digits,
    moons,
    spiral,
    standardize,
    train_test_split,
    xor,
)
from .explore import explore_model
from .functional import ACTIVATIONS, activate, log_softmax, logsumexp, softmax
from .layers import INITS, MLP, Dropout, Layer, Neuron
from .losses import bce_with_logits, cross_entropy, hinge, l2, mse, sse
from .module import LoadResult, Module
from .optim import SGD, Adam, AdamW, Optimizer, RMSprop, cosine, linear_decay, step_decay
from .serialize import LoadedModel, load, load_with_preprocessing, save
from .torch_bridge import from_torch, to_torch
from .train import LOSSES, History, compute_loss, evaluate, fit, predict, predict_classes


def __getattr__(name: str) -> Any:
    # draw_model needs the graphviz package (a third of ``import nn``'s time):
    # it is imported on first use, as autograd does with draw_dot.
    if name == "draw_model":
        from .viz import draw_model

        return draw_model
    raise AttributeError(f"module 'nn' has no attribute {name!r}")

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "LOSSES",
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "Dropout",
    "History",
    "Layer",
    "LoadResult",
    "LoadedModel",
    "Module",
    "Neuron",
    "Optimizer",
    "RMSprop",
    "Scaler",
    "activate",
    "batches",
    "bce_with_logits",
    "circles",
    "compute_loss",
    "cosine",
    "cross_entropy",
    "digits",
    "draw_model",
    "evaluate",
    "explore_model",
    "fit",
    "from_torch",
    "hinge",
    "l2",
    "linear_decay",
    "load",
    "load_with_preprocessing",
    "log_softmax",
    "logsumexp",
    "moons",
    "mse",
    "predict",
    "predict_classes",
    "save",
    "softmax",
    "spiral",
    "sse",
    "standardize",
    "step_decay",
    "to_torch",
    "train_test_split",
    "xor",
]
