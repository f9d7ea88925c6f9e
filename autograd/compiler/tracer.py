"""Tracing: run a function once on Values, and turn what it built into a :class:`Program`.

While a trace runs, a :class:`Tracer` is plugged into the engine (an
interceptor, :mod:`autograd.core.interceptors`). What it hears, it either
records or refuses:

* recorded: every decision taken on a Value's number (a comparison, ``bool``,
  ``float``, ``int``, ``round``, including one that raised), every read of
  ``.data`` (an exact guard: another number traces again, with a warning,
  since it defeats the cache), every node made under ``no_grad`` or by
  ``detach`` (whose recipe the replay recomputes without a gradient), and
  every library state read through ``guard_state`` (:mod:`autograd.core.interceptors`). Nodes also remember
  their origin, for the comments of the generated code.
* refused, with the user's line and what to do instead (a :class:`JitError`
  raised when the traced call ends, even if the function caught it): an
  effect that a replay would not repeat. That is a ``backward`` or a ``grad``
  that does not build a graph, a write of ``.data``, a read or write of
  ``.grad``, a hook registered, a library's ``side_effect`` (an ``nn``
  forward hook), an interceptor plugged in
  (``detect_anomaly``, ``jvp``), and a grad mode left switched at return.

Plain-number arguments are :class:`~.traced_number.TracedNumber` objects for
the trace: the numbers themselves for Python, with a shadow in the program,
so arithmetic on them is recorded and every use that depends on them is a
decision. Random draws that must change from call to call go through
:func:`per_call`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from ..core.interceptors import Interceptor, plugged, plugged_in
from ..core.modes import state
from ..core.origins import Origin, user_origin
from ..core.sweep import clock
from ..core.value import Number, Value
from ..core.walk import depth_first
from ..rules import table
from ..rules.op import Op
from .program import Decision, Input, JitError, Program, Step, bits_of
from .traced_number import TracedNumber

__all__ = ["StateGuard", "Tracer", "is_tracing", "per_call", "program_of", "tracing"]

_COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})



@dataclass(frozen=True)
class _Recipe:
    """How a node made without a graph (under ``no_grad``, or by ``detach``) was computed."""

    op: Op
    operands: tuple[Value, ...]
    const: Any


@dataclass(frozen=True, eq=False)
class _Taken:
    """A decision as the trace saw it: on Values, before they have slots."""

    kind: str
    node: Value
    other: Any
    outcome: Any
    origin: Origin | None
    use: str = ""


@dataclass(frozen=True, eq=False)
class StateGuard:
    """A read of library state that a trace depends on: checked before every replay.

    Attributes:
        read: Reads the state (no arguments).
        value: What it gave while tracing.
        origin: The user's line that depended on it.
    """

    read: Callable[[], Any]
    value: Any
    origin: Origin | None

    def holds(self) -> bool:
        """Whether ``read()`` still gives ``value`` (the same object, or an equal one of the same type)."""
        now = self.read()
        return now is self.value or (type(now) is type(self.value) and bool(now == self.value))


def _refusal(what: str, instead: str, detail: str = "") -> JitError:
    """The error for an effect a replay would not repeat: what, the user's line, what to do instead."""
    origin = user_origin()
    where = f" at {origin}" if origin is not None else ""
    return JitError(
        f"jit: {what}{where}, inside a function being compiled{detail}; replays run compiled "
        f"code, not the function, so it would happen only while tracing. {instead}"
    )


