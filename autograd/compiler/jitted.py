"""``jit``: trace a function once, replay it as generated straight-line Python.

A :class:`Jitted` function keeps, for each structure of arguments, the
programs traced for it (one per pattern of decisions, up to ``max_traces``).
A call replays the first program whose decisions still hold; if none does, it
traces again. A new program is trusted only after a second trace with the
same decisions matches it exactly: a function whose numbers change from call
to call (a random draw, a global, a ``.data`` read) is refused with the line
that made the difference, instead of being replayed stale.

Until a program is trusted, and whenever tracing is not possible (inside
another trace, under ``detect_anomaly``, past ``max_traces``), calls run the
function itself: they are correct, only not faster.
"""

from __future__ import annotations

import functools
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, ParamSpec, TypeVar, cast, overload

from ..core.modes import state
from ..core.value import Value
from .backends.python import generate
from .program import Program, program_of
from .pytree import aux_values, call_wrapped, flatten, names_of, with_numbers
from .runtime import Compiled, compile_source, run
from .tracer import Diverged, Tracer, begin, end

__all__ = ["MAX_LINES", "MAX_TRACES", "JitError", "Jitted", "TraceRecord", "jit"]

MAX_TRACES = 8
"""Programs kept per argument structure before a function runs uncompiled."""

