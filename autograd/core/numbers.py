"""Plain numbers in, and error text out: the one place that coerces and describes.

Every public function that accepts "a number" goes through :func:`as_number`
or :func:`require_number`, so ``bool`` is refused everywhere, an int too large
for a float is named as such, and messages read alike.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Protocol

__all__ = [
    "Described",
    "as_number",
    "describe",
    "describe_operands",
    "format_number",
    "is_real",
    "require_number",
]


class Described(Protocol):
    """What an error message needs to know about a node."""

    @property
    def data(self) -> float: ...

    @property
    def label(self) -> str: ...


def is_real(obj: object) -> bool:
    """Whether ``obj`` is a real number: an int, a float or a ``numbers.Real`` (numpy's), not a bool."""
    return type(obj) is float or type(obj) is int or (
        isinstance(obj, numbers.Real) and not isinstance(obj, bool)
    )


def as_number(obj: object) -> float | None:
    """``obj`` as a float if it is a real number (bool excluded), else None.

    Raises:
        ValueError: If ``obj`` is an integer too large for a float (about 1.8e308).
    """
    kind = type(obj)
    if kind is float:
        return obj  # type: ignore[return-value]
    if kind is int or (isinstance(obj, numbers.Real) and not isinstance(obj, bool)):
        try:
            return float(obj)  # type: ignore[arg-type]
        except OverflowError:
            raise ValueError(_too_large(obj)) from None
    return None


def _too_large(obj: object) -> str:
    if isinstance(obj, int):
        return f"an int of {len(str(abs(obj)))} digits is too large for a float (max about 1.8e308)"
    return f"{type(obj).__name__} {obj!r} is too large for a float (max about 1.8e308)"


def require_number(obj: object, what: str) -> float:
    """``obj`` as a float, or a TypeError saying that ``what`` expects a real number.

    Raises:
        TypeError: If ``obj`` is not a real number.
        ValueError: If it is an integer too large for a float.
    """
    try:
        number = as_number(obj)
    except ValueError as error:
        raise ValueError(f"{what}: {error}") from None
    if number is None:
        raise TypeError(
            f"{what} expects a real number (int or float), got {type(obj).__name__}: {obj!r}"
        )
    return number


def describe(node: Described) -> str:
    """A node's number, and its label when it has one: ``-1.0 (Value label 'x')``."""
    return f"{node.data!r} (Value label {node.label!r})" if node.label else repr(node.data)


def describe_operands(operands: Sequence[Described], const: Any) -> str:
    """The operands of a node for a message (at most four), and its constant if it is a number."""
    text = " and ".join(describe(operand) for operand in operands[:4])
    if len(operands) > 4:
        text += f" and {len(operands) - 4} more"
    if isinstance(const, float):
        text += f" with constant {const!r}"
    return text


def format_number(x: float) -> str:
    """``x`` with 4 significant digits, compactly (``0.5``, ``-1.235``, ``1.2e+06``, ``nan``), as pictures show it."""
    return f"{x:.4g}"
