"""The rules read on Values: ``ValueMath``, the ``F`` of ``grad(create_graph=True)``.

Given Values, a rule of the derivative table builds nodes, so the local
derivatives it returns are themselves differentiable: that is how gradients
of gradients work, to any order, with no derivative written twice.
"""

from __future__ import annotations

from typing import Any

from ..fused import vmax
from ..rules.floats import IEEE_MATH, ieee_pow, select, sign
from .value import Value

__all__ = ["ValueMath"]


def _on_values(name: str) -> Any:
    # A plain-number argument (a constant) stays a plain number, with IEEE results.
    method = getattr(Value, name)
    on_number = getattr(IEEE_MATH, name)

    def apply(x: Any) -> Any:
        return method(x) if isinstance(x, Value) else float(on_number(x))

    return staticmethod(apply)


def _data_of(x: Any) -> float:
    return x._data if isinstance(x, Value) else float(x)


class ValueMath:
    """The functions rules use, on Values: each builds nodes, so the result is differentiable.

    ``select`` and ``sign`` decide on the data and return their (constant)
    choice: their derivative is 0 wherever it exists.
    """

    exp = _on_values("exp")
    log = _on_values("log")
    sqrt = _on_values("sqrt")
    tanh = _on_values("tanh")
    sin = _on_values("sin")
    cos = _on_values("cos")
    sigmoid = _on_values("sigmoid")
    softplus = _on_values("softplus")

    @staticmethod
    def pow(x: Any, y: Any) -> Any:
        if isinstance(x, Value) or isinstance(y, Value):
            return x**y
        return ieee_pow(float(x), float(y))

    @staticmethod
    def select(x: Any, positive: Any, other: Any) -> Any:
        return select(_data_of(x), positive, other)

    @staticmethod
    def sign(x: Any) -> float:
        return sign(_data_of(x))

    @staticmethod
    def maximum(xs: Any) -> Any:
        return vmax(xs)
