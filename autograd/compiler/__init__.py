"""``autograd.jit``: trace a function once, replay it as generated straight-line Python."""

from .jitted import MAX_LINES, MAX_TRACES, JitError, Jitted, TraceRecord, jit
from .tracer import is_tracing, per_call

__all__ = [
    "MAX_LINES", "MAX_TRACES", "JitError", "Jitted", "TraceRecord", "is_tracing", "jit", "per_call",
]
