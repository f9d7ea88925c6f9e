"""The A/B tool's numbers: paired ratios, their spread and interval, the verdict, the report."""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from .report import seconds


@dataclass
class Comparison:
    """One measure on both sides, as adjacent pairs of blocks.

    Attributes:
        name: The measure ("A first step", ...).
        before: Seconds per unit, one per pair.
        after: Seconds per unit, one per pair (``after[i]`` ran next to ``before[i]``).
        rounds: The round of each pair (pairs of one round share two processes).
    """

    name: str
    before: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)
    rounds: list[int] = field(default_factory=list)

    def ratios(self) -> list[float]:
        """after ÷ before, pair by pair."""
        return [a / b for a, b in zip(self.after, self.before, strict=True)]

    def ratio(self) -> float:
        """Median of the paired ratios."""
        return statistics.median(self.ratios())

    def spread(self) -> tuple[float, float]:
        """Interquartile range of the paired ratios (the ratio itself, twice, for one pair)."""
        ratios = self.ratios()
        if len(ratios) == 1:
            return ratios[0], ratios[0]
        low, _, high = statistics.quantiles(ratios, n=4, method="inclusive")
        return low, high

    def interval(self, resamples: int = 1000) -> tuple[float, float]:
        """A 95% interval for :meth:`ratio`, by resampling whole rounds (seeded).

        Pairs from one round share a pair of processes, whose memory layouts can
        favour one side by a few percent for all of them: rounds, not pairs, are
        the independent draws.
        """
        groups: dict[int, list[float]] = {}
        for round_index, value in zip(self.rounds, self.ratios(), strict=True):
            groups.setdefault(round_index, []).append(value)
        draws = list(groups.values())
        rng = random.Random(0)
        medians = sorted(
            statistics.median([value for _ in draws for value in rng.choice(draws)])
            for _ in range(resamples)
        )
        return medians[int(0.025 * resamples)], medians[int(0.975 * resamples) - 1]

    def slower(self, threshold: float) -> bool:
        """Whether the median paired ratio exceeds 1 + ``threshold``."""
        return self.ratio() > 1.0 + threshold


def verdict(comparison: Comparison, threshold: float, rounds: int) -> str:
    """"ok" or "slower by x%", and whether the 95% interval settles it."""
    limit = 1.0 + threshold
    low, high = comparison.interval()
    said = f"**slower by {comparison.ratio() - 1:.1%}**" if comparison.slower(threshold) else "ok"
    if rounds < 3:
        return f"{said} (not settled: fewer than 3 rounds)"
    if low <= limit <= high:
        return f"{said} (not settled: the interval contains {limit:.2f}; run more rounds)"
    return f"{said} (settled)"


def render(
    comparisons: dict[str, Comparison],
    before: Path,
    after: Path,
    rounds: int,
    repeats: int,
    threshold: float,
    wall_over_cpu: float,
) -> str:
    """The Markdown report, ending with the overall verdict."""
    limit = 1.0 + threshold
    rows = []
    for comparison in comparisons.values():
        low, high = comparison.spread()
        interval_low, interval_high = comparison.interval()
        rows.append(
            f"| {comparison.name} | {seconds(statistics.median(comparison.before))} "
            f"| {seconds(statistics.median(comparison.after))} | {comparison.ratio():.3f}x "
            f"| {low:.3f}x – {high:.3f}x | {interval_low:.3f}x – {interval_high:.3f}x "
            f"| {verdict(comparison, threshold, rounds)} |"
        )
    slower = [c.name for c in comparisons.values() if c.slower(threshold)]
    lines = [
        "# A/B: after ÷ before",
        "",
        f"- **before**: {before}",
        f"- **after**: {after}",
        f"- {rounds} rounds of {repeats} pairs of blocks per measure ({rounds * repeats} "
        "pairs): each round starts a fresh subprocess per side, then times the two sides "
        "block by block in alternation (before first, then after first, ...), after an "
        "untimed warm-up block per measure. CPU time, `gc.collect()` before each timed "
        "block, startup heap frozen, as in RESULTS.md. Wall-clock time exceeded CPU time "
        f"by a median of {wall_over_cpu - 1:.0%} per block (other jobs on the machine).",
        "- The interval is a 95% bootstrap interval of the median paired ratio, resampling "
        "whole rounds; a verdict is settled when the interval lies on one side of "
        f"{limit:.2f}.",
        "",
        "| measure | before (median) | after (median) | after ÷ before (median of pairs) "
        "| interquartile range of pairs | 95% interval of the median "
        f"| verdict (threshold {threshold:.0%}) |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        (
            f"**Verdict: slower.** {', '.join(slower)}: the median paired ratio exceeds "
            f"{limit:.2f}."
            if slower
            else f"**Verdict: no measure is slower by more than {threshold:.0%}** "
            f"(every median paired ratio ≤ {limit:.2f})."
        ),
    ]
    return "\n".join(lines)
