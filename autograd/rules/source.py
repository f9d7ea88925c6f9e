"""The rules read as source: an expression tree, and ``SourceMath`` that builds it.

Given :class:`Name` operands (``x``, ``t12``), a row's forward or rule returns
an :class:`Expr`: a small tree of constants, names, arithmetic, calls of the
vocabulary's functions and selections. Printers turn a tree into text in one
language (:mod:`autograd.rules.print_python` for generated Python); the tree
itself knows no language, so the same rules print as Python, C or
JavaScript, and no derivative is ever written a second time.

While the tree is built, arithmetic on constants is folded and the
identities that cannot change a result, signed zeros included, are applied
(``e * 1.0`` is ``e``, ``e + -0.0`` and ``e - 0.0`` are ``e``; ``e + 0.0``
stays an addition, since it turns -0.0 into 0.0, as the engine does). A rule that decides on an operand with Python's
``if``, ``and``, ``or`` or a comparison is refused: it must decide through
``F.select`` or ``F.sign``, which every reading answers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .vocabulary import VOCABULARY, position, reading


class Expr:
    """A node of an expression tree; arithmetic on it builds (and folds) larger trees.

    Attributes:
        value: The float it stands for if it is a constant, else None.
    """

    __slots__ = ()
    value: float | None = None  # a class attribute: only a constant has a number

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

    def __add__(self, other: Any) -> Expr:
        return binary(self, as_expr(other), "+")

    def __radd__(self, other: Any) -> Expr:
        return binary(as_expr(other), self, "+")

    def __sub__(self, other: Any) -> Expr:
        return binary(self, as_expr(other), "-")

    def __rsub__(self, other: Any) -> Expr:
        return binary(as_expr(other), self, "-")

    def __mul__(self, other: Any) -> Expr:
        return binary(self, as_expr(other), "*")

    def __rmul__(self, other: Any) -> Expr:
        return binary(as_expr(other), self, "*")

    def __truediv__(self, other: Any) -> Expr:
        return binary(self, as_expr(other), "/")

    def __rtruediv__(self, other: Any) -> Expr:
        return binary(as_expr(other), self, "/")

    def __neg__(self) -> Expr:
        return Negate(self)

    def __abs__(self) -> Expr:
        return call("abs", self)

    def __repr__(self) -> str:
        slots: tuple[str, ...] = type(self).__slots__
        fields = ", ".join(repr(getattr(self, slot)) for slot in slots)
        return f"{type(self).__name__}({fields})"


class Const(Expr):
    """A number."""

    __slots__ = ("value",)
    value: float

    def __init__(self, value: float) -> None:
        self.value = float(value)

    def __neg__(self) -> Expr:
        return Const(-self.value)


class Name(Expr):
    """A named value: an operand, a node's result, a gradient accumulator."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Binary(Expr):
    """``left (operator) right`` for one of ``+ - * /``."""

    __slots__ = ("left", "operator", "right")

    def __init__(self, operator: str, left: Expr, right: Expr) -> None:
        self.operator = operator
        self.left = left
        self.right = right


class Negate(Expr):
    """``-operand``; negating it again gives the operand back."""

    __slots__ = ("operand",)

    def __init__(self, operand: Expr) -> None:
        self.operand = operand

    def __neg__(self) -> Expr:
        return self.operand


class Call(Expr):
    """A vocabulary function (or ``abs``) applied to arguments."""

    __slots__ = ("arguments", "function")

    def __init__(self, function: str, arguments: Sequence[Expr]) -> None:
        self.function = function
        self.arguments = tuple(arguments)


class Select(Expr):
    """``positive`` where ``x`` > 0, ``other`` where x <= 0, and x itself (NaN) otherwise."""

    __slots__ = ("other", "positive", "x")

    def __init__(self, x: Expr, positive: Expr, other: Expr) -> None:
        self.x = x
        self.positive = positive
        self.other = other


class Maximum(Expr):
    """The largest of ``items`` (NaN if one is NaN)."""

    __slots__ = ("items",)

    def __init__(self, items: Sequence[Expr]) -> None:
        self.items = tuple(items)


class Pick(Expr):
    """The item of ``items`` that ``index`` names (NaN if it names none; see ``vocabulary.position``)."""

    __slots__ = ("index", "items")

    def __init__(self, items: Sequence[Expr], index: Expr) -> None:
        self.items = tuple(items)
        self.index = index


def _decided(how: str) -> TypeError:
    return TypeError(
        f"a rule decided on an operand with Python's {how}; decide through F "
        "(F.select, F.sign) so that the rule reads on floats, on Values and as source"
    )


