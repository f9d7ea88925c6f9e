"""Timing and memory measurement shared by every workload.

Comparators are timed in the same process, interleaved round by round: in
each round every comparator runs once, in an order rotated from round to
round, so a slow stretch of the (shared, noisy) machine hits all of them
alike. A workload reports the median time per comparator and, for each pair,
the *paired* ratio: the ratio of the two times within each round, then the
median of those ratios.

The clock is the process's CPU time (``time.process_time``: every thread of
this process, user and system), not the wall clock. On a machine whose cores
other processes also use, a timed block that is preempted gains a whole
scheduler slice of wall time (several ms): that is 50-150% of a 5 ms floor
step but a few percent of a one-second micrograd step, so wall-clock medians
of a handful of blocks compared short comparators with long ones unfairly.
Wall time is still recorded, and reported as how far it exceeded CPU time.

A comparator whose block is short is timed several times per round (enough
blocks to use ``min_seconds``, at most ``max_blocks``), its blocks spread over
the round between the other comparators'; that round's sample is the median
of those blocks.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

# ``prepare()`` does the untimed set-up of one measurement (a fresh model, fresh
# leaves) and returns the function to time; that function's result is kept
# until the clock has stopped, so freeing it is not timed.
Prepare = Callable[[], Callable[[], object]]

T = TypeVar("T")

# The clock every timed block and phase reads.
cpu_clock = time.process_time


@dataclass(frozen=True)
class Case:
    """One comparator in a timed workload.

    Attributes:
        prepare: Untimed set-up returning the function to time.
        rounds: How many rounds this comparator takes part in (None: all).
            Very slow comparators run in the first few rounds only.
        per_call: What one timed call counts as, e.g. 5 for five consecutive
            training steps; times are reported per unit.
    """

    prepare: Prepare
    rounds: int | None = None
    per_call: int = 1

    def runs_in(self, index: int) -> bool:
        """Whether this case takes part in round ``index`` (counted from 0)."""
        return self.rounds is None or index < self.rounds


@dataclass(frozen=True)
class Block:
    """One timed call: CPU and wall seconds, the collector's passes per generation, and
    the CPU seconds those passes took (part of ``cpu``)."""

    cpu: float
    wall: float
    collections: tuple[int, int, int]
    collecting: float = 0.0


@dataclass
class Timings:
    """Seconds per unit, per comparator, one entry per round it ran in.

    Attributes:
        samples: name -> {round index: CPU seconds per unit}, the median of
            that round's blocks.
        wall: name -> {round index: wall seconds per unit}, likewise.
        blocks: name -> every timed block, in order, and the units each counts.
        errors: name -> the error that stopped that comparator, as text.
    """

    samples: dict[str, dict[int, float]] = field(default_factory=dict)
    wall: dict[str, dict[int, float]] = field(default_factory=dict)
    blocks: dict[str, list[tuple[Block, int]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, index: int, blocks: list[Block], per_call: int) -> None:
        """Record round ``index``'s blocks for ``name``."""
        self.samples.setdefault(name, {})[index] = (
            statistics.median(block.cpu for block in blocks) / per_call
        )
        self.wall.setdefault(name, {})[index] = (
            statistics.median(block.wall for block in blocks) / per_call
        )
        self.blocks.setdefault(name, []).extend((block, per_call) for block in blocks)

    def has(self, name: str) -> bool:
        """Whether ``name`` has at least one successful measurement."""
        return bool(self.samples.get(name))

    def median(self, name: str) -> float:
        """Median CPU seconds per unit for ``name``.

        Raises:
            KeyError: If ``name`` has no measurement.
        """
        values = self.samples.get(name)
        if not values:
            raise KeyError(f"no timing for {name!r}; measured: {sorted(self.samples)}")
        return statistics.median(values.values())

    def quartiles(self, name: str) -> tuple[float, float]:
        """(lower, upper) quartile of ``name``'s per-round samples (both the sample if one)."""
        values = sorted(self.samples[name].values())
        if len(values) == 1:
            return values[0], values[0]
        low, _, high = statistics.quantiles(values, n=4, method="inclusive")
        return low, high

    def ratio(self, slower: str, faster: str) -> float:
        """Median over rounds of time(slower) / time(faster), rounds both ran in.

        Raises:
            KeyError: If the two never ran in the same round.
        """
        ratios = paired_ratios(self.samples.get(slower, {}), self.samples.get(faster, {}))
        if not ratios:
            raise KeyError(f"{slower!r} and {faster!r} share no round")
        return statistics.median(ratios)

    def subset(self, suffix: str) -> Timings:
        """The cases whose names end with ``suffix``, renamed without it (rounds kept)."""
        def keep(table: Mapping[str, T]) -> dict[str, T]:
            return {name.removesuffix(suffix): v for name, v in table.items() if name.endswith(suffix)}

        return Timings(keep(self.samples), keep(self.wall), keep(self.blocks), keep(self.errors))

    def rounds(self, name: str) -> int:
        """How many successful measurements ``name`` has."""
        return len(self.samples.get(name, {}))

    def collections_per_unit(self, name: str, generation: int) -> float:
        """Mean passes of the collector over ``generation`` per unit, over all blocks."""
        blocks = self.blocks.get(name, [])
        units = sum(per_call for _, per_call in blocks)
        return sum(block.collections[generation] for block, _ in blocks) / max(units, 1)

    def collecting_per_unit(self, name: str) -> float:
        """Median over all blocks of the CPU seconds per unit spent in the cycle collector."""
        blocks = self.blocks.get(name, [])
        if not blocks:
            return 0.0
        return statistics.median(block.collecting / per_call for block, per_call in blocks)

    def wall_over_cpu(self) -> float:
        """Median over every block of wall time / CPU time (1.0: never preempted)."""
        ratios = [
            block.wall / block.cpu
            for blocks in self.blocks.values()
            for block, _ in blocks
            if block.cpu > 0.0
        ]
        return statistics.median(ratios) if ratios else 1.0


