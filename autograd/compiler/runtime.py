"""Running generated code: compiling it, and the node a compiled call returns.

A compiled call returns an ordinary Value: one node whose operands are the
program's inputs (the Value arguments and the Values the function reached)
and whose local derivatives are what the generated backward computes. So
``backward``, ``grad``, accumulation into ``.grad``, hooks and the stale-graph
check all work as for any node, with nothing special in the engine.

Straight-line floats differ from the engine where Python raises (``log(0)``)
or IEEE special values appear; there the call falls back to
:meth:`Program.rebuild`, the program run by the engine, so a compiled call
never gives a result the engine would not.
"""

from __future__ import annotations

import linecache
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.value import Value, record
from ..functional import grad
from ..rules.floats import IEEE_MATH, FloatMath
from ..rules.op import VARIADIC, Op
from ..rules.source import NAMESPACE
from .program import Program
from .tracer import Diverged

__all__ = ["COMPILED", "Call", "Compiled", "compile_source"]


@dataclass(frozen=True, eq=False)
class Compiled:
    """A program's generated functions."""

    program: Program
    forward: Callable[[Sequence[float], Sequence[float]], Any]
    backward: Callable[[tuple[float, ...]], tuple[float, ...]]
    filename: str


def compile_source(program: Program, source: str, filename: str) -> Compiled:
    """Compile generated ``source`` under ``filename``, registered so tracebacks show its lines."""
    code = compile(source, filename, "exec")
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace: dict[str, Any] = {**NAMESPACE, "Diverged": Diverged, "__name__": filename}
    exec(code, namespace)  # our own generated code
    return Compiled(program, namespace["forward"], namespace["backward"], filename)


@dataclass(eq=False)
class Call:
    """One compiled call, kept in its result node until its backward runs.

    Attributes:
        compiled: The program that ran.
        inputs: The input Values of this call (its node's operands).
        numbers: The plain numbers of this call.
        saved: What the generated backward reads, or None when the call fell
            back to the engine (``rebuilt`` then holds its graph).
    """

    compiled: Compiled
    inputs: tuple[Value, ...]
    numbers: tuple[float, ...]
    saved: tuple[float, ...] | None
    rebuilt: tuple[Value, list[Value], tuple[Value, ...]] | None = field(default=None)

    def gradients(self, F: Any) -> tuple[float, ...]:
        """d output / d input for each input, on floats."""
        if F is not FloatMath and F is not IEEE_MATH:
            raise TypeError(
                "grad(create_graph=True) cannot differentiate through a jit-compiled call: "
                "its backward is generated float code; call the function without jit for "
                "higher derivatives"
            )
        if self.saved is not None:
            try:
                gradients = self.compiled.backward(self.saved)
                if math.isfinite(math.fsum(gradients)):
                    return gradients
            except (ArithmeticError, ValueError):
                pass
        return self._engine_gradients()

    def _engine_gradients(self) -> tuple[float, ...]:
        if self.rebuilt is None:
            self.rebuilt = rebuild(self.compiled.program, self.inputs, self.numbers)
        output, _, leaves = self.rebuilt
        return tuple(g._data for g in grad(output, leaves))


def rebuild(
    program: Program, inputs: Sequence[Value], numbers: Sequence[float]
) -> tuple[Value, list[Value], tuple[Value, ...]]:
    """The program run by the engine on fresh leaves holding ``inputs``' numbers: output, aux, leaves."""
    leaves = tuple(Value(value._data) for value in inputs)
    output, aux = program.rebuild(leaves, numbers)
    return output, aux, leaves


def _forward_unused(F: Any, xs: Sequence[Any], c: Call) -> Any:
    raise TypeError("a jit-compiled call's node is made by the compiled function, not applied")


def _rule(F: Any, xs: Sequence[Any], out: Any, c: Call) -> tuple[Any, ...]:
    return c.gradients(F)


COMPILED = Op(
    "jit", "jit", VARIADIC, _forward_unused, _rule,
    doc="A call of a jit-compiled function: its operands are the function's inputs.",
    caption=lambda c, number: "jit",
)
"""The row of a compiled call's node (not in the table: it is made only by jit)."""


def run(
    compiled: Compiled, inputs: tuple[Value, ...], numbers: tuple[float, ...]
) -> tuple[Value, tuple[float, ...]]:
    """Run ``compiled`` on this call's inputs: the output node and the aux numbers.

    Raises:
        Diverged: If a decision comes out differently than in the trace.
    """
    data = [value._data for value in inputs]
    call = Call(compiled, inputs, numbers, None)
    try:
        if compiled.program.aux:
            output, aux, saved = compiled.forward(data, numbers)
        else:
            (output, saved), aux = compiled.forward(data, numbers), ()
        if math.isfinite(output):
            call.saved = saved
            return record(COMPILED, inputs, output, call), aux
    except (ArithmeticError, ValueError):
        pass
    call.rebuilt = rebuild(compiled.program, inputs, numbers)
    rebuilt, aux_values, _ = call.rebuilt
    return record(COMPILED, inputs, rebuilt._data, call), tuple(value._data for value in aux_values)
