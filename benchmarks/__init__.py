"""valuegrad's benchmarks: ``python -m benchmarks`` or ``make bench``, and an A/B tool.

Workloads A-E run the engine against micrograd, PyTorch (0-dim tensors and
vectorized) and a handwritten plain-Python floor, interleaved in one process,
and report CPU-time medians, paired ratios and whether valuegrad meets its
speed and memory targets in RESULTS.md (how each number is measured is
written there too).

``python -m benchmarks.ab --before DIR --after DIR [--only A,B,C] [--rounds N]
[--threshold 0.03]`` compares two checkouts of this repository, e.g. before
and after an engine refactor: valuegrad's timings of A (first and steady
step), B (N = 10,000) and C (``vsum`` and ``dot``) run in fresh subprocesses,
one per checkout per round, timed block by block in alternation; it reports
each side's median, the median of the paired ratios after ÷ before with
their interquartile range and a 95% interval, and a verdict against the
threshold (exit status 1 when a measure is slower). See ``benchmarks/ab.py``.
"""

from .report import BenchmarkError
from .runner import WORKLOADS, run
from .settings import FULL, QUICK, TINY, Settings

__all__ = ["FULL", "QUICK", "TINY", "WORKLOADS", "BenchmarkError", "Settings", "run"]
