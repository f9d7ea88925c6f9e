"""Which lines of a compiled program's source each step wrote: what a tool shows beside a step.

Every backend here writes its forward one line per step, in program order,
each line ending in a comment with the step's op or the user's file:line: the
Python backend an assignment (``t3 = tanh(t2)  # tanh at train.py:12``), the
native backend's listing a tape entry (``t3 = tanh(t2)  # at train.py:12``).
A loop (a batch compiled as a loop over one example's body, see
:mod:`.repeats`) opens with ``for k in range(count):`` and writes its body
once, indented: iteration ``k``'s step is the body's line at its offset. The
Python backend's backward writes one block per step that passes a gradient
back, opened by ``if g_t3:``, by ``grad = g[...]`` or by the step's comment.

:func:`lines_of_steps` reads that shape off the source text rather than
asking the backends, so a backend is not changed for it; where the text does
not have that shape (another backend, a program cut into chunks) it gives
None, and a tool shows the whole source instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .backends.protocol import one_line
from .program import Program

__all__ = ["StepLines", "lines_of_steps"]

_TARGET = r"(?:[A-Za-z_]\w*|v\[[^\]\n]*\])"
# A step's line: one or more targets (``_t0 = v[i + 0] = ...``), a value, and a comment.
_STEP = re.compile(rf"^(?P<indent>\s*)(?P<target>{_TARGET})(?: = {_TARGET})* = \S.*  #")
_LOOP = re.compile(r"^(?P<indent>\s*)for k in range\((?P<count>\d+)\):")
_BACKWARD_LOOP = re.compile(r"^(?P<indent>\s*)for k in range\(\d+, -1, -1\):  # slots \d+ down to (?P<start>\d+)$")
_NAMED_BLOCK = re.compile(r"^    if g_(?P<name>\w+):  #")
_READ_BLOCK = re.compile(r"^(?P<indent>\s*)grad = g\[(?P<index>[^\]\n]*)\]$")


@dataclass(frozen=True)
class StepLines:
    """The lines one step wrote (line numbers count from 1, as tracebacks do).

    Attributes:
        forward: ``(number, text)`` of the line that computes it.
        backward: ``(number, text)`` of the lines that pass its gradient back
            (the Python backend's; empty where none are written apart).
        iteration: For a step computed by a loop, which iteration (``k``), else None.
        iterations: How many iterations that loop has (1 for a straight step).
    """

    forward: tuple[int, str]
    backward: tuple[tuple[int, str], ...]
    iteration: int | None
    iterations: int


def lines_of_steps(program: Program, source: str) -> tuple[StepLines, ...] | None:
    """Per step of ``program``, the lines of ``source`` (what its backend wrote) it made; None if unreadable."""
    lines = source.split("\n")
    forward = _forward_lines(program, lines)
    if forward is None:
        return None
    backward = _backward_lines(program, lines, forward)
    return tuple(
        StepLines(line, tuple(backward.get(position, ())), iteration, iterations)
        for position, (line, iteration, iterations) in enumerate(forward)
    )


def _forward_lines(program: Program, lines: list[str]) -> list[tuple[tuple[int, str], int | None, int]] | None:
    """Per step: its forward line, its iteration and the loop's count; None if the count or ops do not match."""
    found: list[tuple[tuple[int, str], int | None, int]] = []
    loop: tuple[str, int, list[tuple[int, str]]] | None = None  # (indent, count, body lines)

    def close() -> None:
        nonlocal loop
        if loop is not None:
            _, count, body = loop
            found.extend((line, k, count) for k in range(count) for line in body)
            loop = None

    for number, text in _section(lines, "forward"):
        opened = _LOOP.match(text)
        if opened:
            close()
            loop = (opened["indent"], int(opened["count"]), [])
            continue
        step = _STEP.match(text)
        if step is None:
            continue
        if loop is not None and len(step["indent"]) > len(loop[0]):
            loop[2].append((number, text))
            continue
        close()
        found.append(((number, text), None, 1))
    close()
    if len(found) != len(program.steps):
        return None
    for step_of, ((_, text), _, _) in zip(program.steps, found, strict=True):
        origin = "" if step_of.origin is None else one_line(str(step_of.origin))
        if one_line(step_of.op.name) not in text or origin not in text:
            return None
    return found


def _backward_lines(
    program: Program, lines: list[str], forward: list[tuple[tuple[int, str], int | None, int]]
) -> dict[int, list[tuple[int, str]]]:
    """Step position -> the lines of its backward block (the Python backend's; empty for others)."""
    first = program.first_step
    by_name: dict[str, int] = {}  # the Python backend's straight form: a step's block opens with `if g_<its name>:`
    for position, ((_, text), _, _) in enumerate(forward):
        by_name[text.split(" = ", 1)[0].strip()] = position
    loops: dict[int, tuple[int, int]] = {}  # the first slot of each loop -> (steps per iteration, iterations)
    position = 0
    while position < len(forward):
        iterations = forward[position][2]
        length = 1
        if iterations > 1:
            while position + length < len(forward) and forward[position + length][1] == 0:
                length += 1
            loops[first + position] = (length, iterations)
        position += length * iterations
    blocks: dict[int, list[tuple[int, str]]] = {}
    current: list[int] = []  # the step positions the block being read belongs to
    loop_start: int | None = None
    for number, text in _section(lines, "backward"):
        if text.startswith("    return ") or not text.strip():
            current = []
            continue
        opened = _BACKWARD_LOOP.match(text)
        if opened:
            loop_start, current = int(opened["start"]), []
            continue
        named, read = _NAMED_BLOCK.match(text), _READ_BLOCK.match(text)
        if named and named["name"] in by_name:
            current = [by_name[named["name"]]]
        elif read:
            current = _positions(read["index"], len(read["indent"]) > 4, loop_start, loops, first)
        elif text.startswith("    # ") and not text.startswith("    # g_"):
            current = _by_comment(program, text, blocks, by_name, forward)
        elif not text.startswith(("        ", "    g_", "    if grad:")):
            current = []  # not a line of a block (deeper, a straight-form addition, or the loop form's test)
        for position in current:
            blocks.setdefault(position, []).append((number, text))
    return blocks


def _section(lines: list[str], part: str) -> Iterator[tuple[int, str]]:
    """``(number, text)`` of the lines inside the functions named ``part`` or ``part_<n>`` (chunks).

    A listing with no function at all (the native backend's tape) is all
    forward, up to its ``return``.
    """
    functions = any(text.startswith("def ") for text in lines)
    inside = not functions and part == "forward"
    for number, text in enumerate(lines, start=1):
        if text.startswith("def "):
            name = text[4:].split("(", 1)[0]
            inside = name == part or re.fullmatch(rf"{part}_\d+", name) is not None
            continue
        if not functions and text.startswith("return "):
            return
        if inside:
            yield number, text


def _positions(
    index: str, in_loop: bool, loop_start: int | None, loops: dict[int, tuple[int, int]], first: int
) -> list[int]:
    """The steps a block reading ``g[index]`` belongs to: one slot, or one per iteration of its loop."""
    if not in_loop:
        return [int(index) - first] if index.isdigit() and int(index) >= first else []
    match = re.fullmatch(r"i \+ (\d+)", index)
    if match is None or loop_start is None or loop_start not in loops:
        return []
    length, count = loops[loop_start]
    offset = int(match[1])
    return [loop_start - first + offset + length * k for k in range(count)]


def _by_comment(
    program: Program, text: str, blocks: dict[int, list[tuple[int, str]]], by_name: dict[str, int],
    forward: list[tuple[tuple[int, str], int | None, int]],
) -> list[int]:
    """A block whose gradient was a number while generating opens with the step's comment only.

    Blocks come in descending step order; the block is the latest step before
    the blocks read so far whose forward line ends with that comment.
    """
    before = min(blocks, default=len(program.steps))
    comment = text.strip()
    for position in range(before - 1, -1, -1):
        if forward[position][0][1].endswith(comment):
            return [position]
    return []
