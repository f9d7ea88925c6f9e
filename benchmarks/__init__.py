"""valuegrad's benchmarks: ``python -m benchmarks`` or ``make bench``.

Workloads A-E run the engine against micrograd, PyTorch (0-dim tensors and
vectorized) and a handwritten plain-Python floor, interleaved in one process,
and report CPU-time medians, paired ratios and whether valuegrad meets its
speed and memory targets in RESULTS.md (how each number is measured is
written there too).
"""

from .report import BenchmarkError
from .runner import WORKLOADS, run
from .settings import FULL, QUICK, TINY, Settings

__all__ = ["FULL", "QUICK", "TINY", "WORKLOADS", "BenchmarkError", "Settings", "run"]
