"""The rules read on Values: ``ValueMath``, the ``F`` of ``grad(create_graph=True)``.

Given Values, a rule of the derivative table builds nodes, so the local
derivatives it returns are themselves differentiable: that is how gradients
of gradients work, to any order, with no derivative written twice. The
reading is built from the vocabulary (:mod:`autograd.rules.vocabulary`): an
elementary function applies the Value method of its name (a row of the
table), a decision reads the number and returns its (constant) choice, and
the special functions are spelled out below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .core.value import Value
from .fused import vmax
from .rules.floats import IEEE_MATH
from .rules.vocabulary import VOCABULARY, Function, ieee_pow, position, reading

__all__ = ["ValueMath"]


def _data_of(x: Any) -> float:
    return x._data if isinstance(x, Value) else float(x)


def _elementary(function: Function) -> Callable[[Any], Any]:
    # A plain-number argument (a constant) stays a plain number, with IEEE results.
    name = function.name
    on_number = getattr(IEEE_MATH, name)

    def apply(x: Any) -> Any:
        return getattr(x, name)() if isinstance(x, Value) else float(on_number(x))

    return apply


def _decision(function: Function) -> Callable[..., Any]:
    # Decides on the first argument's number; the choice is a constant (derivative 0).
    decide = function.floats
    return lambda x, *rest: decide(_data_of(x), *rest)


def _pow(x: Any, y: Any) -> Any:
    if isinstance(x, Value) or isinstance(y, Value):
        return x**y
    return ieee_pow(float(x), float(y))


def _pick(items: Any, index: Any) -> Any:
    # The item itself (a Value stays in the graph); which one is decided on the index's number.
    found = position(_data_of(index), len(items))
    return float("nan") if found is None else items[found]


_SPECIAL: dict[str, Callable[..., Any]] = {"pow": _pow, "maximum": vmax, "pick": _pick}


def _on_values(function: Function) -> Callable[..., Any]:
    if function.kind == "elementary":
        return _elementary(function)
    if function.kind == "decision":
        return _decision(function)
    return _SPECIAL[function.name]


ValueMath: Any = reading(
    "ValueMath", {function.name: _on_values(function) for function in VOCABULARY},
    "The vocabulary on Values: each function builds nodes, so the result is differentiable. "
    "``select`` and ``sign`` decide on the data and return their (constant) choice: their "
    "derivative is 0 wherever it exists.",
)
