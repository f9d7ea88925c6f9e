"""Data: the toy data sets and the data sets by name, splits and batches, standardisation."""

from .datasets import circles, digits, moons, spiral, xor
from .registry import DATASETS, DatasetSpec
from .scaler import Scaler, standardize
from .split import batches, train_test_split

__all__ = [
    "DATASETS",
    "DatasetSpec",
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
