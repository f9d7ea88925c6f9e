"""Data: the toy data sets and the data sets by name, splits and batches, standardisation,
and text: ``names()`` and ``CharTokenizer`` for the tiny GPT."""

from .datasets import circles, digits, moons, spiral, xor
from .names import names
from .registry import DATASETS, TEXT_DATASETS, DatasetSpec, TextDatasetSpec
from .scaler import Scaler, standardize
from .split import batches, train_test_split
from .tokenizer import CharTokenizer

__all__ = [
    "DATASETS",
    "TEXT_DATASETS",
    "CharTokenizer",
    "DatasetSpec",
    "Scaler",
    "TextDatasetSpec",
    "batches",
    "circles",
    "digits",
    "moons",
    "names",
    "spiral",
    "standardize",
    "train_test_split",
    "xor",
]
