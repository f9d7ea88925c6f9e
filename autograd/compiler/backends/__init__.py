"""Backends of the compiler: each turns a traced program into callables ("add a backend" here).

A backend is a small protocol (:class:`Backend`, in :mod:`.protocol`): given
a :class:`~autograd.compiler.program.Program`, return a
:class:`CompiledProgram` with its forward, its backward and their source.
``autograd.jit(fn, backend=name)`` picks one by name. Built in: :mod:`.python`
(generated Python, with loops for repeated runs), :mod:`.native` (a C tape interpreter, when
a C compiler is there) and :mod:`.auto`, which picks one of the two per
program. Another package adds a backend by calling
:func:`register_backend`.
"""

from .auto import NATIVE_FROM_OPERATIONS, AutoBackend
from .native import NativeBackend, NoCompiler, native_available
from .protocol import Backend, CompiledProgram, backend_named, backends, one_line, register_backend
from .python import PythonBackend

__all__ = [
    "NATIVE_FROM_OPERATIONS", "AutoBackend", "Backend", "CompiledProgram", "NativeBackend", "NoCompiler",
    "PythonBackend", "backend_named", "backends", "native_available", "one_line", "register_backend",
]
