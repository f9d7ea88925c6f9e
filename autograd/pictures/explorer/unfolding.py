"""Unfolding jitted calls: a compiled call's one node shown as the program's steps, each with its lines.

A call of a jit-compiled function returns one node whose operands are the
function's inputs. To step through what it computed, :func:`unfold_jitted`
builds the graph the engine would have built: the call's program (its steps,
with ops, operands, folded numbers and the user's file:line) run through the
engine's own ops on the call's inputs, so every value is the engine's. The
user's Values stay the leaves (so names, parameters and their ``.grad`` are
the user's); the plain numbers the call read and the constants it made are
new leaves, named as the generated code names them. Nodes above a jitted
call are built again on the unfolded one; the rest of the graph is kept.

Gradients of the new nodes come from a sweep of their own, into a dict,
seeded with the root's gradient: nothing of the user's is written, and no
hook or interceptor runs. Each new node keeps the lines of generated code its
step made (see :mod:`autograd.compiler.step_lines`, read through the compiled
call's ``step_lines()``), which the page shows beside it.

The explorer names no backend and imports nothing of the compiler: a
compiled call is known by its shape (a node whose folded object has a
``program`` and ``step_lines``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.modes import enable_grad, no_grad
from ...core.origins import Origin
from ...core.sweep import order_under
from ...core.value import Value
from ...custom import apply
from .order import nodes_under

__all__ = ["Unfolded", "unfold_jitted"]


@dataclass(frozen=True)
class Unfolded:
    """A graph with its jitted calls unfolded.

    Attributes:
        root: The output of the unfolded graph (the root itself if nothing was unfolded).
        lines: New node -> what its step wrote (a ``StepLines``: forward and backward lines).
        origins: New node -> the user's line that made its step.
        calls: How many jitted calls were unfolded.
    """

    root: Value
    lines: dict[Value, Any]
    origins: dict[Value, Origin]
    calls: int


def _compiled_call(node: Value) -> Any:
    """The compiled call a node stands for, if it is one that can be unfolded, else None."""
    call = node._const
    if node._op is None or not callable(getattr(call, "step_lines", None)):
        return None
    if getattr(call, "program", None) is None or getattr(call, "inputs", None) is None:
        return None
    return call


def unfold_jitted(root: Value) -> Unfolded:
    """The graph under ``root`` with each jitted call whose code can be read unfolded into its steps."""
    nodes = nodes_under(root)
    read: dict[Any, Any] = {}  # program -> its steps' lines: the calls of one program share them
    steps_of: dict[Value, tuple[Any, Any]] = {}
    for node in nodes:
        call = _compiled_call(node)
        if call is None:
            continue
        if call.program not in read:
            read[call.program] = call.step_lines()
        if read[call.program] is not None:
            steps_of[node] = (call, read[call.program])
    if not steps_of:
        return Unfolded(root, {}, {}, 0)
    made: dict[Value, Value] = {}  # old node -> the node that shows it
    lines: dict[Value, Any] = {}
    origins: dict[Value, Origin] = {}
    fresh: set[Value] = set()
    unfolded = 0
    with enable_grad():
        for node in reversed(nodes):  # operands first
            if node in steps_of:
                call, step_lines = steps_of[node]
                try:
                    out = _replayed(call, step_lines, made, lines, origins, fresh)
                except (ArithmeticError, ValueError):  # not expected (the call ran): shown as one node
                    continue
                if node.label:
                    out.label = node.label
                made[node] = out
                unfolded += 1
            elif node._op is not None and any(made.get(p, p) is not p for p in node._parents):
                out = apply(node._op, [made.get(p, p) for p in node._parents], node._const)
                out.label = node.label
                if node.origin is not None:
                    origins[out] = node.origin
                fresh.add(out)
                made[node] = out
    shown = made.get(root, root)
    for node, grad in _gradients(shown, root.grad).items():
        if node in fresh:
            node.grad = grad
    return Unfolded(shown, lines, origins, unfolded)


def _replayed(
    call: Any, step_lines: Any, made: dict[Value, Value], lines: dict[Value, Any],
    origins: dict[Value, Origin], fresh: set[Value],
) -> Value:
    """One call's program run by the engine's ops; its output."""
    program = call.program
    inputs = [made.get(value, value) for value in call.inputs]
    numbers = [
        Value(number, label=entry.name)
        for number, entry in zip(call.numbers, program.inputs[len(inputs):], strict=True)
    ]
    constants = [Value(number) for number in program.constants]
    fresh.update(numbers)
    fresh.update(constants)
    values: list[Value] = [*inputs, *numbers, *constants]
    for step, written in zip(program.steps, step_lines, strict=True):
        operands = [values[slot] for slot in step.operands]
        if step.gradient:
            out = apply(step.op, operands, step.const)
        else:
            with no_grad():  # as the call computed it: a value passing no gradient back
                out = apply(step.op, operands, step.const)
        out.label = step.label
        lines[out] = written
        if step.origin is not None:
            origins[out] = step.origin
        fresh.add(out)
        values.append(out)
    output: Value = values[program.output]
    return output


def _gradients(root: Value, seed: float) -> dict[Value, float]:
    """d root / d node × ``seed`` for every node under ``root``, adding in the engine's sweep order.

    The engine's sweep, on floats, without hooks or interceptors: gradients of
    0 pass nothing on, and each node adds ``grad × local`` to its operands in
    operand order, so the numbers are the engine's bit for bit.
    """
    grads: dict[Value, float] = {root: seed}
    if root._op is None:
        return grads
    for node in (root, *order_under(root)):
        grad = grads.get(node, 0.0)
        if grad == 0.0:
            continue
        for parent, local in zip(node._parents, node.local_grads(), strict=True):
            grads[parent] = grads.get(parent, 0.0) + grad * local
    return grads
