"""Tracing: run a function once on Values, and turn what it built into a :class:`Program`.

While a trace runs, a :class:`Tracer` is plugged into the engine (an
interceptor, :mod:`autograd.core.interceptors`). It hears every decision
taken on a Value's number (a comparison, ``bool``, ``float``, ``int``,
``round``: each becomes a decision of the program, with the user's line),
every ``.data`` read (which a replay cannot follow: it is warned about), and
every node made under ``no_grad`` or by ``detach`` (whose recipe the replay
recomputes without a gradient). Nodes also remember their origin, for the
comments of the generated code.

Plain-number arguments are wrapped in Values for the trace, so arithmetic on
them is recorded rather than folded into constants: they stay inputs of the
program. An int argument may also index or count (``__index__``), a decision
checked at replay. Random draws that must change from call to call go through
:func:`per_call`.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from ..core.interceptors import Interceptor, plugged, plugged_in
from ..core.origins import Origin, user_origin
from ..core.sweep import clock
from ..core.value import Number, Value
from ..core.walk import depth_first
from ..rules import table
from ..rules.op import Op
from .program import Decision, Input, Program, Step

__all__ = ["IntArgument", "Tracer", "is_tracing", "per_call", "program_of", "tracing"]


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


@dataclass(eq=False)
class Tracer(Interceptor):
    """What one traced call recorded (see the module docstring).

    Attributes:
        epoch: The write-clock reading when the trace began: nodes stamped
            before it existed before the call (inputs), the rest were made by it.
        decisions: The decisions, in the order they were taken.
        recipes: Nodes made without a graph, with how to recompute them.
        drawn: Leaves made by :func:`per_call`, with the function that draws them.
        numbers: The Values wrapping plain-number arguments, in argument order.
    """

    needs_every_op = True
    records_origins = True

    epoch: int = 0
    decisions: list[_Taken] = field(default_factory=list)
    recipes: dict[Value, _Recipe] = field(default_factory=dict)
    drawn: dict[Value, Callable[[], Number]] = field(default_factory=dict)
    numbers: list[Value] = field(default_factory=list)
    _warned: set[Origin | None] = field(default_factory=set)

    def decided(self, kind: str, node: Any, other: Any, outcome: Any) -> None:
        self.decisions.append(_Taken(kind, node, other, outcome, user_origin()))

    def made(self, out: Value, op: Op, operands: tuple[Value, ...], const: Any, recorded: bool) -> None:
        if not recorded:  # no_grad inside a traced function: the replay recomputes it
            self.recipes[out] = _Recipe(op, operands, const)

    def detached(self, out: Value, source: Value) -> None:
        # A replay recomputes it (times 1.0), without a gradient.
        self.recipes[out] = _Recipe(table.MUL_CONST, (source,), 1.0)

    def hooked(self, node: Value) -> None:
        """A hook registered while tracing: refused on a node the trace made."""
        if node._stamp >= self.epoch and node not in self.numbers:
            raise ValueError(
                "jit: a hook was registered on a Value made inside the function being compiled; "
                "replays make no such node, so the hook would never run. Register hooks on the "
                "function's inputs or parameters, or call the function without jit"
            )

    def read_data(self, node: Value) -> None:
        """User code read ``.data``: warn once per line that replays will not follow it."""
        origin = user_origin()
        if origin is None or origin in self._warned:
            return
        self._warned.add(origin)
        warnings.warn(
            f"jit: .data was read at {origin} while tracing; the number read ({node._data!r}) is "
            "fixed into the trace and will not follow the Value on later calls. Compute with "
            "the Value instead (comparisons such as x > 0 are checked on every call).",
            stacklevel=3,
        )

    def wrap_number(self, number: Number) -> Value:
        """A plain-number argument as a Value, so the trace records what is done with it."""
        value = IntArgument(number) if isinstance(number, numbers.Integral) else Value(number)
        self.numbers.append(value)
        return value


class IntArgument(Value):
    """An int argument while tracing: also usable where Python wants an int.

    ``range(n)``, ``xs[k]`` and other uses through ``__index__`` are decisions
    on its number, checked at every replay like ``int(n)``: another ``n``
    traces again. Arithmetic on it is recorded, as on any other argument.
    """

    __slots__ = ()

    def __index__(self) -> int:
        return self._decided("int", None, int(self._data))


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

    Example:
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
    with plugged_in(tracer):
        yield tracer


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
                 isinstance(taken.other, Value), taken.outcome, taken.origin)
        for taken in tracer.decisions
    )
    return Program(
        inputs=tuple(inputs),
        constants=tuple(node._data for node in constants),
        steps=tuple(steps),
        decisions=decisions,
        output=slot[output],
        aux=tuple(slot[node] for node in aux),
    )
