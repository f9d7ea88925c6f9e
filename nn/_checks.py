"""Argument checks shared by the nn modules: clear TypeError/ValueError messages."""

from __future__ import annotations

import numbers


def positive_int(value: object, what: str) -> int:
    """``value`` as an int if it is a whole number >= 1 (bool refused).

    Raises:
        TypeError: If ``value`` is not an integer.
        ValueError: If it is below 1.
    """
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{what} must be a positive int, got {type(value).__name__}: {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return int(value)
