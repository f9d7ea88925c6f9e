"""Workload A through the public API with each jit backend, against torch vectorized float64.

``python -m benchmarks.native [rounds]``: interleaved rounds (the order rotates),
``gc.collect()`` before each timed block, medians of per-round paired ratios.
Steady step: ``loss = step(X, y)``, ``opt.zero_grad()``, ``loss.backward()``,
``opt.step()``. First call: a fresh model's first two calls (trace, compile,
the checking trace), with the native kernel built anew (empty cache) and
loaded from the cache.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

import nn
from autograd import Value, jit

from .problem import MLPProblem, make_problem
from .with_torch import TorchVectorMLP, configure

STEPS = 20  # steps per timed block


class JitMLP:
    """Workload A with ``jit(loss, backend=backend)`` and ``nn.SGD``."""

    def __init__(self, problem: MLPProblem, backend: str) -> None:
        self.problem = problem
        self.model = problem.model()
        self.params = self.model.parameters()
        self.optimizer = nn.SGD(self.params, lr=problem.lr)
        model, params = self.model, self.params

        def loss(X: list[list[float]], labels: list[float]) -> Value:
            return nn.hinge([model(x) for x in X], labels) + problem.l2 * nn.l2(params)

        self.compiled = jit(loss, backend=backend)

    def step(self) -> float:
        loss = self.compiled(self.problem.X, self.problem.labels)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.data


def _block(step: Callable[[], float], steps: int) -> float:
    """CPU seconds per step (the machine is shared: wall time measures the neighbours too)."""
    gc.collect()
    start = time.process_time()
    for _ in range(steps):
        step()
    return (time.process_time() - start) / steps


def steady(rounds: int) -> dict[str, list[float]]:
    """Seconds per steady step, per case, one entry per round."""
    configure()  # torch: one intra-op thread
    problem = make_problem()
    cases: dict[str, Callable[[], float]] = {}
    for backend in ("python", "native"):
        model = JitMLP(problem, backend)
        for _ in range(3):
            model.step()
        cases[f"jit {backend}"] = model.step
    cases["torch vectorized f64"] = TorchVectorMLP(problem).step
    names = list(cases)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            times[name].append(_block(cases[name], STEPS))
    return times


def first_calls(rounds: int) -> dict[str, list[float]]:
    """Seconds for a fresh model's first two calls, per case, one entry per round."""
    problem = make_problem()
    times: dict[str, list[float]] = {"python": [], "native, cache empty": [], "native, cached": []}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as cache:
            os.environ["VALUEGRAD_CACHE"] = cache
            for name, backend in (("python", "python"), ("native, cache empty", "native"), ("native, cached", "native")):
                if name == "native, cache empty":
                    from autograd.compiler.backends import native_build

                    native_build._LOADED.clear()  # a benchmark's own reset: the next load reads the disk
                model = JitMLP(problem, backend)
                gc.collect()
                start = time.perf_counter()  # wall: the compiler runs in a child process
                model.compiled(problem.X, problem.labels)
                model.compiled(problem.X, problem.labels)
                times[name].append(time.perf_counter() - start)
                if name == "native, cache empty":
                    from autograd.compiler.backends import native_build

                    native_build._LOADED.clear()
    os.environ.pop("VALUEGRAD_CACHE", None)
    return times


def _report(title: str, times: dict[str, list[float]], unit: float, suffix: str, base: str) -> None:
    print(title)
    for name, values in times.items():
        ratios = [value / other for value, other in zip(values, times[base], strict=True)]
        print(f"  {name:24s} median {statistics.median(values) * unit:9.1f} {suffix}   "
              f"÷ {base}: {statistics.median(ratios):.3f}x (paired, {len(values)} rounds)")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    _report("workload A, steady step", steady(rounds), 1e6, "µs", "torch vectorized f64")
    _report("workload A, first two calls", first_calls(max(3, rounds // 3)), 1e3, "ms", "python")


if __name__ == "__main__":
    main()
