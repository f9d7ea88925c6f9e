"""Workload A: one training step of ``nn.MLP(2, [16, 16, 1])`` (relu) on 100 points.

Forward over every point, mean hinge loss + 1e-4·Σ p², backward, SGD update.
Measured twice: the first step of a freshly built model, and the steady state
(consecutive steps on one model, the cycle collector on, as in training).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Protocol

from . import handwritten, phases, with_micrograd, with_torch, with_valuegrad
from .harness import Case, Timings, interleave, paired_ratios
from .problem import MLPProblem, make_problem
from .report import (
    BenchmarkError,
    Section,
    Target,
    limit_from_phases,
    ratio,
    seconds,
    table,
    wall_note,
)
from .settings import Settings

TOLERANCE = 1e-9
# Suffixes of the case names that tell a comparator's first step from its steady state.
FIRST, STEADY = ", first step", ", steady"


class Stepper(Protocol):
    """A comparator's model for workload A."""

    def step(self) -> float: ...

    def gradients(self) -> list[float]: ...

    def parameters(self) -> list[float]: ...


COMPARATORS: dict[str, Callable[[MLPProblem], Stepper]] = {
    "valuegrad": with_valuegrad.ValuegradMLP,
    "micrograd": with_micrograd.MicrogradMLP,
    "torch scalar": with_torch.TorchScalarMLP,
    "torch vectorized": with_torch.TorchVectorMLP,
    "handwritten": handwritten.HandwrittenMLP,
}
# valuegrad's own variants, timed in steady state only: a jit model's first step
# is its trace and compile, reported apart.
VARIANTS: dict[str, Callable[[MLPProblem], Stepper]] = {
    "valuegrad jit": with_valuegrad.ValuegradJitMLP,
    "valuegrad, anomaly mode": with_valuegrad.ValuegradAnomalyMLP,
    "valuegrad, a hook on every parameter": with_valuegrad.ValuegradHookedMLP,
}


def largest_difference(a: list[float], b: list[float]) -> float:
    """max |a_i - b_i| relative to max(1, |b_i|); lists must be equally long."""
    if len(a) != len(b):
        raise BenchmarkError(f"expected {len(b)} numbers, got {len(a)}")
    return max((abs(x - y) / max(1.0, abs(y)) for x, y in zip(a, b, strict=True)), default=0.0)


def check_agreement(problem: MLPProblem, steps: int = 2) -> dict[str, float]:
    """Run every comparator ``steps`` steps; each must match valuegrad's losses and gradients.

    Returns:
        name -> the largest (relative) difference from valuegrad seen in any
        loss or gradient.

    Raises:
        BenchmarkError: If a comparator differs from valuegrad by more than
            1e-9; the message gives the numbers.
    """
    models = {name: make(problem) for name, make in {**COMPARATORS, **VARIANTS}.items()}
    worst = dict.fromkeys(models, 0.0)
    for step in range(steps):
        reference = models["valuegrad"]
        reference_loss = reference.step()
        reference_grads = reference.gradients()
        for name, model in models.items():
            if name == "valuegrad":
                continue
            loss = model.step()
            loss_gap = abs(loss - reference_loss) / max(1.0, abs(reference_loss))
            grad_gap = largest_difference(model.gradients(), reference_grads)
            if loss_gap > TOLERANCE or grad_gap > TOLERANCE:
                raise BenchmarkError(
                    f"{name} disagrees with valuegrad at step {step}: loss {loss!r} vs "
                    f"{reference_loss!r}, largest gradient difference {grad_gap:.3g} "
                    f"(tolerance {TOLERANCE})"
                )
            worst[name] = max(worst[name], loss_gap, grad_gap)
    return worst


def _first_step(make: Callable[[MLPProblem], Stepper], problem: MLPProblem) -> Callable[[], object]:
    return make(problem).step


def _steady(
    make: Callable[[MLPProblem], Stepper], problem: MLPProblem, steps: int
) -> Callable[[], object]:
    model = make(problem)
    model.step()  # past the first step: what follows is steady state

    def run() -> list[float]:
        return [model.step() for _ in range(steps)]

    return run


