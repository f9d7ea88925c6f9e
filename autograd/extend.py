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
  file or a new path only, atomic replace, nothing left behind on an error);
  :func:`read_file`: its counterpart, an ordinary file of at most a given size.
* :class:`Interceptor`, :func:`plugged_in`, :class:`Plug`, :func:`plugged`:
  how a transformation plugs into the engine (anomaly mode, forward mode
  and the jit's tracer are built this way); see :mod:`autograd.core.interceptors`.
* :func:`standing_for`: the Value an operand stands for (a Value itself, or
  a number argument while a jit trace runs), or None for a plain number: a
  library function that treats Values and numbers differently asks this
  rather than ``isinstance(x, Value)``, so a traced number stays an input.
* :func:`guard_state`: a read of library state (a training flag) that a jit
  trace depends on, checked before every replay; :func:`side_effect`: an
  effect beyond the values computed (a forward hook), refused inside a trace.
* a jit backend: :class:`~autograd.compiler.Backend` and
  :func:`~autograd.compiler.register_backend`, with the program it compiles
  (:class:`~autograd.compiler.Program`), live in :mod:`autograd.compiler`.
"""

from .core.hooks import Removable
from .core.interceptors import Interceptor, Plug, guard_state, plugged, plugged_in, side_effect
from .core.numbers import as_number, format_number, is_real, require_number
from .core.origins import register_library
from .core.value import standing_for
from .safe_write import read_file, write_file

__all__ = [
    "Interceptor", "Plug", "Removable", "as_number", "format_number", "guard_state", "is_real", "plugged",
    "plugged_in", "read_file", "register_library", "require_number", "side_effect", "standing_for", "write_file",
]
