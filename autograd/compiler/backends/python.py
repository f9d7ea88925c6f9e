"""The Python backend: a :class:`Program` written out as straight-line Python, forward and backward.

Every line is one op, made from its row's rules read as source
(:mod:`autograd.rules.source`) and printed as Python
(:mod:`autograd.rules.print_python`): the forward assigns each value to a
local variable; the backward keeps one gradient accumulator per value that
needs one, as a local (``g_t3 = ...`` on first use, ``g_t3 += ...`` after), in
the order the engine's own sweep adds them. Multiplications by 1.0 and
additions of 0.0 are dropped, constants are folded, and no gradient is
computed for plain numbers or for values that reach no input. Each line says
which op it is and where the user's code made it, so the source reads as
backprop written out, and a traceback through it points at the user's line.

A large program in which :func:`~autograd.compiler.repeats.find_repeats`
finds loops (a batch of examples) is written in the loop form of
:mod:`.python_loops` instead, one loop body per repeated run, so its source
is the size of the model rather than of the batch.

Decisions the trace took are checked as soon as the numbers they read are
known; a different decision raises :class:`Diverged` with the decision's
index, and the jit traces again.
"""

from __future__ import annotations

import builtins
import keyword
import linecache
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ...rules.print_python import NAMESPACE, python_text
from ...rules.source import Const, Expr, Name, SourceMath, as_expr
from ..program import Decision, Diverged, JitError, Program, Step, exact_key
from ..repeats import find_repeats
from .protocol import CompiledProgram, one_line, register_backend
from .python_checks import failed_condition
from .python_layout import GRADS, VALUES, Block, Part, lay_out
from .python_loops import LOOPS_FROM_STEPS, generate_loops, worth_looping

__all__ = ["MAX_LINES", "Generated", "PythonBackend", "generate"]

MAX_LINES = 600_000
"""The largest program compiled, in generated lines: about 40,000 nodes of a network; past it a
replay would have to run very often to pay back its compile time (RESULTS.md measures it)."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_GENERATED = re.compile(r"([tpnag]\d+|g_.*)")
# Names a label may not take: generated code calls these (and Python's builtins, int and round among them).
_RESERVED = {
    *NAMESPACE, *dir(builtins), "inputs", "numbers", "saved", VALUES, GRADS, "Diverged", "copysign",
    "forward", "backward",
}


@dataclass(frozen=True)
class Generated:
    """The source of one program, and what its functions take and give.

    Attributes:
        source: ``forward(inputs, numbers) -> (output, saved)`` (``(output, aux,
            saved)`` when the program has aux values) and
            ``backward(saved) -> gradients``, one per Value input, in input order.
        lines: How many lines it has.
    """

    source: str
    lines: int


class PythonBackend:
    """Generated straight-line Python, compiled by CPython: the default backend."""

    name = "python"

    def compile(self, program: Program, *, name: str, title: str, filename: str) -> CompiledProgram:
        """Generate ``program``'s source and compile it, registered so tracebacks show its lines."""
        start = time.perf_counter()
        rest: list[float] = []
        segments = find_repeats(program) if len(program.steps) >= LOOPS_FROM_STEPS else ()
        if worth_looping(program, segments):
            source, rest = generate_loops(program, segments, title)
            generated = Generated(source, source.count("\n"))
        else:
            generated = generate(program, title)
        written = time.perf_counter() - start
        if generated.lines > MAX_LINES:
            raise JitError(
                f"jit: {name} traced to {len(program.steps):,} nodes, "
                f"{generated.lines:,} lines of Python (the limit is {MAX_LINES:,}); compiling "
                "them would cost more than replaying them saves. Trace one example at a time: "
                "jit a function of one example and call it in a loop over the batch"
            )
        code = compile(generated.source, filename, "exec")
        lines = generated.source.splitlines(keepends=True)
        linecache.cache[filename] = (len(generated.source), None, lines, filename)
        namespace: dict[str, Any] = {
            **NAMESPACE, "Diverged": Diverged, "copysign": math.copysign, "__name__": filename, "_REST": rest,
        }
        exec(code, namespace)  # our own generated code
        forward, backward = namespace["forward"], namespace["backward"]
        if program.aux:
            run = forward
        else:
            def run(inputs: Any, numbers: Any) -> tuple[float, tuple[float, ...], Any]:
                output, saved = forward(inputs, numbers)
                return output, (), saved
        return CompiledProgram(run, backward, generated.source, generated.lines, written)


def generate(program: Program, title: str) -> Generated:
    """Write ``program`` as Python source (see the module docstring).

    Args:
        program: The traced program.
        title: A line saying what was traced, for the header comment.
    """
    names = _Names(program)
    forward = _forward(program, names)
    backward = _backward(program, names)
    defined = set(names.all())
    backward_text = "\n".join(line for _, block in backward.statements for line in block)
    saved = [name for name in dict.fromkeys(_IDENTIFIER.findall(backward_text)) if name in defined]
    lines = lay_out(f"# {one_line(title)}", forward, backward, saved)
    return Generated("\n".join(lines) + "\n", len(lines))


