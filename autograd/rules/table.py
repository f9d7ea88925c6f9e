"""The derivative table: every op the engine knows, each written once.

One row per op: its name and symbol, its forward, and beside it the rule that
gives its local derivatives d out / d input (see :mod:`autograd.rules.op` for the
signatures, :mod:`autograd.rules.floats` for ``F``). The engine reads this table
for everything: the Value methods are made from it, ``backward`` and
``grad(create_graph=True)`` read its rules on floats and on Values, generated
code and drawings read it, and the tests iterate over it. Adding an op is
adding a row.

In a rule, ``x``, ``y`` are the operands, ``out`` is the op's result and ``c``
the plain number folded into the node (``x * 2.0`` keeps ``2.0`` as ``c``
rather than making a leaf of it).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

from .op import VARIADIC, DotConst, Op, Reading, TestSpec

__all__ = [
    "ABS", "ADD", "ADD_CONST", "COS", "DIV", "DIV_CONST", "DOT", "EXP", "LEAKY_RELU", "LOG",
    "MAX", "MUL", "MUL_CONST", "NEG", "POW", "POW_CONST", "RDIV_CONST", "RELU", "RPOW_CONST",
    "RSUB_CONST", "SIGMOID", "SIN", "SOFTPLUS", "SQRT", "SUB", "SUM", "TABLE", "TANH",
]

Number = Callable[[float], str]  # how a drawing formats a number


def _before(text: str) -> Callable[[Any, Number], str]:
    return lambda c, number: f"{text} {number(c)}"  # ``* 2``


def _after(text: str) -> Callable[[Any, Number], str]:
    return lambda c, number: f"{number(c)}{text}"  # ``2-``: the constant comes first


def _plus_constant(symbol: str, constant: Callable[[Any], float]) -> Callable[[Any, Number], str]:
    def caption(c: Any, number: Number) -> str:
        value = constant(c)
        return symbol if value == 0.0 else f"{symbol} + {number(value)}"

    return caption


def _add_caption(c: float, number: Number) -> str:
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
                caption=_before("lrelu"), test=TestSpec(avoid=(0.0,), consts=(0.01, 0.2)))

# ---------------------------------------------------------------- functions of one Value
#                name   symbol  forward(F, x, c)            rule(F, x, out, c) -> dx

NEG = Op("neg", "neg", 1, lambda F, x, c: -x, lambda F, x, out, c: -1.0)
EXP = Op("exp", "exp", 1, lambda F, x, c: F.exp(x), lambda F, x, out, c: out,
         domain="an input below about 709.78", doc="e ** self; inf above about 709.78.")
LOG = Op("log", "log", 1, lambda F, x, c: F.log(x), lambda F, x, out, c: 1.0 / x,
         domain="a positive input", doc="Natural logarithm: -inf at 0, nan below.",
         test=TestSpec(low=0.1, high=5.0))
SQRT = Op("sqrt", "sqrt", 1, lambda F, x, c: F.sqrt(x), lambda F, x, out, c: 0.5 / out,
          domain="a positive input (the derivative is infinite at 0)",
          doc="Square root: nan below 0; its derivative at 0 is inf.",
          test=TestSpec(low=0.1, high=5.0))
TANH = Op("tanh", "tanh", 1, lambda F, x, c: F.tanh(x), lambda F, x, out, c: 1.0 - out * out,
          doc="Hyperbolic tangent.")
SIGMOID = Op("sigmoid", "σ", 1, lambda F, x, c: F.sigmoid(x),
             lambda F, x, out, c: out * (1.0 - out),
             doc="1 / (1 + e ** -self), without overflow for any input.")
SOFTPLUS = Op("softplus", "softplus", 1, lambda F, x, c: F.softplus(x),
              lambda F, x, out, c: F.sigmoid(x),
              doc="log(1 + e ** self), without overflow for any input.")
RELU = Op("relu", "relu", 1, lambda F, x, c: F.select(x, x, 0.0),
          lambda F, x, out, c: F.select(x, 1.0, 0.0),
          doc="max(self, 0) (nan stays nan); its derivative at 0 is 0.",
          test=TestSpec(avoid=(0.0,)))
ABS = Op("abs", "abs", 1, lambda F, x, c: abs(x), lambda F, x, out, c: F.sign(x),
         doc="Absolute value; its derivative at 0 is 0.", test=TestSpec(avoid=(0.0,)))
SIN = Op("sin", "sin", 1, lambda F, x, c: F.sin(x), lambda F, x, out, c: F.cos(x),
         domain="a finite input", doc="Sine (nan at ±inf).")
COS = Op("cos", "cos", 1, lambda F, x, c: F.cos(x), lambda F, x, out, c: -F.sin(x),
         domain="a finite input", doc="Cosine (nan at ±inf).")

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


TABLE: dict[str, Op] = {
    op.name: op
    for op in (
        ADD, SUB, MUL, DIV, POW,
        ADD_CONST, RSUB_CONST, MUL_CONST, DIV_CONST, RDIV_CONST, POW_CONST, RPOW_CONST, LEAKY_RELU,
        NEG, EXP, LOG, SQRT, TANH, SIGMOID, SOFTPLUS, RELU, ABS, SIN, COS,
        SUM, DOT, MAX,
    )
}
"""Every op by name: the single source of truth the engine and tests iterate (``define_op`` adds yours)."""
