"""The derivative table: every op the engine knows, each written once.

One row per op: its name and symbol, its forward, and beside it the rule that
gives its local derivatives d out / d input (see :mod:`autograd.rules.op` for the
signatures, :mod:`autograd.rules.vocabulary` for what ``F`` offers). The engine
reads this table for everything: the Value methods and operators are made
from it (:data:`OPERATORS` and each row's ``methods``), ``backward`` and
``grad(create_graph=True)`` read its rules on floats and on Values, generated
code and drawings read it, and the tests iterate over it. Adding an op is
adding a row (and, for a Value method, its line in :class:`Methods` for type
checkers).

In a rule, ``x``, ``y`` are the operands, ``out`` is the op's result and ``c``
the plain number folded into the node (``x * 2.0`` keeps ``2.0`` as ``c``
rather than making a leaf of it).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from .op import VARIADIC, DotConst, NumberFormat, Op, Reading, TestSpec


def _before(text: str) -> Callable[[Any, NumberFormat], str]:
    return lambda c, number: f"{text} {number(c)}"  # ``* 2``


def _after(text: str) -> Callable[[Any, NumberFormat], str]:
    return lambda c, number: f"{number(c)}{text}"  # ``2-``: the constant comes first


def _plus_constant(symbol: str, constant: Callable[[Any], float]) -> Callable[[Any, NumberFormat], str]:
    def caption(c: Any, number: NumberFormat) -> str:
        value = constant(c)
        return symbol if value == 0.0 else f"{symbol} + {number(value)}"

    return caption


def _add_caption(c: float, number: NumberFormat) -> str:
    return f"- {number(-c)}" if c < 0.0 else f"+ {number(c)}"


# ---------------------------------------------------------------- two Values
#                name   symbol  forward(F, x, y)            rule(F, x, y, out) -> (dx, dy)

ADD = Op("add", "+", 2, lambda F, x, y: x + y, lambda F, x, y, out: (1.0, 1.0), commutes=True)
SUB = Op("sub", "-", 2, lambda F, x, y: x - y, lambda F, x, y, out: (1.0, -1.0))
MUL = Op("mul", "*", 2, lambda F, x, y: x * y, lambda F, x, y, out: (y, x), commutes=True)
DIV = Op("div", "/", 2, lambda F, x, y: x / y, lambda F, x, y, out: (1.0 / y, -out / y),
         domain="a non-zero divisor", test=TestSpec(avoid=(0.0,)))
POW = Op("pow", "**", 2, lambda F, x, y: F.pow(x, y),
         lambda F, x, y, out: (y * F.pow(x, y - 1.0), out * F.log(x)),
         domain="a positive base (d/dy needs log of the base)", test=TestSpec(low=0.2, high=3.0))

# ---------------------------------------------------------------- a Value and a plain number c
#                name   symbol  forward(F, x, c)            rule(F, x, out, c) -> dx

ADD_CONST = Op("add_const", "+", 1, lambda F, x, c: x + c, lambda F, x, out, c: 1.0,
               caption=_add_caption, test=TestSpec(consts=(2.5, -1.0)))
RSUB_CONST = Op("rsub_const", "-", 1, lambda F, x, c: c - x, lambda F, x, out, c: -1.0,
                caption=_after("-"), test=TestSpec(consts=(2.5, -1.0)))
MUL_CONST = Op("mul_const", "*", 1, lambda F, x, c: x * c, lambda F, x, out, c: c,
               caption=_before("*"), test=TestSpec(consts=(2.5, -0.5)))
DIV_CONST = Op("div_const", "/", 1, lambda F, x, c: x / c, lambda F, x, out, c: 1.0 / c,
               domain="a non-zero divisor", caption=_before("/"),
               test=TestSpec(consts=(2.0, -0.25)))
RDIV_CONST = Op("rdiv_const", "/", 1, lambda F, x, c: c / x, lambda F, x, out, c: -out / x,
                domain="a non-zero divisor", caption=_after("/"),
                test=TestSpec(avoid=(0.0,), consts=(2.0, -1.5)))
# (x ** 0)' is 0 everywhere, also at x = 0 where 0 * x ** -1 would be 0 * inf.
POW_CONST = Op("pow_const", "**", 1, lambda F, x, c: F.pow(x, c),
               lambda F, x, out, c: c * F.pow(x, c - 1.0) if c != 0.0 else 0.0,
               domain="a real result (no 0 ** negative, no negative ** fraction)",
               caption=_before("**"),
               test=TestSpec(low=0.2, high=3.0, consts=(2.0, 3.0, 0.5, -1.0, -2.5)))
RPOW_CONST = Op("rpow_const", "**", 1, lambda F, x, c: F.pow(c, x),
                lambda F, x, out, c: out * F.log(c),
                domain="a positive plain-number base", caption=_after("**"),
                test=TestSpec(consts=(2.0, 0.5)))
LEAKY_RELU = Op("leaky_relu", "lrelu", 1, lambda F, x, c: F.select(x, x, c * x),
                lambda F, x, out, c: F.select(x, 1.0, c),
                doc="self where self > 0, else slope · self; its derivative at 0 is the slope.",
                caption=_before("lrelu"), test=TestSpec(avoid=(0.0,), consts=(0.01, 0.2)),
                methods=("leaky_relu",), method_constant=("slope", 0.01))

# ---------------------------------------------------------------- functions of one Value
#                name   symbol  forward(F, x, c)            rule(F, x, out, c) -> dx

NEG = Op("neg", "neg", 1, lambda F, x, c: -x, lambda F, x, out, c: -1.0, methods=("__neg__",))
EXP = Op("exp", "exp", 1, lambda F, x, c: F.exp(x), lambda F, x, out, c: out,
         domain="an input below about 709.78", doc="e ** self; inf above about 709.78.",
         methods=("exp",))
LOG = Op("log", "log", 1, lambda F, x, c: F.log(x), lambda F, x, out, c: 1.0 / x,
         domain="a positive input", doc="Natural logarithm: -inf at 0, nan below.",
         test=TestSpec(low=0.1, high=5.0), methods=("log",))
SQRT = Op("sqrt", "sqrt", 1, lambda F, x, c: F.sqrt(x), lambda F, x, out, c: 0.5 / out,
          domain="a positive input (the derivative is infinite at 0)",
          doc="Square root: nan below 0; its derivative at 0 is inf.",
          test=TestSpec(low=0.1, high=5.0), methods=("sqrt",))
TANH = Op("tanh", "tanh", 1, lambda F, x, c: F.tanh(x), lambda F, x, out, c: 1.0 - out * out,
          doc="Hyperbolic tangent.", methods=("tanh",))
SIGMOID = Op("sigmoid", "σ", 1, lambda F, x, c: F.sigmoid(x),
             lambda F, x, out, c: out * (1.0 - out),
             doc="1 / (1 + e ** -self), without overflow for any input.", methods=("sigmoid",))
SOFTPLUS = Op("softplus", "softplus", 1, lambda F, x, c: F.softplus(x),
              lambda F, x, out, c: F.sigmoid(x),
              doc="log(1 + e ** self), without overflow for any input.", methods=("softplus",))
RELU = Op("relu", "relu", 1, lambda F, x, c: F.select(x, x, 0.0),
          lambda F, x, out, c: F.select(x, 1.0, 0.0),
          doc="max(self, 0) (nan stays nan); its derivative at 0 is 0.",
          test=TestSpec(avoid=(0.0,)), methods=("relu",))
ABS = Op("abs", "abs", 1, lambda F, x, c: abs(x), lambda F, x, out, c: F.sign(x),
         doc="Absolute value; its derivative at 0 is 0.", test=TestSpec(avoid=(0.0,)),
         methods=("abs", "__abs__"))
SIN = Op("sin", "sin", 1, lambda F, x, c: F.sin(x), lambda F, x, out, c: F.cos(x),
         domain="a finite input", doc="Sine (nan at ±inf).", methods=("sin",))
COS = Op("cos", "cos", 1, lambda F, x, c: F.cos(x), lambda F, x, out, c: -F.sin(x),
         domain="a finite input", doc="Cosine (nan at ±inf).", methods=("cos",))

# ---------------------------------------------------------------- fused reductions: any number of Values
#                name   symbol  forward(F, xs, c)           rule(F, xs, out, c) -> (dx_1, ..., dx_n)

SUM = Op("sum", "Σ", VARIADIC, lambda F, xs, c: sum(xs, c), lambda F, xs, out, c: (1.0,) * len(xs),
         commutes=True, caption=_plus_constant("Σ", lambda c: c),
         test=TestSpec(consts=(0.0, 1.5), arity=3))


def _dot_forward(F: Reading, xs: Sequence[Any], c: DotConst) -> Any:
    pairs, coefficients, start = c
    end = 2 * pairs
    total = sum(map(operator.mul, xs[:pairs], xs[pairs:end]), start)
    for coefficient, x in zip(coefficients, xs[end:], strict=True):  # usually just a bias
        total = total + coefficient * x
    return total


def _dot_rule(F: Reading, xs: Sequence[Any], out: Any, c: DotConst) -> tuple[Any, ...]:
    # Operands w_1..w_n, x_1..x_n, v_1..v_m: d/dw_i = x_i, d/dx_i = w_i, d/dv_j = coefficient_j.
    pairs, coefficients, _ = c
    return (*xs[pairs : 2 * pairs], *xs[:pairs], *coefficients)


DOT = Op("dot", "·", VARIADIC, _dot_forward, _dot_rule,
         caption=_plus_constant("·", lambda c: c.start),
         test=TestSpec(consts=(DotConst(2, (), 0.0), DotConst(1, (0.5, -2.0), 1.0)), arity=4))


def _max_rule(F: Reading, xs: Sequence[Any], out: Any, c: Any) -> tuple[Any, ...]:
    # 1 for the largest operand, 0 for the others; ties share the gradient equally.
    largest = [F.select(out - x, 0.0, 1.0) for x in xs]
    ties = sum(largest)
    return tuple(is_largest / ties for is_largest in largest)


MAX = Op("max", "max", VARIADIC, lambda F, xs, c: F.maximum(xs), _max_rule, commutes=True,
         doc="The largest operand (NaN if one is NaN); ties share its gradient.",
         test=TestSpec(arity=3, apart=0.1))


# ---------------------------------------------------------------- an item chosen by an index
#                name   symbol  forward(F, xs, c)           rule(F, xs, out, c) -> (dx_1, ..., dx_n, d index)
# Operands: the items, then the index (a whole number; negative counts from the end). The index
# is an operand, not a constant, so that a jit replays one program for every index.


def _take_forward(F: Reading, xs: Sequence[Any], c: Any) -> Any:
    return F.pick(xs[:-1], xs[-1])


def _take_rule(F: Reading, xs: Sequence[Any], out: Any, c: Any) -> tuple[Any, ...]:
    # 1 for the item the index names, 0 for the others and for the index itself.
    index, count = xs[-1], len(xs) - 1
    return (*(F.picked(index, at, count) for at in range(count)), 0.0)


TAKE = Op("take", "[ ]", VARIADIC, _take_forward, _take_rule,
          domain="a whole-number index naming an item (negative ones count from the end)",
          doc="The item at an index; its gradient goes to that item alone.",
          test=TestSpec(arity=3, indexed=True))


BUILT_IN: tuple[Op, ...] = (
    ADD, SUB, MUL, DIV, POW,
    ADD_CONST, RSUB_CONST, MUL_CONST, DIV_CONST, RDIV_CONST, POW_CONST, RPOW_CONST, LEAKY_RELU,
    NEG, EXP, LOG, SQRT, TANH, SIGMOID, SOFTPLUS, RELU, ABS, SIN, COS,
    SUM, DOT, MAX, TAKE,
)
"""The engine's own rows, in table order."""

