"""How a rule is read on floats: the fast reading, and the one with IEEE 754 results.

A row of the derivative table (:mod:`autograd.rules.table`) writes its forward
and its local derivatives with arithmetic and the functions of the
vocabulary (:mod:`autograd.rules.vocabulary`). Read with :data:`FloatMath`,
on plain floats, a rule runs at Python's speed: the fast path of ``backward``.

Non-finite numbers follow IEEE 754, as in NumPy and PyTorch: ``log(0)`` is
``-inf``, ``log(-1)`` and ``0/0`` are ``nan``, ``exp(1000)`` is ``inf``, and a
NaN propagates through every op. Python's ``math`` module raises instead, so
the fast path runs on plain floats and, only when Python raises, the engine
reads the rule again with :data:`IEEE_MATH` on :class:`IEEEFloat` operands,
which give the IEEE result. The common case pays nothing for this.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .vocabulary import VARIADIC, VOCABULARY, ieee_divide, ieee_pow, reading

FloatMath: Any = reading(
    "FloatMath", {function.name: function.floats for function in VOCABULARY},
    "The vocabulary on floats: the fast path (``math`` raises out of range).",
)


class IEEEFloat(float):
    """A float whose arithmetic gives IEEE 754 results instead of raising.

    Only ``/`` and ``**`` can raise on floats; the other operators are kept
    here so that every intermediate result of a rule stays an IEEEFloat.
    """

    def __add__(self, other: Any) -> IEEEFloat:
        return IEEEFloat(float(self) + float(other))

    __radd__ = __add__

    def __sub__(self, other: Any) -> IEEEFloat:
        return IEEEFloat(float(self) - float(other))

    def __rsub__(self, other: Any) -> IEEEFloat:
        return IEEEFloat(float(other) - float(self))

    def __mul__(self, other: Any) -> IEEEFloat:
        return IEEEFloat(float(self) * float(other))

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> IEEEFloat:
        return IEEEFloat(ieee_divide(float(self), float(other)))

    def __rtruediv__(self, other: Any) -> IEEEFloat:
        return IEEEFloat(ieee_divide(float(other), float(self)))

    def __pow__(self, other: Any, modulo: None = None) -> IEEEFloat:
        return IEEEFloat(ieee_pow(float(self), float(other)))

    def __rpow__(self, other: Any, modulo: None = None) -> IEEEFloat:
        return IEEEFloat(ieee_pow(float(other), float(self)))

    def __neg__(self) -> IEEEFloat:
        return IEEEFloat(-float(self))

    def __abs__(self) -> IEEEFloat:
        return IEEEFloat(abs(float(self)))


def _ieee(function: Any) -> Callable[..., Any]:
    """A declaration's IEEE implementation, giving IEEEFloats so that a rule's later arithmetic stays IEEE."""
    if function.kind == "decision" or function.operands == VARIADIC:
        returned: Callable[..., Any] = function.ieee  # one of its arguments (or the NaN among them), as it is
        return returned
    implementation = function.ieee

    def wrapped(*args: float) -> IEEEFloat:
        return IEEEFloat(implementation(*map(float, args)))

    wrapped.__name__ = function.name
    return wrapped


IEEE_MATH: Any = reading(
    "IEEEMath", {function.name: _ieee(function) for function in VOCABULARY},
    "The vocabulary with IEEE results: the reading used after Python raised.",
)


def as_ieee(values: Sequence[float]) -> list[IEEEFloat]:
    """``values`` as IEEEFloats, for reading a rule again after Python raised."""
    return [IEEEFloat(value) for value in values]
