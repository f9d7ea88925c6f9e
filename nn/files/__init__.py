"""Model files: ``save`` and ``load`` (strict JSON, atomic writes, bounded reads)."""

from .serialize import (
    FORMAT,
    MAX_FILE_BYTES,
    VERSION,
    LoadedModel,
    load,
    load_with_preprocessing,
    save,
)

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "VERSION",
    "LoadedModel",
    "load",
    "load_with_preprocessing",
    "save",
]
