"""valuegrad's neural-network package, built on ``autograd.Value``."""

from typing import Any

from .datasets import circles, digits, moons, spiral, xor
from .divergence import TrainingDiverged
from .dropout import Dropout
from .evaluate import evaluate, predict, predict_classes
from .explore import explore_model
from .functional import ACTIVATIONS, activate, log_softmax, logsumexp, softmax
from .history import History
from .hooks import HookHandle, grad_norms
from .init import INITS
from .layers import MLP, Layer, Neuron
from .losses import bce_with_logits, cross_entropy, hinge, l2, mse, sse
from .module import LoadResult, Module
from .objectives import LOSSES, compute_loss
from .optim import SGD, Adam, AdamW, Optimizer, RMSprop
from .scaler import Scaler, standardize
from .schedules import cosine, linear_decay, step_decay
from .serialize import LoadedModel, load, load_with_preprocessing, save
from .split import batches, train_test_split
from .torch_bridge import from_torch, to_torch
from .train import fit


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
    "HookHandle",
    "Layer",
    "LoadResult",
    "LoadedModel",
    "Module",
    "Neuron",
    "Optimizer",
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
