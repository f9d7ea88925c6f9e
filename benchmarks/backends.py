"""Workload H: the jit's two backends, compile cost against batch size, and A's step against torch.

``python -m benchmarks --only H`` (part of ``make bench``), or
``python -m benchmarks.backends`` to print the section alone.

Compile cost: for each batch size, a fresh ``nn.MLP(2, [16, 16, 1])`` and its
hinge + 1e-4·Σp² loss, jitted with each backend; the first call (trace and
compile) is timed in wall time (the C compiler runs in a child process), one
run per case, the backends interleaved, ``gc.collect()`` before each; the
native kernel is timed with its cache emptied (built by gcc) and with it
loaded (a second model of the same batch). Program size is the backend's own
unit: generated lines of Python, tape entries for native. Steady step:
``benchmarks.native.steady`` (interleaved rounds, CPU time, medians of
per-round ratios to torch vectorized float64).

The notebook's recipe: notebook 06's ``train`` (its cell tagged ``recipe``,
executed as ``scripts/digits_recipe.py`` does, so the two cannot drift apart),
40 epochs of ``nn.fit(jit=True)`` on digits' 1,347 training images, timed in
wall time with the kernel cache warm (a first run, which may compile, is
left out).
"""

from __future__ import annotations

import gc
import os
import runpy
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nn
from autograd import Value, jit
from autograd.compiler.backends import native_available, native_build

from .native import steady
from .problem import make_problem
from .report import Section, Target, table
from .settings import Settings

RECIPE_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "digits_recipe.py"
BATCHES = (1, 32, 100, 1_000)
TINY_BATCHES = (1, 32)


def _first_call(points: int, backend: str) -> tuple[float, Any]:
    """Wall seconds of a fresh model's first call, and its trace record."""
    problem = make_problem(points=points)
    model = problem.model()
    params = model.parameters()

    def loss(X: list[list[float]], labels: list[float]) -> Value:
        return nn.hinge([model(x) for x in X], labels) + problem.l2 * nn.l2(params)

    step = jit(loss, backend=backend)
    gc.collect()
    start = time.perf_counter()
    step(problem.X, problem.labels)
    seconds = time.perf_counter() - start
    return seconds, step.traces[0]


def compile_costs(batches: tuple[int, ...], cold: bool = True) -> list[list[str]]:
    """One row per batch size: nodes, then per backend its size and first call.

    ``cold``: the kernel cache is emptied once, before the first batch size, and
    every row says whether its first call ran gcc (a kernel that depends on the
    rows a model uses, not on its batch size, is built for the first row only).
    """
    rows = []
    native = native_available()
    saved = os.environ.get("VALUEGRAD_CACHE")
    with tempfile.TemporaryDirectory() as cache:
        try:
            if cold:
                os.environ["VALUEGRAD_CACHE"] = cache
                native_build._LOADED.clear()  # a benchmark's own reset: the first kernel is built anew
            for points in batches:
                python_seconds, python_record = _first_call(points, "python")
                row = [f"{points:,}", f"{python_record.nodes:,}", f"{python_record.lines:,} lines",
                       f"{python_seconds * 1e3:,.0f} ms"]
                if native:
                    kernels = len(list(Path(cache).glob("*.so")))
                    first, record = _first_call(points, "native")
                    ran = "not measured" if not cold else (
                        "yes" if len(list(Path(cache).glob("*.so"))) > kernels else "no"
                    )
                    warm, _ = _first_call(points, "native")
                    row += [f"{record.lines:,} entries", f"{first * 1e3:,.0f} ms", ran, f"{warm * 1e3:,.0f} ms"]
                else:
                    row += ["no C compiler", "", "", ""]
                rows.append(row)
        finally:
            if saved is None:
                os.environ.pop("VALUEGRAD_CACHE", None)
            else:
                os.environ["VALUEGRAD_CACHE"] = saved
    return rows


