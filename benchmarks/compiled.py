"""Workload F: ``autograd.jit`` — what compiling costs, that replays equal the engine, and guards.

* **Size**: trace, generate and compile times and lines of generated Python
  for the loss of ``nn.MLP(2, [16, 16, 1])`` on more and more points (about
  1,000, 10,000 and 100,000 nodes); past ``autograd.compiler.MAX_LINES`` jit
  refuses, and the time to that refusal is what is reported.
* **Equality**: replays against the engine, to 1e-12 relative, on workload A
  with fresh random inputs every call, and on random expression graphs over
  the whole derivative table (``autograd.testing.graphs``).
* **Guards**: the data-dependent functions of :mod:`tests.support.guard_suite`,
  replayed on random inputs by valuegrad's jit and by ``torch.jit.trace``:
  how many results are wrong.
"""

from __future__ import annotations

import random
import time
import warnings
from typing import Any

import torch
from hypothesis import HealthCheck, given, settings

import nn
from autograd import JitError, Value, jit
from autograd.testing import Graph, graphs
from tests.support.guard_suite import SUITE

from .problem import make_problem
from .report import BenchmarkError, Section, Target, seconds, table
from .settings import Settings

TOLERANCE = 1e-12


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(b))


# ---------------------------------------------------------------- size


def _sizes(points: tuple[int, ...]) -> list[list[str]]:
    rows = []
    for count in points:
        model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
        params = model.parameters()
        X, y = nn.moons(n=count, noise=0.1, seed=0)
        labels = [1.0 if label == 1 else -1.0 for label in y]

        def loss(xs: list[list[float]], ys: list[float], model: nn.MLP = model, params: list[Value] = params) -> Value:
            return nn.hinge([model(x)[0] for x in xs], ys) + 1e-4 * nn.l2(params)

        step = jit(loss)
        started = time.perf_counter()
        try:
            step(X, labels)
        except JitError as error:
            rows.append([f"{count:,}", "—", "—", "—", "—", f"refused after {seconds(time.perf_counter() - started)}: {error}"])
            continue
        (record,) = step.traces
        rows.append([
            f"{count:,}", f"{record.nodes:,}", f"{record.lines:,}", seconds(record.trace_seconds),
            seconds(record.generate_seconds), seconds(record.compile_seconds),
        ])
    return rows


# ---------------------------------------------------------------- equality


def _workload_a_equality(calls: int) -> tuple[int, float]:
    """Replays of workload A's loss on fresh random inputs against the engine: (calls, worst gap)."""
    problem = make_problem(points=20, hidden=(16, 16))
    model = problem.model()
    params = model.parameters()

    def loss(xs: list[list[float]], ys: list[float]) -> Value:
        return nn.hinge([model(x) for x in xs], ys) + problem.l2 * nn.l2(params)

    step = jit(loss)
    rng = random.Random(0)
    worst = 0.0
    for call in range(calls):
        X = [[rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0)] for _ in problem.X]
        labels = [rng.choice((-1.0, 1.0)) for _ in problem.X]
        model.zero_grad()
        compiled = step(X, labels)
        compiled.backward()
        compiled_grads = [p.grad for p in params]
        model.zero_grad()
        plain = loss(X, labels)
        plain.backward()
        pairs = [(compiled.data, plain.data), *zip(compiled_grads, (p.grad for p in params), strict=True)]
        if not all(_close(a, b) for a, b in pairs):
            raise BenchmarkError(f"jit replay {call} of workload A differs from the engine")
        worst = max(worst, *(abs(a - b) / max(1.0, abs(b)) for a, b in pairs))
    return calls, worst


def _random_graph_equality(examples: int) -> tuple[int, float]:
    """Random graphs over the table, each compiled and replayed on shifted points: (graphs, worst gap)."""
    worst = [0.0]

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(graph=graphs(max_steps=10))
    def check(graph: Graph) -> None:
        step = jit(graph)
        for shift in (0.0, 0.01, -0.02, 0.03):
            point = [x + shift for x in graph.point]
            xs, ys = [Value(x) for x in point], [Value(x) for x in point]
            compiled, plain = step(xs), graph(ys)
            compiled.backward()
            plain.backward()
            for a, b in [(compiled.data, plain.data), *((x.grad, y.grad) for x, y in zip(xs, ys, strict=True))]:
                if a != b and not _close(a, b):
                    raise BenchmarkError(f"jit differs from the engine on {graph!r}: {a!r} vs {b!r}")
                worst[0] = max(worst[0], abs(a - b) / max(1.0, abs(b)) if a != b else 0.0)

    check()
    return examples, worst[0]


