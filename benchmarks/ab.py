"""``python -m benchmarks.ab``: does an engine change slow valuegrad's workloads down?

Compares two checkouts of this repository on this machine, e.g. the main
branch before a refactor and the branch after it::

    python -m benchmarks.ab --before ../main --after . [--only A,B,C] [--rounds 10]

Each round starts one fresh subprocess per checkout (the current interpreter
with ``PYTHONPATH`` set to that checkout, running ``benchmarks/ab_worker.py``,
public API only). Once both have imported their code and prepared the data,
they are timed block by block in alternation, before then after, then after
then before, and so on, each block right next to its partner, so the
machine's load changes hit both sides of a pair alike; start-up and imports
are never timed. Blocks are timed as in RESULTS.md: CPU time, ``gc.collect()``
before each, the startup heap frozen. Per measure the report gives each
side's median, the median of the paired ratios after ÷ before, their
interquartile range, and a verdict: slower when the median ratio exceeds
1 + ``--threshold`` (default 0.03). Exit status: 0 when no measure is slower,
1 when one is, 2 when the comparison could not run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .ab_report import Comparison, render

WORKER = Path(__file__).with_name("ab_worker.py")
MEASURES = {
    "A": ("A first step", "A steady step", "A first jit step", "A steady jit step"),
    "B": ("B chain",),
    "C": ("C vsum", "C dot"),
}
# Sizes for checking the tool itself in a few seconds (the smoke test): not for judging.
TINY = {"points": 8, "hidden": [4, 4], "chain_steps": 300, "products": 300}


class ABError(RuntimeError):
    """A side could not be measured (bad checkout, failing subprocess)."""


def checkout(path: str) -> Path:
    """``path`` as a checkout root holding ``autograd/`` and ``nn/`` (argparse type)."""
    root = Path(path).resolve()
    missing = [name for name in ("autograd", "nn") if not (root / name / "__init__.py").is_file()]
    if missing:
        raise argparse.ArgumentTypeError(
            f"{path} is not a checkout of this repository: no {' or '.join(missing)} package "
            "in it (expected DIR/autograd/__init__.py and DIR/nn/__init__.py)"
        )
    return root


class Worker:
    """One running ``ab_worker.py`` on one checkout's code (a context manager).

    Raises:
        ABError: If the subprocess fails, or imported ``autograd``/``nn`` from
            somewhere other than ``root``.
    """

    def __init__(self, root: Path, sizes: dict[str, object], bytecode: Path) -> None:
        self.root = root
        env = dict(os.environ)
        env["PYTHONPATH"] = str(root)
        # Both sides read and write compiled modules under ``bytecode``, never in the
        # checkouts: one side loading cached .pyc files while the other compiles from
        # source would leave their heaps laid out differently.
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
        env["PYTHONHASHSEED"] = "0"
        # A file, not a pipe: a chatty worker cannot block on a full stderr pipe. close() closes it.
        self.errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), json.dumps(sizes)],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
        )
        try:
            hello = self._reply()
        except ABError:
            self.close()
            raise
        for module in ("autograd", "nn"):
            imported = Path(hello[module]).resolve()
            if root not in imported.parents:
                self.close()
                raise ABError(
                    f"{root}: the worker imported {module} from {imported}, not from this "
                    "checkout; is its layout different (autograd/ and nn/ at its root)?"
                )

    def time(self, measure: str) -> tuple[float, float]:
        """Time one block of ``measure``: (CPU, wall) seconds per unit."""
        stdin = self.process.stdin
        if stdin is None:
            raise ABError(f"{self.root}: the worker's stdin is closed")
        stdin.write(measure + "\n")
        stdin.flush()
        reply = self._reply()
        return reply["cpu"], reply["wall"]

    def _reply(self) -> dict[str, Any]:
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            code = self.process.wait()
            self.errors.seek(0)
            tail = "\n".join(self.errors.read().strip().splitlines()[-15:])
            raise ABError(f"{self.root}: the worker exited with {code}:\n{tail}")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def close(self) -> None:
        """End the subprocess (closing its stdin ends its loop)."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def compare(
    before: Path,
    after: Path,
    measures: Sequence[str],
    rounds: int,
    repeats: int,
    sizes: dict[str, object],
    log: bool = True,
) -> tuple[dict[str, Comparison], float]:
    """Run the rounds; returns (measure -> comparison, median wall ÷ CPU over every block)."""
    comparisons = {name: Comparison(name) for name in measures}
    wall_over_cpu: list[float] = []
    with tempfile.TemporaryDirectory(prefix="valuegrad-ab-") as bytecode:
        for index in range(rounds):
            with (
                Worker(before, sizes, Path(bytecode)) as old,
                Worker(after, sizes, Path(bytecode)) as new,
            ):
                for name, repeat in itertools.product(measures, range(repeats)):
                    pair = (old, new) if (index + repeat) % 2 == 0 else (new, old)
                    times = {worker: worker.time(name) for worker in pair}  # in pair order
                    comparisons[name].before.append(times[old][0])
                    comparisons[name].after.append(times[new][0])
                    comparisons[name].rounds.append(index)
                    wall_over_cpu.extend(wall / cpu for cpu, wall in times.values() if cpu > 0)
            if log:
                print(f"[ab] round {index + 1}/{rounds} done", file=sys.stderr, flush=True)
    return comparisons, statistics.median(wall_over_cpu) if wall_over_cpu else 1.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see ``python -m benchmarks.ab --help``)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.ab",
        description="Compare valuegrad's workloads A, B and C between two checkouts of this "
        "repository, timed in alternation in fresh subprocesses; report paired ratios after ÷ "
        "before and whether any is slower than the threshold allows.",
    )
    parser.add_argument("--before", type=checkout, required=True, metavar="DIR")
    parser.add_argument("--after", type=checkout, required=True, metavar="DIR")
    parser.add_argument("--only", default="A,B,C", metavar="A,B,C", help="workloads to compare")
    parser.add_argument(
        "--rounds", type=int, default=10, help="fresh pairs of subprocesses (default 10)"
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="pairs of blocks per measure per round (default 5)"
    )
    parser.add_argument(
        "--threshold", type=float, default=0.03,
        help="slower means a median ratio above 1 + this (default 0.03)",
    )
    parser.add_argument(
        "--tiny", action="store_true", help="tiny sizes: checks the tool in seconds, judges nothing"
    )
    args = parser.parse_args(argv)
    workloads = [key.strip().upper() for key in args.only.split(",") if key.strip()]
    unknown = [key for key in workloads if key not in MEASURES]
    if unknown or not workloads:
        parser.error(f"--only: unknown workload(s) {unknown or workloads}; choose from A, B, C")
    if args.rounds < 1 or args.repeats < 1 or args.threshold < 0:
        parser.error("--rounds and --repeats must be at least 1 and --threshold not negative")
    args.measures = [name for key in workloads for name in MEASURES[key]]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison and print the report; the exit status is the verdict."""
    args = parse_args(argv)
    sizes: dict[str, object] = dict(TINY) if args.tiny else {}
    try:
        comparisons, wall_over_cpu = compare(
            args.before, args.after, args.measures, args.rounds, args.repeats, sizes
        )
    except ABError as error:
        print(f"python -m benchmarks.ab: {error}", file=sys.stderr)
        return 2
    print(
        render(
            comparisons, args.before, args.after, args.rounds, args.repeats, args.threshold,
            wall_over_cpu,
        )
    )
    return 1 if any(c.slower(args.threshold) for c in comparisons.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
