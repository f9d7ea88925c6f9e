"""Running a compiled program, and the node a compiled call returns.

A compiled call returns an ordinary Value: one node whose operands are the
program's Value inputs (the Value arguments and the Values the function
reached) and whose local derivatives are what the backend's backward
computes. So ``backward``, ``grad``, accumulation into ``.grad``, hooks and
the stale-graph check all work as for any node, with nothing special in the
engine.

Straight-line floats differ from the engine where Python raises (``log(0)``)
or IEEE special values appear; there the call falls back to
:func:`replay_on_engine`, the program run by the engine itself, so a compiled
call never gives a result the engine would not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.modes import enable_grad, no_grad
from ..core.value import Value, record
from ..custom import apply
from ..functional import grad
from ..rules.floats import IEEE_MATH, FloatMath
from ..rules.op import VARIADIC, Op
from .backends import CompiledProgram
from .program import Diverged, Program
from .step_lines import StepLines, lines_of_steps

__all__ = ["COMPILED", "CompiledCall", "replay_on_engine", "run"]


def replay_on_engine(
    program: Program, inputs: Sequence[Value], numbers: Sequence[float]
) -> tuple[Value, list[Value]]:
    """``program`` run by the engine on ``inputs`` (its Value inputs) and ``numbers``: output and aux Values.

    No user code runs, so no decision and no draw is made again.

    Raises:
        Diverged: If a decision comes out differently than in the trace.
    """
    values: list[Value] = [*inputs, *(Value(number) for number in numbers)]
    values += [Value(number) for number in program.constants]
    with enable_grad():
        for step in program.steps:
            operands = [values[slot] for slot in step.operands]
            if step.gradient:
                values.append(apply(step.op, operands, step.const))
            else:
                with no_grad():
                    values.append(apply(step.op, operands, step.const))
    numbers_by_slot = [value._data for value in values]
    for index, decision in enumerate(program.decisions):
        if not decision.holds(numbers_by_slot):
            raise Diverged(index)
    return values[program.output], [values[slot] for slot in program.aux]


@dataclass(eq=False)
class CompiledCall:
    """One compiled call, kept in its result node until its backward runs.

    Attributes:
        compiled: What ran.
        program: The program it was compiled from.
        inputs: The Value inputs of this call (its node's operands are those of
            ``program.graph_inputs``).
        numbers: The plain numbers of this call.
        saved: What the compiled backward reads, or None when the call fell
            back to the engine (``replayed`` then holds its graph).
    """

    compiled: CompiledProgram
    program: Program
    inputs: tuple[Value, ...]
    numbers: tuple[float, ...]
    saved: Any
    replayed: tuple[Value, list[Value], tuple[Value, ...]] | None = field(default=None)

    def step_lines(self) -> tuple[StepLines, ...] | None:
        """Per step of the program, the lines of the generated code it made (None where unreadable).

        What the graph explorer shows beside each step of an unfolded call (see :mod:`.step_lines`).
        """
        return lines_of_steps(self.program, self.compiled.source)

    def gradients(self, F: Any) -> tuple[float, ...]:
        """d output / d input for each Value input, on floats."""
        if F is not FloatMath and F is not IEEE_MATH:
            raise TypeError(
                "grad(create_graph=True) cannot differentiate through a jit-compiled call: "
                "its backward is compiled float code; call the function without jit for "
                "higher derivatives"
            )
        if self.saved is not None:
            try:
                gradients = tuple(self.compiled.backward(self.saved))
                if math.isfinite(math.fsum(gradients)):
                    return self._of_operands(gradients)
            except (ArithmeticError, ValueError):
                pass
        return self._of_operands(self._engine_gradients())

    def _of_operands(self, gradients: tuple[float, ...]) -> tuple[float, ...]:
        """Of one gradient per Value input, those of the node's operands."""
        selected = self.program.graph_inputs
        return gradients if selected is None else tuple(gradients[i] for i in selected)

    def _engine_gradients(self) -> tuple[float, ...]:
        if self.replayed is None:
            self.replayed = _replayed(self.program, self.inputs, self.numbers)
        output, _, leaves = self.replayed
        return tuple(g._data for g in grad(output, leaves))


def _replayed(
    program: Program, inputs: Sequence[Value], numbers: Sequence[float]
) -> tuple[Value, list[Value], tuple[Value, ...]]:
    """The program run by the engine on fresh leaves holding ``inputs``' numbers: output, aux, leaves."""
    leaves = tuple(Value(value._data) for value in inputs)
    output, aux = replay_on_engine(program, leaves, numbers)
    return output, aux, leaves


def _forward_unused(F: Any, xs: Sequence[Any], c: CompiledCall) -> Any:
    raise TypeError("a jit-compiled call's node is made by the compiled function, not applied")


def _rule(F: Any, xs: Sequence[Any], out: Any, c: CompiledCall) -> tuple[Any, ...]:
    return c.gradients(F)


COMPILED = Op(
    "jit", "jit", VARIADIC, _forward_unused, _rule,
    doc="A call of a jit-compiled function: its operands are the function's inputs.",
    caption=lambda c, number: "jit",
)
"""The row of a compiled call's node (not in the table: it is made only by jit)."""


def run(
    compiled: CompiledProgram, program: Program, inputs: tuple[Value, ...], numbers: tuple[float, ...]
) -> tuple[Value, tuple[float, ...]]:
    """Run ``compiled`` on this call's inputs: the output node and the aux numbers.

    Raises:
        Diverged: If a decision comes out differently than in the trace.
    """
    data = [value._data for value in inputs]
    call = CompiledCall(compiled, program, inputs, numbers, None)
    operands = inputs  # the node's: without the Values read only for a decision or under no_grad
    if program.graph_inputs is not None:
        operands = tuple(inputs[i] for i in program.graph_inputs)
    try:
        output, aux, saved = compiled.run(data, numbers)
        if math.isfinite(output):
            call.saved = saved
            return record(COMPILED, operands, output, call), aux
    except (ArithmeticError, ValueError):
        pass
    call.replayed = _replayed(program, inputs, numbers)
    replayed, aux_values, _ = call.replayed
    return record(COMPILED, operands, replayed._data, call), tuple(value._data for value in aux_values)
