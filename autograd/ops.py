"""The derivative table: every operation the engine knows, written once.

Each row (an :class:`Op`) holds an op's name, its float forward function, its
local-derivative rule and the domain where it is defined. The engine reads this
table for everything: building nodes, running ``backward``, building
higher-order graphs, drawing graphs and testing. Adding an op is adding a row.

A local-derivative rule has the signature ``local(F, inputs, out, const)`` and
returns one local derivative d out / d input per input, in operand order:

* ``inputs`` are the operands and ``out`` the op's result. On the fast path
  they are floats; when ``grad(..., create_graph=True)`` builds a
  differentiable graph of the gradient they are ``Value`` nodes.
* ``F`` supplies the few functions a rule needs (``log``, ``sin``, ``cos``,
  ``sigmoid``) for whichever of those two kinds ``inputs`` are.
* ``const`` holds plain numbers folded into the node (``x * 2.0`` keeps ``2.0``
  here rather than making a leaf ``Value`` of it); ``None`` when unused.

Because a rule only uses arithmetic, comparisons and ``F``, the same rule
serves both paths: one rule per op, not two.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# A rule's operands: float on the fast path, Value when building higher-order graphs.
Scalar = Any
Forward = Callable[[Sequence[float], Any], float]
LocalRule = Callable[[Any, Sequence[Scalar], Scalar, Any], Sequence[Scalar]]

VARIADIC = -1


@dataclass(frozen=True)
class TestSpec:
    """Where the table-driven tests sample an op (data, not test code).

    Attributes:
        low: Lower end of the sampling interval for every operand.
        high: Upper end of the sampling interval for every operand.
        avoid: Points (kinks, singularities) that samples keep a margin from.
        consts: Constants to try for ops that fold a plain number.
        arity: Number of operands to use for a variadic op.
    """

    low: float = -3.0
    high: float = 3.0
    avoid: tuple[float, ...] = ()
    consts: tuple[Any, ...] = (None,)
    arity: int = 1


@dataclass(frozen=True)
class Op:
    """One row of the derivative table.

    Attributes:
        name: The op's name, shown as ``Value.op`` (``"mul"``, ``"tanh"``).
        symbol: Short text for drawings (``"*"``, ``"tanh"``).
        arity: Number of operands, or ``VARIADIC``.
        forward: ``forward(inputs, const) -> float``.
        local: The local-derivative rule (see the module docstring).
        domain: Human-readable domain, used in error messages.
        test: Where the table-driven tests sample this op.
    """

    name: str
    symbol: str
    arity: int
    forward: Forward
    local: LocalRule
    domain: str = "any real input"
    test: TestSpec = field(default_factory=TestSpec)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


# ---------------------------------------------------------------- helpers


def stable_sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow for any finite x."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    exp_x = math.exp(x)
    return exp_x / (1.0 + exp_x)


def stable_softplus(x: float) -> float:
    """log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def checked_pow(base: float, exponent: float) -> float:
    """base ** exponent over the reals: refuses complex results and 0 ** negative."""
    if base == 0.0 and exponent < 0.0:
        raise ZeroDivisionError("0 cannot be raised to a negative power")
    if base < 0.0 and not float(exponent).is_integer():
        raise ValueError("a negative base needs an integer exponent")
    return math.pow(base, exponent)


def _sign(x: Scalar) -> float:
    # abs'(0) is defined as 0, like PyTorch's sign.
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


class FloatMath:
    """The functions rules need, on floats (the fast path)."""

    log = staticmethod(math.log)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    sigmoid = staticmethod(stable_sigmoid)


class ValueMath:
    """The functions rules need, on Values (differentiable, for higher order)."""

    @staticmethod
    def log(x: Any) -> Any:
        return x.log()

    @staticmethod
    def sin(x: Any) -> Any:
        return x.sin()

    @staticmethod
    def cos(x: Any) -> Any:
        return x.cos()

    @staticmethod
    def sigmoid(x: Any) -> Any:
        return x.sigmoid()


# ---------------------------------------------------------------- binary ops


def _add_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    return (1.0, 1.0)


def _sub_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    return (1.0, -1.0)


def _mul_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    x, y = inputs
    return (y, x)


def _div_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    _, y = inputs
    return (1.0 / y, -out / y)


def _pow_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    x, y = inputs
    return (y * x ** (y - 1.0), out * F.log(x))


