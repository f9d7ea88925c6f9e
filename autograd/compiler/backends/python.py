"""Generated code: a :class:`Program` written out as straight-line Python, forward and backward.

Every line is one op, made from its row's rules read as source
(:mod:`autograd.rules.source`): the forward assigns each node to a local variable;
the backward keeps one gradient accumulator per node that needs one, as a
local (``g_t3 = ...`` on first use, ``g_t3 += ...`` after), in the order the
engine's own sweep adds them. Multiplications by 1.0 and additions of 0.0 are
dropped, constants are folded, and no gradient is computed for plain numbers
or for nodes that reach no input. Each line says which op it is and where the
user's code made it, so the source reads as backprop written out, and a
traceback through it points at the user's line.

Decisions the trace took (guards) are checked as soon as the numbers they
read are known; a different decision raises :class:`Diverged` with the
guard's index, and the caller traces again.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ...core.value import Value
from ...rules.source import NAMESPACE, Expr, SourceMath, as_expr
from ..program import Program, Step
from ..tracer import Guard
from .python_layout import GRADS, VALUES, Block, Part, lay_out

__all__ = ["Generated", "generate"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_GENERATED = re.compile(r"([tpnag]\d+|g_.*)")
# Names a label may not take: generated code calls these (and Python's builtins, int and round among them).
_RESERVED = {*NAMESPACE, *dir(builtins), "inputs", "numbers", "saved", VALUES, GRADS, "Diverged", "forward", "backward"}


@dataclass(frozen=True)
class Generated:
    """The source of one program, and what its functions take and give.

    Attributes:
        source: ``forward(inputs, numbers) -> (output, saved)`` (``(output, aux,
            saved)`` when the program has aux values) and
            ``backward(saved) -> gradients``, one per input, in input order.
        lines: How many lines it has.
    """

    source: str
    lines: int


def generate(program: Program, title: str, number_names: Iterable[str] = ()) -> Generated:
    """Write ``program`` as Python source (see the module docstring).

    Args:
        program: The traced program.
        title: A line saying what was traced, for the header comment.
        number_names: Names for the plain-number inputs (e.g. from the
            argument's name and position), in order; missing ones are ``n0``, ``n1``…
    """
    names = _Names(program, list(number_names))
    forward = _forward(program, names)
    backward = _backward(program, names)
    defined = {names[node] for node in (*program.inputs, *program.numbers, *(s.node for s in program.steps))}
    backward_text = "\n".join(line for _, block in backward.statements for line in block)
    saved = [name for name in dict.fromkeys(_IDENTIFIER.findall(backward_text)) if name in defined]
    lines = lay_out(f"# {title}", forward, backward, saved)
    return Generated("\n".join(lines) + "\n", len(lines))


class _Names:
    """A readable local name per node: the user's label where it is one, else ``t3``, ``p0``, ``n1``."""

    def __init__(self, program: Program, number_names: list[str]) -> None:
        self._names: dict[Value, str] = {}
        taken: set[str] = set()
        groups = [
            (program.inputs, "p", []),
            (program.numbers, "n", number_names),
            ([step.node for step in program.steps], "t", []),
        ]
        for nodes, prefix, hints in groups:
            for position, node in enumerate(nodes):
                hint = hints[position] if position < len(hints) else node.label
                name = hint if _usable(hint) and hint not in taken else f"{prefix}{position}"
                taken.add(name)
                self._names[node] = name

    def __getitem__(self, node: Value) -> str:
        return self._names[node]

    def __contains__(self, node: Value) -> bool:
        return node in self._names

    def expr(self, node: Value) -> Expr:
        """The node as an expression: its name, or its number if it is a constant."""
        name = self._names.get(node)
        return Expr(name) if name is not None else Expr.constant(node._data)


def _usable(label: str) -> bool:
    return bool(
        _IDENTIFIER.fullmatch(label) and not keyword.iskeyword(label)
        and label not in _RESERVED and not _GENERATED.fullmatch(label)
    )


def _tuple(names: list[str]) -> str:
    return ", ".join(names) + ("," if len(names) == 1 else "")  # "" for none: () once wrapped


def _where(step: Step) -> str:
    origin = step.node.origin
    made = f" at {origin}" if origin is not None else ""
    detached = " (no_grad)" if not step.gradient else ""
    return f"# {step.op.name}{detached}{made}"


# ---------------------------------------------------------------- forward


def _forward(program: Program, names: _Names) -> Part:
    starts = [(names[node], "unpack inputs") for node in program.inputs]
    starts += [(names[node], "unpack numbers") for node in program.numbers]
    statements: list[Block] = []
    known = {*program.inputs, *program.numbers, *program.constants}
    pending = _emit_guards(list(enumerate(program.guards)), known, names, statements)
    for step in program.steps:
        operands = [names.expr(operand) for operand in step.operands]
        value = as_expr(step.op.call_forward(SourceMath, operands, step.const))
        name = names[step.node]
        statements.append((name, [f"    {name} = {value.text}  {_where(step)}"]))
        known.add(step.node)
        pending = _emit_guards(pending, known, names, statements)
    result = names.expr(program.output).text  # a name, or the number of a constant output
    if program.aux:  # the numbers wanted beside the result come between it and the saved values
        result += f", ({_tuple([names.expr(node).text for node in program.aux])})"
    return Part(statements, starts, result)


def _emit_guards(
    pending: list[tuple[int, Guard]], known: set[Value], names: _Names, statements: list[Block]
) -> list[tuple[int, Guard]]:
    """Write the checks whose numbers are all known now; return the others."""
    waiting = []
    for index, guard in pending:
        needs = [guard.node, *([guard.other] if isinstance(guard.other, Value) else [])]
        if all(node in known for node in needs):
            line = f"    if {_failed(guard, names)}: raise Diverged({index})  # {guard.describe()}"
            statements.append((None, [line]))
        else:
            waiting.append((index, guard))
    return waiting


def _failed(guard: Guard, names: _Names) -> str:
    """A condition that is true when the replay decides differently from the trace."""
    value = names.expr(guard.node).text
    if guard.kind in ("<", "<=", ">", ">="):
        other = names.expr(guard.other).text if isinstance(guard.other, Value) else repr(float(guard.other))
        test = f"{value} {guard.kind} {other}"
        return f"not ({test})" if guard.outcome else test
    if guard.kind == "bool":
        return f"{value} == 0.0" if guard.outcome else f"{value} != 0.0"
    if guard.kind == "float":
        return f"{value} != {Expr.constant(guard.outcome).text}"
    if guard.kind == "int":
        return f"int({value}) != {guard.outcome!r}"
    return f"round({value}, {guard.other!r}) != {guard.outcome!r}"


# ---------------------------------------------------------------- backward


def _backward(program: Program, names: _Names) -> Part:
    """The backward pass: one block per node, skipped while its gradient is exactly 0.

    As in the engine's sweep, a node whose gradient is 0 passes nothing on;
    gradients that are constants (the seed 1.0, a mean's 1/n) are folded in
    rather than kept in variables.
    """
    needs = _needing_gradients(program)
    constant: dict[Value, float] = {}  # gradients known while generating
    variable: dict[Value, float] = {}  # gradients kept in a local, with its starting value
    statements: list[Block] = []
    if program.output in needs:
        seed = f"    # g_{names[program.output]} = 1.0: the output's gradient with respect to itself"
        statements.append((None, [seed]))
        constant[program.output] = 1.0
    for step in reversed(program.steps):
        node = step.node
        if not step.gradient or not any(operand in needs for operand in step.operands):
            continue
        if node in variable:
            grad, indent = Expr(f"g_{names[node]}"), "        "
            header = f"    if g_{names[node]}:  {_where(step)}"
        elif constant.get(node, 0.0) != 0.0:
            grad, indent = Expr.constant(constant[node]), "    "
            header = f"    {_where(step)}"
        else:
            continue  # no gradient reached it
        block: list[str] = []
        local = step.op.local(SourceMath, [names.expr(o) for o in step.operands], Expr(names[node]), step.const)
        for operand, derivative in zip(step.operands, local, strict=True):
            if operand not in needs:
                continue
            term = grad * as_expr(derivative)
            if term.value is not None and operand not in variable:
                constant[operand] = constant.get(operand, 0.0) + term.value
                continue
            if operand not in variable:
                variable[operand] = constant.pop(operand, 0.0)
            block.append(f"{indent}g_{names[operand]} += {term.text}")
        if block:  # a block of constants only leaves nothing to write
            statements.append((None, [header, *block]))
    starts = [(f"g_{names[node]}", Expr.constant(start).text) for node, start in variable.items()]
    gradients = [
        f"g_{names[node]}" if node in variable else Expr.constant(constant.get(node, 0.0)).text
        for node in program.inputs
    ]
    return Part(statements, starts, f"({_tuple(gradients)})" if gradients else "()")


def _needing_gradients(program: Program) -> set[Value]:
    """The inputs, and every node that reaches one through steps that pass gradients."""
    needs: set[Value] = set(program.inputs)
    for step in program.steps:
        if step.gradient and any(operand in needs for operand in step.operands):
            needs.add(step.node)
    return needs
