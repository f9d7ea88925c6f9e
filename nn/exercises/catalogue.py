"""Every exercise by name, and ``check``, the call a notebook's check cell makes."""

from __future__ import annotations

from typing import Any

from . import backprop, curvature, digits, gpt, gradients, optimizers, regularisation, values
from .grading import Exercise, ExerciseFailed, Outcome, run

__all__ = ["EXERCISES", "check"]

EXERCISES: dict[str, Exercise] = {
    exercise.name: exercise
    for module in (backprop, gradients, values, curvature, optimizers, regularisation, digits, gpt)
    for exercise in module.EXERCISES
}
"""The exercises by name, in the order of the notebooks."""


def check(name: str, answer: Any, *, strict: bool = False) -> Outcome:
    """Check a student's answer to the exercise ``name``.

    A wrong answer gets a message that says what is wrong and gives a hint
    (never the answer). An answer still ``None`` or ``...``, or a function
    that raises ``NotImplementedError``, is "not done", so a notebook whose
    exercises are untouched still runs from top to bottom.

    Args:
        name: One of :data:`EXERCISES`.
        answer: The student's answer: a function or a number, as the exercise asks.
        strict: Raise :class:`ExerciseFailed` unless the answer is right.

    Returns:
        The :class:`Outcome`; it prints as one line.

    Raises:
        ValueError: If ``name`` is not an exercise.
        ExerciseFailed: With ``strict=True``, if the answer is wrong or not done.

    Example:
        >>> from nn.exercises import check
        >>> check("accumulation_prediction", None)
        accumulation_prediction: … not done yet. Fill in the answer: the number x.grad after y = x * x + x; y.backward() at x = 3
    """
    if name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; expected one of {', '.join(EXERCISES)}")
    outcome = run(EXERCISES[name], answer)
    if strict and not outcome:
        raise ExerciseFailed(str(outcome))
    return outcome
