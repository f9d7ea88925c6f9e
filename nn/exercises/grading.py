"""How an exercise is graded: the outcome of a check, and the comparison of a claimed gradient.

An exercise's grader looks at a student's answer and returns ``None`` when it
is right, or a message that says what is wrong and gives a hint, never the
answer. :func:`check` turns that into an :class:`Outcome`, and also decides
when an exercise is not done yet: the answer is still ``None`` or ``...``, or
calling it raises ``NotImplementedError`` (the stubs in the notebooks do).

Gradients are compared with :func:`autograd.testing.check_gradients`: the
student's derivative becomes the reverse-mode derivative of a function whose
value is the true one, so the check sets the claimed derivative against
finite differences of the true function, at points the grader chooses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value
from autograd.testing import check_gradients

__all__ = ["Exercise", "ExerciseFailed", "Outcome", "central_difference", "claimed_gradient_disagrees", "close", "disagreement_found", "run"]

Grader = Callable[[Any], "str | None"]


class ExerciseFailed(AssertionError):
    """Raised by :func:`nn.exercises.check` with ``strict=True`` when an answer is wrong or missing."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: its name, the notebook that sets it, what to do, and its grader.

    Attributes:
        name: The name :func:`nn.exercises.check` knows it by.
        notebook: The notebook it ends (e.g. ``"02_value_and_backward"``).
        task: One line saying what the answer is.
        grade: Returns None for a right answer, else what is wrong and a hint.
    """

    name: str
    notebook: str
    task: str
    grade: Grader


@dataclass(frozen=True)
class Outcome:
    """The result of checking one answer.

    Attributes:
        exercise: The exercise's name.
        status: ``"right"``, ``"wrong"`` or ``"not done"``.
        message: What the check found (for a wrong answer: what is wrong, and a hint).
    """

    exercise: str
    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == "right"

    def __str__(self) -> str:
        mark = {"right": "✓ right", "wrong": "✗ not yet right", "not done": "… not done yet"}[self.status]
        return f"{self.exercise}: {mark}. {self.message}"

    def __repr__(self) -> str:
        return str(self)


def _not_done(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


def run(exercise: Exercise, answer: Any) -> Outcome:
    """Grade ``answer`` for ``exercise`` (what :func:`nn.exercises.check` does once it has found it)."""
    if _not_done(answer):
        return Outcome(exercise.name, "not done", f"Fill in the answer: {exercise.task}")
    try:
        message = exercise.grade(answer)
    except NotImplementedError:
        return Outcome(exercise.name, "not done", f"Replace the `raise NotImplementedError` with your code: {exercise.task}")
    except Exception as error:  # the student's code raised: say what, and where to look
        return Outcome(
            exercise.name, "wrong",
            f"Your answer raised {type(error).__name__}: {error}. Run it on one input by itself to see where.",
        )
    if message is None:
        return Outcome(exercise.name, "right", "Well done.")
    return Outcome(exercise.name, "wrong", message)


def as_float(value: Any, what: str) -> float:
    """``value`` as a float; a Value, a bool or anything else is refused with a message for the student."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Refused(f"{what} should be a plain number (a float), got {type(value).__name__}: {value!r}")
    return float(value)


class _Refused(Exception):
    """An answer of the wrong kind; its message is for the student."""


def refusal(grade: Callable[[Any], str | None]) -> Grader:
    """``grade``, with an answer of the wrong kind reported as a wrong answer instead of a crash."""

    def graded(answer: Any) -> str | None:
        try:
            return grade(answer)
        except _Refused as refused:
            return str(refused)

    graded.__doc__ = grade.__doc__
    return graded


def central_difference(function: Callable[[float], float], x: float) -> float:
    """The slope a message quotes: (f(x + h) - f(x - h)) / 2h with h = 1e-6."""
    return (function(x + 1e-6) - function(x - 1e-6)) / 2e-6


def close(a: float, b: float) -> bool:
    """Whether an answer's number is the expected one: to 1e-6 relative (1e-9 near 0), as written by hand."""
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def claimed_gradient_disagrees(
    true_function: Callable[[list[float]], float],
    claimed: Sequence[float],
    point: Sequence[float],
) -> bool:
    """True when ``claimed`` is not the gradient of ``true_function`` at ``point``.

    The check is :func:`autograd.testing.check_gradients` on a function
    whose value is ``true_function``'s and whose reverse-mode gradient is
    ``claimed`` (the first-order term of a Taylor expansion with the claimed
    slopes), compared with central differences of ``true_function``.

    Args:
        true_function: The function, on plain floats.
        claimed: The derivative the answer claims, one per coordinate.
        point: Where.
    """
    if len(claimed) != len(point) or not all(math.isfinite(c) for c in claimed):
        return True
    centre = [float(x) for x in point]

    def claimed_expansion(xs: list[Value]) -> Value:
        out = Value(true_function([x.data for x in xs]))
        for x, slope in zip(xs, claimed, strict=True):
            out = out + (x - x.data) * slope
        return out

    try:
        check_gradients(claimed_expansion, centre, order=1)
    except AssertionError:
        return True
    return False


SEARCHED = 150
"""How many points :func:`disagreement_found` tries beyond a grader's own."""


def disagreement_found(
    true_function: Callable[[list[float]], float],
    claimed_at: Callable[[list[float]], Sequence[float]],
    low: float,
    high: float,
) -> list[float] | None:
    """A point of ``[low, high]`` where the claimed derivative is not ``true_function``'s, or None.

    A grader first tries the points it chose (where each usual mistake
    shows, with its own hint); an answer right at all of those is then
    searched with hypothesis over ``autograd.testing.points``, derandomized
    (every run of a check finds the same point) and shrunk, so a rule that
    is right only where it was looked at is still caught, at the plainest
    point hypothesis can find.

    Args:
        true_function: The function, on plain floats (one coordinate).
        claimed_at: The answer's derivative at a point, one per coordinate.
        low: The interval searched.
        high: Its other end.
    """
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample

    from autograd.testing import points

    def disagrees(point: list[float]) -> bool:
        return claimed_gradient_disagrees(true_function, claimed_at(point), point)

    try:
        return find(points(1, low, high), disagrees, settings=settings(
            derandomize=True, database=None, max_examples=SEARCHED, deadline=None,
            phases=(Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        return None
