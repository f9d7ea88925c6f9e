"""``jit``: trace a function once, replay it compiled by a backend.

A :class:`Jitted` function keeps, for each structure of arguments, the
programs traced for it (one per pattern of decisions, up to ``max_traces``).
A call replays the first program whose decisions still hold; if none does, it
traces again. A new program is trusted only after a second trace with the
same decisions matches it exactly: a function whose numbers change from call
to call (a random draw not made through ``per_call``) runs uncompiled for
those arguments, with a warning naming the line that made the difference,
instead of being replayed stale (and never raises where the function would not).

Until a program is trusted, and whenever tracing is not possible (inside
another trace, under ``detect_anomaly``, past ``max_traces``), calls run the
function itself: they are correct, only not faster.

Before a program replays, the objects the function found by name while it
was traced (its globals, closure cells, defaults and the attributes it reads,
:mod:`.guards`) are checked to be the same, and so is the library state it
read (``guard_state``); otherwise another program is tried, or the function
is traced again. At most :data:`MAX_STRUCTURES` argument structures are
kept, the least recently used evicted first (``Jitted.evicted`` says which).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import linecache
import time
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Literal, ParamSpec, TypeVar, cast, overload

from ..core.interceptors import needing_every_op
from ..core.modes import state
from ..core.origins import origin_of
from ..core.value import Value
from ..rules import table
from .backends import CompiledProgram, backend_named, one_line
from .backends.python import MAX_LINES
from .guards import FunctionGuards, guards_of
from .program import Decision, Diverged, JitError, Program, bits_of
from .pytree import Flat, bind, flatten, number_paths, refuse, unflatten
from .runtime import run
from .traced_number import INDEX_USE
from .tracer import StateGuard, Tracer, program_of, tracing

__all__ = [
    "MAX_LINES", "MAX_STRUCTURES", "MAX_TRACES", "Eviction", "JitError", "Jitted", "Replay", "TraceRecord", "jit",
]

MAX_TRACES = 8
"""Programs kept per argument structure before a function runs uncompiled."""

MAX_STRUCTURES = 64
"""Argument structures kept per function (each with its programs); the least recently used goes first."""

MAX_RECORDS = 1000
"""How many of the latest :class:`TraceRecord` and :class:`Eviction` records a function keeps."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


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
        depends_on: What a replay of it depends on besides its argument
            numbers, each checked before or during the replay: the
            arguments' structure, the Values it reads, its decisions, the
            objects it found by name, library state.
    """

    reason: str
    nodes: int
    lines: int
    trace_seconds: float
    generate_seconds: float
    compile_seconds: float
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Eviction:
    """An argument structure forgotten to keep the cache within :data:`MAX_STRUCTURES`.

    Attributes:
        structure: The arguments' names and structure, as the cache key shows it (shortened).
        programs: How many programs were kept for it.
    """

    structure: str
    programs: int


@dataclass(eq=False)
class _Entry:
    program: Program
    decisions: tuple[Any, ...]
    compiled: CompiledProgram
    reached: tuple[Value, ...]  # the Values the function reached, read at every replay
    draws: tuple[Callable[[], Any], ...]  # per_call draws, made again at every replay
    aux: Any  # the structure of the aux outputs, for the numbers a replay gives
    aux_numbers: tuple[float, ...]  # plain numbers in the aux outputs, as traced
    state_guards: tuple[StateGuard, ...]  # library state, checked before each replay
    guards: FunctionGuards  # the names, cells and attributes the function read, checked first
    filename: str  # the generated source's name in linecache, removed with the entry
    trusted: bool = False


@dataclass(frozen=True, eq=False)
class Replay:
    """A confirmed program of a jitted function, to run on flat numbers without Values (see :meth:`Jitted.replay_of`).

    Attributes:
        compiled: What its backend compiled: ``compiled.run(inputs, numbers)``
            gives ``(output, aux numbers, saved)`` (raising
            :class:`~.program.Diverged` where a decision comes out otherwise),
            ``compiled.backward(saved)`` one gradient per gradient input.
        program: The program; its Value inputs are :attr:`reached` (no Value arguments).
        reached: The Values whose numbers are the program's inputs, in order.
        numbers: The call's plain numbers, as :meth:`Jitted.__call__` would pass them.
    """

    compiled: CompiledProgram
    program: Program
    reached: tuple[Value, ...]
    numbers: tuple[float, ...]
    _jitted: Jitted[Any, Any]
    _key: Any
    _entry: _Entry

    def holds(self) -> bool:
        """Whether a call would still replay this program: kept, and its guards hold."""
        entry = self._entry
        return (
            entry in self._jitted._entries.get(self._key, ())
            and entry.guards.holds()
            and all(guard.holds() for guard in entry.state_guards)
        )

    def aux_of(self, numbers: Any) -> Any:
        """The aux tree (``has_aux``) of the aux numbers a run gave."""
        return unflatten(self._entry.aux, iter(self._entry.aux_numbers), numbers)


class Jitted(Generic[_P, _R]):
    """A function compiled by :func:`jit`; call it as the function itself.

    Attributes:
        traces: One :class:`TraceRecord` per trace, in order (the latest
            :data:`MAX_RECORDS`).
        evicted: One :class:`Eviction` per argument structure forgotten, in
            order (the latest :data:`MAX_RECORDS`).
        backend: The name of the backend that compiles it.
    """

    def __init__(
        self, function: Callable[_P, Any], max_traces: int = MAX_TRACES, has_aux: bool = False,
        backend: str = "auto",
    ) -> None:
        if not callable(function):
            raise TypeError(f"jit expects a function, got {type(function).__name__}")
        self._backend = backend_named(backend)
        self.backend = backend
        self._function = function
        self._max_traces = max_traces
        self._has_aux = has_aux
        self._entries: OrderedDict[Any, list[_Entry]] = OrderedDict()
        self._gave_up: OrderedDict[Any, None] = OrderedDict()
        self._forgotten = ""  # why the traces were last forgotten, for the next trace's reason
        self._name = getattr(function, "__qualname__", type(function).__name__)
        self._traced = 0
        self.traces: deque[TraceRecord] = deque(maxlen=MAX_RECORDS)
        self.evicted: deque[Eviction] = deque(maxlen=MAX_RECORDS)
        self._source = ""
        self._program: Program | None = None
        functools.update_wrapper(self, function)

    @property
    def source(self) -> str:
        """The generated forward and backward of the latest trace (Python source for the Python backend)."""
        return self._source or f"# {self._name} has not been traced yet: call it once\n"

    @property
    def program(self) -> Program | None:
        """The program of the latest trace (see :mod:`autograd.compiler.program`), or None before one."""
        return self._program

    def clear_cache(self) -> None:
        """Forget every trace: the next call traces the function anew.

        The Values a function reaches outside its arguments (a model's
        parameters) are found while tracing and read at every replay, so a
        new ``.data`` (what optimizers assign) is seen. A new Value object put
        in the old one's place (``neuron.w[0] = Value(1.0)``) is not: nothing
        runs the function's own lookups at a replay, which keeps reading the
        Value that was traced. After replacing such a Value inside an object
        (a list item, an attribute), call this (or make a new ``jit``).
        Globals, closure cells and defaults that the function reads by name
        are guarded and need no call. ``traces`` keeps its history.
        """
        self._forget("clear_cache() was called")

    def _forget(self, why: str) -> None:
        for entries in self._entries.values():
            for entry in entries:
                linecache.cache.pop(entry.filename, None)
        self._entries.clear()
        self._gave_up.clear()
        self._forgotten = why

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if needing_every_op():
            # Inside another trace, anomaly mode or a jvp, every op must run as itself.
            return self._uncompiled(args, kwargs)
        named, call = bind(self._function, args, kwargs)
        flat = Flat()
        try:
            structure = tuple(flatten(argument, flat) for _, argument in named)
        except TypeError:
            for name, argument in named:  # again, slowly, to say where
                refuse(argument, f"argument {name}")
            raise
        key = (tuple(name for name, _ in named), structure, state.grad_enabled, table.version)
        if key in self._gave_up:
            return self._uncompiled(args, kwargs)
        entries = self._entries.get(key)
        if entries is None:
            entries = self._new_entries(key)
        else:
            self._entries.move_to_end(key)
        reason = "second trace, to check the first" if entries else self._forgotten or "first call"
        failed: Decision | None = None  # the decision that came out differently most recently
        confirms = False  # whether this call decides as a program traced once, not yet confirmed
        for position, entry in enumerate(entries):
            if not entry.trusted:
                if not confirms and not entry.draws and entry.guards.holds() and all(
                    guard.holds() for guard in entry.state_guards
                ):
                    index = _first_difference(entry, flat)
                    if index is None:
                        confirms = True
                    else:
                        failed = entry.program.decisions[index]
                        reason = failed.describe()
                continue
            if not entry.guards.holds():  # a name, cell or attribute the function reads was rebound
                reason = entry.guards.changed()
                continue
            if entry.state_guards and not all(guard.holds() for guard in entry.state_guards):
                reason = _state_changed(entry.state_guards)
                continue
            numbers = (*flat.numbers, *(float(draw()) for draw in entry.draws))
            inputs = (*flat.values, *entry.reached)
            try:
                result, aux = run(entry.compiled, entry.program, inputs, numbers)
            except Diverged as diverged:
                failed = entry.program.decisions[diverged.args[0]]
                reason = failed.describe()
                continue
            if position:
                entries.insert(0, entries.pop(position))  # the pattern seen last is tried first
            if self._has_aux:
                return cast(_R, (result, unflatten(entry.aux, iter(entry.aux_numbers), aux)))
            return cast(_R, result)
        if confirms and len(entries) <= self._max_traces:
            # This trace confirms a program already kept and adds none: not past the limit.
            reason = "second trace, to check the first"
        elif len(entries) >= self._max_traces:
            for dropped in self._entries.pop(key, []):  # never replayed again: freed
                linecache.cache.pop(dropped.filename, None)
            self._gave_up[key] = None
            if len(self._gave_up) > MAX_STRUCTURES:
                self._gave_up.popitem(last=False)
            warnings.warn(
                f"jit: {self._name} took {len(entries)} different patterns of decisions "
                f"(the latest: {reason}); it now runs uncompiled for these arguments{_advice(failed)}",
                stacklevel=2,
            )
            return self._uncompiled(args, kwargs)
        with _collector_paused():
            return self._trace(key, entries, named, structure, call, flat, reason, (args, kwargs))

    def replay_of(self, *args: Any, **kwargs: Any) -> Replay | None:
        """The confirmed program a call with these arguments would replay, for callers that keep numbers flat.

        Only for arguments of plain numbers (no Value among them) and a
        program that makes no per-call draw; None otherwise, or before the
        call's structure has been traced twice. The caller checks
        :meth:`Replay.holds` before each run and falls back to calling this
        function where a run raises or gives a non-finite number.
        """
        if needing_every_op():
            return None
        named, _ = bind(self._function, args, kwargs)
        flat = Flat()
        try:
            structure = tuple(flatten(argument, flat) for _, argument in named)
        except TypeError:
            return None
        if flat.values:
            return None
        key = (tuple(name for name, _ in named), structure, state.grad_enabled, table.version)
        for entry in self._entries.get(key, ()):
            if entry.trusted and not entry.draws:
                replay = Replay(entry.compiled, entry.program, entry.reached, tuple(flat.numbers), self, key, entry)
                return replay if replay.holds() else None
        return None

    def _new_entries(self, key: Any) -> list[_Entry]:
        """A new, empty list of programs for ``key``, evicting the least recently used structure if full."""
        if len(self._entries) >= MAX_STRUCTURES:
            old_key, old_entries = self._entries.popitem(last=False)
            for entry in old_entries:
                linecache.cache.pop(entry.filename, None)
            shown = repr(old_key[:2])
            self.evicted.append(Eviction(shown if len(shown) <= 200 else shown[:197] + "...", len(old_entries)))
        entries: list[_Entry] = []
        self._entries[key] = entries
        return entries

    def _uncompiled(self, args: Any, kwargs: Any) -> _R:
        output, aux = self._split(self._function(*args, **kwargs))
        return self._joined(output, aux)

    def _split(self, result: Any) -> tuple[Value, Any]:
        """(the Value, the aux tree) of what the function returned, checked."""
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

    def _aux(self, aux: Any) -> tuple[Any, Flat]:
        """The structure of an aux tree, and its leaves."""
        flat = Flat()
        try:
            return flatten(aux, flat), flat
        except TypeError:
            refuse(aux, "the aux output")
            raise

    def _joined(self, output: Value, aux: Any) -> _R:
        if not self._has_aux:
            return cast(_R, output)
        structure, flat = self._aux(aux)
        return cast(_R, (output, unflatten(structure, iter(flat.numbers), [v._data for v in flat.values])))

    def _trace(
        self, key: Any, entries: list[_Entry], named: list[tuple[str, Any]], structure: tuple[Any, ...],
        call: Callable[[list[Any]], Any], flat: Flat, reason: str, given: tuple[Any, Any],
    ) -> _R:
        guards = guards_of(self._function)
        tracer = Tracer()
        start = time.perf_counter()
        integers = set(flat.integers)
        numbers = iter([
            tracer.wrap_number(int(number) if position in integers else number)
            for position, number in enumerate(flat.numbers)
        ])
        arguments = [unflatten(part, numbers, flat.values) for part in structure]
        try:
            with tracing(tracer):
                result = call(arguments)
            output, aux = self._split(result)
            aux_structure, aux_flat = self._aux(aux)
        except JitError:
            raise
        except Exception as error:
            return self._after_failed_trace(key, given, error)
        traced = time.perf_counter() - start
        names = [path for (name, _), part in zip(named, structure, strict=True)
                 for path in number_paths(part, (name,))]
        program = program_of(output, tracer, flat.values, aux_flat.values, names)
        # Programs are told apart by their decisions, the library state and the names they read.
        decisions = (
            program.decision_outcomes(), tuple(bits_of(guard.value) for guard in tracer.state_guards),
            guards.signature(),
        )
        for entry in entries:
            if entry.decisions == decisions:
                if entry.program.structure() != program.structure():
                    # Not a function of its arguments: correct uncompiled, so never an error.
                    for dropped in self._entries.pop(key, []):
                        linecache.cache.pop(dropped.filename, None)
                    self._gave_up[key] = None
                    warnings.warn(_nondeterminism(self._name, entry.program, program), stacklevel=3)
                    return self._joined(output, aux)
                entry.trusted = True
                return self._compiled_result(entry, flat, tracer, output, aux)
        self._traced += 1
        number = self._traced
        start = time.perf_counter()
        filename = f"<jit {one_line(self._name)} #{number}>"
        compiled = self._backend.compile(
            program, name=self._name, title=f"{self._name}, trace {number}: {reason}", filename=filename,
        )
        compile_seconds = time.perf_counter() - start
        reached = tuple(entry.value for entry in program.inputs if entry.value is not None)
        draws = tuple(entry.draw for entry in program.inputs if entry.draw is not None)
        state_guards = tuple(tracer.state_guards)
        entries.append(_Entry(
            program, decisions, compiled, reached, draws, aux_structure, tuple(aux_flat.numbers),
            state_guards, guards, filename,
        ))
        self._source = compiled.source
        self._program = program
        self._forgotten = ""
        self.traces.append(TraceRecord(
            reason, len(program.steps), compiled.size, traced,
            compiled.generate_seconds, compile_seconds - compiled.generate_seconds,
            _depends_on(named, structure, program, guards, state_guards),
        ))
        return self._compiled_result(entries[-1], flat, tracer, output, aux)

    def _compiled_result(self, entry: _Entry, flat: Flat, tracer: Tracer, output: Value, aux: Any) -> _R:
        """What a replay gives for the call just traced (its draws as drawn), so every call's result
        is a compiled call's node: no graph of the trace, with its number arguments, is handed out."""
        numbers = (*flat.numbers, *(value._data for value in tracer.drawn))
        try:
            result, aux_numbers = run(entry.compiled, entry.program, (*flat.values, *entry.reached), numbers)
        except Diverged:  # the call just taken decides the same: not expected, but the trace is right
            return self._joined(output, aux)
        if self._has_aux:
            return cast(_R, (result, unflatten(entry.aux, iter(entry.aux_numbers), aux_numbers)))
        return cast(_R, result)

    def _after_failed_trace(self, key: Any, given: tuple[Any, Any], error: Exception) -> _R:
        """Tracing raised: run the function itself, which raises its own error if it has one.

        If it does not, what raised was the trace (code that tests ``type(x)`` of a
        number argument, as ``json`` and ``statistics`` do): never an error the
        function would not raise, so these arguments run uncompiled from now on.
        """
        args, kwargs = given
        result = self._uncompiled(args, kwargs)
        for dropped in self._entries.pop(key, []):
            linecache.cache.pop(dropped.filename, None)
        self._gave_up[key] = None
        origin = origin_of(error.__traceback__)
        where = f" at {origin}" if origin is not None else ""
        warnings.warn(
            f"jit: tracing {self._name} raised {type(error).__name__}{where} ({error}), which the "
            "function itself does not: code that tests type(x) of a number argument (as json and "
            "statistics do) sees the tracer's number; pass float(x) to it. It now runs uncompiled "
            "for these arguments",
            stacklevel=4,
        )
        return result