# ---------------------------------------------------------------- Value's operators

OPERATORS: tuple[tuple[str, Op | None, Op, bool], ...] = (
    # (method, the row for a Value operand, the row that folds a number, negate the number)
    ("__add__", ADD, ADD_CONST, False),
    ("__radd__", None, ADD_CONST, False),
    ("__sub__", SUB, ADD_CONST, True),  # x - 2.0 is x + -2.0: one row for both
    ("__rsub__", None, RSUB_CONST, False),
    ("__mul__", MUL, MUL_CONST, False),
    ("__rmul__", None, MUL_CONST, False),
    ("__truediv__", DIV, DIV_CONST, False),
    ("__rtruediv__", None, RDIV_CONST, False),
    ("__pow__", POW, POW_CONST, False),
    ("__rpow__", None, RPOW_CONST, False),
)
"""How Value's binary operators apply the rows; a reflected operator (``2.0 - x``) has no Value row."""

_Self = TypeVar("_Self", bound="Methods")


class Methods:
    """How the operators and methods made from the rows look to a type checker (a base of Value).

    The methods themselves are made from :data:`OPERATORS` and each row's
    ``methods`` when Value is defined; a test checks that this list and the
    rows agree.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        def __add__(self: _Self, other: _Self | float) -> _Self: ...
        def __radd__(self: _Self, other: float) -> _Self: ...
        def __sub__(self: _Self, other: _Self | float) -> _Self: ...
        def __rsub__(self: _Self, other: float) -> _Self: ...
        def __mul__(self: _Self, other: _Self | float) -> _Self: ...
        def __rmul__(self: _Self, other: float) -> _Self: ...
        def __truediv__(self: _Self, other: _Self | float) -> _Self: ...
        def __rtruediv__(self: _Self, other: float) -> _Self: ...
        def __pow__(self: _Self, other: _Self | float) -> _Self: ...
        def __rpow__(self: _Self, other: float) -> _Self: ...
        def __neg__(self: _Self) -> _Self: ...
        def __abs__(self: _Self) -> _Self: ...
        def abs(self: _Self) -> _Self: ...
        def exp(self: _Self) -> _Self: ...
        def log(self: _Self) -> _Self: ...
        def sqrt(self: _Self) -> _Self: ...
        def tanh(self: _Self) -> _Self: ...
        def sigmoid(self: _Self) -> _Self: ...
        def softplus(self: _Self) -> _Self: ...
        def relu(self: _Self) -> _Self: ...
        def sin(self: _Self) -> _Self: ...
        def cos(self: _Self) -> _Self: ...
        def leaky_relu(self: _Self, slope: float = 0.01) -> _Self: ...


# ---------------------------------------------------------------- the table

_ROWS: dict[str, Op] = {op.name: op for op in BUILT_IN}

TABLE = MappingProxyType(_ROWS)
"""Every op by name, read-only: the single source of truth the engine and the tests iterate.

