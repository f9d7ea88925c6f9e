"""Exercises that grade themselves: the notebooks end with a few, and ``check`` grades an answer.

    from nn.exercises import check
    check("tanh_derivative", tanh_derivative)

Needs hypothesis (``pip install 'valuegrad[testing]'``): gradients are
compared with :func:`autograd.testing.check_gradients`. ``import nn`` does
not import this package.
"""

from .catalogue import EXERCISES, check
from .grading import Exercise, ExerciseFailed, Outcome

__all__ = ["EXERCISES", "Exercise", "ExerciseFailed", "Outcome", "check"]