def _first_difference(entry: _Entry, flat: Flat) -> int | None:
    """The index of the first decision of ``entry``'s program that this call takes differently, or None.

    For a program traced once and not yet confirmed: its compiled forward is
    run on the call's numbers (its result is not used), so that a trace made
    anyway can say which decision kept changing.
    """
    inputs = [value._data for value in (*flat.values, *entry.reached)]
    try:
        entry.compiled.run(inputs, tuple(flat.numbers))
    except Diverged as diverged:
        index: int = diverged.args[0]
        return index
    except (ArithmeticError, ValueError):  # the replay would fall back to the engine: no decision is known
        return None
    return None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off while a call is traced and compiled (on again after, if it was on).

    A trace makes tens of thousands of Values and steps, none in a cycle (a
    graph points only at its operands), and each automatic collection walks
    all of them: on a digits batch that was a quarter of the trace's time.
    Garbage in cycles that the traced function makes is collected afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _advice(decision: Decision | None) -> str:
    """What to do about a decision that keeps a function tracing, where there is something to do."""
    if decision is None:
        return ""
    if decision.kind == "exact" and decision.use == INDEX_USE:
        return ". Use autograd.take(values, index) to make the index part of the program"
    if decision.kind == "exact":
        return ". Compute with the number instead (+ - * / and comparisons are recorded, not guarded)"
    if decision.kind == "float":
        return ". Compute with the Value instead of reading its number (comparisons are checked, not guarded)"
    return ""


