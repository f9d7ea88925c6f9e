"""The Python printer: an expression tree of the source reading as Python text.

Parentheses are written only where Python's precedence needs them, a
selection on a name is written out as a conditional (no call in the hot
path), and every function is called by its vocabulary name, bound in
:data:`NAMESPACE` to the float reading's own function, so generated code
computes the same bits as the engine.
"""

from __future__ import annotations

import math
from typing import Any

from .source import Binary, Call, Const, Expr, Maximum, Name, Negate, Select
from .vocabulary import VOCABULARY

__all__ = ["NAMESPACE", "text"]

# Python's precedences, loosest first (only the levels rules use).
CONDITIONAL, ADD, MULTIPLY, UNARY, ATOM = 1, 11, 12, 13, 16

NAMESPACE: dict[str, Any] = {
    **{function.name: function.floats for function in VOCABULARY},
    "abs": abs, "inf": math.inf, "nan": math.nan,
}
"""The names generated Python may call, bound to the float reading's functions."""


def text(expr: Expr) -> str:
    """``expr`` as a Python expression."""
    return _printed(expr)[0]


def _wrapped(expr: Expr, level: int) -> str:
    """The text, in parentheses if it binds more loosely than ``level`` needs."""
    printed, precedence = _printed(expr)
    return f"({printed})" if precedence < level else printed


def _binary(expr: Binary) -> tuple[str, int]:
    """A chain of binary operators, printed without recursing down its left side.

    A sum of many terms (``vsum``, a ``dot``) is a tree as deep as it is long,
    so its left spine is walked in a loop; right operands are shallow.
    """
    spine: list[Binary] = []
    node: Expr = expr
    while isinstance(node, Binary):
        spine.append(node)
        node = node.left
    printed, precedence = _printed(node)
    for link in reversed(spine):
        level = ADD if link.operator in "+-" else MULTIPLY
        left = f"({printed})" if precedence < level else printed
        # Left-associative: the right operand needs parentheses at the same level (a - (b - c)).
        printed, precedence = f"{left} {link.operator} {_wrapped(link.right, level + 1)}", level
    return printed, precedence


def _printed(expr: Expr) -> tuple[str, int]:
    """The text of ``expr`` and how tightly it binds."""
    if isinstance(expr, Name):
        return expr.name, ATOM
    if isinstance(expr, Const):
        value = expr.number
        if math.isnan(value):
            return "nan", ATOM
        if math.isinf(value):
            return ("inf" if value > 0 else "-inf"), UNARY
        printed = repr(value)
        return printed, UNARY if printed.startswith("-") else ATOM
    if isinstance(expr, Binary):
        return _binary(expr)
    if isinstance(expr, Negate):
        return f"-{_wrapped(expr.operand, UNARY)}", UNARY
    if isinstance(expr, Call):
        return f"{expr.function}({', '.join(map(text, expr.arguments))})", ATOM
    if isinstance(expr, Select):
        if not isinstance(expr.x, Name):  # a call evaluates the condition once
            return f"select({', '.join(map(text, (expr.x, expr.positive, expr.other)))})", ATOM
        x = expr.x.name
        positive = _wrapped(expr.positive, CONDITIONAL + 1)
        other = _wrapped(expr.other, CONDITIONAL + 1)
        return f"{positive} if {x} > 0.0 else {other} if {x} <= 0.0 else {x}", CONDITIONAL
    if isinstance(expr, Maximum):
        return f"maximum([{', '.join(map(text, expr.items))}])", ATOM
    raise TypeError(f"the Python printer has no form for {type(expr).__name__}")
