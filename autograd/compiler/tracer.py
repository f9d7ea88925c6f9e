"""Tracing: run a function once on Values and record what a replay must reproduce.

While a trace runs (``state.tracer`` is set for this thread), the engine tells
the :class:`Tracer` about every decision taken on a Value's number (a
comparison, ``bool``, ``float``, ``int``, ``round``: each becomes a
:class:`Guard` with the user's line), every ``.data`` read (which a replay
cannot follow: it is warned about), and every node made under ``no_grad``
(whose recipe the replay recomputes without a gradient). Nodes also remember
their origin, for the comments of the generated code.

Plain-number arguments are wrapped in Values for the trace, so arithmetic on
them is recorded rather than folded into constants: they stay inputs of the
program. An int argument may also index or count (``__index__``), a decision
checked at replay. Random draws that must change from call to call go through
:func:`per_call`.
"""

from __future__ import annotations

import math
import numbers
import operator
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..anomaly import Origin, user_origin
from ..core.modes import state
from ..core.sweep import clock
from ..core.value import Number, Value
from ..rules.op import Op

__all__ = ["Diverged", "Guard", "Recipe", "Tracer", "is_tracing", "per_call"]


class Diverged(Exception):  # a signal, caught by the jit, never shown to users
    """A replay decided differently from its trace; ``args[0]`` is the guard's index."""


@dataclass(frozen=True, eq=False)
class Guard:
    """A decision the traced function took on a Value's number.

    Attributes:
        kind: ``"<"``, ``"<="``, ``">"``, ``">="``, ``"bool"``, ``"float"``,
            ``"int"`` or ``"round"``.
        node: The Value decided on.
        other: The other operand of a comparison (a Value or a number), or
            ``round``'s digits; None otherwise.
        outcome: What the decision gave during the trace.
        origin: The user's line that took it.
    """

    kind: str
    node: Value
    other: Any
    outcome: Any
    origin: Origin | None

    def describe(self) -> str:
        """The decision in the user's terms: ``x > 0.5 was True at train.py:12 (in loss_fn)``."""
        if self.kind in ("<", "<=", ">", ">="):
            other = "a Value" if isinstance(self.other, Value) else repr(self.other)
            text = f"a Value {self.kind} {other} was {self.outcome}"
        elif self.kind == "round":
            text = f"round(a Value, {self.other}) was {self.outcome!r}"
        else:
            text = f"{self.kind}(a Value) was {self.outcome!r}"
        return f"{text} at {self.origin}" if self.origin is not None else text

    def holds(self, values: dict[Value, Any]) -> bool:
        """Whether the decision comes out the same on ``values`` (node -> its Value in a rebuild)."""
        x = values[self.node]._data
        if self.kind in ("<", "<=", ">", ">="):
            y = values[self.other]._data if isinstance(self.other, Value) else self.other
            return bool(_COMPARE[self.kind](x, y)) is self.outcome
        if self.kind == "bool":
            return (x != 0.0) is self.outcome
        if self.kind == "float":
            return bool(x == self.outcome)
        if self.kind == "int":
            return math.isfinite(x) and int(x) == self.outcome
        return math.isfinite(x) and round(x, self.other) == self.outcome


_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass(frozen=True)
class Recipe:
    """How a node made under ``no_grad`` inside a traced function was computed."""

    op: Op
    parents: tuple[Value, ...]
    const: Any


@dataclass
class Tracer:
    """What one traced call recorded (see the module docstring).

    Attributes:
        epoch: The write-clock reading when the trace began: nodes stamped
            before it existed before the call (inputs), the rest were made by it.
        guards: The decisions, in the order they were taken.
        recipes: Nodes made under ``no_grad``, with how to recompute them.
        drawn: Leaves made by :func:`per_call`, with the function that draws them.
        numbers: The Values wrapping plain-number arguments, in argument order.
    """

    epoch: int = 0
    guards: list[Guard] = field(default_factory=list)
    recipes: dict[Value, Recipe] = field(default_factory=dict)
    drawn: dict[Value, Callable[[], Number]] = field(default_factory=dict)
    numbers: list[Value] = field(default_factory=list)
    _warned: set[Origin | None] = field(default_factory=set)

    def decided(self, kind: str, node: Value, other: Any, outcome: Any) -> None:
        """Called by the engine when a decision is taken on ``node``'s number."""
        self.guards.append(Guard(kind, node, other, outcome, user_origin()))

    def made_without_graph(self, node: Value, op: Op, parents: tuple[Value, ...], const: Any) -> None:
        """Called by the engine for a node made under ``no_grad`` while tracing."""
        self.recipes[node] = Recipe(op, parents, const)

    def hooked(self, node: Value) -> None:
        """Called when a hook is registered while tracing: refused on a node the trace made."""
        if node._stamp >= self.epoch and node not in self.numbers:
            raise ValueError(
                "jit: a hook was registered on a Value made inside the function being compiled; "
                "replays make no such node, so the hook would never run. Register hooks on the "
                "function's inputs or parameters, or call the function without jit"
            )

    def read_data(self, node: Value) -> None:
        """Called when user code reads ``.data``: warn once per line that replays will not follow it."""
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
    return state.tracer is not None


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
    tracer = state.tracer
    if tracer is None:
        return float(number)
    value = Value(number)
    tracer.drawn[value] = draw
    return value


def begin(tracer: Tracer) -> None:
    """Start tracing in this thread: everything made from now on belongs to the trace."""
    clock.now += 1
    tracer.epoch = clock.now
    state.set_tracer(tracer)


def end() -> None:
    """Stop tracing in this thread."""
    state.set_tracer(None)
