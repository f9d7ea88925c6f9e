"""Optimizers (SGD, RMSprop, Adam, AdamW), the optimizers by name, and learning-rate schedules."""

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
