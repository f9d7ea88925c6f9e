"""The Python printer: an expression tree of the source reading as Python text.

Parentheses are written only where Python's precedence needs them, a
selection on a name is written out as a conditional (no call in the hot
path), and every function is called by its vocabulary name, bound in
:data:`NAMESPACE` to the float reading's own function, so generated code
computes the same bits as the engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .print_chain import print_chain
from .source import Binary, Call, Const, Expr, Maximum, Name, Negate, Pick, Select
from .vocabulary import VOCABULARY

__all__ = ["NAMESPACE", "python_text"]

# Python's precedences, loosest first (only the levels rules use).
CONDITIONAL, ADD, MULTIPLY, UNARY, ATOM = 1, 11, 12, 13, 16

NAMESPACE: dict[str, Any] = {
    **{function.name: function.floats for function in VOCABULARY},
    "abs": abs, "inf": math.inf, "nan": math.nan,
}
"""The names generated Python may call, bound to the float reading's functions."""


def python_text(expr: Expr) -> str:
    """``expr`` as a Python expression."""
    return _PRINTERS[type(expr)](expr)[0]


def _wrapped(expr: Expr, level: int) -> str:
    """The text, in parentheses if it binds more loosely than ``level`` needs."""
    if type(expr) is Name:  # most operands: a name binds tightest
        return expr.name
    printed, precedence = _PRINTERS[type(expr)](expr)
    return f"({printed})" if precedence < level else printed


def _name(expr: Name) -> tuple[str, int]:
    return expr.name, ATOM


def _const(expr: Const) -> tuple[str, int]:
    value = expr.value
    if value != value:
        return "nan", ATOM
    if math.isinf(value):
        return ("inf" if value > 0 else "-inf"), UNARY
    printed = repr(value)
    return printed, UNARY if printed[0] == "-" else ATOM


def _binary(expr: Binary) -> tuple[str, int]:
    return print_chain(expr, _printed, _wrapped, ADD, MULTIPLY)


def _printed(expr: Expr) -> tuple[str, int]:
    return _PRINTERS[type(expr)](expr)


def _negate(expr: Negate) -> tuple[str, int]:
    return f"-{_wrapped(expr.operand, UNARY)}", UNARY


def _call(expr: Call) -> tuple[str, int]:
    return f"{expr.function}({', '.join(map(python_text, expr.arguments))})", ATOM


def _select(expr: Select) -> tuple[str, int]:
    condition = expr.x
    if not isinstance(condition, Name):  # a call evaluates the condition once
        return f"select({', '.join(map(python_text, (condition, expr.positive, expr.other)))})", ATOM
    x = condition.name
    positive = _wrapped(expr.positive, CONDITIONAL + 1)
    other = _wrapped(expr.other, CONDITIONAL + 1)
    return f"{positive} if {x} > 0.0 else {other} if {x} <= 0.0 else {x}", CONDITIONAL


def _maximum(expr: Maximum) -> tuple[str, int]:
    return f"maximum([{', '.join(map(python_text, expr.items))}])", ATOM


def _pick(expr: Pick) -> tuple[str, int]:
    return f"pick([{', '.join(map(python_text, expr.items))}], {python_text(expr.index)})", ATOM


_PRINTERS: dict[type, Callable[[Any], tuple[str, int]]] = {
    Name: _name, Const: _const, Binary: _binary, Negate: _negate, Call: _call, Select: _select,
    Maximum: _maximum, Pick: _pick,
}
"""The form of each kind of node (a node kind without one is a KeyError: the printer lacks it)."""