ADD = Op("add", "+", 2, lambda xs, c: xs[0] + xs[1], _add_local)
SUB = Op("sub", "-", 2, lambda xs, c: xs[0] - xs[1], _sub_local)
MUL = Op("mul", "*", 2, lambda xs, c: xs[0] * xs[1], _mul_local)
DIV = Op(
    "div", "/", 2, lambda xs, c: xs[0] / xs[1], _div_local,
    domain="a non-zero divisor",
    test=TestSpec(avoid=(0.0,)),
)


def _positive_base_pow(xs: Sequence[float], c: Any) -> float:
    if xs[0] <= 0.0:
        raise ValueError("the base must be positive")
    return math.pow(xs[0], xs[1])


# Value ** Value needs log(base) for d/d exponent, so the base must be positive.
POW = Op(
    "pow", "**", 2, _positive_base_pow, _pow_local,
    domain="a positive base (for a negative base use a plain-number exponent)",
    test=TestSpec(low=0.2, high=3.0),
)

# ---------------------------------------------------------------- ops with a folded constant


def _one_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    return (1.0,)


def _minus_one_local(
    F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any
) -> Sequence[Scalar]:
    return (-1.0,)


def _const_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    return (const,)


def _rdiv_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    (x,) = inputs
    return (-out / x,)


def _pow_const_local(
    F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any
) -> Sequence[Scalar]:
    (x,) = inputs
    if const == 0.0:
        return (0.0,)
    if const == 1.0:
        return (1.0,)
    return (const * x ** (const - 1.0),)


def _rpow_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    # d/dx c**x = c**x * ln c; ln c is a plain number on both paths.
    return (out * math.log(const),)


def _check_rpow(xs: Sequence[float], c: float) -> float:
    if c <= 0.0:
        raise ValueError("the base must be positive")
    return math.pow(c, xs[0])


ADD_CONST = Op("add_const", "+", 1, lambda xs, c: xs[0] + c, _one_local,
               test=TestSpec(consts=(2.5, -1.0)))
RSUB_CONST = Op("rsub_const", "c-", 1, lambda xs, c: c - xs[0], _minus_one_local,
                test=TestSpec(consts=(2.5, -1.0)))
MUL_CONST = Op("mul_const", "*", 1, lambda xs, c: xs[0] * c, _const_local,
               test=TestSpec(consts=(2.5, -0.5)))
DIV_CONST = Op(
    "div_const", "/", 1, lambda xs, c: xs[0] / c, lambda F, inputs, out, c: (1.0 / c,),
    domain="a non-zero plain-number divisor",
    test=TestSpec(consts=(2.0, -0.25)),
)
RDIV_CONST = Op(
    "rdiv_const", "c/", 1, lambda xs, c: c / xs[0], _rdiv_local,
    domain="a non-zero divisor",
    test=TestSpec(avoid=(0.0,), consts=(2.0, -1.5)),
)
POW_CONST = Op(
    "pow_const", "**", 1, lambda xs, c: checked_pow(xs[0], c), _pow_const_local,
    domain="a base and exponent with a real result (no 0 ** negative, "
    "no negative ** fraction)",
    test=TestSpec(low=0.2, high=3.0, consts=(2.0, 3.0, 0.5, -1.0, -2.5)),
)
RPOW_CONST = Op(
    "rpow_const", "c**", 1, _check_rpow, _rpow_local,
    domain="a positive plain-number base",
    test=TestSpec(consts=(2.0, 0.5)),
)

# ---------------------------------------------------------------- unary functions


def _neg_forward(xs: Sequence[float], c: Any) -> float:
    return -xs[0]


def _exp_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    return (out,)


def _log_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    (x,) = inputs
    return (1.0 / x,)


def _sqrt_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    return (0.5 / out,)


def _tanh_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    return (1.0 - out * out,)


def _sigmoid_local(
    F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any
) -> Sequence[Scalar]:
    return (out * (1.0 - out),)


def _relu_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    (x,) = inputs
    return (1.0 if x > 0 else 0.0,)  # relu'(0) is defined as 0


def _leaky_relu_local(
    F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any
) -> Sequence[Scalar]:
    (x,) = inputs
    return (1.0 if x > 0 else const,)  # the slope at 0, like relu'(0) = 0


def _softplus_local(
    F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any
) -> Sequence[Scalar]:
    (x,) = inputs
    return (F.sigmoid(x),)


def _sin_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    (x,) = inputs
    return (F.cos(x),)


def _cos_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    (x,) = inputs
    return (-F.sin(x),)


