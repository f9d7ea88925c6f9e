"""valuegrad's neural-network package, built on ``autograd.Value``."""

from typing import Any

from autograd import __version__ as __version__

from .data import (
    DATASETS,
    TEXT_DATASETS,
    CharTokenizer,
    Scaler,
    batches,
    circles,
    digits,
    moons,
    names,
    spiral,
    standardize,
    train_test_split,
    xor,
)
from .files import LoadedModel, load, load_with_preprocessing, save
from .inspect import explore_model, from_torch, grad_norms, to_torch
from .losses import LOSSES, bce_with_logits, compute_loss, cross_entropy, hinge, l2, mse, sse
from .modules import (
    ACTIVATIONS,
    GPT,
    INITS,
    MLP,
    CausalSelfAttention,
    Dropout,
    Embedding,
    FeedForward,
    GPTBlock,
    HookHandle,
    KVCache,
    Layer,
    LayerNorm,
    Linear,
    LoadResult,
    Module,
    Neuron,
    RMSNorm,
    activate,
    log_softmax,
    logsumexp,
    softmax,
)
from .optim import (
    OPTIMIZERS,
    SGD,
    Adam,
    AdamW,
    Optimizer,
    RMSprop,
    cosine,
    linear_decay,
    step_decay,
)
from .training import (
    RUNAWAY_FACTOR,
    History,
    TrainingDiverged,
    evaluate,
    fit,
    predict,
    predict_classes,
)


def __getattr__(name: str) -> Any:
    # draw_model needs the graphviz package (a third of ``import nn``'s time):
    # it is imported on first use, as autograd does with draw_dot.
    if name == "draw_model":
        from .inspect.draw import draw_model

        return draw_model
    raise AttributeError(f"module 'nn' has no attribute {name!r}")


__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "GPT",
    "INITS",
    "LOSSES",
    "MLP",
    "OPTIMIZERS",
    "RUNAWAY_FACTOR",
    "SGD",
    "TEXT_DATASETS",
    "Adam",
    "AdamW",
    "CausalSelfAttention",
    "CharTokenizer",
    "Dropout",
    "Embedding",
    "FeedForward",
    "GPTBlock",
    "History",
    "HookHandle",
    "KVCache",
    "Layer",
    "LayerNorm",
    "Linear",
    "LoadResult",
    "LoadedModel",
    "Module",
    "Neuron",
    "Optimizer",
    "RMSNorm",
    "RMSprop",
    "Scaler",
    "TrainingDiverged",
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
    "grad_norms",
    "hinge",
    "l2",
    "linear_decay",
    "load",
    "load_with_preprocessing",
    "log_softmax",
    "logsumexp",
    "moons",
    "mse",
    "names",
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
