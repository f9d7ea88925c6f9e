"""Model files: ``save`` and ``load`` (strict JSON, atomic writes, bounded reads)."""

from .serialize import LoadedModel, load, load_with_preprocessing, save

__all__ = ["LoadedModel", "load", "load_with_preprocessing", "save"]
