"""A traced call as a program: its inputs, its steps in order, its decisions.

:func:`program_of` turns the graph a traced call built into a :class:`Program`:

* **inputs** (read at every call, and given gradients): the Value arguments,
  then every node that existed before the call and that the function reached
  (a model's parameters, closed over);
* **numbers** (read at every call, no gradient): the plain-number arguments,
  and the draws of :func:`per_call`;
* **steps**: the nodes the call made, operands first: op nodes, and nodes
  made under ``no_grad`` (recomputed, but passing no gradient back);
* **constants**: leaves the call made itself, whose numbers are fixed.

:meth:`Program.rebuild` runs the program through the ordinary engine (no
user code, so no decisions and no draws are made again): the compiled code
falls back to it wherever IEEE 754 special values or Python's exceptions make
straight-line floats differ from the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from ..core.modes import enable_grad, no_grad
from ..core.value import Value
from ..custom import apply
from ..rules.op import Op
from .tracer import Diverged, Guard, Recipe, Tracer

__all__ = ["Program", "program_of"]


@dataclass(frozen=True, eq=False)
class Step:
    """One node the call made: ``op`` applied to ``operands`` (with ``const``).

    ``gradient`` is False for a node made under ``no_grad``: it is computed
    again on every call, but passes nothing back.
    """

    node: Value
    op: Op
    operands: tuple[Value, ...]
    const: Any
    gradient: bool


@dataclass(frozen=True, eq=False)
class Program:
    """See the module docstring."""

    output: Value
    aux: tuple[Value, ...]
    inputs: tuple[Value, ...]
    numbers: tuple[Value, ...]
    steps: tuple[Step, ...]
    constants: frozenset[Value]
    guards: tuple[Guard, ...]
    drawn: dict[Value, Any]

    def signature(self) -> tuple[Any, ...]:
        """Everything a replay depends on besides input numbers: ops, wiring, constants, decisions.

        Two traces with the same signature compute the same function of their
        inputs; a difference means the traced function used a number that
        changes from call to call (a random draw, a global, a ``.data`` read).
        """
        index = {node: position for position, node in enumerate(self._named())}
        steps = tuple(
            (step.op.name, tuple(index[operand] for operand in step.operands), _plain(step.const), step.gradient)
            for step in self.steps
        )
        constants = tuple(sorted((index[node], node._data) for node in self.constants))
        guards = tuple((guard.kind, index.get(guard.node), _plain(guard.other, index), guard.outcome) for guard in self.guards)
        return steps, constants, guards, index[self.output], tuple(index[node] for node in self.aux)

    def _named(self) -> list[Value]:
        return [*self.inputs, *self.numbers, *sorted(self.constants, key=lambda node: node._data),
                *(step.node for step in self.steps)]

    def rebuild(self, inputs: Sequence[Value], numbers: Sequence[float]) -> tuple[Value, list[Value]]:
        """The program run by the engine on ``inputs`` (Values) and ``numbers``: output and aux Values.

        Raises:
            Diverged: If a decision comes out differently than in the trace.
        """
        values: dict[Value, Any] = dict(zip(self.inputs, inputs, strict=True))
        values.update((node, Value(number)) for node, number in zip(self.numbers, numbers, strict=True))
        values.update((node, node) for node in self.constants)
        with enable_grad():
            for step in self.steps:
                operands = [values[operand] for operand in step.operands]
                if step.gradient:
                    values[step.node] = apply(step.op, operands, step.const)
                else:
                    with no_grad():
                        values[step.node] = apply(step.op, operands, step.const)
        for index, guard in enumerate(self.guards):
            if not guard.holds(values):
                raise Diverged(index)
        return values[self.output], [values[node] for node in self.aux]


def _plain(value: Any, index: dict[Value, int] | None = None) -> Any:
    if isinstance(value, Value):
        return ("value", index.get(value)) if index is not None else ("value",)
    return value


def program_of(
    output: Value, tracer: Tracer, arguments: Sequence[Value], aux: Sequence[Value] = ()
) -> Program:
    """The program of a traced call that returned ``output``.

    Args:
        output: What the traced function returned.
        aux: Values whose numbers the call reports beside it (no gradient).
        tracer: What the trace recorded.
        arguments: The Value arguments, in argument order (they come first among the inputs).
    """
    epoch = tracer.epoch
    arguments = tuple(dict.fromkeys(arguments))
    boundary = set(arguments) | set(tracer.numbers) | set(tracer.drawn)
    externals: dict[Value, None] = {}
    constants: set[Value] = set()
    steps: list[Step] = []
    finished: set[Value] = set()
    # Iterative depth-first post-order over the program's own operands (a
    # no_grad node's operands are those of its recipe), stopping at inputs. The
    # output is walked first, exactly as backward walks it, so gradients add up
    # in the same order; then what only the decisions need.
    decided = [guard.other for guard in tracer.guards if isinstance(guard.other, Value)]
    decided += [guard.node for guard in tracer.guards]
    stack: list[tuple[Value, bool]] = [(node, False) for node in reversed([*aux, *decided])]
    stack.append((output, False))
    while stack:
        node, expanded = stack.pop()
        if node in finished:
            continue
        recipe = tracer.recipes.get(node)
        if node in boundary or (node._stamp < epoch and recipe is None):
            if node not in boundary:
                externals[node] = None
            finished.add(node)
            continue
        if node._op is None and recipe is None:  # a leaf the call made: a constant
            constants.add(node)
            finished.add(node)
            continue
        operands = node._parents if recipe is None else recipe.parents
        if not expanded:
            stack.append((node, True))
            stack.extend((operand, False) for operand in reversed(operands) if operand not in finished)
            continue
        finished.add(node)
        steps.append(_step(node, recipe))
    # Every number stays an input, used or not: per_call draws must be made
    # again in the same order, to consume a generator exactly as the function does.
    numbers = (*tracer.numbers, *tracer.drawn)
    return Program(
        output=output,
        aux=tuple(aux),
        inputs=(*arguments, *externals),
        numbers=numbers,
        steps=tuple(steps),
        constants=frozenset(constants),
        guards=tuple(tracer.guards),
        drawn=dict(tracer.drawn),
    )


def _step(node: Value, recipe: Recipe | None) -> Step:
    if recipe is not None:
        return Step(node, recipe.op, recipe.parents, recipe.const, gradient=False)
    return Step(node, cast(Op, node._op), node._parents, node._const, gradient=True)
