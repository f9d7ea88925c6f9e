"""Workload D: memory. Bytes per node held by B's chain, peak bytes of one A step,
and objects left for the cycle collector after A.

All numbers come from ``tracemalloc``, which sees every allocation made through
Python's allocators and nothing that a C++ library allocates itself: torch's
tensors live mostly outside it, so torch has no rows here except for the
cycle-collector count, which does not depend on tracemalloc.
"""

from __future__ import annotations

import gc
import struct
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial

from . import chain, handwritten, with_micrograd, with_torch, with_valuegrad
from .mlp_step import Stepper
from .problem import MLPProblem, make_problem
from .report import Section, Target, nbytes, table
from .settings import Settings


def held_bytes(build: Callable[[], object]) -> int:
    """Bytes that ``build()``'s result keeps alive, as tracemalloc sees them.

    Only allocations made through Python's allocators are traced: memory that
    a C++ library (torch) allocates itself is invisible here. The result is
    dropped once measured.
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = build()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del result
    return after - before


def peak_bytes(run: Callable[[], object]) -> int:
    """Peak traced bytes above the starting point while ``run()`` executes."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = run()
        peak = tracemalloc.get_traced_memory()[1]
        del result
    finally:
        tracemalloc.stop()
    return peak - before


def cyclic_garbage(run: Callable[[], object]) -> int:
    """Objects the cycle collector frees after ``run()``, with the collector off meanwhile.

    ``run``'s result is dropped before collecting: whatever reference
    counting cannot free by then is garbage only the cycle collector reclaims.
    """
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = run()
        del result
        return gc.collect()
    finally:
        if was_enabled:
            gc.enable()


STEPPERS: dict[str, Callable[[MLPProblem], Stepper]] = {
    "valuegrad": with_valuegrad.ValuegradMLP,
    "micrograd": with_micrograd.MicrogradMLP,
    "torch scalar": with_torch.TorchScalarMLP,
    "torch vectorized": with_torch.TorchVectorMLP,
    "handwritten": handwritten.HandwrittenMLP,
}
TRACED = ("valuegrad", "micrograd", "handwritten")


def _one_steady_step(make: Callable[[MLPProblem], Stepper], problem: MLPProblem) -> int:
    model = make(problem)
    model.step()
    return peak_bytes(model.step)


def _train(make: Callable[[MLPProblem], Stepper], problem: MLPProblem, steps: int) -> None:
    model = make(problem)
    for _ in range(steps):
        model.step()


def _build_only(steps: int) -> object:
    return with_valuegrad.build_chain(steps)


def node_anatomy() -> dict[str, int]:
    """The objects one chain node holds after backward, with their sizes in bytes."""
    _, out = with_valuegrad.build_chain(2)
    out.backward()
    return {
        f"the Value (slotted, {len(type(out).__slots__)} slots)": sys.getsizeof(out),
        "its data float": sys.getsizeof(out.data),
        "its parents tuple": sys.getsizeof(out.parents),
        "its grad float": sys.getsizeof(out.grad),
        "its entry in the cached order": struct.calcsize("P"),
    }


def run(settings: Settings) -> Section:
    """Measure workload D; judge the bytes-per-node (B) and cycle-collector (D) targets."""
    start = time.perf_counter()
    section = Section("D", "memory")
    steps = settings.memory_chain_steps
    built = held_bytes(partial(_build_only, steps))
    held = held_bytes(partial(with_valuegrad.chain, steps))
    micrograd_steps = settings.micrograd_memory_chain_steps
    micrograd_held = held_bytes(partial(chain.COMPARATORS["micrograd"], micrograd_steps))
    section.lines.append(
        "**Bytes held by B's chain** (tracemalloc, after `gc.collect()`, graph kept alive). "
        "A node is one op result: a chain of N steps has 2N nodes. After backward, "
        "valuegrad's total includes the output's cached topological order (8 bytes per node)."
    )
    section.lines.append("")
    section.lines.extend(
        table(
            ["comparator", "N steps", "held", "bytes / node", "bytes / step"],
            [
                [
                    "valuegrad, built (before backward)",
                    f"{steps:,}",
                    nbytes(built),
                    f"{built / (2 * steps):.0f}",
                    f"{built / steps:.0f}",
                ],
                [
                    "valuegrad, after backward",
                    f"{steps:,}",
                    nbytes(held),
                    f"{held / (2 * steps):.0f}",
                    f"{held / steps:.0f}",
                ],
                [
                    "micrograd, after backward",
                    f"{micrograd_steps:,}",
                    nbytes(micrograd_held),
                    f"{micrograd_held / (2 * micrograd_steps):.0f}",
                    f"{micrograd_held / micrograd_steps:.0f}",
                ],
            ],
        )
    )
    section.lines.append("")
    section.lines.append(
        "micrograd also turns each plain number into a leaf Value (2 per step), counted in "
        "its bytes; its nodes carry a closure, a set of children and an instance dict."
    )
    section.lines.append("")

    anatomy = node_anatomy()
    node_bytes = sum(anatomy.values())
    why = (
        f"The aim of 150 B would need {node_bytes - 150} B less: every slot is used, floats "
        "are immutable objects of 24 B, and a one-element tuple is the smallest container "
        "for the operands. Storing a lone parent without its tuple would save 48 B, at the "
        "price of two representations that every graph walk would have to tell apart; "
        "we kept the engine readable instead."
        if node_bytes > 150
        else "The aim of 150 B is reached."
    )
    section.lines.append(
        "One chain node after backward, by `sys.getsizeof` (GC headers included): "
        + ", ".join(f"{name} {size} B" for name, size in anatomy.items())
        + f"; {node_bytes} B in all. {why}"
    )
    section.lines.append("")

    problem = make_problem(points=settings.points, hidden=settings.hidden)
    peaks = {name: _one_steady_step(STEPPERS[name], problem) for name in TRACED}
    garbage = {
        name: cyclic_garbage(partial(_train, make, problem, settings.gc_steps))
        for name, make in STEPPERS.items()
    }
    section.lines.append(
        f"**Workload A**: peak traced bytes during one steady-state step, and objects that "
        f"`gc.collect()` frees after building the model and running {settings.gc_steps} steps "
        "with the cycle collector disabled (everything reference counting could not free)."
    )
    section.lines.append("")
    section.lines.extend(
        table(
            ["comparator", "peak during one step", "objects left for the cycle collector"],
            [
                [
                    name,
                    nbytes(peaks[name]) if name in peaks else "not visible to tracemalloc",
                    f"{garbage[name]:,}",
                ]
                for name in STEPPERS
            ],
        )
    )
    per_node = held / (2 * steps)
    section.targets.append(
        Target(
            "B",
            "≤ 250 bytes per node held after backward (aim 150)",
            f"{per_node:.0f} bytes/node ({held / steps:.0f} bytes/step) at N = {steps:,}; "
            + (
                "aim of 150 reached"
                if per_node <= 150.0
                else "aim of 150 not reached: see D's node anatomy for where the bytes go"
            ),
            per_node <= 250.0,
            limit="what one node holds: see D's node anatomy",
        )
    )
    section.targets.append(
        Target(
            "D",
            "zero objects left for the cycle collector",
            f"{garbage['valuegrad']} (micrograd: {garbage['micrograd']:,})",
            garbage["valuegrad"] == 0,
        )
    )
    section.seconds = time.perf_counter() - start
    return section
