"""Data: the toy data sets, splits and batches, standardisation."""

from .datasets import circles, digits, moons, spiral, xor
from .scaler import Scaler, standardize
from .split import batches, train_test_split

__all__ = [
    "Scaler",
    "batches",
    "circles",
    "digits",
    "moons",
    "spiral",
    "standardize",
    "train_test_split",
    "xor",
]
