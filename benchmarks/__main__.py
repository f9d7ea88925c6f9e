"""``python -m benchmarks``: run the benchmarks, print the report, write RESULTS.md."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .runner import WORKLOADS, run
from .settings import FULL, QUICK, TINY

RESULTS = Path(__file__).with_name("RESULTS.md")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see ``python -m benchmarks --help``)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="valuegrad against micrograd, PyTorch and handwritten Python on workloads "
        "A-E; writes RESULTS.md with medians, paired ratios and whether each speed and memory "
        "target is met.",
    )
    speed = parser.add_mutually_exclusive_group()
    speed.add_argument(
        "--quick", action="store_true",
        help="real sizes, fewer rounds, slowest cases skipped (about a minute and a half)",
    )
    speed.add_argument(
        "--tiny", action="store_true", help="tiny sizes: a correctness pass of a few seconds"
    )
    parser.add_argument(
        "--only", metavar="A,B", default=None,
        help=f"run only these workloads (of {','.join(WORKLOADS)})",
    )
    parser.add_argument(
        "--output", metavar="PATH", type=Path, default=None,
        help=f"write the report here (default: {RESULTS.name} for a full run of every "
        "workload; quick, tiny and --only runs are printed only)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print the Markdown report, write it; returns the exit status."""
    args = parse_args(argv)
    settings = QUICK if args.quick else TINY if args.tiny else FULL
    only = None if args.only is None else args.only.split(",")
    try:
        report = run(settings, only)
    except ValueError as error:
        print(f"python -m benchmarks: {error}", file=sys.stderr)
        return 2
    print(report)
    output = args.output
    if output is None and settings is FULL and only is None:
        output = RESULTS
    if output is not None:
        # Write next to the target, then rename: a crash never leaves half a report.
        partial = output.with_name(output.name + ".tmp")
        partial.write_text(report + "\n", encoding="utf-8")
        os.replace(partial, output)
        print(f"[benchmarks] wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
