"""Where a node was made: the user's file, line and function, for messages and generated code.

An origin names the first frame outside the library: outside ``autograd``,
outside the packages that call :func:`register_library` (``nn`` does), and
outside Python's standard library (``contextlib``'s ``__enter__`` is not the
user's line: the ``with`` that called it is), so that an error inside
``nn.cross_entropy`` points at the user's line that called it. Only interceptors that ask for origins (anomaly mode, the jit's
tracer) make nodes remember them; no traceback objects are kept.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from types import CodeType, TracebackType
from typing import NamedTuple

__all__ = ["Origin", "is_library_file", "is_user_file", "origin_of", "register_library", "user_origin"]


class Origin(NamedTuple):
    """Where a node was made: the user's file, line and function."""

    file: str
    line: int
    function: str

    def __str__(self) -> str:
        return f"{os.path.basename(self.file)}:{self.line} (in {self.function})"


_LIBRARY = [os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep]


def register_library(directory: str) -> None:
    """Treat code under ``directory`` as library code: origins name its caller instead.

    ``nn`` registers itself, so an anomaly inside ``nn.cross_entropy`` points
    at the user's line that called it.
    """
    path = os.path.abspath(directory) + os.sep
    if path not in _LIBRARY:
        _LIBRARY.append(path)
        _OUTSIDE.clear()
        _ORIGINS.clear()


_STANDARD = os.path.abspath(sysconfig.get_paths()["stdlib"]) + os.sep
_INSTALLED = tuple(
    os.path.abspath(sysconfig.get_paths()[key]) + os.sep for key in ("purelib", "platlib")
)


def _outside_user_code(filename: str, library: tuple[str, ...]) -> bool:
    if filename.startswith(library):
        return True
    return filename.startswith(_STANDARD) and not filename.startswith(_INSTALLED)


def is_library_file(filename: str) -> bool:
    """Whether ``filename`` is library code (``autograd``, or a package that called :func:`register_library`)."""
    return filename.startswith(tuple(_LIBRARY))


def is_user_file(filename: str) -> bool:
    """Whether ``filename`` is the user's code: neither library code nor Python's standard library."""
    return not _outside_user_code(filename, tuple(_LIBRARY))


# A tracer asks for the origin of every node it sees, so the verdict on each code object and
# each (code, line)'s Origin are kept: a walk is then dictionary lookups, and nodes made on one
# line share one Origin. Both are forgotten when the library's folders change.
_OUTSIDE: dict[CodeType, bool] = {}
_ORIGINS: dict[tuple[CodeType, int], Origin] = {}


def user_origin() -> Origin | None:
    """The first frame outside the library, as an :class:`Origin`."""
    frame = sys._getframe(1)
    outside = _OUTSIDE
    while frame is not None:
        code = frame.f_code
        verdict = outside.get(code)
        if verdict is None:
            if len(outside) > 10_000:  # fresh code objects (exec'd code) must not grow it forever
                outside.clear()
            verdict = outside[code] = _outside_user_code(code.co_filename, tuple(_LIBRARY))
        if not verdict:
            key = (code, frame.f_lineno)
            origin = _ORIGINS.get(key)
            if origin is None:
                if len(_ORIGINS) > 100_000:  # generated code (exec of fresh code objects) must not grow it forever
                    _ORIGINS.clear()
                origin = _ORIGINS[key] = Origin(code.co_filename, key[1], code.co_name)
            return origin
        frame = frame.f_back  # type: ignore[assignment]
    return None


def origin_of(traceback: TracebackType | None) -> Origin | None:
    """The innermost frame of ``traceback`` in the user's code (where an error came from), if any."""
    library = tuple(_LIBRARY)
    found = None
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if not _outside_user_code(code.co_filename, library):
            found = Origin(code.co_filename, traceback.tb_lineno, code.co_name)
        traceback = traceback.tb_next
    return found
