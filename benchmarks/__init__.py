"""valuegrad's benchmarks (issue 7): ``python -m benchmarks`` or ``make bench``.

Workloads A-E run the engine against micrograd, PyTorch (0-dim tensors and
vectorized) and a handwritten plain-Python floor, interleaved in one process,
and report medians, paired ratios and the issue's targets in RESULTS.md.
"""

from .report import BenchmarkError
from .runner import WORKLOADS, run
from .settings import FULL, QUICK, TINY, Settings

__all__ = ["FULL", "QUICK", "TINY", "WORKLOADS", "BenchmarkError", "Settings", "run"]
