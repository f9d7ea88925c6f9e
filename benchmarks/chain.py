"""Workload B: a deep chain ``x -> x * 1.0001 + 0.0001``, built and backpropagated.

A chain of N steps has 2N nodes (each step is a multiply node and an add
node; the plain numbers are folded into them). valuegrad runs at the default
recursion limit; micrograd sorts its graph recursively, so it is first tried
at the default limit (its RecursionError is reported) and then timed with the
limit raised for the measurement and restored afterwards.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial

from . import handwritten, phases, with_micrograd, with_torch, with_valuegrad
from .harness import Case, Timings, interleave, startup_heap_visible
from .report import BenchmarkError, Section, Target, ratio, seconds, table, wall_note
from .settings import ChainRun, Settings

RELATIVE_TOLERANCE = 1e-6

# Resident memory per chain step, measured at 1e6 steps (Python 3.11): used to
# skip a comparator that would not fit in the memory this machine has free.
BYTES_PER_STEP = {"micrograd": 5_000, "torch scalar": 2_000}

ChainFunction = Callable[[int], tuple[float, object]]


def available_memory() -> int | None:
    """Bytes of memory available to new processes (Linux), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _handwritten_chain(steps: int) -> tuple[float, object]:
    _, grad = handwritten.chain(steps)
    return grad, None


def _micrograd_chain(steps: int) -> tuple[float, object]:
    # The recursive sort goes one frame deeper per node: 2 nodes per step.
    with with_micrograd.recursion_limit(2 * steps + 1_000):
        return with_micrograd.chain(steps)


COMPARATORS: dict[str, ChainFunction] = {
    "valuegrad": with_valuegrad.chain,
    "micrograd": _micrograd_chain,
    "torch scalar": with_torch.chain,
    "handwritten": _handwritten_chain,
}
SLOW = ("micrograd", "torch scalar")


def _timed(function: ChainFunction, steps: int, grads: list[float]) -> Callable[[], object]:
    def run() -> object:
        grad, graph = function(steps)
        grads.append(grad)
        return graph  # freed after the clock stops

    return run


def micrograd_at_default_limit(steps: int) -> str:
    """What micrograd does on this chain at the default recursion limit, in words."""
    try:
        grad, _ = with_micrograd.chain(steps)
    except RecursionError:
        return f"RecursionError (limit {sys.getrecursionlimit()})"
    return f"ok (gradient {grad:.6g})"


def _skip_reason(name: str, run: ChainRun) -> str | None:
    if name in SLOW and run.slow_rounds == 0:
        return "skipped in this mode (too slow for its budget)"
    need = BYTES_PER_STEP.get(name, 0) * run.steps * 1.5
    free = available_memory()
    if need and free is not None and free < need:
        return f"skipped: needs about {need / 1e9:.1f} GB, {free / 1e9:.1f} GB available"
    return None


def _cell(timings: Timings, status: dict[str, str], name: str) -> str:
    if timings.has(name):
        return f"{seconds(timings.median(name))} (×{timings.rounds(name)})"
    return status.get(name, "—")


def _paired(timings: Timings, slower: str, faster: str) -> str:
    if timings.has(slower) and timings.has(faster):
        return ratio(timings.ratio(slower, faster))
    return "—"


def shared_heap_timings(steps: int, rounds: int, settings: Settings) -> Timings:
    """valuegrad and micrograd on the chain with the startup heap visible to the collector.

    Every other measurement runs with the objects alive at start frozen (see
    ``harness.startup_heap_frozen``). micrograd leaves every node to the cycle
    collector, whose full passes traverse every object the process holds: this
    shows what torch's and micrograd's ~150,000 module objects would add.
    """
    with startup_heap_visible():
        return interleave(
            {
                "valuegrad": Case(partial(_timed, with_valuegrad.chain, steps, [])),
                "micrograd": Case(partial(_timed, _micrograd_chain, steps, [])),
            },
            rounds,
            min_seconds=settings.min_seconds,
            max_blocks=settings.max_blocks,
        )


