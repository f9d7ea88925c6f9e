"""The timed side of ``python -m benchmarks.ab``: valuegrad's workloads A (with and without jit), B and C.

``benchmarks.ab`` starts this file as a script in a fresh interpreter whose
``PYTHONPATH`` is one checkout of the repository, so ``autograd`` and ``nn``
are that checkout's. It imports nothing else from the repository (not even
the ``benchmarks`` package, which would pull in torch and micrograd), and uses
only public API, so it runs against old and new checkouts alike. The
workloads are written as in ``benchmarks/with_valuegrad.py`` (a smoke test
checks that both compute the same losses).

Protocol: the one argument is a JSON object of ``Sizes`` fields. The worker
prepares the data, freezes the heap, and prints one JSON line saying where
``autograd`` and ``nn`` came from. Then, for each measure name read from
stdin (one per line), it times one block and prints ``{"cpu": s, "wall": s}``
(seconds per unit: per step for A, per build + backward for B and C); the
first request for a measure is preceded by an untimed warm-up block. It exits
at the end of stdin. Two workers, one per checkout, are thus timed block by
block in alternation, each waiting on its stdin while the other runs.
"""

from __future__ import annotations

import os
import sys

# This file's directory (benchmarks/) comes first on sys.path when run as a
# script; its modules must not shadow anything the checkout imports.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import gc
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TextIO

import autograd
import nn
from autograd import Value, dot, vsum

# What one measurement times, made by an untimed set-up: (the function, units it counts).
Prepared = tuple[Callable[[], object], int]


@dataclass(frozen=True)
class Sizes:
    """How big (the defaults are the sizes RESULTS.md reports).

    Attributes:
        points: A's two-moons examples.
        hidden: A's hidden layer sizes.
        steady_steps: Steps per timed block of A's steady state.
        chain_steps: B's chain steps (2 nodes each).
        products: C's pairs of leaves.
    """

    points: int = 100
    hidden: tuple[int, ...] = (16, 16)
    steady_steps: int = 3
    chain_steps: int = 10_000
    products: int = 10_000


class MLPStep:
    """Workload A: ``nn.MLP(2, [*hidden, 1])`` (relu, seed 0) on seeded two-moons points,
    mean hinge loss + 1e-4·``nn.l2``, backward, ``nn.SGD`` (lr 0.05)."""

    def __init__(self, data: tuple[list[list[float]], list[float]], hidden: tuple[int, ...]) -> None:
        self.X, self.labels = data
        self.model = nn.MLP(2, [*hidden, 1], activation="relu", seed=0)
        self.params = self.model.parameters()
        self.optimizer = nn.SGD(self.params, lr=0.05)

    def step(self) -> float:
        """Forward, backward, SGD update; returns the loss before the update."""
        scores = [self.model(x) for x in self.X]
        loss = nn.hinge(scores, self.labels) + 1e-4 * nn.l2(self.params)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.data


class JitStep(MLPStep):
    """Workload A with its loss compiled by ``autograd.jit`` (the first call traces and compiles)."""

    def __init__(self, data: tuple[list[list[float]], list[float]], hidden: tuple[int, ...]) -> None:
        super().__init__(data, hidden)
        self.loss = autograd.jit(self.loss_of)

    def loss_of(self, X: list[list[float]], labels: list[float]) -> Value:
        scores = [self.model(x) for x in X]
        return nn.hinge(scores, labels) + 1e-4 * nn.l2(self.params)

    def step(self) -> float:
        loss = self.loss(self.X, self.labels)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.data


def moons(points: int) -> tuple[list[list[float]], list[float]]:
    """A's data: inputs as float lists, labels as -1.0 / +1.0."""
    X, y = nn.moons(n=points, noise=0.1, seed=0)
    return [list(map(float, x)) for x in X], [2.0 * label - 1.0 for label in y]


def operands(size: int) -> tuple[list[float], list[float]]:
    """C's operands: two seeded lists of floats in [-1, 1)."""
    rng = random.Random(0)
    return [rng.uniform(-1, 1) for _ in range(size)], [rng.uniform(-1, 1) for _ in range(size)]


