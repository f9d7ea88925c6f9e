"""Optimizers (SGD, RMSprop, Adam, AdamW), the optimizers by name, and learning-rate schedules."""

from . import native as _native  # noqa: F401  # registers the optimizers' updates in C
from .optimizers import SGD, Adam, AdamW, Optimizer, RMSprop
from .registry import OPTIMIZERS, OptimizerSpec
from .schedules import cosine, linear_decay, step_decay

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "AdamW",
    "Optimizer",
    "OptimizerSpec",
    "RMSprop",
    "cosine",
    "linear_decay",
    "step_decay",
]
