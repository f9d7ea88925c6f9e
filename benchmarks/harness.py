"""Timing and memory measurement shared by every workload.

Comparators are timed in the same process, interleaved round by round: in
each round every comparator runs once, in an order rotated from round to
round, so a slow stretch of the (shared, noisy) machine hits all of them
alike. A workload reports the median time per comparator and, for each pair,
the *paired* ratio: the ratio of the two times within each round, then the
median of those ratios.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# ``prepare()`` does the untimed set-up of one measurement (a fresh model, fresh
# leaves) and returns the function to time; that function's result is kept
# until the clock has stopped, so freeing it is not timed.
Prepare = Callable[[], Callable[[], object]]


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


@dataclass
class Timings:
    """Seconds per unit, per comparator, one entry per round it ran in.

    Attributes:
        samples: name -> {round index: seconds per unit}.
        errors: name -> the error that stopped that comparator, as text.
    """

    samples: dict[str, dict[int, float]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Whether ``name`` has at least one successful measurement."""
        return bool(self.samples.get(name))

    def median(self, name: str) -> float:
        """Median seconds per unit for ``name``.

        Raises:
            KeyError: If ``name`` has no measurement.
        """
        values = self.samples.get(name)
        if not values:
            raise KeyError(f"no timing for {name!r}; measured: {sorted(self.samples)}")
        return statistics.median(values.values())

    def ratio(self, slower: str, faster: str) -> float:
        """Median over rounds of time(slower) / time(faster), rounds both ran in.

        Raises:
            KeyError: If the two never ran in the same round.
        """
        a = self.samples.get(slower, {})
        b = self.samples.get(faster, {})
        shared = sorted(set(a) & set(b))
        if not shared:
            raise KeyError(f"{slower!r} and {faster!r} share no round")
        return statistics.median(a[r] / b[r] for r in shared)

    def rounds(self, name: str) -> int:
        """How many successful measurements ``name`` has."""
        return len(self.samples.get(name, {}))


def interleave(
    cases: Mapping[str, Case],
    rounds: int,
    *,
    stop_on: tuple[type[BaseException], ...] = (RecursionError, MemoryError),
) -> Timings:
    """Time every case once per round, rotating the order each round.

    Before each timed call the cycle collector is run (untimed), so one
    comparator's leftover garbage is never collected on another's clock; during
    the call the collector stays enabled, as users have it.

    Args:
        cases: name -> Case.
        rounds: Number of rounds (>= 1).
        stop_on: Errors that drop a comparator from later rounds and are
            recorded in ``Timings.errors`` instead of propagating.

    Returns:
        The timings.

    Raises:
        ValueError: If ``rounds`` < 1 or there are no cases.
    """
    if rounds < 1:
        raise ValueError(f"interleave needs at least 1 round, got {rounds}")
    if not cases:
        raise ValueError("interleave needs at least one case, got none")
    names = list(cases)
    timings = Timings({name: {} for name in names})
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            case = cases[name]
            if name in timings.errors or (case.rounds is not None and index >= case.rounds):
                continue
            try:
                seconds = _time_once(case.prepare)
            except stop_on as error:
                timings.errors[name] = f"{type(error).__name__}: {error}"
                continue
            timings.samples[name][index] = seconds / case.per_call
    return timings


def _time_once(prepare: Prepare) -> float:
    function = prepare()
    gc.collect()
    start = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - start
    del result
    return elapsed


# ---------------------------------------------------------------- memory


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
