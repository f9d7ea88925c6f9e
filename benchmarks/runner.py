"""Run the selected workloads and assemble the report."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import replace

import torch

from . import (
    backends,
    chain,
    compiled,
    digits,
    explorer,
    gpt,
    memory,
    mlp_step,
    reduction,
    with_micrograd,
    with_torch,
)
from .harness import startup_heap_frozen
from .report import Section, method, render
from .settings import Settings

WORKLOADS: dict[str, Callable[[Settings], Section]] = {
    "A": mlp_step.run,
    "B": chain.run,
    "C": reduction.run,
    "D": memory.run,
    "E": digits.run,
    "F": compiled.run,
    "G": explorer.run,
    "H": backends.run,
    "I": gpt.run,
}


def run(settings: Settings, only: Iterable[str] | None = None, log: bool = True) -> str:
    """Run the workloads (all, or those named in ``only``) and return the Markdown report.

    Args:
        settings: Sizes and repeat counts.
        only: Workload letters to run, e.g. ``["A", "B"]``; None runs all.
        log: Print one progress line per workload to stderr.

    Raises:
        ValueError: If ``only`` names an unknown workload.
        BenchmarkError: If a comparator disagrees with the engine.
    """
    selected = list(WORKLOADS) if only is None else [key.strip().upper() for key in only]
    unknown = [key for key in selected if key not in WORKLOADS]
    if unknown or not selected:
        raise ValueError(
            f"unknown workload(s) {unknown or selected!r}; choose from {', '.join(WORKLOADS)}"
        )
    with_torch.configure()
    start = time.perf_counter()
    sections = []
    with startup_heap_frozen() as heap:
        for key in WORKLOADS:
            if key not in selected:
                continue
            if log:
                print(f"[benchmarks] {key} …", file=sys.stderr, flush=True)
            section = WORKLOADS[key](settings)
            if not settings.judges_targets:
                section.targets = [replace(target, judged=False) for target in section.targets]
            if log:
                print(
                    f"[benchmarks] {key} done in {section.seconds:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
            sections.append(section)
    versions = {
        "torch": f"{with_torch.VERSION} ({torch.get_num_threads()} intra-op thread)",
        "micrograd": with_micrograd.VERSION,
        "Heap at start": f"{heap:,} objects tracked by the cycle collector (torch and "
        "micrograd imported), frozen while the workloads run",
    }
    mode = settings.mode + ("" if only is None else f", workloads {', '.join(selected)}")
    return render(
        sections,
        versions,
        mode,
        time.perf_counter() - start,
        method(settings.min_seconds, settings.max_blocks),
    )
