"""Finding repetition in a traced program: runs of steps that one loop computes.

A batch loss built as ``[model(x) for x in xs]`` traces one example's steps
once per example: the same ops in the same order, each reading the same
parameters (a shared slot), its own example's numbers (a slot that moves by a
constant from one example to the next) and its own example's earlier values
(which move by the length of one example). :func:`find_repeats` cuts a
program into :class:`Segment` s: a *loop* is ``count`` iterations of
``length`` steps in which every step matches the one an iteration earlier
(same op, folded number, gradient flags and checks) and each slot it reads, and
each decision checked after it, sits at a constant offset per iteration
(``strides``); a *straight* segment is steps written once. Backends compile
a loop's body once, so what they write grows with the model, not the batch,
and they walk the iterations in program order, so every sum is added in the
order the straight-line program adds it.

The search is greedy and bounded: at each step it tries the nearest later
steps of the same kind as period candidates, keeps the candidate covering
the most steps, and gives up (leaving the rest straight) once it has spent
a fixed amount of work per step.
"""

from __future__ import annotations

import bisect
import operator
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .program import Program, exact_key

__all__ = ["CANDIDATES", "Segment", "find_repeats", "gradient_needs", "step_references"]

CANDIDATES = 256
"""How many later steps of the same kind are tried as the start of a loop's second iteration."""

_WORK_PER_STEP = 64  # steps compared per program step before the search gives up


@dataclass(frozen=True)
class Segment:
    """A run of a program's steps: ``count`` iterations of ``length`` steps (``count == 1``: straight).

    Attributes:
        first: The index in ``program.steps`` of its first step.
        length: Steps per iteration.
        count: Iterations.
        strides: For a loop, per step of the body, how far each of its
            :func:`step_references` moves from one iteration to the next;
            empty for a straight segment.
    """

    first: int
    length: int
    count: int
    strides: tuple[tuple[int, ...], ...] = ()

    @property
    def steps(self) -> int:
        """How many of the program's steps it covers."""
        return self.length * self.count

    @property
    def is_loop(self) -> bool:
        """Whether it repeats its body (more than one iteration)."""
        return self.count > 1


def gradient_needs(program: Program) -> frozenset[int]:
    """The Value inputs, and every slot that reaches one through steps that pass gradients.

    Kept per program (the backends and the search all ask for it).
    """
    known = _NEEDS.get(program)
    if known is not None:
        return known
    needs: set[int] = set(range(program.gradient_inputs))
    add = needs.add
    isdisjoint = needs.isdisjoint
    for slot, step in enumerate(program.steps, start=program.first_step):
        if step.gradient and not isdisjoint(step.operands):
            add(slot)
    frozen = _NEEDS[program] = frozenset(needs)
    return frozen


_NEEDS: weakref.WeakKeyDictionary[Program, frozenset[int]] = weakref.WeakKeyDictionary()


def checks_after(program: Program) -> dict[int, list[int]]:
    """Per step index (``-1``: before the first), the decisions checked right after it, in index order.

    A decision is checked as soon as the numbers it reads are known, as every backend does.
    """
    first = program.first_step
    after: dict[int, list[int]] = {}
    for index, decision in enumerate(program.decisions):
        needs = [decision.operand, *([decision.other] if decision.other_is_slot else [])]
        position = max(slot - first if slot >= first else -1 for slot in needs)
        after.setdefault(position, []).append(index)
    return after


def step_references(program: Program, position: int, checks: Sequence[int]) -> tuple[int, ...]:
    """The integers a loop moves for one step: its operands, then per check after it, its slots and index."""
    references = list(program.steps[position].operands)
    for index in checks:
        decision = program.decisions[index]
        references += [decision.operand, decision.other if decision.other_is_slot else -1, index]
    return tuple(references)


def find_repeats(program: Program) -> tuple[Segment, ...]:
    """``program``'s steps cut into loops and straight runs, in order (see the module docstring)."""
    steps = program.steps
    total = len(steps)
    if total == 0:
        return ()
    constants = range(len(program.inputs), program.first_step)
    needs = gradient_needs(program)
    after = checks_after(program)
    ids: dict[Any, int] = {}
    kinds: list[int] = []  # per step, a number naming everything but the slots it reads
    flat: list[int] = []  # every step's references, one after another
    begins: list[int] = []  # per step, where its references begin in flat (one more at the end)
    first = program.first_step
    no_checks: list[int] = []
    for position, step in enumerate(steps):
        checks = after.get(position, no_checks)
        operand_kinds = tuple([
            ("constant", operand) if operand in constants else operand in needs for operand in step.operands
        ])
        check_kinds = tuple([_check_kind(program, index) for index in checks]) if checks else ()
        kind = (id(step.op), exact_key(step.const), step.gradient, first + position in needs, operand_kinds,
                check_kinds)
        kinds.append(ids.setdefault(kind, len(ids)))
        begins.append(len(flat))
        flat.extend(step_references(program, position, checks))
    begins.append(len(flat))
    positions: dict[int, list[int]] = {}
    for position, kind_id in enumerate(kinds):
        positions.setdefault(kind_id, []).append(position)

    budget = _WORK_PER_STEP * total
    segments: list[Segment] = []
    straight_from = 0
    start = 0
    while start < total and budget > 0:
        same = positions[kinds[start]]
        best: tuple[int, int, list[int]] | None = None  # (covered, length, strides)
        after_start = bisect.bisect_right(same, start)
        for candidate in same[after_start : after_start + CANDIDATES]:
            length = candidate - start
            if candidate + length > total:
                break
            if best is not None and length % best[1] == 0 and best[0] >= 2 * length:
                continue  # two iterations of it are iterations of a shorter loop found already
            budget -= 1 + length // 16
            if kinds[candidate : candidate + length] != kinds[start:candidate]:
                continue
            strides = list(map(operator.sub, flat[begins[candidate] : begins[candidate + length]],
                               flat[begins[start] : begins[candidate]]))
            count, spent = _iterations(kinds, flat, begins, start, length, strides, total)
            budget -= spent
            if count >= 2 and (best is None or count * length > best[0]):
                best = (count * length, length, strides)
        if best is None:
            start += 1
            continue
        covered, length, strides = best
        if straight_from < start:
            segments.append(Segment(straight_from, start - straight_from, 1))
        per_step = tuple([
            tuple(strides[begins[start + offset] - begins[start] : begins[start + offset + 1] - begins[start]])
            for offset in range(length)
        ])
        segments.append(Segment(start, length, covered // length, per_step))
        start += covered
        straight_from = start
    if straight_from < total:
        segments.append(Segment(straight_from, total - straight_from, 1))
    return tuple(segments)


def _check_kind(program: Program, index: int) -> Any:
    decision = program.decisions[index]
    other = None if decision.other_is_slot else exact_key(decision.other)
    return (decision.kind, other, decision.other_is_slot, exact_key(decision.outcome))


def _iterations(
    kinds: list[int], flat: list[int], begins: list[int], start: int, length: int, strides: list[int], total: int,
) -> tuple[int, int]:
    """How many iterations of this body run from ``start`` (at least 1), and how much work it took."""
    count, spent = 1, 0
    sub = operator.sub
    body = kinds[start : start + length]
    while True:
        here = start + count * length
        if here + length > total or kinds[here : here + length] != body:
            return count, spent
        spent += 1 + length // 16
        previous = begins[here - length]
        moved = list(map(sub, flat[begins[here] : begins[here + length]], flat[previous : begins[here]]))
        if moved != strides:
            return count, spent
        count += 1
