"""Laying generated statements out as functions: one of each, or chunks for large programs.

A program up to :data:`CHUNK_LINES` lines is written as two functions,
``forward`` and ``backward``, whose values are all locals: that is what makes
replay fast, and what a reader sees. A larger one is cut into chunks of about
that many lines, because CPython compiles one very long function slower than
linearly and holds all of it in memory at once; values that cross from one
chunk to another go through a list (``v`` for forward values, ``g`` for
gradient accumulators), loaded at the start of the chunk that needs them and
stored at the end of the chunk that makes them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CHUNK_LINES", "GRADS", "VALUES", "Part", "lay_out"]

VALUES, GRADS = "_v", "_g"
"""The lists that carry values and gradient accumulators between chunks (not names a label takes)."""

CHUNK_LINES = 100_000
"""Most lines in one generated function before the program is cut into chunks."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


Block = tuple[str | None, Sequence[str]]
"""A statement: the name it defines (None for a check or a gradient block), and its lines."""


@dataclass(frozen=True)
class Part:
    """One pass of a program, as statements (blocks of lines indented four spaces).

    Attributes:
        statements: The blocks, in order; a block is never cut.
        starts: Names defined before the first statement, with what they start
            as: ``"unpack inputs"``/``"unpack numbers"`` (the function's
            arguments, in order) or an expression such as ``0.0``.
        result: The expression the pass returns.
    """

    statements: Sequence[Block]
    starts: Sequence[tuple[str, str]]
    result: str


def lay_out(header: str, forward: Part, backward: Part, saved: Sequence[str]) -> list[str]:
    """The source lines of ``forward(inputs, numbers)`` and ``backward(saved)``."""
    size = sum(len(lines) for _, lines in (*forward.statements, *backward.statements))
    if size <= CHUNK_LINES:
        return _whole(header, forward, backward, saved)
    return _chunked(header, forward, backward)


def _tuple(names: Sequence[str]) -> str:
    if not names:
        return "()"
    return ", ".join(names) + ("," if len(names) == 1 else "")


def _assignments(starts: Sequence[tuple[str, str]], per_line: int = 12) -> list[str]:
    """``a = b = 0.0`` for names that start alike, ``x, y = inputs`` and the like for the rest."""
    grouped: dict[str, list[str]] = {}
    for name, start in starts:
        grouped.setdefault(start, []).append(name)
    lines = []
    for start, names in grouped.items():
        if start.startswith("unpack "):
            lines.append(f"    {_tuple(names)} = {start.removeprefix('unpack ')}")
            continue
        for first in range(0, len(names), per_line):
            lines.append(f"    {' = '.join(names[first : first + per_line])} = {start}")
    return lines


def _whole(header: str, forward: Part, backward: Part, saved: Sequence[str]) -> list[str]:
    lines = [header, "", "def forward(inputs, numbers):", *_assignments(forward.starts)]
    lines += [line for _, block in forward.statements for line in block]
    kept = f"({_tuple(saved)})" if saved else "()"
    lines += [f"    return {forward.result}, {kept}", "", "", "def backward(saved):"]
    if saved:
        lines.append(f"    {_tuple(saved)} = saved")
    lines += _assignments(backward.starts)
    lines += [line for _, block in backward.statements for line in block]
    lines.append(f"    return {backward.result}")
    return lines


def _chunks(statements: Sequence[Block]) -> list[list[Block]]:
    chunks: list[list[Block]] = [[]]
    size = 0
    for statement in statements:
        if size + len(statement[1]) > CHUNK_LINES and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(statement)
        size += len(statement[1])
    return chunks


def _names_in(statements: Sequence[Block]) -> set[str]:
    """The names a run of statements reads or writes (comments left out)."""
    return {
        name for _, block in statements for line in block
        for name in _IDENTIFIER.findall(line.split("  #")[0])
    }


