"""The ``"auto"`` backend, ``jit``'s default: native for programs large enough to pay, else Python.

A program of at least :data:`NATIVE_FROM_OPERATIONS` operations (a step of
``n`` operands counts ``n - 1``, at least 1: a dot of 64 pairs is 127 of them,
a ``tanh`` one) goes to the native backend when a C compiler is there; a
smaller one, or any program without a compiler, goes to the Python backend (without a compiler, one warning per
process says so, the first time a program would have gone native). The
threshold is where the native replay's fixed cost per call (filling its
arrays, one ctypes call each way) stops outweighing what it saves per step,
and where a kernel built anew (once per set of step shapes, then cached on
disk) is paid back within a few thousand calls (docs/jit-backends.md has the
measurements). A native build or load that fails falls back to the Python
backend with a warning (:class:`.native.NativeBackend`).
"""

from __future__ import annotations

import warnings

from ..program import Program
from .native import NativeBackend
from .native_build import NoCompiler, find_compiler
from .protocol import CompiledProgram, register_backend
from .python import PythonBackend

__all__ = ["NATIVE_FROM_OPERATIONS", "AutoBackend", "operations"]

NATIVE_FROM_OPERATIONS = 1_000
"""The fewest operations (see :func:`operations`) a program has for ``"auto"`` to compile it natively."""


def operations(program: Program) -> int:
    """A program's size as the arithmetic it does: a step of ``n`` operands counts ``n - 1``, at least 1."""
    return sum([max(1, len(step.operands) - 1) for step in program.steps])


class AutoBackend:
    """Picks the native or the Python backend per program (see the module docstring)."""

    name = "auto"

    def __init__(self) -> None:
        self._native, self._python = NativeBackend(), PythonBackend()
        self._warned = False

    def compile(self, program: Program, *, name: str, title: str, filename: str) -> CompiledProgram:
        """Compile ``program`` with the backend that pays for it."""
        if operations(program) >= NATIVE_FROM_OPERATIONS:
            try:
                find_compiler()
            except NoCompiler as missing:
                if not self._warned:
                    self._warned = True
                    warnings.warn(f"jit: using the Python backend: {missing}", RuntimeWarning, stacklevel=4)
            else:
                return self._native.compile(program, name=name, title=title, filename=filename)
        return self._python.compile(program, name=name, title=title, filename=filename)


register_backend(AutoBackend())
