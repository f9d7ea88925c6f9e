"""How a rule is read on floats: the functions ``F`` supplies, and IEEE 754 results.

A row of the derivative table (:mod:`autograd.rules.table`) writes its forward and its
local derivatives with arithmetic and the functions of a namespace ``F``. The
same rule is read three ways, by passing a different ``F``:

* :class:`FloatMath` (here): on floats, the fast path of ``backward``;
* ``ValueMath`` (:mod:`autograd.core.value`): on Values, for higher-order graphs;
* ``SourceMath`` (:mod:`autograd.rules.source`): on expressions that print as Python.

A rule never decides with a Python ``if`` on its operands; it asks ``F``
(``F.select`` for relu, ``F.sign`` for abs), which each reading answers in its
own terms. It may decide on its folded constant ``c``, a plain number fixed
when the node is built.

Non-finite numbers follow IEEE 754, as in NumPy and PyTorch: ``log(0)`` is
``-inf``, ``log(-1)`` and ``0/0`` are ``nan``, ``exp(1000)`` is ``inf``, and a
NaN propagates through every op. Python's ``math`` module raises instead, so
the fast path runs on plain floats and, only when Python raises, the engine
reads the rule again with :data:`IEEE_MATH` on :class:`IEEEFloat` operands,
which give the IEEE result. The common case pays nothing for this.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "IEEE_MATH",
    "FloatMath",
    "IEEEFloat",
    "as_ieee",
    "ieee_divide",
    "ieee_pow",
    "maximum",
    "select",
    "sign",
    "stable_sigmoid",
    "stable_softplus",
]

INF = math.inf
NAN = math.nan


def stable_sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow for any input (NaN stays NaN)."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    exp_x = math.exp(x)  # x < 0 (or NaN): exp cannot overflow
    return exp_x / (1.0 + exp_x)


def stable_softplus(x: float) -> float:
    """log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|)."""
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))


def select(x: float, positive: float, other: float) -> float:
    """``positive`` where x > 0, ``other`` where x <= 0, and NaN where x is NaN."""
    if x > 0.0:
        return positive
    return other if x <= 0.0 else x


def sign(x: float) -> float:
    """1.0, -1.0, or 0.0 at 0 (abs'(0) = 0, as PyTorch's sign); NaN stays NaN."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return x * 0.0  # 0.0 at ±0, NaN at NaN


def maximum(xs: Sequence[float]) -> float:
    """The largest of ``xs``; NaN if any is NaN (Python's ``max`` would depend on the order)."""
    largest = max(xs)
    if largest == largest:
        for x in xs:
            if x != x:
                return x
    return largest


class FloatMath:
    """The functions rules use, on floats: the fast path (``math`` raises out of range)."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    tanh = staticmethod(math.tanh)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    pow = staticmethod(math.pow)
    sigmoid = staticmethod(stable_sigmoid)
    softplus = staticmethod(stable_softplus)
    select = staticmethod(select)
    sign = staticmethod(sign)
    maximum = staticmethod(maximum)


# ---------------------------------------------------------------- IEEE 754 results


def ieee_divide(x: float, y: float) -> float:
    """x / y with IEEE results for y = 0: ±inf, or NaN for 0/0 and NaN/0."""
    if y != 0.0:
        return x / y
    if x != x or x == 0.0:
        return NAN
    return math.copysign(INF, x) * math.copysign(1.0, y)


def _is_odd_integer(y: float) -> bool:
    return math.isfinite(y) and y.is_integer() and y % 2.0 == 1.0


def ieee_pow(x: float, y: float) -> float:
    """x ** y over the reals with C99's special cases instead of exceptions.

    ``0 ** negative`` is inf (-inf for -0 to an odd power), a negative base to a
    non-integer power is NaN, and overflow gives ±inf.
    """
    try:
        return math.pow(x, y)
    except OverflowError:
        return -INF if x < 0.0 and _is_odd_integer(y) else INF
    except ValueError:
        if x == 0.0:
            return math.copysign(INF, x) if _is_odd_integer(y) else INF
        return NAN


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def _log(x: float) -> float:
    if x > 0.0 or x != x:
        return math.log(x)
    return -INF if x == 0.0 else NAN


def _sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0.0 or x != x else NAN


def _periodic(function: Callable[[float], float]) -> Callable[[float], float]:
    def at(x: float) -> float:
        return function(x) if math.isfinite(x) or x != x else NAN  # sin(±inf) is NaN

    at.__name__ = function.__name__
    return at


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


def _ieee(function: Callable[..., float]) -> Callable[..., IEEEFloat]:
    def wrapped(*args: float) -> IEEEFloat:
        return IEEEFloat(function(*map(float, args)))

    wrapped.__name__ = getattr(function, "__name__", "function")
    return wrapped


class _IEEEMath:
    """:class:`FloatMath` with IEEE results: the reading used after Python raised."""

    exp = staticmethod(_ieee(_exp))
    log = staticmethod(_ieee(_log))
    sqrt = staticmethod(_ieee(_sqrt))
    tanh = staticmethod(_ieee(math.tanh))
    sin = staticmethod(_ieee(_periodic(math.sin)))
    cos = staticmethod(_ieee(_periodic(math.cos)))
    pow = staticmethod(_ieee(ieee_pow))
    sigmoid = staticmethod(_ieee(stable_sigmoid))
    softplus = staticmethod(_ieee(stable_softplus))
    select = staticmethod(select)
    sign = staticmethod(sign)
    maximum = staticmethod(maximum)


IEEE_MATH: Any = _IEEEMath
"""The IEEE reading's ``F``."""


def as_ieee(values: Sequence[float]) -> list[IEEEFloat]:
    """``values`` as IEEEFloats, for reading a rule again after Python raised."""
    return [IEEEFloat(value) for value in values]