def optimizer_steps(rounds: int, parameters: int = 2_778) -> dict[str, list[float]]:
    """CPU seconds per Adam step on digits' parameter count: Python, C with marshalling, C on resident buffers."""
    from nn.optim.native import FlatUpdate, step_natively

    values = {name: [Value(0.01 * (k % 17) - 0.08) for k in range(parameters)]
              for name in ("python", "native, through Values", "native, flat buffers")}
    for group in values.values():
        for k, value in enumerate(group):
            value.grad = 0.001 * (k % 13) - 0.006
    optimizers = {name: nn.Adam(group, lr=0.0) for name, group in values.items()}
    flat = FlatUpdate(optimizers["native, flat buffers"])
    cases = {
        "python": optimizers["python"].step,
        "native, through Values": lambda: step_natively(optimizers["native, through Values"]),
        "native, flat buffers": flat.step,
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for round_ in range(rounds):
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            gc.collect()
            start = time.process_time()
            for _ in range(20):
                cases[name]()
            times[name].append((time.process_time() - start) / 20)
    return times


def fit_steps(rounds: int) -> dict[str, list[float]]:
    """CPU seconds per epoch inside ``nn.fit(jit=True)`` (A: one full-batch step per epoch; digits: 43 steps), paired with torch.

    A phase timer around ``fit``'s epoch (``nn.training.fit._train_epoch``)
    times each epoch of one ``fit`` call; the first two epochs (each batch
    shape traced, then confirmed by a second trace) are left out and the
    median of the rest is the round's figure. Torch vectorized float64
    (one thread) runs the same work in the same round.
    """
    import importlib

    from .digits import BATCH_SIZE, LEARNING_RATE, TorchDigits, load, new_model
    from .with_torch import TorchVectorMLP, configure

    configure()
    fit_module = importlib.import_module("nn.training.fit")
    epoch_of = fit_module._train_epoch
    epochs: list[float] = []

    def timed(run: Any, epoch: int) -> None:
        begun = time.process_time()
        epoch_of(run, epoch)
        epochs.append(time.process_time() - begun)

    problem, digits = make_problem(), load()
    torch_a, torch_digits = TorchVectorMLP(problem), TorchDigits(digits)
    torch_digits.epoch(0)
    for _ in range(20):
        torch_a.step()
    times: dict[str, list[float]] = {name: [] for name in (
        "A: fit step", "A: torch step", "digits: fit epoch", "digits: torch epoch")}
    setattr(fit_module, "_train_epoch", timed)  # noqa: B010
    try:
        for round_ in range(rounds):
            gc.collect()
            begun = time.process_time()
            for _ in range(50):
                torch_a.step()
            times["A: torch step"].append((time.process_time() - begun) / 50)
            model = problem.model()
            epochs.clear()
            gc.collect()
            nn.fit(model, problem.X, problem.labels, loss="hinge", optimizer=nn.SGD(model.parameters(), lr=problem.lr),
                   epochs=60, progress=False, shuffle=False, l2=problem.l2, jit=True)
            times["A: fit step"].append(statistics.median(epochs[2:]))
            gc.collect()
            begun = time.process_time()
            torch_digits.epoch(round_)
            times["digits: torch epoch"].append(time.process_time() - begun)
            model = new_model()
            epochs.clear()
            gc.collect()
            nn.fit(model, digits.X_train, digits.y_train, loss="cross_entropy",
                   optimizer=nn.Adam(model.parameters(), lr=LEARNING_RATE), epochs=5, batch_size=BATCH_SIZE,
                   progress=False, seed=round_, jit=True)
            times["digits: fit epoch"].append(statistics.median(epochs[2:]))
    finally:
        setattr(fit_module, "_train_epoch", epoch_of)  # noqa: B010
    return times


def recipe_runs(runs: int) -> list[float]:
    """Wall seconds of notebook 06's ``train`` (40 epochs) on digits' training images, after one run left out."""
    from .digits import load

    # The cell is read by the script that searched the recipe, so the two read it alike.
    train = runpy.run_path(str(RECIPE_SCRIPT))["recipe_functions"]()["train"]
    digits = load()
    times: list[float] = []
    for run_ in range(runs + 1):  # the first fills the kernel cache (gcc, where it is empty)
        gc.collect()
        begun = time.perf_counter()
        train(digits.X_train, digits.y_train, epochs=40)
        if run_ > 0:
            times.append(time.perf_counter() - begun)
    return times


def _fit_part(section: Section, rounds: int) -> None:
    """``fit_steps`` as lines and targets of the section."""
    times = fit_steps(rounds)
    pairs = (("A: fit step", "A: torch step"), ("digits: fit epoch", "digits: torch epoch"))
    ratios = {ours: statistics.median([a / b for a, b in zip(times[ours], times[theirs], strict=True)])
              for ours, theirs in pairs}
    section.lines.append("")
    section.lines.append(
        f"Training inside `nn.fit(jit=True)` with the native backend (steps resident in flat buffers), "
        f"CPU time, {rounds} interleaved rounds, a phase timer around each epoch (the two tracing epochs "
        "left out), medians of paired ratios to torch vectorized float64 (one thread):"
    )
    section.lines.append("")
    section.lines.extend(table(["case", "fit(jit=True)", "torch vectorized f64", "÷ torch (paired)"], [
        [ours.split(":")[0] + (" step (full batch, SGD)" if ours.startswith("A") else " epoch (43 steps, Adam)"),
         f"{statistics.median(times[ours]) * 1e6:,.0f} µs", f"{statistics.median(times[theirs]) * 1e6:,.0f} µs",
         f"{ratios[ours]:.2f}x"]
        for ours, theirs in pairs
    ]))
    section.targets.append(Target(
        "H", "A, a step inside fit(jit=True) ≤ 0.15x torch vectorized", f"{ratios['A: fit step']:.2f}x",
        ratios["A: fit step"] <= 0.15,
        limit="per step, the compiled program's run and backward calls through ctypes and the slots' "
        "arrays made in Python; per epoch, the history and the accuracy over 100 outputs",
    ))
    section.targets.append(Target(
        "E", "digits: an epoch of fit(jit=True) ≤ 1.0x torch vectorized's (aim 0.5x)",
        f"{ratios['digits: fit epoch']:.2f}x", ratios["digits: fit epoch"] <= 1.0,
    ))
    runs = 1 if rounds <= 3 else 3
    recipe = recipe_runs(runs)
    section.lines.append("")
    section.lines.append(
        f"Notebook 06's recipe (`train` of its `recipe` cell: 40 epochs of `nn.fit(jit=True)`, Adam with a "
        f"cosine schedule, L2, smoothed targets) on digits' training images (`benchmarks.digits.load()`), "
        f"wall time, kernel cache warm (a first run left out), {runs} run{'s' if runs > 1 else ''}: "
        + ", ".join(f"{value:.2f} s" for value in recipe)
        + (f" (median {statistics.median(recipe):.2f} s)" if runs > 1 else "")
    )
    section.targets.append(Target(
        "E", "digits: the notebook's 40-epoch recipe trains in under 1 s", f"{statistics.median(recipe):.2f} s",
        statistics.median(recipe) < 1.0,
        limit="per step (1,720 of them), the ctypes calls and the batch's numbers gathered in Python; "
        "per epoch, the history's loss and accuracy",
    ))


def run(settings: Settings) -> Section:
    """Measure both backends' compile cost against batch size, and A's steady step."""
    start = time.perf_counter()
    section = Section("H", "autograd.jit's backends: compile cost against batch size, A's step against torch")
    tiny = settings.mode == "tiny"
    section.lines.append(
        "First call (trace + compile, wall time, one run each) of `nn.MLP(2, [16, 16, 1])`'s "
        "hinge + 1e-4·Σp² loss at each batch size. A batch traced as one example's steps "
        "repeated compiles to a loop over one example's body, so the program's size stays "
        "that of the model; the native kernel cache is emptied before the first batch size only, "
        "'gcc ran' says whether that row's first call compiled a kernel, and 'second model' is "
        "a second model of that batch size loading its kernel."
    )
    section.lines.append("")
    section.lines.extend(table(
        ["batch", "nodes", "python: program", "python: first call", "native: program",
         "native: first call", "native: gcc ran", "native: second model"],
        compile_costs(TINY_BATCHES, cold=False) if tiny else compile_costs(BATCHES),
    ))
    if native_available():
        rounds = 3 if tiny else 9
        times = steady(rounds)
        base = times["torch vectorized f64"]
        rows = []
        for name, values in times.items():
            ratios = [value / other for value, other in zip(values, base, strict=True)]
            rows.append([name, f"{statistics.median(values) * 1e6:,.0f} µs", f"{statistics.median(ratios):.2f}x"])
        section.lines.append("")
        section.lines.append(
            f"Steady step of workload A (100 points) through the public API (`step(X, y)`, "
            f"`backward()`, `opt.step()`), CPU time, {rounds} interleaved rounds, medians of paired ratios:"
        )
        section.lines.append("")
        section.lines.extend(table(["case", "per step", "÷ torch vectorized f64"], rows))
        updates = optimizer_steps(rounds)
        rows = []
        for name, values in updates.items():
            ratios = [value / other for value, other in zip(values, updates["python"], strict=True)]
            rows.append([name, f"{statistics.median(values) * 1e6:,.0f} µs", f"{statistics.median(ratios):.3f}x"])
        section.lines.append("")
        section.lines.append(
            "One Adam step over 2,778 parameters (digits' 64-32-16-10 network), CPU time, "
            f"{rounds} interleaved rounds of 20 steps, medians of paired ratios (`nn.optim.native`):"
        )
        section.lines.append("")
        section.lines.extend(table(["update", "per step", "÷ Python"], rows))
        native_ratio = statistics.median(
            [value / other for value, other in zip(times["jit native"], base, strict=True)]
        )
        section.targets.append(Target(
            "H", "A's steady step with the native backend ≤ 0.8x torch vectorized f64",
            f"{native_ratio:.2f}x", native_ratio <= 0.8,
            limit="the Python around the kernel: flattening 337 parameters, the engine's backward "
            "over the compiled node, SGD on Values",
        ))
        _fit_part(section, rounds)
    section.seconds = time.perf_counter() - start
    return section


def main() -> None:
    from .settings import FULL, TINY

    if "--fit" in sys.argv:  # only the training inside fit
        section = Section("H", "training inside nn.fit(jit=True), native")
        _fit_part(section, 3 if "--tiny" in sys.argv else 7)
    else:
        section = run(TINY if "--tiny" in sys.argv else FULL)
    print(f"## {section.key}: {section.title}\n")
    print("\n".join(section.lines))
    for target in section.targets:
        print(f"- {target.goal}: {target.measured} ({'met' if target.met else 'not met'})")


if __name__ == "__main__":
    main()