def _depends_on(
    named: list[tuple[str, Any]], structure: tuple[Any, ...], program: Program,
    guards: FunctionGuards, state_guards: tuple[StateGuard, ...],
) -> tuple[str, ...]:
    """What a trace's replays depend on, in words (see :class:`TraceRecord`)."""
    shown = repr(dict(zip([name for name, _ in named], structure, strict=True)))
    depends = [f"the arguments' structure {shown if len(shown) <= 200 else shown[:197] + '...'}"]
    reached = sum(1 for entry in program.inputs if entry.kind == "reached")
    if reached:
        depends.append(f"{reached} Values it reached (read at every call)")
    if program.decisions:
        depends.append(f"{len(program.decisions)} decisions (checked at every replay)")
    depends += guards.describe()
    depends += [f"library state read at {guard.origin}" for guard in state_guards]
    return tuple(depends)


def _state_changed(state_guards: tuple[StateGuard, ...]) -> str:
    for guard in state_guards:
        if not guard.holds():
            where = f" at {guard.origin}" if guard.origin is not None else ""
            return f"library state read{where} changed"
    return "library state changed"


def _nondeterminism(name: str, first: Program, second: Program) -> str:
    where = "its numbers"
    for one, other in zip(first.steps, second.steps, strict=False):
        if one.op is not other.op or one.const != other.const:
            origin = other.origin
            where = f"the {other.op.name} at {origin}" if origin is not None else f"a {other.op.name}"
            break
    return (
        f"jit: {name} gave two different programs for the same arguments and decisions "
        f"({where} changed between calls): it uses numbers that change from call to call "
        "(random draws, or objects it reads that are not arguments), or builds its graph in an "
        "order that changes (iterating over a set). It now runs uncompiled for these "
        "arguments. To compile it, pass such numbers as arguments, or draw them with "
        "autograd.per_call(draw) so every replay draws anew"
    )


