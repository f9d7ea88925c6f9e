"""A traced call as a program: plain data that backends compile and tools read.

A :class:`Program` numbers every value it computes with by a *slot*: first
its inputs, then its constants, then one slot per step, in order. A step
reads earlier slots only, so walking ``steps`` in order computes the forward
pass; walking them backwards, with each step's row of the derivative table,
computes the backward pass. Nothing in a program refers to a live graph, so
a backend needs no private attribute of the engine to read one.

* **inputs** (read at every call): the Value arguments and the Values the
  function reached without being given them (a model's parameters) receive
  gradients; the plain-number arguments and :func:`~autograd.per_call` draws
  do not. Value inputs come first.
* **constants**: numbers the function made itself (``Value(0.0)``), fixed.
* **steps**: op nodes, operands first; a step made under ``no_grad`` is
  computed again at every call but passes no gradient back.
* **decisions**: what the function decided on numbers while it was traced
  (a comparison, ``bool``, ``int``...); a replay checks each, and raises
  :class:`Diverged` when one comes out differently.
* **output** and **aux**: the slots the call returns.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..core.origins import Origin
from ..core.value import RAISED, Value
from ..rules.op import DotConst, Op

__all__ = ["RAISED", "Decision", "Diverged", "Input", "JitError", "Program", "Step", "bits_of", "exact_key", "same_bits"]

InputKind = Literal["argument", "reached", "number", "drawn"]


class JitError(ValueError):
    """A function cannot be compiled faithfully; the message says why and what to do."""


class Diverged(Exception):
    """A replay decided differently from its trace; ``args[0]`` is the decision's index.

    Raised by compiled code (every backend), caught by the jit, which traces
    again; never shown to users.
    """


@dataclass(frozen=True, eq=False)
class Input:
    """A number a program reads at every call.

    Attributes:
        kind: ``"argument"`` (a Value argument) or ``"reached"`` (a Value the
            function reached, such as a parameter): both receive gradients;
            ``"number"`` (a plain-number argument) or ``"drawn"`` (a
            ``per_call`` draw): no gradient.
        name: A readable name: the Value's label, or the argument's name and
            place (``xs_3_1``); may be empty.
        value: For ``"reached"``, the Value whose number is read at every call.
        draw: For ``"drawn"``, the function that draws the number at every call.
    """

    kind: InputKind
    name: str
    value: Value | None = None
    draw: Callable[[], float] | None = None

    @property
    def gradient(self) -> bool:
        """Whether this input receives a gradient."""
        return self.kind in ("argument", "reached")


@dataclass(frozen=True, eq=False)
class Step:
    """One value the program computes: ``op`` applied to the values in ``operands`` (slots).

    Attributes:
        op: The row of the derivative table.
        operands: The slots it reads, in operand order.
        const: The plain number folded into the node (``DotConst`` for ``dot``), or None.
        gradient: False for a value made under ``no_grad``: computed at every
            call, passing nothing back.
        origin: The user's line that made it, or None.
        label: The Value's label, if it had one.
    """

    op: Op
    operands: tuple[int, ...]
    const: Any
    gradient: bool
    origin: Origin | None
    label: str


_COMPARE = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
    "!=": operator.ne,
}


def same_bits(a: float, b: float) -> bool:
    """Whether two floats are the same number bit for bit (-0.0 is not 0.0; any NaN is any NaN)."""
    if a != a:
        return b != b
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


@dataclass(frozen=True, eq=False)
class Decision:
    """A decision the traced function took on a number.

    Attributes:
        kind: A comparison (``"<"``, ``"<="``, ``">"``, ``">="``, ``"=="``,
            ``"!="``), ``"bool"``, ``"float"`` (a Value's number read as a
            float, or its ``.data``), ``"exact"`` (a number argument used as
            its exact number: an index, a dict key, ``str``), ``"int"`` or
            ``"round"``. ``float``, ``exact`` and a ``round`` to a float hold
            bit for bit: ``-0.0`` is not ``0.0``, NaN is NaN.
        operand: The slot decided on.
        other: For a comparison, the other side: a slot (``other_is_slot``)
            or a number; for ``round``, its digits; for ``exact``, the number
            as the function saw it (an int stays an int); otherwise None.
        other_is_slot: Whether ``other`` is a slot.
        outcome: What the decision gave during the trace; :data:`RAISED` for
            an ``int`` or ``round`` that raised.
        origin: The user's line that took it.
        use: For ``exact``, how the number was used (``"converted by
            float()"``, :data:`~.traced_number.INDEX_USE`...); else empty.
    """

    kind: str
    operand: int
    other: Any
    other_is_slot: bool
    outcome: Any
    origin: Origin | None
    use: str = ""

    def describe(self) -> str:
        """The decision in the user's terms: ``a Value > 0.5 was True at train.py:12 (in loss_fn)``."""
        if self.kind in _COMPARE:
            other = "a Value" if self.other_is_slot else repr(self.other)
            text = f"a Value {self.kind} {other} was {self.outcome}"
        elif self.kind == "exact":
            kind = type(self.other).__name__
            how = f" {self.use}" if self.use else " used as its exact number"
            text = f"{'an' if kind == 'int' else 'a'} {kind} argument{how}, {self.other!r} when traced,"
        elif self.outcome == RAISED:
            digits = f", {self.other}" if self.kind == "round" else ""
            text = f"{self.kind}(a Value{digits}) raised"
        elif self.kind == "round":
            text = f"round(a Value, {self.other}) was {self.outcome!r}"
        else:
            text = f"{self.kind}(a Value) was {self.outcome!r}"
        return f"{text} at {self.origin}" if self.origin is not None else text

    def holds(self, numbers: Sequence[float]) -> bool:
        """Whether the decision comes out the same on ``numbers`` (one per slot)."""
        x = numbers[self.operand]
        if self.kind in _COMPARE:
            y = numbers[self.other] if self.other_is_slot else self.other
            return bool(_COMPARE[self.kind](x, y)) is self.outcome
        if self.kind == "bool":
            return (x != 0.0) is self.outcome
        if self.kind in ("float", "exact"):
            return same_bits(x, self.outcome)
        if self.outcome == RAISED:
            return not math.isfinite(x)
        if not math.isfinite(x):
            return False
        if self.kind == "int":
            return bool(int(x) == self.outcome)
        rounded = round(x, self.other)
        if type(rounded) is float:
            return same_bits(rounded, self.outcome)
        return bool(rounded == self.outcome)


@dataclass(frozen=True, eq=False)
class Program:
    """See the module docstring.

    Attributes:
        inputs: One per input slot (slots ``0 .. len(inputs) - 1``), Value inputs first.
        constants: The constants' numbers (the slots after the inputs).
        steps: One per remaining slot, in order.
        decisions: In the order they were taken.
        output: The slot the call returns.
        aux: The slots whose numbers the call reports beside it (``has_aux``).
        graph_inputs: The Value inputs (by slot) that the output's graph
            holds, as the uncompiled function's graph would: a compiled
            call's node has them as operands, and the others (read only for
            a decision, or under ``no_grad``) not. None for all of them.
    """

    inputs: tuple[Input, ...]
    constants: tuple[float, ...]
    steps: tuple[Step, ...]
    decisions: tuple[Decision, ...]
    output: int
    aux: tuple[int, ...]
    graph_inputs: tuple[int, ...] | None = None

    @property
    def first_step(self) -> int:
        """The slot of the first step (after the inputs and the constants)."""
        return len(self.inputs) + len(self.constants)

    @property
    def gradient_inputs(self) -> int:
        """How many inputs receive gradients (they come first)."""
        return sum(1 for entry in self.inputs if entry.gradient)

    def structure(self) -> tuple[Any, ...]:
        """Everything a replay computes with besides input numbers: ops, wiring, constants, decisions.

        Two traces with the same structure compute the same function of their
        inputs, bit for bit (constants are compared by their bits, so 0.0 and
        -0.0 differ); a difference means the traced function used a number
        that changes from call to call (a random draw, a global, a ``.data`` read).
        """
        inputs = tuple(entry.kind for entry in self.inputs)
        constants = tuple(bits_of(number) for number in self.constants)
        steps = tuple((step.op, step.operands, bits_of(step.const), step.gradient) for step in self.steps)
        return inputs, constants, steps, self.decision_outcomes(), self.output, self.aux

    def decision_outcomes(self) -> tuple[Any, ...]:
        """The decisions alone, as :meth:`structure` compares them: which traces share a pattern."""
        return tuple(
            (d.kind, d.operand, bits_of(d.other), d.other_is_slot, bits_of(d.outcome)) for d in self.decisions
        )


def bits_of(value: Any) -> Any:
    """``value`` with every float replaced by its exact bits (so -0.0, 0.0 and NaNs compare as written)."""
    if type(value) is float:
        return ("float", value.hex())
    if isinstance(value, tuple):
        return (type(value).__name__, tuple(bits_of(item) for item in value))
    return value


def exact_key(value: Any) -> Any:
    """``value`` as a dict key that tells numbers apart by their bits (0.0 from -0.0, 2 from 2.0; NaNs alike).

    What backends group steps by (op, folded number, constant operands). Cheaper
    than :func:`bits_of` where it can be: a float other than a zero or a NaN is its own key.
    """
    kind = type(value)
    if kind is float:
        return value.hex() if value == 0.0 or value != value else value
    if kind is DotConst:
        coefficients = value.coefficients
        if 0.0 in coefficients or any(number != number for number in coefficients):
            coefficients = tuple([exact_key(number) for number in coefficients])
        return (value.pairs, coefficients, exact_key(value.start))
    if isinstance(value, tuple):
        return tuple([exact_key(item) for item in value])
    return (kind, value)