def children_of(expr: Expr) -> tuple[Expr, ...]:
    """The subtrees ``expr`` is made of, in printing order (none for a name or a constant)."""
    if type(expr) is Binary:
        return (expr.left, expr.right)
    if type(expr) is Negate:
        return (expr.operand,)
    if type(expr) is Call:
        return expr.arguments
    if type(expr) is Select:
        return (expr.x, expr.positive, expr.other)
    if type(expr) is Maximum:
        return expr.items
    if type(expr) is Pick:
        return (*expr.items, expr.index)
    return ()


def with_children(expr: Expr, children: Sequence[Expr]) -> Expr:
    """``expr`` with new children, built directly (no folding: the tree stays the one read)."""
    if type(expr) is Binary:
        return Binary(expr.operator, children[0], children[1])
    if type(expr) is Negate:
        return Negate(children[0])
    if type(expr) is Call:
        return Call(expr.function, children)
    if type(expr) is Select:
        return Select(children[0], children[1], children[2])
    if type(expr) is Maximum:
        return Maximum(children)
    if type(expr) is Pick:
        return Pick(children[:-1], children[-1])
    return expr


def as_expr(value: Any) -> Expr:
    """``value`` as an Expr: itself, or a constant for a plain number."""
    return value if isinstance(value, Expr) else Const(value)


# ---------------------------------------------------------------- building, with folding


def binary(x: Expr, y: Expr, operator: str) -> Expr:
    """``x (operator) y``, folded where both are constants, simplified where an identity holds."""
    if x.value is not None and y.value is not None:
        folded = _fold(x.value, y.value, operator)
        if folded is not None:
            return Const(folded)
    # Identities that cannot change a result, signed zeros included: x + -0.0 and
    # x - 0.0 are x, and -0.0 - y is -y, for every x and y; x + 0.0 is not (-0.0 + 0.0
    # is 0.0), so it stays an addition, as the engine computes it.
    if operator == "+" and _is_zero(y.value, negative=True):
        return x
    if operator == "+" and _is_zero(x.value, negative=True):
        return y
    if operator == "-" and _is_zero(y.value, negative=False):
        return x
    if operator == "-" and _is_zero(x.value, negative=True):
        return -y
    if operator in "+-" and y.value is not None and y.value < 0.0:  # x + -1.0 reads x - 1.0
        return binary(x, Const(-y.value), "-" if operator == "+" else "+")
    if operator in "*/" and y.value == 1.0:
        return x
    if operator == "*" and x.value == 1.0:
        return y
    if operator == "*" and x.value == -1.0:
        return -y
    return Binary(operator, x, y)


def _is_zero(value: float | None, *, negative: bool) -> bool:
    """Whether ``value`` is the zero of that sign (-0.0 or 0.0)."""
    return value is not None and value == 0.0 and (math.copysign(1.0, value) < 0.0) is negative


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
        return None  # leave 1.0 / 0.0 in the tree: generated code handles it as the interpreter does


_FOLDERS: dict[str, Callable[..., Any]] = {
    **{function.name: function.floats for function in VOCABULARY}, "abs": abs,
}


def call(name: str, *args: Any) -> Expr:
    """``name(args...)``, folded to a constant when every argument is one."""
    exprs = [as_expr(arg) for arg in args]
    if all(expr.value is not None for expr in exprs):
        try:
            return Const(_FOLDERS[name](*(expr.value for expr in exprs)))
        except (ArithmeticError, ValueError, KeyError):
            pass
    return Call(name, exprs)


# ---------------------------------------------------------------- the reading


def _pow(x: Any, y: Any) -> Expr:
    # pow(x, 1.0) is exactly x, whatever x (C99), so the call can go.
    exponent = as_expr(y)
    return as_expr(x) if exponent.value == 1.0 else call("pow", x, exponent)


def _select(x: Any, positive: Any, other: Any) -> Expr:
    x, positive, other = as_expr(x), as_expr(positive), as_expr(other)
    if x.value is not None and positive.value is not None and other.value is not None:
        return call("select", x, positive, other)  # folds
    return Select(x, positive, other)


def _maximum(xs: Any) -> Expr:
    return Maximum([as_expr(x) for x in xs])


def _pick(items: Any, index: Any) -> Expr:
    index = as_expr(index)
    if index.value is None and items:
        return Pick([as_expr(item) for item in items], index)
    # A constant index: the item itself (no item at all: NaN, whatever the index).
    found = position(index.value, len(items)) if index.value is not None else None
    return Const(float("nan")) if found is None else as_expr(items[found])


def _elementary(name: str) -> Callable[..., Expr]:
    return lambda *args: call(name, *args)


_SPECIAL: dict[str, Callable[..., Expr]] = {"pow": _pow, "select": _select, "maximum": _maximum, "pick": _pick}

SourceMath: Any = reading(
    "SourceMath",
    {function.name: _SPECIAL.get(function.name, _elementary(function.name)) for function in VOCABULARY},
    "The vocabulary as source: each function returns an expression tree (:class:`Expr`) for its call.",
)
