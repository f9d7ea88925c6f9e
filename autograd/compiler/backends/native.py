"""The native backend: a program run by a C tape interpreter, its cases printed from the derivative table.

A program is encoded as a tape (:mod:`.native_tape`: flat arrays, every index
checked) and run by a kernel (:mod:`.native_kernel`) whose switch has one
case per shape of step, each printed as C from its row's rules. The kernel
depends only on the shapes a program uses, not on its size, so it compiles
in a fraction of a second, is cached on disk (:mod:`.native_build`), and
serves every batch size of a model; the tape costs one pass over the program.

Results equal the Python backend's bit for bit: the same expression trees,
the same order of additions, no fast math, no fused multiply-adds, no excess
precision. Each call fills its own array of slots (one workspace per call, so
threads may call at once); the backward reads it and fills its own array of
gradients. Without a C compiler, compiling raises :class:`NoCompiler`; when
the compiler fails, the program is compiled by the Python backend instead,
with a warning.
"""

from __future__ import annotations

import ctypes
import time
import warnings
from array import array
from collections.abc import Sequence
from typing import Any

from ..program import Diverged, JitError, Program, Step
from .native_build import CompileFailed, Kernel, NoCompiler, find_compiler, load_kernel
from .native_kernel import kernel_source
from .native_tape import Tape, encode
from .protocol import CompiledProgram, one_line, register_backend
from .python import PythonBackend

__all__ = ["NativeBackend", "NoCompiler", "native_available"]

if array("i").itemsize != 4 or array("q").itemsize != 8:  # the kernel reads int32 and int64 arrays
    raise ImportError("the native backend needs 4-byte C ints and 8-byte long longs")


class _TapeStruct(ctypes.Structure):
    """The kernel's ``vg_tape``: counts, and the addresses of the tape's arrays."""

    _fields_ = [
        ("first_step", ctypes.c_int64), ("steps", ctypes.c_int64), ("checks", ctypes.c_int64),
        ("case_of", ctypes.c_void_p), ("gradient_case", ctypes.c_void_p), ("start", ctypes.c_void_p),
        ("operand", ctypes.c_void_p), ("stride", ctypes.c_void_p), ("check_after", ctypes.c_void_p),
        ("check_kind", ctypes.c_void_p), ("check_operand", ctypes.c_void_p), ("check_other", ctypes.c_void_p),
        ("check_outcome", ctypes.c_void_p), ("check_number", ctypes.c_void_p),
        ("output", ctypes.c_int64), ("shapes", ctypes.c_int64), ("segments", ctypes.c_int64),
        ("entries", ctypes.c_int64), ("segment_body", ctypes.c_void_p), ("segment_length", ctypes.c_void_p),
        ("segment_count", ctypes.c_void_p), ("segment_swap", ctypes.c_void_p),
    ]


def native_available() -> bool:
    """Whether a C compiler is there for the native backend (see :func:`.native_build.find_compiler`)."""
    try:
        find_compiler()
    except NoCompiler:
        return False
    return True


class NativeBackend:
    """A C tape interpreter, built from the derivative table and cached: ``jit(fn, backend="native")``."""

    name = "native"

    def compile(self, program: Program, *, name: str, title: str, filename: str) -> CompiledProgram:
        """Encode ``program`` and load (or build) its kernel; on a compiler failure, use the Python backend.

        Raises:
            NoCompiler: If there is no C compiler.
            JitError: If the program is malformed (an index out of range, an operand count that
                does not fit its op).
        """
        start = time.perf_counter()
        tape = encode(program)
        source = kernel_source(tape.shapes)
        written = time.perf_counter() - start
        try:
            kernel = load_kernel(source)
        except CompileFailed as error:
            warnings.warn(
                f"jit: the native backend could not build {name}'s kernel, so the Python backend "
                f"compiles it ({str(error).splitlines()[0]})",
                RuntimeWarning, stacklevel=4,
            )
            return PythonBackend().compile(program, name=name, title=title, filename=filename)
        return _compiled(program, tape, kernel, source, title, written)


def _compiled(
    program: Program, tape: Tape, kernel: Kernel, source: str, title: str, written: float
) -> CompiledProgram:
    replay = _Replay(program, tape, kernel)
    return CompiledProgram(replay.run, replay.backward, _listing(program, tape, title, source), len(tape.case), written)


