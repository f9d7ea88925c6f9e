"""What a row of the derivative table is: :class:`Op`, and how it is called.

A row holds an op's forward beside its local-derivative rule, both written
with arithmetic and the functions of a namespace ``F`` (see
:mod:`autograd.rules.floats`), plus everything other code needs to know about the
op: its symbol, how it draws, whether its operands commute, where it is
finite. The rows themselves are in :mod:`autograd.rules.table`.

The signatures depend on the op's arity (``c`` is the plain number folded
into the node, ``None`` for ops that take none; ``out`` is the op's result):

==========  ======================  ==========================================
arity       forward                 rule: the local derivatives d out / d input
==========  ======================  ==========================================
1           ``(F, x, c) -> out``    ``(F, x, out, c) -> dx``
2           ``(F, x, y) -> out``    ``(F, x, y, out) -> (dx, dy)``
VARIADIC    ``(F, xs, c) -> out``   ``(F, xs, out, c) -> (dx_1, ..., dx_n)``
==========  ======================  ==========================================

The hot paths call ``forward`` and ``rule`` directly, knowing the arity;
everything else uses :meth:`Op.call_forward` and :meth:`Op.local`, which take
a list of operands whatever the arity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from .floats import IEEE_MATH, FloatMath, IEEEFloat, as_ieee

__all__ = ["VARIADIC", "DotConst", "Forward", "Op", "Reading", "Rule", "TestSpec"]

VARIADIC = -1
"""The arity of an op that takes any number of operands (``sum``, ``dot``)."""

class Reading(Protocol):
    """``F``: the functions a forward or a rule may call, in one of the three readings.

    ``readings.FloatMath`` answers on floats, ``value_math.ValueMath`` on Values
    (building nodes), ``source.SourceMath`` with expressions that print as
    Python. A rule decides only through ``select`` and ``sign``, never with an
    ``if`` on an operand, so that every reading can answer it.
    """

    def exp(self, x: Any, /) -> Any: ...
    def log(self, x: Any, /) -> Any: ...
    def sqrt(self, x: Any, /) -> Any: ...
    def tanh(self, x: Any, /) -> Any: ...
    def sin(self, x: Any, /) -> Any: ...
    def cos(self, x: Any, /) -> Any: ...
    def sigmoid(self, x: Any, /) -> Any: ...
    def softplus(self, x: Any, /) -> Any: ...
    def pow(self, x: Any, y: Any, /) -> Any: ...
    def select(self, x: Any, positive: Any, other: Any, /) -> Any: ...  # positive where x > 0
    def sign(self, x: Any, /) -> Any: ...
    def maximum(self, xs: Any, /) -> Any: ...


# The operands and results a reading computes with are floats, Values or
# expressions: ``Any`` below stands for whichever the reading ``F`` gives.
Forward = Callable[..., Any]
"""``forward(F: Reading, *operands, c?) -> out``, with the signature of the op's arity (see above)."""

Rule = Callable[..., Any]
"""``rule(F: Reading, *operands, out, c?) -> local derivative(s)``, with the signature of the op's arity."""

Caption = Callable[[Any, Callable[[float], str]], str]
"""``caption(c, number) -> text``: how an op node with constant ``c`` reads in a drawing."""


class DotConst(NamedTuple):
    """The plain numbers folded into a ``dot`` node.

    Its operands are ``pairs`` first factors, ``pairs`` second factors, then
    one Value per coefficient; the node computes
    ``Σ_i w_i·x_i + Σ_j coefficients_j·v_j + start``.

    Attributes:
        pairs: How many products of two Values.
        coefficients: One plain number per Value that is multiplied by it.
        start: Everything else: products of two plain numbers and a numeric start.
    """

    pairs: int
    coefficients: tuple[float, ...]
    start: float


@dataclass(frozen=True)
class TestSpec:
    """Where the table-driven tests sample an op (data, not test code).

    Attributes:
        low: Lower end of the sampling interval for every operand.
        high: Upper end of the sampling interval for every operand.
        avoid: Points (kinks, singularities) that samples keep a margin from.
        consts: Constants to try for ops that fold a plain number.
        arity: Number of operands to use for a variadic op.
        apart: Smallest distance between two operands (for ``max``, whose
            derivative jumps where two operands tie).
    """

    __test__ = False  # not a pytest test class, although test files import it by this name

    low: float = -3.0
    high: float = 3.0
    avoid: tuple[float, ...] = ()
    consts: tuple[Any, ...] = (None,)
    arity: int = 1
    apart: float = 0.0


@dataclass(frozen=True, eq=False)
class Op:
    """One row of the derivative table.

    Attributes:
        name: The op's name, shown as ``Value.op`` (``"mul"``, ``"tanh"``).
        symbol: Short text for drawings (``"*"``, ``"tanh"``).
        arity: 1, 2 or :data:`VARIADIC`; fixes the signatures of ``forward``
            and ``rule`` (see the module docstring).
        forward: The op's result, read on floats or symbolically.
        rule: Its local derivatives, read on floats, on Values or symbolically.
        domain: Where the result is a finite number, for documentation and
            anomaly messages (``"a positive input"``).
        doc: One line for the Value method that applies this op.
        commutes: Whether operand order does not matter (drawings then omit
            operand indices).
        caption: How the op node reads in drawings, given its constant;
            by default just ``symbol``.
        test: Where the table-driven tests sample this op.
    """

    name: str
    symbol: str
    arity: int
    forward: Forward
    rule: Rule
    domain: str = "any real input"
    doc: str = ""
    commutes: bool = False
    caption: Caption | None = None
    test: TestSpec = field(default_factory=TestSpec)

    def call_forward(self, F: Reading, operands: Sequence[Any], c: Any = None) -> Any:
        """``forward`` on a list of operands, whatever the arity."""
        if self.arity == 1:
            return self.forward(F, operands[0], c)
        if self.arity == 2:
            return self.forward(F, operands[0], operands[1])
        return self.forward(F, operands, c)

    def local(self, F: Reading, operands: Sequence[Any], out: Any, c: Any = None) -> tuple[Any, ...]:
        """``rule`` on a list of operands: one local derivative per operand, as a tuple."""
        if self.arity == 1:
            return (self.rule(F, operands[0], out, c),)
        if self.arity == 2:
            return tuple(self.rule(F, operands[0], operands[1], out))
        return tuple(self.rule(F, operands, out, c))

    def float_forward(self, operands: Sequence[float], c: Any = None) -> float:
        """The result on floats, with IEEE 754 values where Python would raise."""
        try:
            return float(self.call_forward(FloatMath, operands, c))
        except (ArithmeticError, ValueError):
            return float(self.call_forward(IEEE_MATH, as_ieee(operands), _as_ieee_const(c)))

    def float_local(self, operands: Sequence[float], out: float, c: Any = None) -> tuple[float, ...]:
        """The local derivatives on floats, with IEEE 754 values where Python would raise."""
        try:
            return self.local(FloatMath, operands, out, c)
        except (ArithmeticError, ValueError):
            ieee = self.local(IEEE_MATH, as_ieee(operands), IEEEFloat(out), _as_ieee_const(c))
            return tuple(map(float, ieee))

    def caption_for(self, c: Any, number: Callable[[float], str]) -> str:
        """The op node's text in drawings, e.g. ``* 2`` for ``x * 2.0``."""
        return self.symbol if self.caption is None else self.caption(c, number)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _as_ieee_const(c: Any) -> Any:
    return IEEEFloat(c) if type(c) is float else c
