"""Workload I: the tiny GPT (microgpt's configuration) against the same model in micrograd.

``python -m benchmarks --only I`` (part of ``make bench``), or
``python -m benchmarks.gpt`` to print the section alone.

The model is ``nn.GPT(27, seed=0)`` (1 layer, 16-dim embeddings, 4 heads,
block 16, 4,192 parameters), trained one name per step with Adam (rate 0.01
decayed linearly to 0, β 0.85 and 0.99, ε 1e-8) on ``nn.names()`` shuffled by
``random.Random(42)``. The comparator (:mod:`.gpt_micrograd`) is the same
model written with micrograd's ``Value`` and starts from the same weights.

Two measurements:

* **Steady step**: every comparator trains on the same names, in interleaved
  rounds (the order rotated each round, ``gc.collect()`` before each timed
  block, CPU time); the jitted ones first see every length once, so a round
  replays. Ratios are paired within a round, then the median is taken.
* **Whole run**: each comparator trains for the run's steps in a child process
  of its own, from a fresh model: wall and CPU time with every trace and
  compile included, peak memory (the child's peak resident size, and how far
  it rose above the size after imports and data), every loss, and for a jitted
  run what each document length cost to trace and compile.
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .gpt_child import KINDS, Trainer
from .report import Section, Target, nbytes, ratio, seconds, table
from .settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def documents(length: int | None = None) -> tuple[Any, list[list[int]]]:
    """The tokenizer and every name encoded, in the order of the training run.

    ``length``: only the documents of that many tokens (the tiny run's one program per jit).
    """
    import nn

    names = nn.names()
    random.Random(42).shuffle(names)
    tokenizer = nn.CharTokenizer(names)
    encoded = [tokenizer.encode(name) for name in names]
    return tokenizer, [doc for doc in encoded if length is None or len(doc) == length]


def _available(kind: str) -> bool:
    if kind != "jit native":
        return True
    from autograd.compiler.backends import native_available

    return native_available()


def steady(settings: Settings, kinds: list[str], vocab_size: int, docs: list[list[int]]) -> dict[str, list[float]]:
    """CPU seconds per step of each comparator of ``kinds``, one entry per round."""
    chosen = docs[: settings.gpt_block]
    trainers = {kind: Trainer(kind, vocab_size, 10**6) for kind in kinds}
    for kind, trainer in trainers.items():
        if kind.startswith("jit"):
            for tokens in chosen:  # every length traced (and confirmed) before the clock runs
                trainer.step(tokens)
                trainer.step(tokens)
    names = list(trainers)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(settings.gpt_rounds):
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            step = trainers[name].step
            gc.collect()
            start = time.process_time()
            for tokens in chosen:
                step(tokens)
            times[name].append((time.process_time() - start) / len(chosen))
    return times


def _child(kind: str, steps: int, vocab_size: int, docs: list[list[int]]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "documents.json"
        path.write_text(json.dumps({"vocab_size": vocab_size, "documents": docs[:steps]}), encoding="utf-8")
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("gpt_child.py")), kind, str(steps), str(path)],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"the {kind} run failed: {completed.stderr.strip().splitlines()[-1:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _largest_difference(a: list[float], b: list[float]) -> float:
    return max((abs(x - y) for x, y in zip(a, b, strict=False)), default=0.0)


def run(settings: Settings) -> Section:
    """Measure the steady step and the whole run of every comparator."""
    import nn

    start = time.perf_counter()
    section = Section("I", "The tiny GPT: microgpt's model trained one name per step, against micrograd")
    try:
        tokenizer, docs = documents(settings.gpt_length)
    except ImportError as error:
        section.flags.append(f"not run: {error}")
        section.seconds = time.perf_counter() - start
        return section
    kinds = [kind for kind in KINDS if _available(kind)]
    times = steady(settings, kinds, tokenizer.vocab_size, docs)
    base = times["micrograd"]
    speedups = {
        kind: statistics.median(b / t for b, t in zip(base, times[kind], strict=True)) for kind in kinds
    }
    section.lines.append(
        f"`nn.GPT({tokenizer.vocab_size}, seed=0)` (microgpt's configuration, "
        f"{nn.GPT(tokenizer.vocab_size, seed=0).num_parameters():,} parameters), "
        f"one name per step, Adam; steady step over the same {settings.gpt_block} names, "
        f"{settings.gpt_rounds} interleaved rounds, CPU time, medians of paired ratios:"
    )
    section.lines.append("")
    section.lines.extend(table(
        ["comparator", "per step", "÷ micrograd (faster by)"],
        [[kind, seconds(statistics.median(times[kind])), ratio(speedups[kind])] for kind in kinds],
    ))
    runs = {kind: _child(kind, settings.gpt_steps, tokenizer.vocab_size, docs) for kind in kinds}
    section.lines.append("")
    section.lines.append(
        f"Whole run of {settings.gpt_steps:,} steps from a fresh model, each comparator in a child "
        "process of its own that holds only the run (every trace and compile included; the names "
        "come encoded in a file). Peak memory is the child's peak resident size while it trained, "
        "and in brackets how far that rose above its size after imports:"
    )
    section.lines.append("")
    mg = runs["micrograd"]
    rows = []
    for kind in kinds:
        r = runs[kind]
        rows.append([
            kind, seconds(r["wall"]), seconds(r["cpu"]), ratio(mg["cpu"] / r["cpu"]),
            f"{nbytes(r['peak'])} (+{nbytes(max(0, r['peak'] - r['start']))})",
            f"{_largest_difference(r['losses'], mg['losses']):.1e}",
            f"{statistics.fmean(r['losses'][-50:]):.4f}",
        ])
    section.lines.extend(table(
        ["comparator", "wall", "CPU", "÷ micrograd's CPU", "peak memory", "largest loss difference from micrograd",
         "mean loss, last 50 steps"],
        rows,
    ))
    for kind in ("jit python", "jit native"):
        if kind not in runs or not runs[kind]["traces"]:
            continue
        section.lines.append("")
        section.lines.append(f"What each document length cost {kind} (one trace per length):")
        section.lines.append("")
        unit = "lines" if kind == "jit python" else "tape entries"
        section.lines.extend(table(
            ["tokens", "nodes", f"program ({unit})", "trace", "compile"],
            [[str(t["length"]), f"{t['nodes']:,}", f"{t['size']:,}", seconds(t["trace"]), seconds(t["compile"])]
             for t in sorted(runs[kind]["traces"], key=lambda t: t["length"])],
        ))
    goals = {"interpreted": 20.0, "jit python": 50.0, "jit native": 200.0}
    for kind, goal in goals.items():
        if kind in speedups:
            section.targets.append(Target(
                "I", f"steady step {kind} ≥ {goal:g}x faster than micrograd", ratio(speedups[kind]),
                speedups[kind] >= goal,
                limit="the Python around each step: Adam over 4,192 Values, the engine's backward",
            ))
    best_jit = max((k for k in ("jit python", "jit native") if k in runs), key=lambda k: mg["cpu"] / runs[k]["cpu"])
    whole = mg["cpu"] / runs[best_jit]["cpu"]
    section.targets.append(Target(
        "I", f"whole {settings.gpt_steps:,}-step run with jit ≥ 30x faster than micrograd's",
        f"{ratio(whole)} ({best_jit})", whole >= 30.0, limit="trace and compile per document length",
    ))
    # Peak resident sizes of whole processes that hold only the run (see benchmarks/gpt_child.py).
    for kind in ("jit python", "jit native"):
        if kind in runs:
            peak_ratio = runs[kind]["peak"] / runs["interpreted"]["peak"]
            section.targets.append(Target(
                "I", f"peak memory of a {kind} run ≤ 3x the interpreted run's",
                f"{peak_ratio:.1f}x ({nbytes(runs[kind]['peak'])} against {nbytes(runs['interpreted']['peak'])})",
                peak_ratio <= 3.0,
                limit="the compiled programs of every document length, held by the jit's cache",
            ))
    difference = _largest_difference(runs["interpreted"]["losses"], mg["losses"])
    section.targets.append(Target(
        "I", "the loss curve equals micrograd's to 1e-9 (same weights, same names)",
        f"{difference:.1e}", difference <= 1e-9,
        limit="the order of additions (fused sums) and log-softmax's shift, compounded over the steps",
    ))
    section.seconds = time.perf_counter() - start
    return section


def main(argv: list[str]) -> int:
    """``python -m benchmarks.gpt [--quick | --tiny]``."""
    from .report import render
    from .settings import FULL, QUICK, TINY

    settings = QUICK if "--quick" in argv else TINY if "--tiny" in argv else FULL
    print(render([run(settings)], {}, settings.mode, 0.0, []))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
