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
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .report import Section, Target, nbytes, ratio, seconds, table
from .settings import Settings

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("micrograd", "interpreted", "jit python", "jit native")
LR, BETAS, EPS = 0.01, (0.85, 0.99), 1e-8


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


def weights_of(model: Any) -> dict[str, list[list[float]]]:
    """The GPT's matrices by the names :class:`.gpt_micrograd.MicrogradGPT` reads."""

    def rows(matrix: list[list[Any]]) -> list[list[float]]:
        return [[w.data for w in row] for row in matrix]

    weights = {"wte": rows(model.wte.weight), "wpe": rows(model.wpe.weight), "lm_head": rows(model.lm_head.weight)}
    for index, block in enumerate(model.blocks):
        name = f"layer{index}."
        for short, linear in (("wq", block.attn.wq), ("wk", block.attn.wk), ("wv", block.attn.wv),
                              ("wo", block.attn.wo), ("fc1", block.mlp.fc1), ("fc2", block.mlp.fc2)):
            weights[name + short] = rows(linear.weight)
    return weights


class Trainer:
    """One comparator's model and optimizer; :meth:`step` trains on one document.

    Args:
        kind: One of :data:`KINDS`.
        vocab_size: The tokenizer's vocabulary.
        steps: The run's length (the learning rate reaches 0 there).
    """

    def __init__(self, kind: str, vocab_size: int, steps: int) -> None:
        import nn
        from autograd import jit

        self.kind = kind
        self.model = nn.GPT(vocab_size, seed=0)
        self.compiled: Any = None
        if kind == "micrograd":
            from .gpt_micrograd import MicrogradGPT

            self.micrograd = MicrogradGPT(
                weights_of(self.model), self.model.n_layer, self.model.n_head, LR, BETAS, EPS, steps
            )
            self.step: Callable[[list[int]], float] = self.micrograd.step
            return
        self.optimizer = nn.Adam(
            self.model.parameters(), lr=nn.linear_decay(LR, steps), betas=BETAS, eps=EPS
        )
        if kind == "interpreted":
            self.loss: Callable[[list[int]], Any] = self.model.loss
        else:
            self.compiled = jit(self.model.loss, backend=kind.removeprefix("jit "))
            self.loss = self.compiled
        self.step = self._step

    def _step(self, tokens: list[int]) -> float:
        loss = self.loss(tokens)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return float(loss.data)


def _available(kind: str) -> bool:
    if kind != "jit native":
        return True
    from autograd.compiler.backends import native_available

    return native_available()


def steady(settings: Settings, vocab_size: int, docs: list[list[int]]) -> dict[str, list[float]]:
    """CPU seconds per step of each comparator, one entry per round."""
    chosen = docs[: settings.gpt_block]
    trainers = {kind: Trainer(kind, vocab_size, 10**6) for kind in KINDS if _available(kind)}
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


def _status_bytes(field: str) -> int:
    """A size from /proc/self/status (``VmRSS``, or ``VmHWM``: the peak since it was last reset)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


def _reset_peak() -> None:
    # Linux: writing 5 to clear_refs resets the peak resident size, so the peak counts the
    # training run, not the reading of the names (pyarrow's table of every SSA record).
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")


def whole_run(kind: str, steps: int, length: int | None = None) -> dict[str, Any]:
    """Train a fresh model for ``steps`` documents in this process; what the child reports."""
    tokenizer, docs = documents(length)
    gc.collect()
    _reset_peak()
    start_bytes = _status_bytes("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    trainer = Trainer(kind, tokenizer.vocab_size, steps)
    losses: list[float] = []
    seen: set[int] = set()
    traces: list[dict[str, Any]] = []
    for index in range(steps):
        tokens = docs[index % len(docs)]
        losses.append(trainer.step(tokens))
        for record in trainer.compiled.traces if trainer.compiled is not None else ():
            if id(record) not in seen:  # made by this step: this document's length
                seen.add(id(record))
                traces.append({
                    "length": len(tokens), "nodes": record.nodes, "size": record.lines,
                    "trace": record.trace_seconds, "compile": record.generate_seconds + record.compile_seconds,
                })
    result: dict[str, Any] = {
        "kind": kind, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
        "peak": _status_bytes("VmHWM"), "start": start_bytes,
        "losses": losses, "traces": traces,
    }
    return result


def _child(kind: str, steps: int, length: int | None) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.gpt", "--child", kind, str(steps), str(length or 0)],
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
    start = time.perf_counter()
    section = Section("I", "The tiny GPT: microgpt's model trained one name per step, against micrograd")
    try:
        tokenizer, docs = documents(settings.gpt_length)
    except ImportError as error:
        section.flags.append(f"not run: {error}")
        section.seconds = time.perf_counter() - start
        return section
    kinds = [kind for kind in KINDS if _available(kind)]
    times = steady(settings, tokenizer.vocab_size, docs)
    base = times["micrograd"]
    speedups = {
        kind: statistics.median(b / t for b, t in zip(base, times[kind], strict=True)) for kind in kinds
    }
    section.lines.append(
        f"`nn.GPT({tokenizer.vocab_size}, seed=0)` (microgpt's configuration, "
        f"{sum(1 for _ in Trainer('interpreted', tokenizer.vocab_size, 1).model.parameters()):,} parameters), "
        f"one name per step, Adam; steady step over the same {settings.gpt_block} names, "
        f"{settings.gpt_rounds} interleaved rounds, CPU time, medians of paired ratios:"
    )
    section.lines.append("")
    section.lines.extend(table(
        ["comparator", "per step", "÷ micrograd (faster by)"],
        [[kind, seconds(statistics.median(times[kind])), ratio(speedups[kind])] for kind in kinds],
    ))
    runs = {kind: _child(kind, settings.gpt_steps, settings.gpt_length) for kind in kinds}
    section.lines.append("")
    section.lines.append(
        f"Whole run of {settings.gpt_steps:,} steps from a fresh model, each comparator in a child "
        "process of its own (every trace and compile included). Peak memory is the child's peak "
        "resident size while it trained, and in brackets how far that rose above its size after "
        "imports and data:"
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
    interpreted_rise = max(1, runs["interpreted"]["peak"] - runs["interpreted"]["start"])
    jit_rise = max(runs[k]["peak"] - runs[k]["start"] for k in runs if k.startswith("jit"))
    section.targets.append(Target(
        "I", "peak memory of a jitted run ≤ 3x the interpreted run's (rise above the start)",
        f"{jit_rise / interpreted_rise:.1f}x", jit_rise <= 3 * interpreted_rise,
        limit="the compiled programs of every document length",
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
    """``python -m benchmarks.gpt [--child KIND STEPS | --quick | --tiny]``."""
    if argv[:1] == ["--child"]:
        print(json.dumps(whole_run(argv[1], int(argv[2]), int(argv[3]) or None)))
        return 0
    from .report import render
    from .settings import FULL, QUICK, TINY

    settings = QUICK if "--quick" in argv else TINY if "--tiny" in argv else FULL
    print(render([run(settings)], {}, settings.mode, 0.0, []))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
