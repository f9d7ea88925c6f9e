"""The Python backend's loop form: a program with repeated runs written as ``for`` loops.

Used for large programs in which :func:`~autograd.compiler.repeats.find_repeats`
finds loops that shorten the source enough (:data:`LOOPS_FROM_STEPS`): a
batch of examples is then one loop over one example's lines, so the source,
its compile time and its memory stay the size of the model whatever the
batch. Values live in one list, ``v``, indexed by slot (inputs, numbers and
constants first); a loop's body keeps the values of its own iteration in
locals too, and reads the rest from ``v``, at indices that move by a constant
per iteration. The backward keeps one list of gradients, ``g``, and walks the
steps in reverse, loop iterations included, adding each step's terms in the
order the straight-line form adds them: the same expressions, the same order
of additions, so the same bits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...rules.print_python import python_text
from ...rules.source import Const, Expr, Name, SourceMath, as_expr
from ..program import Program, Step, exact_key
from ..repeats import Segment, checks_after, gradient_needs
from .protocol import one_line
from .python_checks import failed_condition

__all__ = ["LOOPS_FROM_STEPS", "generate_loops", "worth_looping"]

LOOPS_FROM_STEPS = 500
"""The fewest steps a program has before the loop form is considered; smaller ones stay straight-line."""


def worth_looping(program: Program, segments: Sequence[Segment]) -> bool:
    """Whether the loop form writes at most half the steps the straight-line form writes."""
    steps = len(program.steps)
    return (
        steps >= LOOPS_FROM_STEPS and sum(s.steps for s in segments) == steps
        and 2 * sum(s.length for s in segments) <= steps
    )


class _Templates:
    """Each step's forward and backward text, printed once per shape and filled in with operand texts.

    An operand text is a local name or a subscript of ``v``: both are atoms in
    Python's precedence, so substituting one for a placeholder prints what
    printing the step's own tree would.
    """

    def __init__(self, program: Program) -> None:
        self._constants = dict(enumerate(program.constants, start=len(program.inputs)))
        self._forward: dict[Any, str] = {}
        self._backward: dict[Any, tuple[str | float, ...]] = {}

    def _key(self, step: Step) -> Any:
        constants = self._constants
        return (id(step.op), exact_key(step.const),
                tuple([exact_key(constants[o]) if o in constants else None for o in step.operands]))

    def _placeholders(self, step: Step) -> list[Expr]:
        operands: list[Expr] = []
        named = 0
        for slot in step.operands:
            if slot in self._constants:
                operands.append(Const(self._constants[slot]))
            else:
                operands.append(Name(f"{{{named}}}"))
                named += 1
        return operands

    def forward(self, step: Step, texts: Sequence[str]) -> str:
        key = self._key(step)
        template = self._forward.get(key)
        if template is None:
            value = as_expr(step.op.call_forward(SourceMath, self._placeholders(step), step.const))
            template = self._forward[key] = python_text(value)
        return template.format(*texts)

    def backward(self, step: Step, texts: Sequence[str], out: str) -> tuple[str | float, ...]:
        """Per operand, ``grad`` times its local derivative: text, or a number where it folds to one."""
        key = self._key(step)
        terms = self._backward.get(key)
        if terms is None:
            operands = self._placeholders(step)
            named = sum(1 for slot in step.operands if slot not in self._constants)
            local = step.op.local(SourceMath, operands, Name(f"{{{named}}}"), step.const)
            products = [Name("grad") * as_expr(derivative) for derivative in local]
            terms = self._backward[key] = tuple(
                product.value if product.value is not None else python_text(product) for product in products
            )
        filled = (*texts, out)
        return tuple([term.format(*filled) if isinstance(term, str) else term for term in terms])


class _Writer:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.first = program.first_step
        self.constants = set(range(len(program.inputs), self.first))
        self.needs = gradient_needs(program)
        self.after = checks_after(program)
        self.templates = _Templates(program)

    def where(self, step: Step) -> str:
        made = f" at {step.origin}" if step.origin is not None else ""
        detached = " (no_grad)" if not step.gradient else ""
        return f"# {one_line(f'{step.op.name}{detached}{made}')}"

    def passes(self, step: Step, slot: int) -> bool:
        return slot in self.needs and step.gradient

    # -------- text of a reference, straight or in a loop

    def text(self, base: int, stride: int, loop: Segment | None, offset: int) -> str:
        """How the body step at ``offset`` of ``loop`` reads the slot ``base + k * stride`` (``k``: iteration)."""
        if loop is None or stride == 0:
            return f"v[{base}]"
        start = self.first + loop.first
        if stride == loop.length:
            within = base - start
            if 0 <= within < offset:
                return f"_t{within}"
            return f"v[i + {within}]" if within >= 0 else f"v[i - {-within}]"
        return f"v[{base} + {stride} * k]"

    def operand_texts(self, step: Step, strides: Sequence[int], loop: Segment | None, offset: int) -> list[str]:
        return [
            self.text(slot, strides[j] if strides else 0, loop, offset)
            for j, slot in enumerate(step.operands) if slot not in self.constants
        ]

    def check(self, index: int, operand: str, other: str | None, diverged: str, indent: str) -> str:
        decision = self.program.decisions[index]
        return f"{indent}if {failed_condition(decision, operand, other)}: raise Diverged({diverged})  # {one_line(decision.describe())}"

    def checks_for(self, position: int, strides: Sequence[int], loop: Segment | None, offset: int,
                   indent: str) -> list[str]:
        lines = []
        operands = len(self.program.steps[position].operands)
        for number, index in enumerate(self.after.get(position, [])):
            decision = self.program.decisions[index]
            moves = strides[operands + 3 * number : operands + 3 * number + 3] if strides else (0, 0, 0)
            operand = self._slot_text(decision.operand, moves[0], loop, offset + 1)
            other = self._slot_text(decision.other, moves[1], loop, offset + 1) if decision.other_is_slot else None
            diverged = str(index) if moves[2] == 0 else f"{index} + {moves[2]} * k"
            lines.append(self.check(index, operand, other, diverged, indent))
        return lines

    def _slot_text(self, slot: int, stride: int, loop: Segment | None, offset: int) -> str:
        if slot in self.constants:
            return python_text(Const(self.program.constants[slot - len(self.program.inputs)]))
        return self.text(slot, stride, loop, offset)

    # -------- forward and backward

    def forward(self, segments: Sequence[Segment]) -> list[str]:
        program = self.program
        lines = ["def forward(inputs, numbers):", "    v = [*inputs, *numbers, *_REST]"]
        for index in self.after.get(-1, []):
            decision = program.decisions[index]
            other = self._slot_text(decision.other, 0, None, 0) if decision.other_is_slot else None
            lines.append(self.check(index, self._slot_text(decision.operand, 0, None, 0), other, str(index), "    "))
        for segment in segments:
            if not segment.is_loop:
                for position in range(segment.first, segment.first + segment.length):
                    step = program.steps[position]
                    value = self.templates.forward(step, self.operand_texts(step, (), None, 0))
                    lines.append(f"    v[{self.first + position}] = {value}  {self.where(step)}")
                    lines += self.checks_for(position, (), None, 0, "    ")
                continue
            start = self.first + segment.first
            lines.append(f"    # {segment.count} iterations of {segment.length} steps: slots {start} to "
                         f"{start + segment.steps - 1}")
            lines.append(f"    for k in range({segment.count}):")
            lines.append(f"        i = {start} + {segment.length} * k")
            for offset in range(segment.length):
                position = segment.first + offset
                step, strides = program.steps[position], segment.strides[offset]
                value = self.templates.forward(step, self.operand_texts(step, strides, segment, offset))
                target = "v[i]" if offset == 0 else f"v[i + {offset}]"
                lines.append(f"        _t{offset} = {target} = {value}  {self.where(step)}")
                lines += self.checks_for(position, strides, segment, offset, "        ")
        result = self._slot_text(program.output, 0, None, 0)
        if program.aux:
            aux = ", ".join(self._slot_text(slot, 0, None, 0) for slot in program.aux)
            lines.append(f"    return {result}, ({aux}{',' if len(program.aux) == 1 else ''}), v")
        else:
            lines.append(f"    return {result}, v")
        return lines

    def backward(self, segments: Sequence[Segment]) -> list[str]:
        program = self.program
        lines = ["def backward(saved):", "    v = saved", "    g = [0.0] * len(v)"]
        if program.output in self.needs:
            lines.append(f"    g[{program.output}] = 1.0  # the output's gradient with respect to itself")
        for segment in reversed(segments):
            if not segment.is_loop:
                for position in range(segment.first + segment.length - 1, segment.first - 1, -1):
                    lines += self._backward_step(position, (), None, 0, "    ")
                continue
            body: list[str] = []
            for offset in range(segment.length - 1, -1, -1):
                body += self._backward_step(segment.first + offset, segment.strides[offset], segment, offset,
                                            "        ")
            if body:
                start = self.first + segment.first
                lines.append(f"    for k in range({segment.count - 1}, -1, -1):  # slots {start + segment.steps - 1}"
                             f" down to {start}")
                lines.append(f"        i = {start} + {segment.length} * k")
                lines += body
        lines.append(f"    return tuple(g[:{program.gradient_inputs}])")
        return lines

    def _backward_step(self, position: int, strides: Sequence[int], loop: Segment | None, offset: int,
                       indent: str) -> list[str]:
        step = self.program.steps[position]
        slot = self.first + position
        if not self.passes(step, slot):
            return []
        # Inside a loop every read goes through v: the body's locals hold the last iteration only.
        reads = [self._read(o, strides[j] if strides else 0, loop) for j, o in enumerate(step.operands)
                 if o not in self.constants]
        here = self._read(slot, loop.length if loop is not None else 0, loop)
        terms = self.templates.backward(step, reads, here)
        additions: list[tuple[str, str]] = []  # (index into g, term), in the order they are added
        for j, (operand, term) in enumerate(zip(step.operands, terms, strict=True)):
            if operand not in self.needs:
                continue
            target = self._read(operand, strides[j] if strides else 0, loop)
            additions.append((target[2:-1], term if isinstance(term, str) else python_text(Const(term))))
        block = _grouped(additions, f"{indent}    ")
        if not block:
            return []
        return [f"{indent}grad = g[{here[2:-1]}]", f"{indent}if grad:  {self.where(step)}", *block]

    def _read(self, base: int, stride: int, loop: Segment | None) -> str:
        if loop is None or stride == 0:
            return f"v[{base}]"
        if stride == loop.length:
            within = base - (self.first + loop.first)
            return f"v[i + {within}]" if within >= 0 else f"v[i - {-within}]"
        return f"v[{base} + {stride} * k]"


def _grouped(additions: Sequence[tuple[str, str]], indent: str, shortest: int = 4) -> list[str]:
    """One line per addition, but a run of the same term into slots an equal step apart as a loop.

    A sum over a batch passes its gradient to one operand per example: the run
    ``g[a] += grad; g[a + d] += grad; ...`` becomes one loop adding the same
    term in the same order.
    """
    lines: list[str] = []
    position = 0
    while position < len(additions):
        index, term = additions[position]
        end = position + 1
        if index.isdigit() and end < len(additions) and additions[end][0].isdigit():
            step = int(additions[end][0]) - int(index)
            while (end < len(additions) and additions[end][1] == term and additions[end][0].isdigit()
                   and int(additions[end][0]) - int(additions[end - 1][0]) == step and step != 0):
                end += 1
        if end - position >= shortest:
            stop = int(additions[end - 1][0]) + (1 if step > 0 else -1)
            lines += [f"{indent}for j in range({index}, {stop}, {step}):", f"{indent}    g[j] += {term}"]
        else:
            end = position + 1
            lines.append(f"{indent}g[{index}] += {term}")
        position = end
    return lines


def generate_loops(program: Program, segments: Sequence[Segment], title: str) -> tuple[str, list[float]]:
    """``program`` in loop form: its source, and the numbers ``_REST`` (constants, then a slot per step) holds."""
    writer = _Writer(program)
    loops = sum(1 for segment in segments if segment.is_loop)
    lines = [
        f"# {one_line(title)}",
        f"# loop form: {len(program.steps):,} steps as {loops} loops and "
        f"{sum(s.length for s in segments if not s.is_loop):,} straight steps",
        "",
        *writer.forward(segments), "", "",
        *writer.backward(segments),
    ]
    return "\n".join(lines) + "\n", [*program.constants, *([0.0] * len(program.steps))]