class _Names:
    """A readable local name per slot: the user's label where it is one, else ``t3``, ``p0``, ``n1``.

    Constants have no name: they are written as numbers where they are used.
    """

    def __init__(self, program: Program) -> None:
        self._names: dict[int, str] = {}
        self._constants = dict(enumerate(program.constants, start=len(program.inputs)))
        taken: set[str] = set()
        gradients = program.gradient_inputs
        groups: list[tuple[list[tuple[int, str]], str]] = [
            ([(slot, entry.name) for slot, entry in enumerate(program.inputs[:gradients])], "p"),
            ([(gradients + position, entry.name)
              for position, entry in enumerate(program.inputs[gradients:])], "n"),
            ([(program.first_step + position, step.label)
              for position, step in enumerate(program.steps)], "t"),
        ]
        for slots, prefix in groups:
            for position, (slot, hint) in enumerate(slots):
                name = hint if _usable(hint) and hint not in taken else f"{prefix}{position}"
                taken.add(name)
                self._names[slot] = name

        # One expression per slot, made once: a slot is read by every op that uses it.
        self._exprs: dict[int, Expr] = {slot: Name(name) for slot, name in self._names.items()}
        self._exprs.update((slot, Const(number)) for slot, number in self._constants.items())

    def __getitem__(self, slot: int) -> str:
        return self._names[slot]

    def all(self) -> list[str]:
        return list(self._names.values())

    def slots(self) -> list[int]:
        """The slots that have a name (all but the constants)."""
        return list(self._names)

    @property
    def size(self) -> int:
        """How many slots the program has."""
        return len(self._exprs)

    def expr(self, slot: int) -> Expr:
        """The slot as an expression: its name, or its number if it is a constant."""
        return self._exprs[slot]


def _usable(label: str) -> bool:
    return bool(
        _IDENTIFIER.fullmatch(label) and not keyword.iskeyword(label)
        and label not in _RESERVED and not _GENERATED.fullmatch(label)
    )


def _tuple(names: list[str]) -> str:
    return ", ".join(names) + ("," if len(names) == 1 else "")  # "" for none: () once wrapped


def _where(step: Step) -> str:
    made = f" at {step.origin}" if step.origin is not None else ""
    detached = " (no_grad)" if not step.gradient else ""
    return f"# {one_line(f'{step.op.name}{detached}{made}')}"


class _Templates:
    """Each step's text, printed once per shape of step and filled in with names.

    Steps of one op, with the same folded number and the same constant
    operands, print alike but for their operands' names, and a name is an atom
    in any precedence: so the rule is read as source once, on placeholder
    names, and each step fills the placeholders in. The text is exactly what
    printing each step's own tree gives.
    """

    def __init__(self, names: _Names) -> None:
        self._names = names
        # Per slot: its name, or None for a constant; and the constant's exact bits, or None.
        self._name = {slot: names[slot] for slot in names.slots()}
        self._kind = {slot: (None if slot in self._name else exact_key(names.expr(slot).value))
                      for slot in range(names.size)}
        self._forward: dict[Any, str] = {}
        self._backward: dict[Any, tuple[str | float, ...]] = {}

    def _key(self, step: Step) -> tuple[Any, ...]:
        kind = self._kind
        return (id(step.op), exact_key(step.const), tuple([kind[slot] for slot in step.operands]))

    def _filled(self, step: Step) -> list[str]:
        name = self._name
        return [name[slot] for slot in step.operands if slot in name]

    def _placeholders(self, step: Step) -> list[Expr]:
        """The step's operands with each name replaced by a numbered placeholder."""
        operands: list[Expr] = []
        named = 0
        for slot in step.operands:
            if slot in self._name:
                operands.append(Name(f"{{{named}}}"))
                named += 1
            else:
                operands.append(self._names.expr(slot))
        return operands

    def forward(self, step: Step) -> str:
        """The step's value as Python."""
        key = self._key(step)
        template = self._forward.get(key)
        if template is None:
            value = as_expr(step.op.call_forward(SourceMath, self._placeholders(step), step.const))
            template = self._forward[key] = python_text(value)
        return template.format(*self._filled(step))

    def backward(self, step: Step, out: str, grad: Expr) -> tuple[str | float, ...]:
        """Per operand, what the step passes it: Python text, or a number when it folds to one."""
        filled = self._filled(step)
        key = (*self._key(step), exact_key(grad.value) if type(grad) is Const else None)
        terms = self._backward.get(key)
        if terms is None:
            operands = self._placeholders(step)
            out_place = Name(f"{{{len(filled)}}}")
            grad_place = Name(f"{{{len(filled) + 1}}}") if type(grad) is Name else grad
            local = step.op.local(SourceMath, operands, out_place, step.const)
            products = [grad_place * as_expr(derivative) for derivative in local]
            terms = self._backward[key] = tuple(
                product.value if product.value is not None else python_text(product) for product in products
            )
        names = (*filled, out, grad.name if type(grad) is Name else "")
        return tuple([term.format(*names) if isinstance(term, str) else term for term in terms])


