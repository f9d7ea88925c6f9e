"""The rules read as source code: :class:`Expr` and ``SourceMath``.

Given :class:`Expr` operands (names such as ``x`` or ``t12``), a row's forward
or rule returns an :class:`Expr` whose ``text`` is a Python expression that
computes it: ``1.0 - out * out`` for tanh's derivative. Generated code (see
``autograd.jit``) is made from this reading, so no derivative is ever written
a second time, and printing every row's rules shows the whole table as code.

Arithmetic on constants is folded, and the identities that cannot change a
result are applied (``e * 1.0`` is ``e``, ``e + 0.0`` is ``e``); parentheses
are written only where Python's precedence needs them. The generated text
calls the functions in :data:`NAMESPACE`, which are exactly the ones the
float reading calls, so generated code computes the same bits.
"""

from __future__ import annotations

import math
from typing import Any

from .floats import maximum, select, sign, stable_sigmoid, stable_softplus

__all__ = ["NAMESPACE", "Expr", "SourceMath", "as_expr", "call"]

# Python's precedences, loosest first (only the levels rules use).
CONDITIONAL, ADD, MULTIPLY, UNARY, ATOM = 1, 11, 12, 13, 16

NAMESPACE: dict[str, Any] = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh,
    "sin": math.sin, "cos": math.cos, "pow": math.pow,
    "sigmoid": stable_sigmoid, "softplus": stable_softplus,
    "select": select, "sign": sign, "maximum": maximum, "abs": abs,
    "inf": math.inf, "nan": math.nan,
}
"""The names generated code may call, bound to the float reading's functions."""


class Expr:
    """A Python expression: its text, its precedence and, for a constant, its value.

    Args:
        text: The expression, valid Python.
        precedence: How tightly it binds (``ATOM`` for a name, a call or a number).
        value: The float it stands for, if it is a constant.
    """

    __slots__ = ("precedence", "text", "value")

    def __init__(self, text: str, precedence: int = ATOM, value: float | None = None) -> None:
        self.text = text
        self.precedence = precedence
        self.value = value

    @classmethod
    def constant(cls, value: float) -> Expr:
        """A number as an expression (``2.0``, ``-0.5``, ``inf``)."""
        value = float(value)
        if math.isnan(value):
            return cls("nan", ATOM, value)
        if math.isinf(value):
            return cls("inf" if value > 0 else "-inf", UNARY, value)
        text = repr(value)
        return cls(text, UNARY if text.startswith("-") else ATOM, value)

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        raise _decided("'if', 'and' or 'or'")

    def __lt__(self, other: Any) -> bool:
        raise _decided("<")

    def __le__(self, other: Any) -> bool:
        raise _decided("<=")

    def __gt__(self, other: Any) -> bool:
        raise _decided(">")

    def __ge__(self, other: Any) -> bool:
        raise _decided(">=")

    def wrapped(self, level: int) -> str:
        """The text, in parentheses if it binds more loosely than ``level`` needs."""
        return f"({self.text})" if self.precedence < level else self.text

    # ------------------------------------------------------------ arithmetic

    def __add__(self, other: Any) -> Expr:
        return _binary(self, as_expr(other), "+")

    def __radd__(self, other: Any) -> Expr:
        return _binary(as_expr(other), self, "+")

    def __sub__(self, other: Any) -> Expr:
        return _binary(self, as_expr(other), "-")

    def __rsub__(self, other: Any) -> Expr:
        return _binary(as_expr(other), self, "-")

    def __mul__(self, other: Any) -> Expr:
        return _binary(self, as_expr(other), "*")

    def __rmul__(self, other: Any) -> Expr:
        return _binary(as_expr(other), self, "*")

    def __truediv__(self, other: Any) -> Expr:
        return _binary(self, as_expr(other), "/")

    def __rtruediv__(self, other: Any) -> Expr:
        return _binary(as_expr(other), self, "/")

    def __neg__(self) -> Expr:
        if self.value is not None:
            return Expr.constant(-self.value)
        if self.text.startswith("-") and self.precedence == UNARY:
            return Expr(self.text[1:], ATOM)  # --x is x (only names and calls get here)
        return Expr(f"-{self.wrapped(UNARY)}", UNARY)

    def __abs__(self) -> Expr:
        return call("abs", self)


