"""Decisions on a Value's number: comparisons, ``bool``, ``float``, ``int``, ``round``.

Each reads the data as a float would, as for a one-element tensor in
PyTorch, and tells a running jit trace what it decided, so that a replay can
check the same decision (see :mod:`autograd.compiler.tracer`). They live in a
base class of :class:`~autograd.core.value.Value` so that the node's own module
stays about the node.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, TypeVar

from .modes import state
from .numbers import as_number

__all__ = ["Decisions"]

_T = TypeVar("_T")


def _comparison(symbol: str, compare: Callable[[float, float], bool]) -> Callable[..., bool]:
    """``self (symbol) other`` on the data, as for floats; told to a running jit trace."""

    def method(self: Decisions, other: Any) -> bool:
        y = other._data if isinstance(other, Decisions) else as_number(other)
        if y is None:
            return NotImplemented  # type: ignore[no-any-return]  # how operators decline
        outcome = compare(self._data, y)
        tracer = state.tracer
        if tracer is not None:
            tracer.decided(symbol, self, other, outcome)
        return outcome

    return method


class Decisions:
    """What a :class:`~autograd.core.value.Value` decides on its number (a base class; no state)."""

    __slots__ = ()
    _data: float

    __lt__ = _comparison("<", operator.lt)
    __le__ = _comparison("<=", operator.le)
    __gt__ = _comparison(">", operator.gt)
    __ge__ = _comparison(">=", operator.ge)

    def __bool__(self) -> bool:
        return self._decided("bool", None, self._data != 0.0)

    def __float__(self) -> float:
        return self._decided("float", None, self._data)

    def __int__(self) -> int:
        return self._decided("int", None, int(self._data))

    def __round__(self, ndigits: int | None = None) -> Any:
        return self._decided("round", ndigits, round(self._data, ndigits))

    def _decided(self, kind: str, argument: Any, outcome: _T) -> _T:
        tracer = state.tracer
        if tracer is not None:
            tracer.decided(kind, self, argument, outcome)
        return outcome
