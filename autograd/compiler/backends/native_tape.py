"""The native backend's encoder: a :class:`Program` as a tape of flat integer and float arrays.

A tape names, per step, its *shape* (one case of the compiled kernel's
switch: the op, the number folded into it, which operands are the program's
constants and their numbers, how many operands) and the slots it reads; the
kernel (:mod:`.native_kernel`) computes one case per shape, printed from the
op's row. Per decision, it holds what the check reads and after which step
the Python backend checks it, so a replay raises the same decision first.

Steps come in *segments* (:func:`~autograd.compiler.repeats.find_repeats`): a
loop's body is written once, each operand with the stride it moves by per
iteration, so the tape of a batch is the size of one example's program; a
straight segment is its steps, each once.

A loop whose iterations are independent is also marked to be walked body
entry by body entry, all iterations of one entry at a time (:func:`interchangeable`):
the kernel then dispatches once per entry rather than once per step, and
computes the same numbers, added in the same order (see there why).

Every index the native code will read is checked here, before any call: a
program that would make the kernel read or write outside its arrays is
refused with a :class:`~autograd.compiler.program.JitError` saying what is
wrong; for a loop, the first and the last iteration's slots are checked (a
slot moves by a constant per iteration, so every iteration between reads
within them). The kernel checks the same once more when the tape is loaded.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...rules.op import VARIADIC, DotConst
from ..program import RAISED, Decision, JitError, Program, Step, exact_key
from ..repeats import Segment, find_repeats, gradient_needs

__all__ = ["CHECK_KINDS", "MAX_SLOTS", "RAISED_CHECK", "ShapeKey", "Tape", "encode"]

MAX_SLOTS = 2**31 - 1
"""The most slots a tape addresses (its operand slots are 32-bit)."""

CHECK_KINDS: dict[str, int] = {
    "<": 0, "<=": 1, ">": 2, ">=": 3, "bool": 4, "float": 5, "exact": 5, "int": 6, "round": 7, "==": 8, "!=": 9,
}
"""How the kernel names each kind of decision (``round`` is checked by Python: C has no ``round(x, n)``).