def paired_ratios(slower: Mapping[int, float], faster: Mapping[int, float]) -> list[float]:
    """slower[r] / faster[r] for every round r in both."""
    return [slower[r] / faster[r] for r in sorted(set(slower) & set(faster))]


def interleave(
    cases: Mapping[str, Case],
    rounds: int,
    *,
    min_seconds: float = 0.0,
    max_blocks: int = 1,
    stop_on: tuple[type[BaseException], ...] = (RecursionError, MemoryError),
) -> Timings:
    """Time every case in every round, rotating the order each round.

    Before each timed call the cycle collector is run (untimed), so one
    comparator's leftover garbage is never collected on another's clock; during
    the call the collector stays enabled, as users have it.

    A round is a series of passes over the cases. The first pass times each
    case once; from its time each case gets its number of blocks for the round
    (enough to use ``min_seconds``, at most ``max_blocks``), and later passes
    time the cases that still need one. So a fast comparator's repeated blocks
    are spread over the round, each next to the other fast comparators' blocks,
    rather than run back to back at one moment of the machine's load.

    Args:
        cases: name -> Case.
        rounds: Number of rounds (>= 1).
        min_seconds: CPU time a case's blocks should use per round...
        max_blocks: ...within at most this many blocks (each with a fresh ``prepare``).
        stop_on: Errors that drop a comparator from later rounds and are
            recorded in ``Timings.errors`` instead of propagating.

    Returns:
        The timings.

    Raises:
        ValueError: If ``rounds`` < 1 or ``max_blocks`` < 1, or there are no cases.
    """
    if rounds < 1 or max_blocks < 1:
        raise ValueError(
            f"interleave needs at least 1 round and 1 block, got {rounds} and {max_blocks}"
        )
    if not cases:
        raise ValueError("interleave needs at least one case, got none")
    names = list(cases)
    timings = Timings({name: {} for name in names}, {name: {} for name in names})
    for index in range(rounds):
        shift = index % len(names)
        order = [
            name
            for name in names[shift:] + names[:shift]
            if name not in timings.errors and cases[name].runs_in(index)
        ]
        blocks: dict[str, list[Block]] = {name: [] for name in order}
        wanted = dict.fromkeys(order, 1)
        while any(len(blocks[name]) < wanted[name] for name in order):
            for name in order:
                if len(blocks[name]) >= wanted[name]:
                    continue
                try:
                    block = time_block(cases[name].prepare)
                except stop_on as error:
                    timings.errors[name] = f"{type(error).__name__}: {error}"
                    wanted[name] = 0
                    continue
                blocks[name].append(block)
                if len(blocks[name]) == 1 and block.cpu > 0.0:
                    wanted[name] = max(1, min(max_blocks, math.ceil(min_seconds / block.cpu)))
        for name in order:
            if name not in timings.errors:
                timings.add(name, index, blocks[name], cases[name].per_call)
    return timings


def time_block(prepare: Prepare) -> Block:
    """Prepare, collect garbage, then time one call (the collector on, its passes counted)."""
    function = prepare()
    gc.collect()
    passes = [0, 0, 0]
    collecting = [0.0]

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes[info["generation"]] += 1
            collecting[0] -= cpu_clock()
        else:
            collecting[0] += cpu_clock()

    gc.callbacks.append(count)
    try:
        wall = time.perf_counter()
        cpu = cpu_clock()
        result = function()
        cpu = cpu_clock() - cpu
        wall = time.perf_counter() - wall
    finally:
        gc.callbacks.remove(count)
    del result
    return Block(cpu, wall, (passes[0], passes[1], passes[2]), collecting[0])


@contextmanager
def startup_heap_frozen() -> Iterator[int]:
    """Hide every object alive now from the cycle collector inside the block.

    Yields how many objects were frozen. The benchmark process holds torch's
    and micrograd's modules (about 150,000 tracked objects) that no user of a
    single library has; a full collection walks all of them, so a comparator
    whose own garbage triggers full collections (micrograd) would pay for
    torch's objects. Frozen, each comparator's collections see only what it
    made, as in a process holding that library alone.
    """
    gc.collect()
    count = len(gc.get_objects())
    gc.freeze()
    try:
        yield count
    finally:
        gc.unfreeze()


@contextmanager
def startup_heap_visible() -> Iterator[None]:
    """Undo :func:`startup_heap_frozen` inside the block (to show what it changes)."""
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    try:
        yield
    finally:
        if frozen:
            gc.collect()
            gc.freeze()
