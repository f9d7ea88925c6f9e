"""``autograd.jit``: trace a function once, replay it compiled by a backend ("the compiler").

:mod:`.tracer` runs the function once with an interceptor plugged in (its
number arguments as :mod:`.traced_number` objects) and turns what it built
into a :class:`~.program.Program`, refusing what a replay would not repeat; a
backend (:mod:`.backends`) compiles the program; :mod:`.jitted` keeps the
programs by structure of arguments and decisions, checks the function's
globals, closure cells and defaults (:mod:`.guards`) before a replay, and
:mod:`.runtime` runs them. :func:`load_c_functions` builds C of a library's
own with the native backend's compiler, flags and cache (``nn``'s native
optimizer updates are built so).
"""

from ..core.interceptors import guard_state
from .backends import Backend, CompiledProgram, backends, register_backend
from .backends.native_build import CompileFailed, NoCompiler
from .backends.native_build import load_functions as load_c_functions
from .jitted import (
    MAX_LINES,
    MAX_STRUCTURES,
    MAX_TRACES,
    Eviction,
    Jitted,
    Replay,
    TraceRecord,
    jit,
)
from .program import Decision, Input, JitError, Program, Step
from .tracer import StateGuard, is_tracing, per_call

__all__ = [
    "MAX_LINES", "MAX_STRUCTURES", "MAX_TRACES", "Backend", "CompileFailed", "CompiledProgram", "Decision",
    "Eviction", "Input", "JitError", "Jitted", "NoCompiler", "Program", "Replay", "StateGuard", "Step", "TraceRecord",
    "backends", "guard_state", "is_tracing", "jit", "load_c_functions", "per_call", "register_backend",
]
