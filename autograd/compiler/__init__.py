"""``autograd.jit``: trace a function once, replay it compiled by a backend ("the compiler").

:mod:`.tracer` runs the function once with an interceptor plugged in and
turns what it built into a :class:`~.program.Program`; a backend
(:mod:`.backends`) compiles the program; :mod:`.jitted` keeps the programs by
structure of arguments and decisions, and :mod:`.runtime` runs them.
"""

from ..core.interceptors import guard_state
from .backends import Backend, CompiledProgram, backends, register_backend
from .jitted import MAX_LINES, MAX_STRUCTURES, MAX_TRACES, Eviction, Jitted, TraceRecord, jit
from .program import Decision, Input, JitError, Program, Step
from .tracer import StateGuard, is_tracing, per_call

__all__ = [
    "MAX_LINES", "MAX_STRUCTURES", "MAX_TRACES", "Backend", "CompiledProgram", "Decision", "Eviction", "Input",
    "JitError", "Jitted", "Program", "StateGuard", "Step", "TraceRecord", "backends", "guard_state",
    "is_tracing", "jit", "per_call", "register_backend",
]