def chain(steps: int) -> tuple[Value, Value]:
    """Workload B: ``x -> x * 1.0001 + 0.0001`` ``steps`` times, then backward; (x, out)."""
    out = x = Value(1.0)
    for _ in range(steps):
        out = out * 1.0001 + 0.0001
    out.backward()
    return x, out


def measures(sizes: Sizes) -> dict[str, Callable[[], Prepared]]:
    """Measure name -> untimed set-up returning (function to time, units it counts)."""
    data = moons(sizes.points)
    xs, ys = operands(sizes.products)
    x, _ = chain(sizes.chain_steps)
    expected = 1.0001**sizes.chain_steps
    if abs(x.grad - expected) > 1e-6 * expected:
        raise RuntimeError(f"B: gradient {x.grad!r}, expected 1.0001**{sizes.chain_steps}")

    def first_step() -> Prepared:
        return MLPStep(data, sizes.hidden).step, 1

    def steady_step() -> Prepared:
        model = MLPStep(data, sizes.hidden)
        model.step()  # past the first step: what follows is steady state
        return (lambda: [model.step() for _ in range(sizes.steady_steps)]), sizes.steady_steps

    def first_jit_step() -> Prepared:
        return JitStep(data, sizes.hidden).step, 1

    def steady_jit_step() -> Prepared:
        model = JitStep(data, sizes.hidden)
        model.step()
        model.step()  # the second trace checks the first; replays follow
        return (lambda: [model.step() for _ in range(sizes.steady_steps)]), sizes.steady_steps

    def leaves() -> tuple[list[Value], list[Value]]:
        return [Value(x) for x in xs], [Value(y) for y in ys]

    def with_vsum() -> Prepared:
        a, b = leaves()

        def run() -> Value:
            out = vsum([x * y for x, y in zip(a, b, strict=True)])
            out.backward()
            return out

        return run, 1

    def with_dot() -> Prepared:
        a, b = leaves()

        def run() -> Value:
            out = dot(a, b)
            out.backward()
            return out

        return run, 1

    return {
        "A first step": first_step,
        "A steady step": steady_step,
        "A first jit step": first_jit_step,
        "A steady jit step": steady_jit_step,
        "B chain": lambda: ((lambda: chain(sizes.chain_steps)), 1),
        "C vsum": with_vsum,
        "C dot": with_dot,
    }


MEASURES = (
    "A first step", "A steady step", "A first jit step", "A steady jit step", "B chain", "C vsum", "C dot",
)


def time_block(prepare: Callable[[], Prepared]) -> dict[str, float]:
    """One timed block, as in the benchmarks' harness: a fresh set-up, ``gc.collect()``,
    the collector on during the call, the result freed after the clock stops."""
    function, units = prepare()
    gc.collect()
    wall = time.perf_counter()
    cpu = time.process_time()
    result = function()
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    del result
    return {"cpu": cpu / units, "wall": wall / units}


def serve(sizes: Sizes, requests: TextIO, replies: TextIO) -> None:
    """Answer each measure name read from ``requests`` with one block's times (JSON lines)."""
    prepares = measures(sizes)
    # As in the benchmarks: what is alive before timing is hidden from the collector.
    gc.collect()
    gc.freeze()
    replies.write(json.dumps({"autograd": autograd.__file__, "nn": nn.__file__}) + "\n")
    replies.flush()
    warm: set[str] = set()
    for line in requests:
        name = line.strip()
        if name not in prepares:
            raise ValueError(f"unknown measure {name!r}; choose from {list(MEASURES)}")
        if name not in warm:
            time_block(prepares[name])
            warm.add(name)
        replies.write(json.dumps(time_block(prepares[name])) + "\n")
        replies.flush()


def main(argv: list[str]) -> int:
    """Parse the JSON argument and serve stdin; 2 on a bad argument or request."""
    try:
        given = json.loads(argv[0])
        known = {field.name for field in fields(Sizes)}
        if not isinstance(given, dict) or set(given) - known:
            raise ValueError(f"expected a JSON object with keys from {sorted(known)}")
        if "hidden" in given:
            given["hidden"] = tuple(given["hidden"])
        serve(Sizes(**given), sys.stdin, sys.stdout)
    except (IndexError, TypeError, ValueError) as error:
        print(f"ab_worker: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
