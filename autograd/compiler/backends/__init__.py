"""Backends of the compiler: each turns a traced program into callables ("add a backend" here).

A backend is a small protocol (:class:`Backend`, in :mod:`.protocol`): given
a :class:`~autograd.compiler.program.Program`, return a
:class:`CompiledProgram` with its forward, its backward and their source.
``autograd.jit(fn, backend=name)`` picks one by name; :mod:`.python`
(generated straight-line Python) is built in and is the default. Another
package adds a backend by calling :func:`register_backend`.
"""

from .protocol import Backend, CompiledProgram, backend_named, backends, one_line, register_backend
from .python import PythonBackend

__all__ = [
    "Backend", "CompiledProgram", "PythonBackend", "backend_named", "backends", "one_line", "register_backend",
]