def run(settings: Settings) -> Section:
    """Time workload B at each depth, check every gradient, judge the targets."""
    start = time.perf_counter()
    section = Section("B", "deep chain x → x·1.0001 + 0.0001, build + backward")
    section.lines.append(
        "N chain steps make 2N nodes (a multiply and an add per step; constants are folded "
        "into the nodes). Times are build + backward, medians; “÷ valuegrad” is the paired "
        f"ratio (per round, then the median). Every gradient is checked against 1.0001**N "
        f"(relative {RELATIVE_TOLERANCE:g}). valuegrad runs at the default recursion limit "
        f"({sys.getrecursionlimit()}); micrograd is timed with the limit raised to 2N + 1000."
    )
    section.lines.append("")
    rows: list[list[str]] = []
    notes: list[str] = []
    micrograd_ratio_at_10k: float | None = None
    wall_excess: list[Timings] = []
    limit = ""
    deepest_ok: int | None = None
    default_limit_failures: int | None = None
    for chain_run in settings.chains:
        steps = chain_run.steps
        grads: dict[str, list[float]] = {name: [] for name in COMPARATORS}
        cases: dict[str, Case] = {}
        status: dict[str, str] = {}
        for name, function in COMPARATORS.items():
            reason = _skip_reason(name, chain_run)
            if reason is not None:
                status[name] = reason
                continue
            rounds = chain_run.slow_rounds if name in SLOW else chain_run.rounds
            cases[name] = Case(partial(_timed, function, steps, grads[name]), rounds=rounds)
        # micrograd at the default limit: tried where cheap; deeper chains only get deeper.
        if "micrograd" in cases:
            if default_limit_failures is None or steps <= 100_000:
                default_limit = micrograd_at_default_limit(steps)
                if default_limit.startswith("RecursionError") and default_limit_failures is None:
                    default_limit_failures = steps
            else:
                default_limit = f"RecursionError (as at N = {default_limit_failures:,})"
        else:
            default_limit = "—"
        timings = interleave(
            cases,
            max(chain_run.rounds, chain_run.slow_rounds),
            min_seconds=settings.min_seconds,
            max_blocks=settings.max_blocks,
        )
        wall_excess.append(timings)
        expected = 1.0001**steps
        for name, values in grads.items():
            for grad in values:
                if abs(grad - expected) > RELATIVE_TOLERANCE * expected:
                    raise BenchmarkError(
                        f"{name} chain of {steps} steps: gradient {grad!r}, expected "
                        f"1.0001**{steps} = {expected!r}"
                    )
        for name, error in timings.errors.items():
            status[name] = error

        if timings.has("valuegrad"):
            deepest_ok = steps
        if steps == 10_000 and timings.has("micrograd"):
            micrograd_ratio_at_10k = timings.ratio("micrograd", "valuegrad")
        rows.append(
            [
                f"{steps:,}",
                f"{2 * steps:,}",
                *(_cell(timings, status, name) for name in COMPARATORS),
                _paired(timings, "micrograd", "valuegrad"),
                _paired(timings, "torch scalar", "valuegrad"),
                _paired(timings, "valuegrad", "handwritten"),
                default_limit,
            ]
        )
        for name, reason in status.items():
            notes.append(f"- N = {steps:,}, {name}: {reason}")
    shared_heap: Timings | None = None
    if micrograd_ratio_at_10k is not None and settings.judges_targets:
        rounds = next(run.slow_rounds for run in settings.chains if run.steps == 10_000)
        shared_heap = shared_heap_timings(10_000, rounds, settings)
    section.lines.extend(
        table(
            [
                "N steps",
                "nodes",
                "valuegrad (rounds)",
                "micrograd",
                "torch scalar",
                "handwritten",
                "micrograd ÷ valuegrad",
                "torch scalar ÷ valuegrad",
                "valuegrad ÷ handwritten",
                "micrograd at default limit",
            ],
            rows,
        )
    )
    if notes:
        section.lines.append("")
        section.lines.extend(notes)
    section.lines.append("")
    section.lines.append(wall_note(wall_excess))
    profiled = max((run.steps for run in settings.chains if run.steps <= 10_000), default=None)
    if profiled is not None:
        section.lines.append("")
        section.lines.append(f"Where valuegrad's time goes at N = {profiled:,}:")
        section.lines.append("")
        rounds = next(run.rounds for run in settings.chains if run.steps == profiled)
        chain_phases = phases.chain(profiled, rounds)
        section.lines.extend(phases.render(chain_phases, 2 * profiled))
        per_node = sum(chain_phases.values()) / (2 * profiled) * 1e9
        limit = (
            f"valuegrad: {per_node:.0f} ns per node (build, sort and sweep, see B's phase "
            "table). micrograd's time is mostly cycle-collector passes over the whole heap, "
            "so the ratio moves with what else the process holds"
        )
    if shared_heap is not None:
        section.lines.append("")
        section.lines.append(
            "**How much micrograd depends on the heap.** micrograd leaves every node to the "
            "cycle collector, whose full passes walk every object the collector can see; "
            "valuegrad leaves it nothing. The times above are taken with the objects alive at "
            "start frozen, as in a process holding one library. Re-measured at N = 10,000 with "
            "them visible (torch's and micrograd's modules, as in this benchmark's process "
            f"before the freeze): valuegrad {seconds(shared_heap.median('valuegrad'))}, "
            f"micrograd {seconds(shared_heap.median('micrograd'))}, paired ratio "
            f"{ratio(shared_heap.ratio('micrograd', 'valuegrad'))}. valuegrad's nodes are "
            "tracked by the collector too (40,000 objects at N = 10,000, all alive until "
            "backward ends): CPython starts a full pass once the objects that survived since "
            "the last one exceed a quarter of the older ones, so at this size whether a full "
            "pass lands inside a measurement depends on the heap, and both comparators' times "
            "at this size vary from run to run."
        )
    largest = max((run.steps for run in settings.chains), default=0)
    section.targets.append(
        Target(
            "B",
            "1,000,000 nodes at the default recursion limit",
            f"{2 * deepest_ok:,} nodes (N = {deepest_ok:,}) built and backpropagated, gradient correct"
            if deepest_ok is not None
            else "nothing ran",
            (deepest_ok is not None and 2 * deepest_ok >= 1_000_000)
            if largest * 2 >= 1_000_000
            else None,
        )
    )
    section.targets.append(
        Target(
            "B",
            "≥ 10x faster than micrograd at N = 10,000",
            f"{ratio(micrograd_ratio_at_10k)} (paired median)"
            + (
                f"; {ratio(shared_heap.ratio('micrograd', 'valuegrad'))} with torch's objects "
                "visible to the collector"
                if shared_heap is not None
                else ""
            )
            if micrograd_ratio_at_10k is not None
            else "not measured in this mode",
            None if micrograd_ratio_at_10k is None else micrograd_ratio_at_10k >= 10.0,
            limit=limit,
        )
    )
    section.seconds = time.perf_counter() - start
    return section