@dataclass(eq=False)
class Tracer(Interceptor):
    """What one traced call recorded (see the module docstring).

    Attributes:
        epoch: The write-clock reading when the trace began: nodes stamped
            before it existed before the call (inputs), the rest were made by it.
        decisions: The decisions, in the order they were taken.
        recipes: Nodes made without a graph, with how to recompute them.
        drawn: Leaves made by :func:`per_call`, with the function that draws them.
        numbers: The shadows of the plain-number arguments, in argument order.
        state_guards: The library state read through ``guard_state``.
        refused: The first effect refused, raised when the traced call ends.
    """

    needs_every_op = True
    records_origins = True
    watches_gradients = True

    epoch: int = 0
    decisions: list[_Taken] = field(default_factory=list)
    recipes: dict[Value, _Recipe] = field(default_factory=dict)
    drawn: dict[Value, Callable[[], Number]] = field(default_factory=dict)
    numbers: list[Value] = field(default_factory=list)
    state_guards: list[StateGuard] = field(default_factory=list)
    refused: JitError | None = None
    _warned: set[Origin | None] = field(default_factory=set)
    _compared: set[Any] = field(default_factory=set)  # the comparisons recorded, to record each once

    def _refuse(self, error: JitError) -> None:
        """Raise ``error`` now, and again when the call ends (in case the function catches it)."""
        if self.refused is None:
            self.refused = error
        raise error

    def decided(self, kind: str, node: Any, other: Any, outcome: Any) -> None:
        if kind in _COMPARISONS:
            # The same comparison of the same Values (or Value and number) with the same
            # outcome is one check at replay: ``take`` checks one index's range per lookup.
            key = (kind, node, other if isinstance(other, Value) else bits_of(other), outcome)
            if key in self._compared:
                return
            self._compared.add(key)
        self.decisions.append(_Taken(kind, node, other, outcome, user_origin()))

    def used_exactly(self, node: Value, number: Number, use: str) -> None:
        """A number argument (``node`` stands for it) used as its exact number; ``use`` says how."""
        self.decisions.append(_Taken("exact", node, number, node._data, user_origin(), use))

    def made(self, out: Value, op: Op, operands: tuple[Value, ...], const: Any, recorded: bool) -> None:
        if not recorded:  # no_grad inside a traced function: the replay recomputes it
            self.recipes[out] = _Recipe(op, operands, const)

    def detached(self, out: Value, source: Value) -> None:
        # A replay recomputes it (times 1.0), without a gradient.
        self.recipes[out] = _Recipe(table.MUL_CONST, (source,), 1.0)

    def hooked(self, node: Value) -> None:
        """A hook registered while tracing: refused (on a node the call made, replays make no
        such node; on another, the function registers one per call and a replay none)."""
        made = node._stamp >= self.epoch and node not in self.numbers
        self._refuse(_refusal(
            f"a hook was registered on a Value {'made inside the call' if made else 'it was given or reached'}",
            "Register hooks on the function's inputs or parameters once, outside the compiled "
            "function, or call the function without jit",
        ))

    def read_data(self, node: Value) -> None:
        """User code read ``.data``: an exact guard (another number traces again), and a warning once per line."""
        self.decisions.append(_Taken("float", node, None, node._data, user_origin()))
        origin = user_origin()
        if origin is None or origin in self._warned:
            return
        self._warned.add(origin)
        warnings.warn(
            f"jit: .data was read at {origin} while tracing; the trace holds only for that number "
            f"({node._data!r}), and every other number traces again. Compute with the Value "
            "instead (comparisons such as x > 0 are checked on every call, without a new trace).",
            stacklevel=3,
        )

    def wrote_data(self, node: Value, value: float) -> None:
        self._refuse(_refusal(
            ".data was assigned",
            "Assign .data outside the compiled function (an optimizer step between calls is "
            "seen by every replay), or call the function without jit",
        ))

    def read_grad(self, node: Value) -> None:
        self._refuse(_refusal(
            ".grad was read",
            "Read gradients after the compiled call's backward, outside the function, or use "
            "autograd.grad(..., create_graph=True) inside it, which is traced",
        ))

    def wrote_grad(self, node: Value, value: Any) -> None:
        self._refuse(_refusal(
            ".grad was assigned",
            "Zero or change gradients outside the compiled function (optimizer.zero_grad() "
            "between calls)",
        ))

    def sweep_started(self, root: Value, create_graph: bool, writes_grad: bool) -> None:
        if writes_grad:
            self._refuse(_refusal(
                "backward() ran",
                "Return the loss from the function and call .backward() on the compiled call's "
                "result, outside it",
            ))
        if not create_graph:
            self._refuse(_refusal(
                "grad() ran without create_graph=True",
                "Pass create_graph=True, which is traced, or take gradients outside the function",
                " (its results would be constants of the trace)",
            ))

    def interceptor_plugged(self, interceptor: Interceptor) -> None:
        self._refuse(_refusal(
            f"{type(interceptor).__name__} was plugged in",
            "Use it around the compiled function's call instead (the function then runs "
            "uncompiled), or call the function without jit",
            " (detect_anomaly, jvp and other transformations plug in this way)",
        ))

    def side_effect(self, what: str, instead: str) -> None:
        self._refuse(_refusal(what, instead))

    def read_state(self, read: Callable[[], Any], value: Any) -> None:
        self.state_guards.append(StateGuard(read, value, user_origin()))

    def wrap_number(self, number: int | float) -> TracedNumber:
        """A plain-number argument as a traced number, whose shadow is an input of the program."""
        shadow = Value(float(number))
        self.numbers.append(shadow)
        return TracedNumber(number, shadow, self)


def is_tracing() -> bool:
    """Whether a jit trace is running in this thread."""
    return bool(plugged(Tracer))


def per_call(draw: Callable[[], Number]) -> Value | float:
    """A number drawn anew on every call of a jit-compiled function (a dropout mask, noise).

    Outside a trace this is just ``draw()``. Inside one it is a Value that the
    compiled program treats as an input: every replay calls ``draw()`` again,
    in the same order as the uncompiled function would, so results (and a
    seeded generator's stream) are the same with and without jit. Without it,
    a random number drawn while tracing would be replayed forever; jit
    detects that and refuses.

    Examples:
        >>> import random
        >>> rng = random.Random(0)
        >>> keep = per_call(lambda: 1.0 if rng.random() >= 0.5 else 0.0)
    """
    number = draw()
    tracers = plugged(Tracer)
    if not tracers:
        return float(number)
    value = Value(number)
    tracers[-1].drawn[value] = draw
    return value


