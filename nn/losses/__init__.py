"""Losses: the functions, and the losses ``fit`` knows by name (:data:`LOSSES`)."""

from .functions import bce_with_logits, cross_entropy, hinge, l2, mse, sse
from .objective import LOSSES, compute_loss

__all__ = ["LOSSES", "bce_with_logits", "compute_loss", "cross_entropy", "hinge", "l2", "mse", "sse"]