def measure(problem: MLPProblem, settings: Settings) -> tuple[Timings, Timings]:
    """(first-step timings, steady-state timings per step), interleaved in the same rounds."""
    steps = settings.steady_steps
    cases = {}
    for name, make in COMPARATORS.items():
        cases[name + FIRST] = Case(
            partial(_first_step, make, problem), rounds=settings.first_rounds
        )
        cases[name + STEADY] = Case(
            partial(_steady, make, problem, steps), rounds=settings.steady_rounds, per_call=steps
        )
    for name, make in VARIANTS.items():
        cases[name + STEADY] = Case(
            partial(_steady, make, problem, steps), rounds=settings.steady_rounds, per_call=steps
        )
    both = interleave(
        cases,
        max(settings.first_rounds, settings.steady_rounds),
        min_seconds=settings.min_seconds,
        max_blocks=settings.max_blocks,
    )
    return both.subset(FIRST), both.subset(STEADY)


def warm_check(first: Timings, steady: Timings, name: str) -> tuple[list[str], str | None]:
    """Is ``name``'s steady step slower than its first step by more than noise?

    Both are timed in the same rounds, so their ratio is paired round by round.
    More than noise: the median paired ratio exceeds 1.03 and so does its
    lower quartile exceed 1 (over at least 3 rounds). A flag says whether the
    time spent in the cycle collector accounts for (at least half of) the
    difference.

    Returns:
        (a table row, a flag sentence or None).
    """
    ratios = paired_ratios(steady.samples[name], first.samples[name])
    slower = statistics.median(ratios)
    judged = len(ratios) >= 3
    low = statistics.quantiles(ratios, n=4, method="inclusive")[0] if judged else slower
    collecting_first = first.collecting_per_unit(name)
    collecting_steady = steady.collecting_per_unit(name)
    flagged = judged and slower > 1.03 and low > 1.0
    flag = None
    if flagged:
        growth = collecting_steady - collecting_first
        explained = growth >= 0.5 * (steady.median(name) - first.median(name))
        flag = (
            f"A, {name}: a steady step takes {ratio(slower)} its first step (paired over "
            f"{len(ratios)} rounds, lower quartile {ratio(low)}). "
            + (
                f"Its time in the cycle collector grows from {seconds(collecting_first)} to "
                f"{seconds(collecting_steady)} per step: in training, each step's collections "
                "also walk the cyclic garbage earlier steps left, which a first step's clock "
                "never sees (it is collected after the clock stops). A cost of its own: the "
                "steady figure is its per-step cost in training."
                if explained
                else f"Its time in the cycle collector ({seconds(collecting_first)} and "
                f"{seconds(collecting_steady)} per step) does not account for that: look for "
                "a measurement fault."
            )
        )
    row = [
        name,
        ratio(slower),
        f"{seconds(collecting_first)} / {seconds(collecting_steady)}",
        f"{first.collections_per_unit(name, 2):.1f} / {steady.collections_per_unit(name, 2):.1f}",
        "**flagged**" if flagged else "ok" if judged else "too few rounds to judge",
    ]
    return row, flag


