"""How big and how many: the sizes and repeat counts of a full, quick or tiny run.

The full run is sized to finish well inside ten minutes on a shared 2-core
machine; ``--quick`` keeps every workload at its real size but measures fewer
rounds and skips the slowest cases; ``tiny`` (for the smoke test) shrinks the
sizes themselves, so it checks correctness, not speed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChainRun:
    """Workload B at one depth.

    Attributes:
        steps: Chain steps (each step is 2 nodes: a multiply and an add).
        rounds: Rounds for valuegrad and the handwritten floor.
        slow_rounds: Rounds for micrograd and torch scalar (0 skips them).
    """

    steps: int
    rounds: int
    slow_rounds: int


@dataclass(frozen=True)
class Settings:
    """Sizes and repeat counts for one run (see the module docstring)."""

    mode: str
    # Per round, a comparator whose block is short is timed again until its blocks used
    # this much CPU time, or there are this many (see harness.interleave).
    min_seconds: float = 0.25
    max_blocks: int = 15
    # A: one training step.
    points: int = 100
    hidden: tuple[int, ...] = (16, 16)
    # A's first and steady steps share rounds: equal counts keep their medians comparable.
    first_rounds: int = 6
    steady_rounds: int = 6
    steady_steps: int = 3
    # B: the deep chain.
    chains: tuple[ChainRun, ...] = (
        ChainRun(1_000, 9, 9),
        ChainRun(10_000, 7, 5),
        ChainRun(100_000, 3, 2),
        ChainRun(1_000_000, 3, 1),
    )
    # micrograd at 1e6 steps holds about 5 GB; below this much free memory it is skipped.
    micrograd_chain_memory_gb: float = 8.0
    # C: sums of products.
    products: int = 10_000
    reduction_rounds: int = 9
    # D: memory.
    memory_chain_steps: int = 100_000
    micrograd_memory_chain_steps: int = 10_000
    gc_steps: int = 3
    # E: digits.
    digits_examples: int | None = None  # None: all 1,797
    digits_epoch_rounds: int = 3
    digits_epochs: int = 10  # of the full training run; 0 skips it
    digits_train_seconds: float = 120.0  # stops the full run early on a slow machine
    # F: jit. Points of the size table (about 1k, 10k and 100k nodes), equality checks, guards.
    jit_sizes: tuple[int, ...] = (15, 150, 1_500)
    jit_equality_calls: int = 1_000
    jit_equality_graphs: int = 1_000
    jit_guard_calls: int = 60
    # G: the browser explorer (points of the training step it opens).
    explorer_points: int = 150
    # I: the tiny GPT (names per timed block of the steady step, rounds, steps of the whole run).
    gpt_block: int = 8
    gpt_rounds: int = 5
    gpt_steps: int = 1_000
    gpt_length: int | None = None  # only names of this many tokens (None: every name)

    @property
    def judges_targets(self) -> bool:
        """Whether the workloads run at the sizes the targets are stated for."""
        return self.mode != "tiny"


FULL = Settings(mode="full")

QUICK = Settings(
    mode="quick",
    max_blocks=5,
    first_rounds=3,
    steady_rounds=3,
    steady_steps=2,
    chains=(
        ChainRun(1_000, 5, 5),
        ChainRun(10_000, 3, 3),
        ChainRun(100_000, 1, 1),
        ChainRun(1_000_000, 1, 0),
    ),
    reduction_rounds=3,
    memory_chain_steps=100_000,
    micrograd_memory_chain_steps=10_000,
    digits_epoch_rounds=1,
    digits_epochs=0,
    jit_sizes=(15, 150),
    jit_equality_calls=100,
    jit_equality_graphs=100,
    gpt_rounds=3,
    gpt_steps=100,
)

TINY = Settings(
    mode="tiny",
    min_seconds=0.0,
    max_blocks=1,
    points=8,
    hidden=(4, 4),
    first_rounds=2,
    steady_rounds=2,
    steady_steps=2,
    chains=(ChainRun(100, 2, 1), ChainRun(3_000, 1, 1)),
    products=300,
    reduction_rounds=2,
    memory_chain_steps=2_000,
    micrograd_memory_chain_steps=200,
    gc_steps=2,
    digits_examples=120,
    digits_epoch_rounds=1,
    digits_epochs=0,
    jit_sizes=(3,),
    jit_equality_calls=5,
    jit_equality_graphs=5,
    jit_guard_calls=12,
    explorer_points=10,
    gpt_block=2,
    gpt_rounds=1,
    gpt_steps=2,
    gpt_length=5,
)

MODES = {settings.mode: settings for settings in (FULL, QUICK, TINY)}