def _decided(how: str) -> TypeError:
    return TypeError(
        f"a rule decided on an operand with Python's {how}; decide through F "
        "(F.select, F.sign) so that the rule reads on floats, on Values and as source"
    )


def as_expr(value: Any) -> Expr:
    """``value`` as an Expr: itself, or a constant for a plain number."""
    return value if isinstance(value, Expr) else Expr.constant(value)


def _binary(x: Expr, y: Expr, operator: str) -> Expr:
    if x.value is not None and y.value is not None:
        folded = _fold(x.value, y.value, operator)
        if folded is not None:
            return Expr.constant(folded)
    # Identities that cannot change a result (x + 0.0 differs only in the sign of a zero).
    if operator == "+" and y.value == 0.0:
        return x
    if operator == "+" and x.value == 0.0:
        return y
    if operator == "-" and y.value == 0.0:
        return x
    if operator == "-" and x.value == 0.0:
        return -y
    if operator in "+-" and y.value is not None and y.value < 0.0:  # x + -1.0 reads x - 1.0
        return _binary(x, Expr.constant(-y.value), "-" if operator == "+" else "+")
    if operator in "*/" and y.value == 1.0:
        return x
    if operator == "*" and x.value == 1.0:
        return y
    if operator == "*" and x.value == -1.0:
        return -y
    level = ADD if operator in "+-" else MULTIPLY
    # Left-associative: the right operand needs parentheses at the same level (a - (b - c)).
    return Expr(f"{x.wrapped(level)} {operator} {y.wrapped(level + 1)}", level)


def _fold(x: float, y: float, operator: str) -> float | None:
    try:
        if operator == "+":
            return x + y
        if operator == "-":
            return x - y
        if operator == "*":
            return x * y
        return x / y
    except ArithmeticError:
        return None  # leave 1.0 / 0.0 as text: generated code handles it as the interpreter does


def call(name: str, *args: Any) -> Expr:
    """``name(args...)``, folded to a constant when every argument is one."""
    exprs = [as_expr(arg) for arg in args]
    if all(expr.value is not None for expr in exprs):
        try:
            return Expr.constant(NAMESPACE[name](*(expr.value for expr in exprs)))
        except (ArithmeticError, ValueError, KeyError):
            pass
    return Expr(f"{name}({', '.join(expr.text for expr in exprs)})", ATOM)


def _function(name: str) -> Any:
    return staticmethod(lambda *args: call(name, *args))


class SourceMath:
    """The functions rules use, read as source: each returns an :class:`Expr` calling it."""

    exp = _function("exp")
    log = _function("log")
    sqrt = _function("sqrt")
    tanh = _function("tanh")
    sin = _function("sin")
    cos = _function("cos")

    @staticmethod
    def pow(x: Any, y: Any) -> Expr:
        # pow(x, 1.0) is exactly x, whatever x (C99), so the call can go.
        exponent = as_expr(y)
        return as_expr(x) if exponent.value == 1.0 else call("pow", x, exponent)

    sigmoid = _function("sigmoid")
    softplus = _function("softplus")
    sign = _function("sign")

    @staticmethod
    def select(x: Any, positive: Any, other: Any) -> Expr:
        # Written out as a conditional where x is a name (no call, in the hot path),
        # with the same NaN rule as readings.select: NaN where x is NaN.
        x, positive, other = as_expr(x), as_expr(positive), as_expr(other)
        if x.value is not None or x.precedence < ATOM or "(" in x.text:
            return call("select", x, positive, other)
        text = (
            f"{positive.wrapped(CONDITIONAL + 1)} if {x.text} > 0.0 else "
            f"{other.wrapped(CONDITIONAL + 1)} if {x.text} <= 0.0 else {x.text}"
        )
        return Expr(text, CONDITIONAL)

    @staticmethod
    def maximum(xs: Any) -> Expr:
        return call("maximum", Expr("[" + ", ".join(as_expr(x).text for x in xs) + "]"))