def run(settings: Settings) -> Section:
    """Check agreement, time workload A and judge its targets."""
    start = time.perf_counter()
    problem = make_problem(points=settings.points, hidden=settings.hidden)
    agreement = check_agreement(problem)
    first, steady = measure(problem, settings)
    sizes = problem.sizes
    section = Section("A", f"one training step of nn.MLP({sizes[0]}, {sizes[1:]}), relu")
    section.lines.append(
        f"{len(problem.X)} seeded two-moons points (`nn.moons(seed=0)`), mean hinge loss + "
        f"{problem.l2:g}·Σp², backward, SGD update (lr {problem.lr}). Every comparator starts "
        f"from the same weights; before timing, each ran 2 steps and matched valuegrad's "
        f"losses and gradients to {TOLERANCE:g} (largest difference in the last column)."
    )
    section.lines.append("")
    rows = []
    for name in COMPARATORS:
        rows.append(
            [
                name,
                seconds(first.median(name)),
                seconds(steady.median(name)),
                ratio(first.ratio(name, "valuegrad")),
                ratio(steady.ratio(name, "valuegrad")),
                "—" if name == "valuegrad" else f"{agreement[name]:.1e}",
            ]
        )
    section.lines.extend(
        table(
            [
                "comparator",
                f"first step (median of {settings.first_rounds} rounds)",
                f"steady step (median of {settings.steady_rounds} rounds × "
                f"{settings.steady_steps} steps)",
                "÷ valuegrad, first (paired)",
                "÷ valuegrad, steady (paired)",
                "max diff vs valuegrad",
            ],
            rows,
        )
    )
    section.lines.append("")
    section.lines.append(
        "“÷ valuegrad” is the comparator's time divided by valuegrad's in the same round, "
        "median over rounds: above 1x valuegrad is faster. "
        + wall_note([first, steady])
    )
    section.lines.append("")
    section.lines.extend(_variants(problem, steady, agreement))
    section.lines.append("")
    section.lines.append(
        "**Check: steady ÷ first step.** Warm code does the same work at least as fast, "
        "unless the work itself grows (collecting garbage that earlier steps left). First "
        "and steady steps are timed in the same rounds; a comparator whose steady step is "
        "slower than its first by more than 3% (median of the paired ratios), in at least "
        "three rounds out of four (lower quartile above 1), is flagged, here and at the top "
        "of this report. The collector's time (CPU time between its start and stop "
        "callbacks) is part of each step's time."
    )
    section.lines.append("")
    checks = [warm_check(first, steady, name) for name in COMPARATORS]
    section.lines.extend(
        table(
            [
                "comparator",
                "steady ÷ first (paired)",
                "in the cycle collector per step, first / steady",
                "full collections per step",
                "check",
            ],
            [row for row, _ in checks],
        )
    )
    section.flags.extend(flag for _, flag in checks if flag is not None)
    section.lines.append("")
    nodes = phases.op_nodes(with_valuegrad.ValuegradMLP(problem).loss())
    section.lines.append(
        f"Where valuegrad's steady-state step goes ({nodes:,} op nodes: a `dot` and an "
        "activation per neuron per point, then the loss):"
    )
    section.lines.append("")
    step_phases = phases.mlp_step(problem, settings.first_rounds)
    floor = steady.median("handwritten")
    section.lines.extend(phases.render(step_phases, nodes, floor))
    floor_limit = limit_from_phases(
        step_phases, "forward (builds the graph)", "valuegrad's forward", nodes, floor
    )
    micrograd_first = first.ratio("micrograd", "valuegrad")
    micrograd_steady = steady.ratio("micrograd", "valuegrad")
    floor_first = first.ratio("valuegrad", "handwritten")
    floor_steady = steady.ratio("valuegrad", "handwritten")
    section.targets.append(
        Target(
            "A",
            "≥ 25x faster than micrograd per step",
            f"{ratio(micrograd_steady)} steady, {ratio(micrograd_first)} first step",
            micrograd_steady >= 25.0 and micrograd_first >= 25.0,
        )
    )
    section.targets.append(
        Target(
            "A",
            "within 6x of the handwritten floor",
            f"{ratio(floor_steady)} steady, {ratio(floor_first)} first step",
            floor_steady <= 6.0 and floor_first <= 6.0,
            limit=floor_limit,
        )
    )
    jit_floor = steady.ratio("valuegrad jit", "handwritten")
    jit_micrograd = steady.ratio("micrograd", "valuegrad jit")
    section.targets.append(
        Target(
            "A",
            "with jit: steady step within 1.2x of the handwritten floor",
            f"{ratio(jit_floor)} (paired)",
            jit_floor <= 1.2,
        )
    )
    section.targets.append(
        Target(
            "A",
            "with jit: ≥ 150x faster than micrograd per steady step",
            f"{ratio(jit_micrograd)} (paired)",
            jit_micrograd >= 150.0,
        )
    )
    anomaly = steady.ratio("valuegrad, anomaly mode", "valuegrad")
    section.targets.append(
        Target(
            "A",
            "anomaly mode at most 2x slower than without",
            f"{ratio(anomaly)} (paired)",
            anomaly <= 2.0,
        )
    )
    section.seconds = time.perf_counter() - start
    return section


def _variants(problem: MLPProblem, steady: Timings, agreement: dict[str, float]) -> list[str]:
    """The table of valuegrad's variants (jit, anomaly mode, hooks), steady state."""
    compiled = with_valuegrad.ValuegradJitMLP(problem)
    lines = [
        "valuegrad's variants, steady state, timed in the same rounds as the table above "
        f"(each matched valuegrad's losses and gradients to {TOLERANCE:g} before timing). "
        f"jit's trace and compile are set-up, not timed here: tracing took "
        f"{seconds(compiled.trace_seconds)} (two traces, the second checking the first), "
        f"generating and compiling {compiled.lines:,} lines of Python "
        f"{seconds(compiled.compile_seconds)}.",
        "",
    ]
    rows = [
        [
            name,
            seconds(steady.median(name)),
            ratio(steady.ratio(name, "valuegrad")),
            ratio(steady.ratio(name, "handwritten")),
            ratio(steady.ratio("micrograd", name)),
            f"{agreement[name]:.1e}",
        ]
        for name in VARIANTS
    ]
    lines += table(
        ["variant", "steady step", "÷ valuegrad (paired)", "÷ handwritten (paired)",
         "micrograd ÷ it (paired)", "max diff vs valuegrad"],
        rows,
    )
    return lines