def _chunked(header: str, forward: Part, backward: Part) -> list[str]:
    lines = [header, ""]
    slots: dict[str, int] = {}  # forward values kept in v (forward's starts come first)
    for name, _ in forward.starts:
        slots.setdefault(name, len(slots))
    forward_chunks = _chunks(forward.statements)
    backward_chunks = _chunks(backward.statements)
    later_backward = _names_in(backward.statements) | set(_IDENTIFIER.findall(backward.result))
    assigned: set[str] = {name for name, _ in forward.starts}
    bodies = []
    used_by_chunk = [_names_in(chunk) for chunk in forward_chunks]
    # What each chunk's values may be needed by: later chunks, the backward, the result.
    later_by_chunk = []
    later = later_backward | set(_IDENTIFIER.findall(forward.result))
    for used in reversed(used_by_chunk):
        later_by_chunk.append(set(later))
        later |= used
    later_by_chunk.reverse()
    for index, chunk in enumerate(forward_chunks):
        used, later = used_by_chunk[index], later_by_chunk[index]
        defined = {name for name, _ in chunk if name is not None}
        loads = sorted(used & assigned - defined, key=lambda name: slots[name])
        stores = sorted(defined & later)
        for name in stores:
            slots.setdefault(name, len(slots))
        assigned |= defined
        bodies.append((f"forward_{index}", VALUES, loads, stores, chunk, slots))
    lines.append("def forward(inputs, numbers):")
    lines.append(f"    {VALUES} = [0.0] * {len(slots)}")
    inputs = [name for name, start in forward.starts if start == "unpack inputs"]
    numbers = [name for name, start in forward.starts if start == "unpack numbers"]
    if inputs:
        lines.append(f"    {VALUES}[0:{len(inputs)}] = inputs")
    if numbers:
        lines.append(f"    {VALUES}[{len(inputs)}:{len(inputs) + len(numbers)}] = numbers")
    lines += [f"    forward_{index}({VALUES})" for index in range(len(forward_chunks))]
    lines += [f"    return {_from(forward.result, slots, VALUES)}, {VALUES}", "", ""]
    accumulators = {name: position for position, (name, _) in enumerate(backward.starts)}
    lines.append("def backward(saved):")
    lines.append(f"    {VALUES} = saved")
    lines.append(f"    {GRADS} = [{', '.join(start for _, start in backward.starts)}]")
    for index in range(len(backward_chunks)):
        lines.append(f"    backward_{index}({VALUES}, {GRADS})")
    lines.append(f"    return {_from(backward.result, accumulators, GRADS)}")
    lines.append("")
    for name, list_name, loads, stores, chunk, table in bodies:
        lines += ["", f"def {name}({list_name}):", *_moves(loads, stores, table, list_name, chunk)]
    for index, chunk in enumerate(backward_chunks):
        used = _names_in(chunk)
        values = sorted((used & set(slots)) - set(accumulators), key=lambda name: slots[name])
        grads = sorted(used & set(accumulators), key=lambda name: accumulators[name])
        body = _loads(values, slots, VALUES) + _loads(grads, accumulators, GRADS)
        body += [line for _, block in chunk for line in block]
        body += [f"    {GRADS}[{accumulators[name]}] = {name}" for name in grads]
        lines += ["", f"def backward_{index}({VALUES}, {GRADS}):", *_with_a_statement(body)]
    return lines


def _loads(names: Sequence[str], table: dict[str, int], list_name: str, per_line: int = 8) -> list[str]:
    lines = []
    for first in range(0, len(names), per_line):
        chunk = names[first : first + per_line]
        targets = ", ".join(chunk)
        lines.append(f"    {targets} = {', '.join(f'{list_name}[{table[name]}]' for name in chunk)}")
    return lines


def _moves(
    loads: Sequence[str], stores: Sequence[str], table: dict[str, int], list_name: str,
    chunk: Sequence[Block],
) -> list[str]:
    body = [
        *_loads(loads, table, list_name),
        *(line for _, block in chunk for line in block),
        *(f"    {list_name}[{table[name]}] = {name}" for name in stores),
    ]
    return _with_a_statement(body)


def _with_a_statement(body: list[str]) -> list[str]:
    """``body``, with a ``pass`` if it holds only comments (a function needs a statement)."""
    if any(line.strip() and not line.lstrip().startswith("#") for line in body):
        return body
    return [*body, "    pass"]


def _from(expression: str, table: dict[str, int], list_name: str) -> str:
    """``expression`` with every name kept in ``list_name`` read from it."""
    return _IDENTIFIER.sub(
        lambda match: f"{list_name}[{table[match[0]]}]" if match[0] in table else match[0], expression
    )
