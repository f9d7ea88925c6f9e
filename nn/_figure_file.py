"""Saving a matplotlib figure the library's one safe way (``autograd.extend.write_file``)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from autograd.extend import write_file

__all__ = ["write_figure"]


def write_figure(figure: Any, path: str | os.PathLike[str], dpi: int = 120) -> None:
    """Save ``figure`` to ``path`` in the format its suffix names, atomically, as a regular file.

    Raises:
        ValueError: If the suffix names no format matplotlib writes, or as
            ``write_file`` (a device, a FIFO, a socket).
        OSError: As ``write_file``; ``path`` is then left as it was.
    """
    name = os.fspath(path)
    suffix = Path(name).suffix.lstrip(".").lower()
    supported = figure.canvas.get_supported_filetypes()
    if suffix not in supported:
        raise ValueError(
            f"cannot save a picture to {name}: expected a file name ending in one of "
            f"{', '.join('.' + kind for kind in sorted(supported))}"
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format=suffix, dpi=dpi)
    write_file(path, buffer.getvalue())
