"""Optimizers (SGD, RMSprop, Adam, AdamW) and learning-rate schedules."""

from .optimizers import SGD, Adam, AdamW, Optimizer, RMSprop
from .schedules import cosine, linear_decay, step_decay

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "RMSprop", "cosine", "linear_decay", "step_decay"]