``define_op`` adds your rows through :func:`add_row`.
"""


version = 0
"""How many times rows were added or removed: a jit cache keyed by it never replays a changed table."""


def add_row(op: Op) -> None:
    """Put ``op`` in the table under its name, replacing an earlier row of that name that is not built in.

    Raises:
        ValueError: If the name is a built-in row's.
    """
    if op.name in _ROWS and _ROWS[op.name] in BUILT_IN:
        raise ValueError(f"{op.name!r} is a built-in op (a row of autograd.TABLE); choose another name")
    global version
    _ROWS[op.name] = op
    version += 1
    OwnRows.defined = True


class OwnRows:
    """Whether a row not built in was ever added (nodes keep their row after it is removed).

    The built-in rules never raise on floats (each falls back to IEEE 754
    values), so the float sweep saves gradients before it starts only once
    a rule of your own, which may raise, could be in a graph.
    """

    defined = False


def remove_row(name: str) -> None:
    """Take the row ``name`` out of the table (one that ``define_op`` added).

    Nodes already built keep their row.

    Raises:
        ValueError: If ``name`` is a built-in row's, or no row has that name.
    """
    op = _ROWS.get(name)
    if op is None:
        raise ValueError(f"no op named {name!r} is in the table")
    if op in BUILT_IN:
        raise ValueError(f"{name!r} is a built-in op and stays in the table")
    global version
    del _ROWS[name]
    version += 1