@overload
def jit(
    function: Callable[_P, Value], *, max_traces: int = ..., has_aux: Literal[False] = False,
    backend: str = ...,
) -> Jitted[_P, Value]: ...


@overload
def jit(
    function: Callable[_P, tuple[Value, Any]], *, max_traces: int = ..., has_aux: Literal[True],
    backend: str = ...,
) -> Jitted[_P, tuple[Value, Any]]: ...


def jit(
    function: Callable[_P, Any], *, max_traces: int = MAX_TRACES, has_aux: bool = False,
    backend: str = "auto",
) -> Jitted[_P, Any]:
    """Compile ``function`` (which builds a graph and returns a Value) into a replay of its forward and backward.

    Nothing happens until the first call. A call with a new structure of
    arguments (list lengths, nesting, which are Values) traces the function
    and compiles its forward and backward passes; later calls
    replay that code. Plain-number arguments are inputs (they may change),
    and the function sees them as the numbers they are: every use that
    depends on one is recorded as a decision or an exact guard. Value
    arguments and the Values the function reaches (a model's parameters) are
    read at every call and receive ``.grad`` from ``backward``. Decisions the
    function takes on Values (comparisons, ``bool``, ``float``, ``int``,
    ``round``) are checked at every replay, and a new pattern of decisions is
    traced anew; so are rebound globals, closure cells and defaults. Effects
    a replay would not repeat (``backward`` inside, writes of ``.data``,
    ``.grad``) raise :class:`JitError` at trace time, naming the line. A change
    inside an object the function reads (a Value put in a list) is not seen:
    call :meth:`Jitted.clear_cache` after one.

    Args:
        function: Builds a graph from numbers and Values and returns one Value.
        max_traces: Patterns of decisions kept per structure of arguments;
            past it the function runs uncompiled, with a warning.
        has_aux: The function returns ``(value, aux)``: ``aux`` holds Values
            (nested in lists and tuples) whose numbers are wanted beside the
            result, such as a model's outputs for its accuracy; the call then
            returns ``(value, aux)`` with those Values replaced by floats.
        backend: The name of the backend that compiles the traced program
            (see :mod:`autograd.compiler.backends`): ``"python"`` generates
            Python, ``"native"`` runs a C tape interpreter (it needs a C
            compiler), and ``"auto"``, the default, picks native for a program
            large enough to gain from it when a C compiler is there, else Python.

    Returns:
        A :class:`Jitted` function: call it like ``function``; ``.source``
        shows the generated code, ``.program`` the traced program, ``.traces``
        what was traced and why.

    Raises:
        ValueError: If no backend of that name is registered.
        JitError: At a call that traces, if the function has an effect that a
            replay would not repeat (the message names the line and what to do).

    Examples:
        >>> from autograd import Value
        >>> w = Value(0.5, label="w")
        >>> step = jit(lambda x: (w * x).tanh())
        >>> for x in (1.0, 2.0, 3.0):
        ...     step(x).backward()
        >>> round(w.grad, 6)  # 1 - tanh(0.5)² + 2·(1 - tanh(1)²) + 3·(1 - tanh(1.5)²)
        2.168516
    """
    return Jitted(function, max_traces, has_aux, backend)