def _abs_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    (x,) = inputs
    return (_sign(x),)


def _check_log(xs: Sequence[float], c: Any) -> float:
    if xs[0] <= 0.0:
        raise ValueError("the input must be positive")
    return math.log(xs[0])


def _check_sqrt(xs: Sequence[float], c: Any) -> float:
    if xs[0] < 0.0:
        raise ValueError("the input must be non-negative")
    return math.sqrt(xs[0])


NEG = Op("neg", "neg", 1, _neg_forward, _minus_one_local)
EXP = Op("exp", "exp", 1, lambda xs, c: math.exp(xs[0]), _exp_local,
         domain="an input below about 709.78 (larger overflows a float)")
LOG = Op("log", "log", 1, _check_log, _log_local, domain="a positive input",
         test=TestSpec(low=0.1, high=5.0))
SQRT = Op("sqrt", "sqrt", 1, _check_sqrt, _sqrt_local,
          domain="a non-negative input (the derivative is infinite at 0)",
          test=TestSpec(low=0.1, high=5.0))
TANH = Op("tanh", "tanh", 1, lambda xs, c: math.tanh(xs[0]), _tanh_local)
SIGMOID = Op("sigmoid", "σ", 1, lambda xs, c: stable_sigmoid(xs[0]), _sigmoid_local)
RELU = Op("relu", "relu", 1, lambda xs, c: xs[0] if xs[0] > 0.0 else 0.0, _relu_local,
          test=TestSpec(avoid=(0.0,)))
LEAKY_RELU = Op(
    "leaky_relu", "lrelu", 1, lambda xs, c: xs[0] if xs[0] > 0.0 else c * xs[0],
    _leaky_relu_local,
    test=TestSpec(avoid=(0.0,), consts=(0.01, 0.2)),
)
SOFTPLUS = Op("softplus", "softplus", 1, lambda xs, c: stable_softplus(xs[0]), _softplus_local)
SIN = Op("sin", "sin", 1, lambda xs, c: math.sin(xs[0]), _sin_local)
COS = Op("cos", "cos", 1, lambda xs, c: math.cos(xs[0]), _cos_local)
ABS = Op("abs", "abs", 1, lambda xs, c: abs(xs[0]), _abs_local, test=TestSpec(avoid=(0.0,)))

# ---------------------------------------------------------------- fused reductions


def _sum_forward(xs: Sequence[float], c: float) -> float:
    return sum(xs, c)


def _sum_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    return (1.0,) * len(inputs)


def _dot_forward(xs: Sequence[float], c: tuple[int, tuple[float, ...], float]) -> float:
    pairs, coefficients, start = c
    end = 2 * pairs
    total = sum(map(operator.mul, xs[:pairs], xs[pairs:end]), start)
    for coefficient, x in zip(coefficients, xs[end:], strict=True):  # usually just a bias
        total += coefficient * x
    return total


def _dot_local(F: Any, inputs: Sequence[Scalar], out: Scalar, const: Any) -> Sequence[Scalar]:
    # inputs = (w_1..w_n, x_1..x_n, v_1..v_m): d/dw_i = x_i, d/dx_i = w_i, d/dv_j = coefficient_j.
    pairs, coefficients, _ = const
    return (*inputs[pairs : 2 * pairs], *inputs[:pairs], *coefficients)


SUM = Op("sum", "Σ", VARIADIC, _sum_forward, _sum_local,
         test=TestSpec(consts=(0.0, 1.5), arity=3))
# const = (pairs, coefficients, start): the node computes
#   Σ_i w_i·x_i (both operands Values)  +  Σ_j coefficient_j·v_j (one operand a
#   plain number)  +  start (products of two plain numbers, and any number start).
DOT = Op("dot", "·", VARIADIC, _dot_forward, _dot_local,
         test=TestSpec(consts=((2, (), 0.0), (1, (0.5, -2.0), 1.0)), arity=4))


TABLE: dict[str, Op] = {
    op.name: op
    for op in (
        ADD, SUB, MUL, DIV, POW,
        ADD_CONST, RSUB_CONST, MUL_CONST, DIV_CONST, RDIV_CONST, POW_CONST, RPOW_CONST,
        NEG, EXP, LOG, SQRT, TANH, SIGMOID, RELU, LEAKY_RELU, SOFTPLUS, SIN, COS, ABS,
        SUM, DOT,
    )
}
"""Every op by name: the single source of truth the engine and tests iterate."""