MAX_LINES = 600_000
"""The largest program compiled, in generated lines: about 40,000 nodes of a network, whose
compiling takes about 15 s and 2 GB here; past it a replay would have to run very often to
pay back its compile time."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


class JitError(ValueError):
    """A function cannot be compiled faithfully; the message says why and what to do."""


@dataclass(frozen=True)
class TraceRecord:
    """One trace of a jit-compiled function.

    Attributes:
        reason: Why it was made ("first call", "a Value > 0.0 was False at …").
        nodes: How many nodes the traced program computes.
        lines: How many lines of Python were generated for it.
        trace_seconds: Time to run the function while tracing.
        generate_seconds: Time to write the code.
        compile_seconds: Time for CPython to compile it.
    """

    reason: str
    nodes: int
    lines: int
    trace_seconds: float
    generate_seconds: float
    compile_seconds: float


@dataclass(eq=False)
class _Entry:
    program: Program
    decisions: tuple[Any, ...]
    compiled: Compiled
    source: str
    aux: Any  # the structure of the aux Values, for the numbers a replay gives
    trusted: bool = False


class Jitted(Generic[_P, _R]):
    """A function compiled by :func:`jit`; call it as the function itself.

    Attributes:
        traces: One :class:`TraceRecord` per trace, in order.
    """

    def __init__(
        self, function: Callable[_P, Any], max_traces: int = MAX_TRACES, has_aux: bool = False
    ) -> None:
        if not callable(function):
            raise TypeError(f"jit expects a function, got {type(function).__name__}")
        self._function = function
        self._max_traces = max_traces
        self._has_aux = has_aux
        self._entries: dict[Any, list[_Entry]] = {}
        self._gave_up: set[Any] = set()
        self._name = getattr(function, "__qualname__", type(function).__name__)
        self.traces: list[TraceRecord] = []
        self._source = ""
        functools.update_wrapper(self, function)

    @property
    def source(self) -> str:
        """The generated forward and backward of the latest trace, as Python source."""
        return self._source or f"# {self._name} has not been traced yet: call it once\n"

    def clear_cache(self) -> None:
        """Forget every trace: the next call traces the function anew.

        The Values a function reaches outside its arguments (a model's
        parameters) are found while tracing and read at every replay, so a
        new ``.data`` (what optimizers assign) is seen. A new Value object put
        in the old one's place (``neuron.w[0] = Value(1.0)``) is not: nothing
        runs the function's own lookups at a replay, which keeps reading the
        Value that was traced. After replacing such a Value, call this (or
        make a new ``jit``); the same holds for a plain number read from
        outside (a global), a constant of the trace. ``traces`` keeps its
        history.
        """
        self._entries.clear()
        self._gave_up.clear()

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if state.tracer is not None or state.anomaly or state.tangents is not None:
            # Inside another trace, anomaly mode or a jvp, every op must run as itself.
            return self._uncompiled(args, kwargs)
        flat = flatten(self._function, args, kwargs)
        key = (flat.key, state.grad_enabled)
        if key in self._gave_up:
            return self._uncompiled(args, kwargs)
        entries = self._entries.setdefault(key, [])
        reason = "first call" if not entries else "second trace, to check the first"
        for position, entry in enumerate(entries):
            if not entry.trusted:
                continue
            numbers = (*flat.numbers, *(float(draw()) for draw in entry.program.drawn.values()))
            inputs = (*flat.values, *entry.program.inputs[len(flat.values):])
            try:
                result, aux = run(entry.compiled, inputs, numbers)
            except Diverged as diverged:
                reason = entry.program.guards[diverged.args[0]].describe()
                continue
            if position:
                entries.insert(0, entries.pop(position))  # the pattern seen last is tried first
            if self._has_aux:
                return cast(_R, (result, with_numbers(entry.aux, iter(aux))))
            return cast(_R, result)
        if len(entries) >= self._max_traces:
            self._gave_up.add(key)
            warnings.warn(
                f"jit: {self._name} took {len(entries)} different patterns of decisions "
                f"(the latest: {reason}); it now runs uncompiled for these arguments",
                stacklevel=2,
            )
            return self._uncompiled(args, kwargs)
        return self._trace(entries, flat, args, kwargs, reason)

    def _uncompiled(self, args: Any, kwargs: Any) -> _R:
        output, aux = self._split(self._function(*args, **kwargs))
        return self._joined(output, aux)

    def _split(self, result: Any) -> tuple[Value, Any]:
        """(the Value, the aux structure) of what the function returned, checked."""
        if self._has_aux:
            if not (isinstance(result, tuple) and len(result) == 2):
                raise TypeError(
                    f"jit(has_aux=True) expects {self._name} to return (a Value, aux), "
                    f"got {type(result).__name__}"
                )
            result, aux = result
        else:
            aux = None
        if not isinstance(result, Value):
            raise TypeError(f"jit expects {self._name} to return a Value, got {type(result).__name__}")
        return result, aux

    def _joined(self, output: Value, aux: Any) -> _R:
        if not self._has_aux:
            return cast(_R, output)
        return cast(_R, (output, with_numbers(aux, (value._data for value in aux_values(aux)))))

    def _trace(self, entries: list[_Entry], flat: Any, args: Any, kwargs: Any, reason: str) -> _R:
        tracer = Tracer()
        start = time.perf_counter()
        begin(tracer)
        try:
            result = call_wrapped(self._function, args, kwargs, tracer.wrap_number)
        finally:
            end()
        traced = time.perf_counter() - start
        output, aux = self._split(result)
        program = program_of(output, tracer, flat.values, aux_values(aux))
        signature = program.signature()
        decisions = signature[2]
        for entry in entries:
            if entry.decisions == decisions:
                if entry.program.signature() != signature:
                    raise JitError(_nondeterminism(self._name, entry.program, program))
                entry.trusted = True
                return self._joined(output, aux)
        start = time.perf_counter()
        number = len(self.traces) + 1
        names = names_of(self._function, args, kwargs)
        generated = generate(program, f"{self._name}, trace {number}: {reason}", names)
        written = time.perf_counter()
        if generated.lines > MAX_LINES:
            raise JitError(
                f"jit: {self._name} traced to {len(program.steps):,} nodes, {generated.lines:,} lines "
                f"of Python (the limit is {MAX_LINES:,}); compiling them would cost more than "
                "replaying them saves. Trace one example at a time: jit a function of one "
                "example and call it in a loop over the batch"
            )
        compiled = compile_source(program, generated.source, f"<jit {self._name} #{number}>")
        entries.append(_Entry(program, decisions, compiled, generated.source, aux))
        self._source = generated.source
        self.traces.append(TraceRecord(
            reason, len(program.steps), generated.lines, traced,
            written - start, time.perf_counter() - written,
        ))
        return self._joined(output, aux)


def _nondeterminism(name: str, first: Program, second: Program) -> str:
    where = "its numbers"
    for one, other in zip(first.steps, second.steps, strict=False):
        if one.op is not other.op or one.const != other.const:
            origin = other.node.origin
            where = f"the {other.op.name} at {origin}" if origin is not None else f"a {other.op.name}"
            break
    return (
        f"jit: {name} gave two different programs for the same arguments and decisions "
        f"({where} changed between calls): it uses numbers that change from call to call "
        "(random draws, globals, .data reads). Pass them as arguments, or draw them with "
        "autograd.per_call(draw) so every replay draws anew"
    )


@overload
def jit(
    function: Callable[_P, Value], *, max_traces: int = ..., has_aux: Literal[False] = False
) -> Jitted[_P, Value]: ...


@overload
def jit(
    function: Callable[_P, tuple[Value, Any]], *, max_traces: int = ..., has_aux: Literal[True]
) -> Jitted[_P, tuple[Value, Any]]: ...


def jit(function: Callable[_P, Any], *, max_traces: int = MAX_TRACES, has_aux: bool = False) -> Jitted[_P, Any]:
    """Compile ``function`` (which builds a graph and returns a Value) into straight-line Python.

    Nothing happens until the first call. A call with a new structure of
    arguments (list lengths, nesting, which are Values) traces the function
    and generates Python for its forward and backward passes; later calls
    replay that code. Plain-number arguments are inputs (they may change);
    Value arguments and the Values the function reaches (a model's
    parameters) are read at every call and receive ``.grad`` from
    ``backward``. Decisions the function takes on Values (comparisons,
    ``bool``, ``float``, ``int``, ``round``) are checked at every replay, and a
    new pattern of decisions is traced anew. Which Values the function
    reaches is fixed by the trace: after putting a new Value object in place
    of one it reaches (rather than assigning ``.data``), call
    :meth:`Jitted.clear_cache`.

    Args:
        function: Builds a graph from numbers and Values and returns one Value.
        max_traces: Patterns of decisions kept per structure of arguments;
            past it the function runs uncompiled, with a warning.
        has_aux: The function returns ``(value, aux)``: ``aux`` holds Values
            (nested in lists and tuples) whose numbers are wanted beside the
            result, such as a model's outputs for its accuracy; the call then
            returns ``(value, aux)`` with those Values replaced by floats.

    Returns:
        A :class:`Jitted` function: call it like ``function``; ``.source``
        shows the generated code, ``.traces`` what was traced and why.

    Example:
        >>> from autograd import Value
        >>> w = Value(0.5, label="w")
        >>> step = jit(lambda x: (w * x).tanh())
        >>> for x in (1.0, 2.0, 3.0):
        ...     step(x).backward()
        >>> round(w.grad, 6)
        0.953003
    """
    return Jitted(function, max_traces, has_aux)
