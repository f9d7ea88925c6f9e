"""Losses: the functions, and the losses ``fit`` knows by name (:data:`LOSSES`, one row per loss)."""

from .functions import bce_with_logits, cross_entropy, hinge, l2, mse, sse
from .objective import compute_loss
from .registry import LOSSES, LossSpec

__all__ = [
    "LOSSES",
    "LossSpec",
    "bce_with_logits",
    "compute_loss",
    "cross_entropy",
    "hinge",
    "l2",
    "mse",
    "sse",
]