# ---------------------------------------------------------------- guards


def _guards(calls: int) -> list[list[str]]:
    rows = []
    for name, function in SUITE.items():
        rng = random.Random(name)
        points = [(rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0)) for _ in range(calls)]
        expected = [function(Value(a), Value(b)).data for a, b in points]
        step = jit(function)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = [step(Value(a), Value(b)).data for a, b in points]
            theirs = _torch_traced(function, points)
        wrong = sum(not _close(a, b) for a, b in zip(ours, expected, strict=True))
        torch_wrong = (
            theirs if isinstance(theirs, str)
            else f"{sum(not _close(a, b) for a, b in zip(theirs, expected, strict=True))} of {calls}"
        )
        rows.append([name, f"{wrong} of {calls}", str(len(step.traces)), torch_wrong])
    return rows


def _torch_traced(function: Any, points: list[tuple[float, float]]) -> list[float] | str:
    """``function`` traced by ``torch.jit.trace`` at the first point, replayed at all of them."""
    first = [torch.tensor(v, dtype=torch.float64) for v in points[0]]
    try:
        traced = torch.jit.trace(function, tuple(first))
    except Exception as error:  # what torch says is the result
        return f"cannot trace ({type(error).__name__})"
    return [
        float(traced(torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)))
        for a, b in points
    ]


# ---------------------------------------------------------------- the section


def run(run_settings: Settings) -> Section:
    """Measure compile costs, check equality, replay the guard suite."""
    start = time.perf_counter()
    section = Section("F", "autograd.jit: compile cost, equality with the engine, guards")
    section.lines.append(
        "Size: the loss of `nn.MLP(2, [16, 16, 1])` (relu, hinge + 1e-4·Σp²) on more and more "
        "points, traced once and compiled (time of the first trace; generating the Python; "
        "CPython compiling it). Programs above 100,000 lines are cut into functions; above "
        "`MAX_LINES` jit refuses."
    )
    section.lines.append("")
    section.lines.extend(table(
        ["points", "nodes", "generated lines", "trace", "generate", "compile"],
        _sizes(run_settings.jit_sizes),
    ))
    a_calls, a_gap = _workload_a_equality(run_settings.jit_equality_calls)
    g_count, g_gap = _random_graph_equality(run_settings.jit_equality_graphs)
    section.lines.append("")
    section.lines.append(
        f"Equality: {a_calls:,} calls of workload A's loss (20 points) on fresh random inputs "
        f"and labels, each replayed and run by the engine: largest relative difference in the "
        f"loss or a gradient {a_gap:.1e}. {g_count:,} random expression graphs over the whole "
        f"table (`autograd.testing.graphs`), each compiled and called at 4 points: largest "
        f"difference {g_gap:.1e}."
    )
    section.targets.append(Target(
        "F", "replays equal the engine to 1e-12 (workload A on random inputs; random graphs)",
        f"{a_calls:,} + {g_count:,} cases, largest difference {max(a_gap, g_gap):.1e}",
        max(a_gap, g_gap) <= TOLERANCE,
    ))
    rows = _guards(run_settings.jit_guard_calls)
    section.lines.append("")
    section.lines.append(
        f"Guards: each function of `tests/support/guard_suite.py` builds a different graph "
        f"depending on its inputs; each is called on {run_settings.jit_guard_calls} random "
        "points and its results compared with the function run directly. valuegrad's jit "
        "records every decision as a guard and traces again when one fails; "
        f"`torch.jit.trace` ({torch.__version__}) replays the branch it traced."
    )
    section.lines.append("")
    section.lines.extend(table(["function", "wrong (valuegrad jit)", "traces", "wrong (torch.jit.trace)"], rows))
    wrong = sum(int(row[1].split()[0]) for row in rows)
    section.targets.append(Target(
        "F", "the guard suite (≥ 12 functions): no wrong result", f"{wrong} wrong in {len(rows)} functions",
        wrong == 0 and len(rows) >= 12,
    ))
    section.seconds = time.perf_counter() - start
    return section
