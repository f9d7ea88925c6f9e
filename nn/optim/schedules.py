"""Learning-rate schedules: functions ``lr(step) -> float`` for an optimizer's ``lr``.

``step`` counts the optimizer's ``step()`` calls made before the one being
taken, so the first update uses ``lr(0)``. Each schedule is a small frozen
dataclass, so it prints its settings and compares by value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .._checks import non_negative, positive_int, whole_number

__all__ = [
    "CosineDecay",
    "LinearDecay",
    "Schedule",
    "StepDecay",
    "cosine",
    "linear_decay",
    "step_decay",
]

Schedule = Callable[[int], float]


def _check_step(step: object) -> int:
    return whole_number(step, "a schedule's step", 0, "a step count (an int >= 0)")


@dataclass(frozen=True)
class StepDecay:
    """lr · gamma^(step // step_size): multiply by ``gamma`` every ``step_size`` steps."""

    lr: float
    step_size: int
    gamma: float

    def __call__(self, step: int) -> float:
        return self.lr * self.gamma ** (_check_step(step) // self.step_size)


def _progress(step: int, total_steps: int) -> float:
    """How far ``step`` is through ``total_steps``, from 0.0 up to 1.0 (then flat)."""
    return min(_check_step(step), total_steps) / total_steps


@dataclass(frozen=True)
class LinearDecay:
    """From ``lr`` at step 0 straight down to ``end_lr`` at ``total_steps``, then flat."""

    lr: float
    total_steps: int
    end_lr: float

    def __call__(self, step: int) -> float:
        fraction = _progress(step, self.total_steps)
        return self.lr + (self.end_lr - self.lr) * fraction


@dataclass(frozen=True)
class CosineDecay:
    """Half a cosine from ``lr`` at step 0 to ``min_lr`` at ``total_steps``, then flat."""

    lr: float
    total_steps: int
    min_lr: float

    def __call__(self, step: int) -> float:
        fraction = _progress(step, self.total_steps)
        return self.min_lr + (self.lr - self.min_lr) * 0.5 * (1.0 + math.cos(math.pi * fraction))


def step_decay(lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """A schedule that multiplies ``lr`` by ``gamma`` every ``step_size`` steps.

    Args:
        lr: The initial learning rate, >= 0.
        step_size: Steps between decays, >= 1.
        gamma: The factor, >= 0.

    Returns:
        ``schedule(step) = lr * gamma ** (step // step_size)``.

    Examples:
        >>> schedule = step_decay(0.1, step_size=10, gamma=0.5)
        >>> schedule(0), schedule(10), schedule(25)
        (0.1, 0.05, 0.025)
    """
    return StepDecay(
        non_negative(lr, "lr"), positive_int(step_size, "step_size"), non_negative(gamma, "gamma")
    )


def linear_decay(lr: float, total_steps: int, end_lr: float = 0.0) -> Schedule:
    """A schedule that goes linearly from ``lr`` to ``end_lr`` over ``total_steps``.

    Args:
        lr: The learning rate at step 0, >= 0.
        total_steps: The step at which ``end_lr`` is reached (and kept), >= 1.
        end_lr: The final learning rate, >= 0.

    Returns:
        ``schedule(step) = lr + (end_lr - lr) * min(step, total_steps) / total_steps``.
    """
    return LinearDecay(
        non_negative(lr, "lr"),
        positive_int(total_steps, "total_steps"),
        non_negative(end_lr, "end_lr"),
    )


def cosine(lr: float, total_steps: int, min_lr: float = 0.0) -> Schedule:
    """Cosine annealing from ``lr`` to ``min_lr`` over ``total_steps`` (no restarts).

    Args:
        lr: The learning rate at step 0, >= 0.
        total_steps: The step at which ``min_lr`` is reached (and kept), >= 1.
        min_lr: The final learning rate, >= 0.

    Returns:
        ``schedule(step) = min_lr + (lr - min_lr) * (1 + cos(π * min(step, T) / T)) / 2``,
        as ``torch.optim.lr_scheduler.CosineAnnealingLR`` within its first period.
    """
    return CosineDecay(
        non_negative(lr, "lr"),
        positive_int(total_steps, "total_steps"),
        non_negative(min_lr, "min_lr"),
    )
