"""The extension API: what a library built on autograd may use beyond the top-level names.

``nn`` is built only on ``autograd``'s public names, this module, and the
pictures room (:mod:`autograd.pictures`); a package of your own can rely on
the same. Everything here is documented and kept stable like the top-level
names.

* :class:`Removable`: the base of a registration that ``remove()`` undoes
  and a ``with`` block removes at its end (gradient hooks, module hooks).
* :func:`register_library`: code under a directory counts as library code,
  so that error messages and generated code name the user's line instead.
* :func:`is_real`, :func:`as_number`, :func:`require_number`: the one test of
  "a real number" (bools refused, an int too large for a float named as such)
  and the one coercion, shared by the engine and ``nn``.
* :func:`format_number`: a number as pictures show it (4 significant digits).
* :func:`write_file`: the one safe way every file is written (a regular
  file or a new path only, atomic replace, nothing left behind on an error).
* :class:`Interceptor`, :func:`plugged_in`, :class:`Plug`, :func:`plugged`:
  how a transformation plugs into the engine (anomaly mode, forward mode
  and the jit's tracer are built this way); see :mod:`autograd.core.interceptors`.
* a jit backend: :class:`~autograd.compiler.Backend` and
  :func:`~autograd.compiler.register_backend`, with the program it compiles
  (:class:`~autograd.compiler.Program`), live in :mod:`autograd.compiler`.
"""

from .core.hooks import Removable
from .core.interceptors import Interceptor, Plug, plugged, plugged_in
from .core.numbers import as_number, format_number, is_real, require_number
from .core.origins import register_library
from .safe_write import write_file

__all__ = [
    "Interceptor", "Plug", "Removable", "as_number", "format_number", "is_real", "plugged", "plugged_in",
    "register_library", "require_number", "write_file",
]