class _Replay:
    """One compiled program: the tape the kernel reads, kept alive as long as its callables."""

    __slots__ = (
        "_aux",
        "_backward",
        "_decisions",
        "_forward",
        "_gradients",
        "_output",
        "_rest",
        "_struct",
        "_tape",
        "_tape_address",
        "_zeros",
    )

    def __init__(self, program: Program, tape: Tape, kernel: Kernel) -> None:
        self._tape = tape
        self._struct = _TapeStruct(
            program.first_step, len(program.steps), len(tape.check_index),
            *(_address(part) for part in (
                tape.case, tape.gradient_case, tape.start, tape.operands, tape.strides, tape.check_after,
                tape.check_kind, tape.check_operand, tape.check_other, tape.check_outcome, tape.check_number,
            )),
            program.output, len(tape.shapes), len(tape.segment_body), len(tape.case),
            *(_address(part) for part in (tape.segment_body, tape.segment_length, tape.segment_count, tape.segment_swap)),
        )
        self._tape_address = ctypes.addressof(self._struct)
        problem = kernel.validate(self._tape_address, tape.slots)
        if problem:  # the encoder checked the same: this would be a bug in one of the two
            raise JitError(f"native backend: the kernel refused the tape (check {problem})")
        self._forward, self._backward = kernel.forward, kernel.backward
        self._gradients, self._output, self._aux = program.gradient_inputs, program.output, program.aux
        self._decisions = program.decisions
        self._rest = array("d", program.constants)
        self._rest.extend(array("d", bytes(8 * len(program.steps))))
        self._zeros = array("d", bytes(8 * tape.slots))

    def run(self, inputs: Sequence[float], numbers: Sequence[float]) -> tuple[float, tuple[float, ...], Any]:
        """The forward pass on a fresh array of slots (the saved values)."""
        values = array("d", inputs)
        values.extend(numbers)
        values.extend(self._rest)
        if len(values) != self._tape.slots:
            raise JitError(
                f"native backend: the program has {self._tape.slots} slots, the call filled {len(values)}"
            )
        failed = self._forward(self._tape_address, values.buffer_info()[0])
        if failed != -1 or self._tape.rounds:
            self._settle(values, failed)
        return values[self._output], tuple([values[slot] for slot in self._aux]), values

    def backward(self, saved: array[float]) -> Sequence[float]:
        """The gradients of the Value inputs, on a fresh array of gradients."""
        if type(saved) is not array or saved.typecode != "d" or len(saved) != self._tape.slots:
            raise JitError("native backend: backward expects the slots its own run saved")
        grads = self._zeros[:]
        self._backward(self._tape_address, saved.buffer_info()[0], grads.buffer_info()[0])
        return grads[: self._gradients]

    def _settle(self, values: array[float], failed: int) -> None:
        """Raise Diverged for the first check that fails: C's, or a round() before it (Python's)."""
        check_index = self._tape.check_index
        limit = failed if failed >= 0 else len(check_index)
        for order in self._tape.rounds:
            if order >= limit:
                break
            decision = self._decisions[check_index[order]]
            if not decision.holds(values):
                raise Diverged(check_index[order])
        if failed >= 0:
            raise Diverged(check_index[failed])
        if failed != -1:
            raise JitError(f"native backend: the kernel stopped with {failed}")


def _address(part: array[Any]) -> int:
    address: int = part.buffer_info()[0]
    return address


def _listing(program: Program, tape: Tape, title: str, source: str) -> str:
    """What ``Jitted.source`` shows: the tape entry by entry with the user's lines (loops as loops), then the kernel."""
    first = program.first_step
    # User text is data here too: a label names a slot only if it is an identifier, and
    # every other piece of user text is printed as one escaped line.
    names = [entry.name if entry.name.isidentifier() else f"p{slot}" for slot, entry in enumerate(program.inputs)]
    names += [repr(number) for number in program.constants]

    def name(slot: int, stride: int) -> str:
        if stride:
            return f"v[{slot} + {stride} * k]"
        return names[slot] if slot < first else f"t{slot}"

    lines = [
        f"# {one_line(title)}",
        f"# native backend: a tape of {len(tape.case):,} entries for {len(program.steps):,} steps, then its kernel's C",
        "",
    ]
    position = 0
    for body, length, count in zip(tape.segment_body, tape.segment_length, tape.segment_count, strict=True):
        indent = "    " if count > 1 else ""
        if count > 1:
            lines.append(f"for k in range({count}):  # slots {first + position} to {first + position + length * count - 1}")
        for offset in range(length):
            entry = body + offset
            step = program.steps[position + offset]
            operands = ", ".join(
                name(tape.operands[j], tape.strides[j]) for j in range(tape.start[entry], tape.start[entry + 1])
            )
            target = name(first + position + offset, length if count > 1 else 0)
            lines.append(f"{indent}{target} = {one_line(step.op.name)}({operands})  {_where(step)}")
        position += length * count
    lines.append(f"return {name(program.output, 0)}")
    return "\n".join([*lines, "", source])


def _where(step: Step) -> str:
    made = f" at {one_line(str(step.origin))}" if step.origin is not None else ""
    return f"#{' (no_grad)' if not step.gradient else ''}{made}"


register_backend(NativeBackend())
