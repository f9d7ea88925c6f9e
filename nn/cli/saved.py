"""A saved model read back for a command, with the command line's errors."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..files.serialize import LoadedModel, load_with_preprocessing

__all__ = ["load_saved_model"]


def load_saved_model(
    path: str | Path, parser: argparse.ArgumentParser, *, train_hint: str
) -> LoadedModel:
    """Load what ``train`` saved at ``path``: the model, its scaler and its metadata.

    A missing file says how to make one (``train_hint``, a command); a file
    that is not a saved model says what is wrong with it. Both end the command
    through ``parser.error`` (one line, exit status 2), never a traceback.
    """
    try:
        return load_with_preprocessing(path)
    except FileNotFoundError:
        parser.error(f"no model at {path}; train one with: {train_hint}")
    except (OSError, ValueError) as error:
        parser.error(str(error))
