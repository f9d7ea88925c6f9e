"""A plain-number argument while a trace runs: the number itself, with a shadow in the trace.

A :class:`TracedNumber` is not a Value. It holds the real Python number (an
int stays an int) and a *shadow*: the Value that stands for it in the
program (an input, or a step computed from inputs). Python code sees the
number it would see without jit, and every use that depends on the number is
recorded, so that a replay is made only where the function would do the same:

* arithmetic with Values uses the shadow (``standing_for``): it is recorded
  like any op, and the number stays an input;
* arithmetic with numbers (``+ - * / neg abs``) computes the real Python
  result, and the shadow computes the same bits with the table's rows; a
  division records that the divisor is not 0 (where Python raises);
* a comparison (``== != < <= > >=``) or ``bool`` is a decision on the shadow,
  checked at every replay;
* every other use needs the exact number (``float``, ``int``, an index,
  ``round``, ``hash``, so a dict key or a set member, ``str`` and formatting,
  ``//``, ``%``, ``**``, any attribute such as ``is_integer()``): it is an
  exact guard, bit for bit (``-0.0`` is not ``0.0``; NaN is NaN), and another
  number traces again.

``isinstance(x, float)`` (or ``int``) holds, through ``__class__``, as for
the number; ``type(x) is float`` does not, and cannot.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.value import Value
from .program import same_bits

if TYPE_CHECKING:
    from .tracer import Tracer

__all__ = ["EXACT_INTEGERS", "INDEX_USE", "TracedNumber"]

EXACT_INTEGERS = 2**53
"""Ints up to this size (either sign) are exactly floats: a larger int argument is fixed, not traced."""

Real = int | float

INDEX_USE = "used as a list index, slice or range() bound"
"""How an exact guard taken by ``__index__`` describes its use (the jit's advice names ``take`` for it)."""


def _operands(other: Any) -> tuple[Real, Any] | None:
    """(the number, what the shadow computes with) for a plain number or a traced one; else None."""
    if type(other) is TracedNumber:
        return other._number, other._shadow
    if isinstance(other, (int, float)):  # bools and float subclasses too, as Python's arithmetic takes them
        return other, float(other) if abs(other) <= EXACT_INTEGERS else None
    return None


class TracedNumber:
    """A number argument of a function being traced (see the module docstring).

    Made only by the tracer; user code sees it as the number it holds.
    """

    __slots__ = ("_number", "_shadow", "_tracer")

    def __init__(self, number: Real, shadow: Value, tracer: Tracer) -> None:
        self._number = number
        self._shadow = shadow
        self._tracer = tracer

    def __as_value__(self) -> Value:
        """The Value standing for this number in the trace (see ``autograd.core.value.standing_for``)."""
        return self._shadow

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance(x, float) holds, as for the number itself
        return type(self._number)

    # ------------------------------------------------------------ what is recorded

    def _exact(self, use: str) -> Real:
        """The number, for a use that needs it exactly: guarded bit for bit; ``use`` says how it was used."""
        self._tracer.used_exactly(self._shadow, self._number, use)
        return self._number

    def _decide(self, kind: str, other: Any, outcome: bool) -> bool:
        self._tracer.decided(kind, self._shadow, other, outcome)
        return outcome

    def _result(self, number: Any, shadow: Any, operands: tuple[Any, ...]) -> Any:
        """``number`` as a traced number whose shadow is ``shadow``, if the shadow gives its exact bits.

        Otherwise (a complex result, an int past the exact range, bits that
        differ) the traced operands are guarded exactly and the plain number is given.
        """
        if isinstance(shadow, Value):
            if type(number) is float and same_bits(number, shadow._data):
                return TracedNumber(number, shadow, self._tracer)
            if type(number) is int and abs(number) <= EXACT_INTEGERS and float(number) == shadow._data:
                # An int result stays exact in floats only inside the exact range: two
                # decisions (the Value comparisons record them), checked at every replay.
                _ = shadow <= float(EXACT_INTEGERS), shadow >= -float(EXACT_INTEGERS)
                return TracedNumber(number, shadow, self._tracer)
        for operand in operands:
            if type(operand) is TracedNumber:
                operand._exact("used in arithmetic whose result a float cannot hold exactly")
        return number

    # ------------------------------------------------------------ conversions: exact

    def __float__(self) -> float:
        return float(self._exact("converted by float()"))

    def __int__(self) -> int:
        return int(self._exact("converted by int()"))

    def __index__(self) -> int:
        number = self._exact(INDEX_USE)
        if type(number) is not int:
            raise TypeError(f"{type(number).__name__!r} object cannot be interpreted as an integer")
        return number

    def __complex__(self) -> complex:
        return complex(self._exact("converted by complex()"))

    def __round__(self, ndigits: int | None = None) -> Any:
        return round(self._exact("rounded by round()"), ndigits)

    def __trunc__(self) -> int:
        return math.trunc(self._exact("truncated by math.trunc()"))

    def __floor__(self) -> int:
        return math.floor(self._exact("rounded by math.floor()"))

    def __ceil__(self) -> int:
        return math.ceil(self._exact("rounded by math.ceil()"))

    def __hash__(self) -> int:
        return hash(self._exact("hashed (a dict key or a set member)"))

    def __repr__(self) -> str:
        return repr(self._exact("formatted as text"))

    def __str__(self) -> str:
        return str(self._exact("formatted as text"))

    def __format__(self, spec: str) -> str:
        return format(self._exact("formatted as text"), spec)

    def __getattr__(self, name: str) -> Any:  # is_integer(), real, hex(), bit_length()...
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._exact(f"read through .{name}"), name)

    def __copy__(self) -> TracedNumber:
        return self  # a number is immutable: a copy is itself, still traced

    def __deepcopy__(self, memo: Any) -> TracedNumber:
        return self

    def __reduce__(self) -> tuple[type, tuple[Real]]:  # pickling: the number itself, guarded
        number = self._exact("pickled")
        return type(number), (number,)

    def __bool__(self) -> bool:
        return self._decide("bool", None, self._number != 0)

    # ------------------------------------------------------------ comparisons: decisions

    def _compare(self, symbol: str, compare: Callable[[Any, Any], bool], other: Any) -> Any:
        if isinstance(other, Value):
            return compare(self._shadow, other)  # the Value decides, on the shadow
        operands = _operands(other)
        if operands is None:
            return NotImplemented
        number, shadow = operands
        if shadow is None:  # an int too large to compare as a float: exactly
            return compare(self._exact("compared with an int too large for a float"), number)
        return self._decide(symbol, shadow, bool(compare(self._number, number)))

    def __eq__(self, other: object) -> Any:
        if isinstance(other, Value):
            return False  # a number never equals a Value (Values compare by identity)
        return self._compare("==", operator.eq, other)

    def __ne__(self, other: object) -> Any:
        if isinstance(other, Value):
            return True
        return self._compare("!=", operator.ne, other)

    def __lt__(self, other: Any) -> Any:
        return self._compare("<", operator.lt, other)

    def __le__(self, other: Any) -> Any:
        return self._compare("<=", operator.le, other)

    def __gt__(self, other: Any) -> Any:
        return self._compare(">", operator.gt, other)

    def __ge__(self, other: Any) -> Any:
        return self._compare(">=", operator.ge, other)

    # ------------------------------------------------------------ arithmetic: recorded

    def _arithmetic(self, apply: Callable[[Any, Any], Any], other: Any, reflected: bool) -> Any:
        if isinstance(other, Value):
            return apply(other, self._shadow) if reflected else apply(self._shadow, other)
        operands = _operands(other)
        if operands is None:
            return NotImplemented
        number, shadow = operands
        pair = (number, self._number) if reflected else (self._number, number)
        try:
            result = apply(*pair)
        except Exception:  # what raised depends on the numbers: guarded, for a caller that catches
            self._exact("used in arithmetic that raised")
            if type(other) is TracedNumber:
                other._exact("used in arithmetic that raised")
            raise
        if shadow is None:
            return self._result(result, None, (self, other))
        if apply is operator.truediv:  # Python raises where the shadow would give inf: the divisor is not 0
            divisor = self if reflected else other
            if type(divisor) is TracedNumber:
                divisor._decide("!=", 0.0, True)
        shadows = (shadow, self._shadow) if reflected else (self._shadow, shadow)
        return self._result(result, apply(*shadows), (self, other))

    def __add__(self, other: Any) -> Any:
        return self._arithmetic(operator.add, other, False)

    def __radd__(self, other: Any) -> Any:
        return self._arithmetic(operator.add, other, True)

    def __sub__(self, other: Any) -> Any:
        return self._arithmetic(operator.sub, other, False)

    def __rsub__(self, other: Any) -> Any:
        return self._arithmetic(operator.sub, other, True)

    def __mul__(self, other: Any) -> Any:
        return self._arithmetic(operator.mul, other, False)

    def __rmul__(self, other: Any) -> Any:
        return self._arithmetic(operator.mul, other, True)

    def __truediv__(self, other: Any) -> Any:
        return self._arithmetic(operator.truediv, other, False)

    def __rtruediv__(self, other: Any) -> Any:
        return self._arithmetic(operator.truediv, other, True)

    def __neg__(self) -> Any:
        return self._result(-self._number, -self._shadow, (self,))

    def __pos__(self) -> TracedNumber:
        return self

    def __abs__(self) -> Any:
        return self._result(abs(self._number), abs(self._shadow), (self,))

    # ------------------------------------------------------------ the rest: exact

    def _exactly(self, apply: Callable[[Any, Any], Any], other: Any, reflected: bool) -> Any:
        if isinstance(other, Value):
            if apply is operator.pow:  # a Value's own ** applies: on the shadow, recorded
                return apply(other, self._shadow) if reflected else apply(self._shadow, other)
            return NotImplemented
        if type(other) is TracedNumber:
            other = other._exact(f"used in {apply.__name__}()")
        elif not isinstance(other, (int, float)):
            return NotImplemented
        number = self._exact(f"used in {apply.__name__}()")
        return apply(other, number) if reflected else apply(number, other)

    def __pow__(self, other: Any) -> Any:
        return self._exactly(operator.pow, other, False)

    def __rpow__(self, other: Any) -> Any:
        return self._exactly(operator.pow, other, True)

    def __floordiv__(self, other: Any) -> Any:
        return self._exactly(operator.floordiv, other, False)

    def __rfloordiv__(self, other: Any) -> Any:
        return self._exactly(operator.floordiv, other, True)

    def __mod__(self, other: Any) -> Any:
        return self._exactly(operator.mod, other, False)

    def __rmod__(self, other: Any) -> Any:
        return self._exactly(operator.mod, other, True)

    def __divmod__(self, other: Any) -> Any:
        return self._exactly(divmod, other, False)

    def __rdivmod__(self, other: Any) -> Any:
        return self._exactly(divmod, other, True)

    def __lshift__(self, other: Any) -> Any:
        return self._exactly(operator.lshift, other, False)

    def __rlshift__(self, other: Any) -> Any:
        return self._exactly(operator.lshift, other, True)

    def __rshift__(self, other: Any) -> Any:
        return self._exactly(operator.rshift, other, False)

    def __rrshift__(self, other: Any) -> Any:
        return self._exactly(operator.rshift, other, True)

    def __and__(self, other: Any) -> Any:
        return self._exactly(operator.and_, other, False)

    def __rand__(self, other: Any) -> Any:
        return self._exactly(operator.and_, other, True)

    def __or__(self, other: Any) -> Any:
        return self._exactly(operator.or_, other, False)

    def __ror__(self, other: Any) -> Any:
        return self._exactly(operator.or_, other, True)

    def __xor__(self, other: Any) -> Any:
        return self._exactly(operator.xor, other, False)

    def __rxor__(self, other: Any) -> Any:
        return self._exactly(operator.xor, other, True)

    def __invert__(self) -> Any:
        return ~self._exact("used in ~")  # type: ignore[operator]  # a float raises TypeError, as it should