@contextmanager
def tracing(tracer: Tracer) -> Iterator[Tracer]:
    """Trace in this thread until the block ends: everything made meanwhile belongs to the trace."""
    clock.now += 1
    tracer.epoch = clock.now
    grad_enabled = state.grad_enabled
    with plugged_in(tracer):
        yield tracer
        if state.grad_enabled != grad_enabled:
            tracer.refused = tracer.refused or JitError(
                f"jit: the function returned with grad mode {_mode(state.grad_enabled)}, but it was "
                f"called with it {_mode(grad_enabled)}; a replay would not switch it. Switch grad "
                "mode with a with-block (no_grad(), enable_grad()) that ends inside the function"
            )
    if tracer.refused is not None:
        raise tracer.refused


def _mode(enabled: bool) -> str:
    return "on" if enabled else "off"


# ---------------------------------------------------------------- the program of a trace


def program_of(
    output: Value,
    tracer: Tracer,
    arguments: Sequence[Value],
    aux: Sequence[Value] = (),
    number_names: Sequence[str] = (),
) -> Program:
    """The program of a traced call that returned ``output``.

    Args:
        output: What the traced function returned.
        tracer: What the trace recorded.
        arguments: The Value arguments, in argument order (they come first among the inputs).
        aux: Values whose numbers the call reports beside it (no gradient).
        number_names: Names for the plain-number arguments, in order.
    """
    epoch = tracer.epoch
    arguments = tuple(dict.fromkeys(arguments))
    boundary = set(arguments) | set(tracer.numbers) | set(tracer.drawn)
    recipes = tracer.recipes

    def operands(node: Value) -> Sequence[Value]:
        """What the program computes ``node`` from; nothing for an input or a constant."""
        recipe = recipes.get(node)
        if recipe is not None:
            return recipe.operands
        if node._op is None or node._stamp < epoch or node in boundary:
            return ()
        return node._parents

    # The output is walked first, exactly as backward walks it, so gradients add up
    # in the same order; then what only the aux values and the decisions need.
    decided = [taken.node for taken in tracer.decisions]
    decided += [taken.other for taken in tracer.decisions if isinstance(taken.other, Value)]
    reached: list[Value] = []  # made before the call: read at every call
    constants: list[Value] = []  # leaves the call made: fixed
    computed: list[Value] = []
    for node in depth_first((output, *aux, *decided), operands):
        if node in boundary:
            continue
        if node in recipes or (node._op is not None and node._stamp >= epoch):
            computed.append(node)
        else:
            (constants if node._stamp >= epoch else reached).append(node)
    # Every number stays an input, used or not: per_call draws must be made
    # again in the same order, to consume a generator exactly as the function does.
    names = list(number_names)
    inputs = [Input("argument", node.label) for node in arguments]
    inputs += [Input("reached", node.label, value=node) for node in reached]
    inputs += [Input("number", names[i] if i < len(names) else "") for i in range(len(tracer.numbers))]
    inputs += [Input("drawn", "", draw=draw) for draw in tracer.drawn.values()]
    slot: dict[Value, int] = {}
    for node in (*arguments, *reached, *tracer.numbers, *tracer.drawn, *constants, *computed):
        slot[node] = len(slot)
    steps = []
    for node in computed:
        recipe = recipes.get(node)
        if recipe is None:
            op = cast(Op, node._op)  # computed: an op node, unless it has a recipe
            steps.append(Step(op, tuple([slot[p] for p in node._parents]), node._const, True,
                              node.origin, node.label))
        else:
            steps.append(Step(recipe.op, tuple([slot[p] for p in recipe.operands]), recipe.const, False,
                              node.origin, node.label))
    decisions = tuple(
        Decision(taken.kind, slot[taken.node], slot[taken.other] if isinstance(taken.other, Value) else taken.other,
                 isinstance(taken.other, Value), taken.outcome, taken.origin, taken.use)
        for taken in tracer.decisions
    )
    # The Value inputs the output's own graph holds: only they are operands of a
    # compiled call's node, as only they are in the uncompiled function's graph.
    def graph_operands(node: Value) -> Sequence[Value]:
        if node._op is None or node._stamp < epoch or node in boundary:
            return ()
        return node._parents

    in_graph = set(depth_first((output,), graph_operands))
    value_inputs = (*arguments, *reached)
    graph_inputs = tuple(i for i, node in enumerate(value_inputs) if node in in_graph)
    return Program(
        graph_inputs=None if len(graph_inputs) == len(value_inputs) else graph_inputs,
        inputs=tuple(inputs),
        constants=tuple(node._data for node in constants),
        steps=tuple(steps),
        decisions=decisions,
        output=slot[output],
        aux=tuple(slot[node] for node in aux),
    )