# ---------------------------------------------------------------- forward


def _forward(program: Program, names: _Names) -> Part:
    gradients = program.gradient_inputs
    starts = [(names[slot], "unpack inputs") for slot in range(gradients)]
    starts += [(names[slot], "unpack numbers") for slot in range(gradients, len(program.inputs))]
    statements: list[Block] = []
    # Each check is written as soon as the numbers it reads are known: after the step that
    # makes the last of them (or before the first step, if it reads inputs only), in index order.
    ready_after: dict[int, list[tuple[int, Decision]]] = {}
    for index, decision in enumerate(program.decisions):
        needs = [decision.operand, *([decision.other] if decision.other_is_slot else [])]
        ready_after.setdefault(max([-1, *(slot for slot in needs if slot >= program.first_step)]),
                               []).append((index, decision))
    _emit_checks(ready_after.get(-1, ()), names, statements)
    templates = _Templates(names)
    for position, step in enumerate(program.steps):
        slot = program.first_step + position
        name = names[slot]
        statements.append((name, [f"    {name} = {templates.forward(step)}  {_where(step)}"]))
        if slot in ready_after:
            _emit_checks(ready_after[slot], names, statements)
    result = python_text(names.expr(program.output))  # a name, or the number of a constant output
    if program.aux:  # the numbers wanted beside the result come between it and the saved values
        result += f", ({_tuple([python_text(names.expr(slot)) for slot in program.aux])})"
    return Part(statements, starts, result)


def _emit_checks(checks: Iterable[tuple[int, Decision]], names: _Names, statements: list[Block]) -> None:
    """Write these checks (their numbers are all known now)."""
    for index, decision in checks:
        line = f"    if {_failed(decision, names)}: raise Diverged({index})  # {one_line(decision.describe())}"
        statements.append((None, [line]))


def _failed(decision: Decision, names: _Names) -> str:
    """A condition that is true when the replay decides differently from the trace."""
    other = python_text(names.expr(decision.other)) if decision.other_is_slot else None
    return failed_condition(decision, python_text(names.expr(decision.operand)), other)


# ---------------------------------------------------------------- backward


def _backward(program: Program, names: _Names) -> Part:
    """The backward pass: one block per value, skipped while its gradient is exactly 0.

    As in the engine's sweep, a value whose gradient is 0 passes nothing on;
    gradients that are constants (the seed 1.0, a mean's 1/n) are folded in
    rather than kept in variables.
    """
    needs = _needing_gradients(program)
    templates = _Templates(names)
    constant: dict[int, float] = {}  # gradients known while generating
    variable: dict[int, float] = {}  # gradients kept in a local, with its starting value
    statements: list[Block] = []
    if program.output in needs:
        seed = f"    # g_{names[program.output]} = 1.0: the output's gradient with respect to itself"
        statements.append((None, [seed]))
        constant[program.output] = 1.0
    for position in range(len(program.steps) - 1, -1, -1):
        step = program.steps[position]
        slot = program.first_step + position
        if not step.gradient or not any(operand in needs for operand in step.operands):
            continue
        if slot in variable:
            grad: Expr = Name(f"g_{names[slot]}")
            indent = "        "
            header = f"    if g_{names[slot]}:  {_where(step)}"
        elif constant.get(slot, 0.0) != 0.0:
            grad, indent = Const(constant[slot]), "    "
            header = f"    {_where(step)}"
        else:
            continue  # no gradient reached it
        block: list[str] = []
        terms = templates.backward(step, names[slot], grad)
        for operand, term in zip(step.operands, terms, strict=True):
            if operand not in needs:
                continue
            if type(term) is float and operand not in variable:
                constant[operand] = constant.get(operand, 0.0) + term
                continue
            if operand not in variable:
                variable[operand] = constant.pop(operand, 0.0)
            block.append(f"{indent}g_{names[operand]} += {python_text(Const(term)) if type(term) is float else term}")
        if block:  # a block of constants only leaves nothing to write
            statements.append((None, [header, *block]))
    starts = [(f"g_{names[slot]}", python_text(Const(start))) for slot, start in variable.items()]
    gradients = [
        f"g_{names[slot]}" if slot in variable else python_text(Const(constant.get(slot, 0.0)))
        for slot in range(program.gradient_inputs)
    ]
    return Part(statements, starts, f"({_tuple(gradients)})" if gradients else "()")


def _needing_gradients(program: Program) -> set[int]:
    """The Value inputs, and every value that reaches one through steps that pass gradients."""
    needs: set[int] = set(range(program.gradient_inputs))
    for position, step in enumerate(program.steps):
        if step.gradient and any(operand in needs for operand in step.operands):
            needs.add(program.first_step + position)
    return needs


register_backend(PythonBackend())