``float`` and ``exact`` hold bit for bit; an ``int`` that raised during the
trace is checked as its own kind, :data:`RAISED_CHECK` (it holds while the number is not finite).
"""

RAISED_CHECK = 10

ShapeKey = tuple[Any, ...]
"""What makes two steps one case of the kernel: op, folded number and constant operands, by their bits."""


@dataclass(frozen=True, eq=False)
class Tape:
    """A program as arrays the kernel reads (see the module docstring).

    Attributes:
        shapes: One representative step per case, with the numbers of its constant operands
            (None for an operand read from a slot).
        case: Per body entry (a step, or a loop's step read once for all its iterations), its case in ``shapes``.
        gradient_case: Per body entry, its case, or -1 where the backward skips it
            (made under ``no_grad``, or reaching no Value input).
        start: Per body entry, where its operands begin in ``operands`` (one more entry at the end).
        operands: The slots the entries read, entry after entry (a loop's: in its first iteration).
        strides: Per operand in ``operands``, how far it moves per iteration of its loop (0 outside loops).
        segment_body, segment_length, segment_count: Per segment (:mod:`..repeats`), in order: its
            first body entry, its entries per iteration and its iterations.
        segment_swap: Per segment: 1 where the forward may walk it entry by entry
            (:func:`interchangeable`), 2 where the backward may too, 3 for both, 0 for neither.
        check_after: Per check, in the order the Python backend checks them: the step after
            which it is checked (-1: before the first step).
        check_kind, check_operand, check_other, check_outcome: Per check: its kind
            (:data:`CHECK_KINDS`), the slot decided on, the other slot (-1 for a number) and
            what the trace decided (1 or 0).
        check_number: Per check: the number compared with.
        check_index: Per check: the decision's index in ``program.decisions``.
        rounds: The checks (by order) that Python makes itself.
        slots: How many slots the program has.
    """

    shapes: tuple[tuple[Step, tuple[float | None, ...]], ...]
    case: array[int]
    gradient_case: array[int]
    start: array[int]
    operands: array[int]
    strides: array[int]
    segment_body: array[int]
    segment_length: array[int]
    segment_count: array[int]
    segment_swap: array[int]
    check_after: array[int]
    check_kind: array[int]
    check_operand: array[int]
    check_other: array[int]
    check_outcome: array[int]
    check_number: array[float]
    check_index: tuple[int, ...]
    rounds: tuple[int, ...]
    slots: int


def encode(program: Program, segments: Sequence[Segment] | None = None) -> Tape:
    """``program`` as a :class:`Tape`, every index checked.

    Raises:
        JitError: If a step reads a slot that is not before it, an operand count does not fit
            its op, or the output, an aux value or a decision names a slot the program lacks.
    """
    first = program.first_step
    slots = first + len(program.steps)
    if slots > MAX_SLOTS:
        raise JitError(f"native backend: a program of {slots:,} slots is more than a tape addresses ({MAX_SLOTS:,})")
    constants = {len(program.inputs) + position: number for position, number in enumerate(program.constants)}
    needs = gradient_needs(program)
    keys: dict[ShapeKey, int] = {}
    shapes: list[tuple[Step, tuple[float | None, ...]]] = []
    case, gradient_case, start, operands = array("i"), array("i"), array("q", [0]), array("i")
    strides = array("i")
    segment_body, segment_length, segment_count, segment_swap = array("q"), array("q"), array("q"), array("q")
    covered = 0
    for segment in find_repeats(program) if segments is None else segments:
        if segment.first != covered or segment.length < 1 or segment.count < 1:
            raise JitError(f"native backend: a segment starts at step {segment.first}, after {covered} steps")
        covered += segment.steps
        if covered > len(program.steps):
            raise JitError(f"native backend: segments cover {covered} steps; the program has {len(program.steps)}")
        segment_body.append(len(case))
        segment_length.append(segment.length)
        segment_count.append(segment.count)
        segment_swap.append(interchangeable(program, segment) if segment.is_loop else 0)
        for offset in range(segment.length):
            position = segment.first + offset
            step = program.steps[position]
            slot = first + position
            _check_operands(step, slot)
            moves = segment.strides[offset][: len(step.operands)] if segment.is_loop else (0,) * len(step.operands)
            if segment.is_loop:  # the last iteration reads what the program's own step reads, in range
                last = position + (segment.count - 1) * segment.length
                _check_operands(program.steps[last], first + last)
                if tuple(o + (segment.count - 1) * d for o, d in zip(step.operands, moves, strict=True)) != (
                    program.steps[last].operands
                ):
                    raise JitError(f"native backend: a loop's step {last} does not read what its body says")
            numbers = tuple(constants.get(operand) for operand in step.operands)
            key = (id(step.op), exact_key(step.const), tuple(None if n is None else exact_key(n) for n in numbers))
            index = keys.get(key)
            if index is None:
                index = keys[key] = len(shapes)
                shapes.append((step, numbers))
            case.append(index)
            passes = step.gradient and slot in needs
            gradient_case.append(index if passes else -1)
            operands.extend(step.operands)
            strides.extend(moves)
            start.append(len(operands))
    if covered != len(program.steps):
        raise JitError(f"native backend: segments cover {covered} steps; the program has {len(program.steps)}")
    for slot in (program.output, *program.aux):
        _check_slot(slot, slots, "the output or an aux value")
    checks = _ordered_checks(program, slots)
    kinds = [_kind_code(decision) for _, decision in checks]
    return Tape(
        shapes=tuple(shapes), case=case, gradient_case=gradient_case, start=start, operands=operands,
        strides=strides, segment_body=segment_body, segment_length=segment_length, segment_count=segment_count,
        segment_swap=segment_swap,
        check_after=array("q", [_after(decision, first) for _, decision in checks]),
        check_kind=array("i", kinds),
        check_operand=array("i", [decision.operand for _, decision in checks]),
        check_other=array("i", [decision.other if decision.other_is_slot else -1 for _, decision in checks]),
        check_outcome=array("i", [1 if decision.outcome is True else 0 for _, decision in checks]),
        check_number=array("d", [_number(decision) for _, decision in checks]),
        check_index=tuple(index for index, _ in checks),
        rounds=tuple(order for order, kind in enumerate(kinds) if kind == CHECK_KINDS["round"]),
        slots=slots,
    )


def interchangeable(program: Program, segment: Segment) -> int:
    """Whether a loop may be walked one body entry at a time over all its iterations: 1 forward, 2 backward.

    Forward (1): every operand of the body reads either its own iteration's
    earlier steps (it moves by the body's length and starts in the first
    iteration) or slots before the loop. No iteration then reads another's
    numbers, so computing entry by entry gives every slot the same number; the
    checks are made after the loop, in their order, so the first that fails is
    the same one.

    Backward (2, with 1): also, each slot before the loop whose gradient counts
    (a Value input, or an earlier step) is read by at most one body entry (a
    weight read by one neuron's dot), the same slot in every iteration. A slot's
    gradient is then added to in the order of the iterations, backwards, in
    both walks: the same additions in the same order, so the same bits.
    Anything else (a slot read by two entries, or a gradient slot that moves
    with the iteration outside the loop's own steps) keeps the step by step walk.
    """
    first = program.first_step
    start = first + segment.first
    length, last = segment.length, segment.count - 1
    gradients = program.gradient_inputs
    shared: dict[int, int] = {}
    backward = True
    for offset in range(length):
        step = program.steps[segment.first + offset]
        for operand, move in zip(step.operands, segment.strides[offset], strict=False):
            if move == length and start <= operand < start + length:
                continue  # its own iteration's step
            if max(operand, operand + last * move) >= start:
                return 0  # another iteration's number
            counts = operand < gradients or max(operand, operand + last * move) >= first
            if not counts:
                continue  # an input number or a constant: its gradient is never read
            if move or shared.setdefault(operand, offset) != offset:
                backward = False
    return 3 if backward else 1


def _check_slot(slot: Any, slots: int, what: str) -> None:
    if type(slot) is not int or not 0 <= slot < slots:
        raise JitError(f"native backend: {what} names slot {slot!r}; the program has slots 0 to {slots - 1}")


def _check_operands(step: Step, slot: int) -> None:
    for operand in step.operands:
        if type(operand) is not int or not 0 <= operand < slot:
            raise JitError(
                f"native backend: the {step.op.name} in slot {slot} reads slot {operand!r}; "
                f"a step reads only earlier slots (0 to {slot - 1})"
            )
    count = len(step.operands)
    if step.op.arity == VARIADIC:
        const = step.const
        wanted = 2 * const.pairs + len(const.coefficients) if type(const) is DotConst else None
        if count == 0 or (wanted is not None and count != wanted):
            raise JitError(
                f"native backend: the {step.op.name} in slot {slot} has {count} operands"
                + (f"; its numbers need {wanted}" if wanted is not None else "; it needs at least one")
            )
    elif count != step.op.arity:
        raise JitError(
            f"native backend: the {step.op.name} in slot {slot} has {count} operands; it takes {step.op.arity}"
        )


def _ordered_checks(program: Program, slots: int) -> list[tuple[int, Decision]]:
    """The decisions in the order the Python backend checks them: as soon as their slots are known."""
    first = program.first_step
    for decision in program.decisions:
        if decision.kind not in CHECK_KINDS:
            raise JitError(f"native backend: a decision of kind {decision.kind!r} is not one it can check")
        _check_slot(decision.operand, slots, f"a {decision.kind} decision")
        if decision.other_is_slot:
            _check_slot(decision.other, slots, f"a {decision.kind} decision")
    indexed = list(enumerate(program.decisions))
    return sorted(indexed, key=lambda item: _after(item[1], first))  # sorted() is stable: index order next


def _after(decision: Decision, first: int) -> int:
    needs = [decision.operand, *([decision.other] if decision.other_is_slot else [])]
    return max(slot - first if slot >= first else -1 for slot in needs)


def _kind_code(decision: Decision) -> int:
    if decision.kind == "int" and decision.outcome == RAISED:
        return RAISED_CHECK
    return CHECK_KINDS[decision.kind]


def _number(decision: Decision) -> float:
    """The number a check compares with (NaN where none compares equal, as an int too large for a float)."""
    if decision.kind in ("<", "<=", ">", ">=", "==", "!="):
        return 0.0 if decision.other_is_slot else float(decision.other)
    if decision.kind in ("float", "exact"):
        return float(decision.outcome)
    if decision.kind == "int" and decision.outcome != RAISED:
        try:
            number = float(decision.outcome)
        except OverflowError:
            return math.nan
        return number if int(number) == decision.outcome else math.nan
    return 0.0


