"""Results as Markdown: sections per workload, a table of targets, the machine it ran on."""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .harness import Timings


class BenchmarkError(RuntimeError):
    """A comparator disagrees with the engine, so its timings would compare different work."""


@dataclass(frozen=True)
class Target:
    """One goal the benchmarks judge, with what this run measured.

    Attributes:
        workload: "A" … "G".
        goal: What is required, in words ("≥ 25x faster than micrograd per step").
        measured: The measured value, in words.
        met: True/False, or None when this run could not measure it.
        judged: False when the run used other sizes than the target is stated
            for (the smoke test's tiny run): the numbers are shown, not judged.
        limit: What limits the measured value, shown when the target is not met.
    """

    workload: str
    goal: str
    measured: str
    met: bool | None
    judged: bool = True
    limit: str = ""

    @property
    def status(self) -> str:
        """"met", "NOT met", "not measured" or "not judged (tiny sizes)"."""
        if not self.judged:
            return "not judged (tiny sizes)"
        if self.met is None:
            return "not measured"
        return "met" if self.met else "NOT met"


@dataclass
class Section:
    """One workload's results.

    Attributes:
        key: "A" … "G".
        title: The heading.
        lines: Markdown body (tables, notes).
        targets: The targets this workload measures.
        flags: Sanity checks that failed, one sentence each (shown at the top).
        seconds: Wall time the workload took.
    """

    key: str
    title: str
    lines: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    seconds: float = 0.0


def method(min_seconds: float, max_blocks: int) -> list[str]:
    """The "How these numbers are measured" section, for blocks repeated as given."""
    repeated = (
        f"- A short block is repeated within a round (enough blocks to use {min_seconds:g} s "
        f"of CPU time, at most {max_blocks}, each with a fresh set-up, spread over the round "
        "between the other comparators' blocks); the round's time is the median of its "
        "blocks, so a fast comparator is not judged on one draw."
        if max_blocks > 1
        else "- Each comparator is timed once per round."
    )
    return [
        "## How these numbers are measured",
        "",
        "- All comparators run in this one process, **interleaved**: each round runs every "
        "comparator, in an order rotated every round. Times are **medians** over rounds; a "
        "**paired ratio** is the ratio of two comparators' times within each round, then the "
        "median of those ratios.",
        "- Times are **CPU time** of this process (`time.process_time`), not wall-clock time. "
        "The machine's cores are shared with other jobs: a timed block that is preempted gains "
        "a whole scheduler slice of wall time, a large share of a 5 ms step and a small share of "
        "a 1 s step, so wall-clock ratios favoured the slow comparators and made the "
        "handwritten floor look slower when warm (7.7 ms steady against 5.1 ms for a first "
        "step in an earlier run) while its CPU time was the same. How far wall time exceeded "
        "CPU time is given under each workload. CPU time does not remove the slowdown other "
        "jobs' memory traffic causes while they run beside us: on this machine the same "
        "valuegrad chain (B, N = 10,000) took 21 ms of CPU time at a quiet moment and 38 ms "
        "while a test suite ran on the other core, while the floor's small lists noticed "
        "less, so ratios to the floor are least favourable to valuegrad when the machine is "
        "busy.",
        repeated,
        "- Before each timed call `gc.collect()` runs (untimed), so no comparator pays for "
        "another's garbage; during the call the cycle collector is on, as users have it. "
        "Freeing the result after the clock stops is not timed.",
        "- The objects alive when the benchmarks start (torch's and micrograd's modules, about "
        "150,000 tracked objects no single-library user holds) are **frozen** "
        "(`gc.freeze()`) while the workloads run: a full collection would walk all of them, so "
        "a comparator whose garbage triggers full collections (micrograd: several per step) "
        "paid for torch being imported. B shows what that changed.",
        "- Every comparator is checked before it is timed: same losses and gradients as valuegrad "
        "to 1e-9 (A), gradient = 1.0001**N (B), exact sums and gradients (C), parameters after "
        "an epoch (E).",
        "- *valuegrad*: `autograd` + `nn` as a user writes them. *micrograd*: micrograd 0.1.0 "
        "from PyPI. *torch scalar*: the same scalar graph on 0-dim float64 tensors (one autograd "
        "node per `+`/`*`). *torch vectorized*: the same model on float64 tensors. "
        "*handwritten*: plain-Python forward and hand-derived backward on lists of floats "
        "(`benchmarks/handwritten.py`), the floor a pure-Python engine is judged against.",
        "- A *node* is one op result (leaves not counted): a chain of N steps has 2N nodes.",
    ]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table, one string per line."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return out


def seconds(value: float) -> str:
    """A duration with a unit a reader takes in at a glance."""
    if value >= 1.0:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e6:.1f} µs"


def ratio(value: float) -> str:
    """A ratio as "12.3x" (two significant digits below 1: "0.15x")."""
    if value < 1.0:
        return f"{value:.2g}x"
    return f"{value:.1f}x" if value < 100 else f"{value:.0f}x"


def limit_from_phases(
    phases: Mapping[str, float], build: str, what: str, nodes: int, floor: float
) -> str:
    """What keeps a workload from the handwritten floor, in words, from its phase table.

    Args:
        phases: Phase name -> median seconds; holds ``build``, "topological sort"
            and "backward sweep".
        build: The phase that builds the graph.
        what: That phase in words, to start the sentence ("valuegrad's forward").
        nodes: The nodes the build phase makes, for its time per node.
        floor: The handwritten floor's median for the whole workload.

    Returns:
        A sentence for :attr:`Target.limit`: "valuegrad's forward alone takes
        2.10 ms (52 ns per node), 4.1x the whole floor; sort + backward add
        1.30 ms (2.5x the floor)".
    """
    built = phases[build]
    backward = phases["topological sort"] + phases["backward sweep"]
    return (
        f"{what} alone takes {seconds(built)} ({built / nodes * 1e9:.0f} ns per node), "
        f"{built / floor:.1f}x the whole floor; sort + backward add {seconds(backward)} "
        f"({backward / floor:.1f}x the floor)"
    )


def wall_note(timings: Sequence[Timings]) -> str:
    """One sentence: how far wall-clock time exceeded CPU time in these timed blocks."""
    excess = statistics.median(timing.wall_over_cpu() for timing in timings) - 1.0
    return (
        f"Wall-clock time exceeded CPU time by a median of {excess:.0%} per timed block "
        "(time other jobs held the cores)."
    )


def nbytes(value: float) -> str:
    """A byte count in B/KB/MB (powers of 1024)."""
    if abs(value) >= 1024**2:
        return f"{value / 1024**2:.1f} MB"
    if abs(value) >= 1024:
        return f"{value / 1024:.1f} KB"
    return f"{value:.0f} B"


def environment(versions: dict[str, str], mode: str) -> list[str]:
    """The header: when, where and with what the benchmarks ran."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    items = {
        "Date": now,
        "Python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "Platform": platform.platform(),
        "CPU count": str(os.cpu_count()),
        **versions,
        "Mode": mode,
    }
    return [f"- **{name}**: {value}" for name, value in items.items()]


def render(
    sections: Sequence[Section],
    versions: dict[str, str],
    mode: str,
    total: float,
    method_lines: Sequence[str] = (),
) -> str:
    """The whole report as one Markdown document (``method_lines`` follow the targets)."""
    lines = ["# valuegrad benchmarks", ""]
    lines.append("Written by `python -m benchmarks` (`make bench`); do not edit by hand.")
    lines.append("")
    lines.extend(environment(versions, mode))
    lines.append(f"- **Total run time**: {seconds(total)}")
    lines.append("")
    # Workload D measures one of B's targets: list targets by workload, A to E.
    targets = sorted(
        (target for section in sections for target in section.targets),
        key=lambda target: target.workload,
    )
    if targets:
        lines.append("## Targets")
        lines.append("")
        lines.append(
            "The speed and memory goals valuegrad is held to, judged on this run's numbers."
        )
        lines.append("")
        lines.extend(
            table(
                ["Workload", "Target", "Measured", "Status", "What limits it (if not met)"],
                [
                    [t.workload, t.goal, t.measured, t.status, "" if t.met else t.limit]
                    for t in targets
                ],
            )
        )
        lines.append("")
    flags = [flag for section in sections for flag in section.flags]
    if flags:
        lines.append("## Flags")
        lines.append("")
        lines.extend(f"- {flag}" for flag in flags)
        lines.append("")
    if targets and method_lines:
        lines.extend(method_lines)
        lines.append("")
    for section in sections:
        lines.append(f"## {section.key}: {section.title}")
        lines.append("")
        lines.extend(section.lines)
        lines.append("")
        lines.append(f"_{section.key} took {seconds(section.seconds)}._")
        lines.append("")
    return "\n".join(lines)
