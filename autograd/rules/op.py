"""What a row of the derivative table is: :class:`Op`, and how it is called.

A row holds an op's forward beside its local-derivative rule, both written
with arithmetic and the functions of a reading ``F`` (the vocabulary:
:mod:`autograd.rules.vocabulary`), plus everything other code needs to know
about the op: its symbol, how it draws, whether its operands commute, where
it is finite, which Value method applies it. The rows themselves are in
:mod:`autograd.rules.table`.

Authors write the signatures that read best for the op's arity (``c`` is
the plain number folded into the node, ``None`` for ops that take none;
``out`` is the op's result):

==========  ======================  ==========================================
arity       forward                 rule: the local derivatives d out / d input
==========  ======================  ==========================================
1           ``(F, x, c) -> out``    ``(F, x, out, c) -> local``
2           ``(F, x, y) -> out``    ``(F, x, y, out) -> (local_x, local_y)``
VARIADIC    ``(F, xs, c) -> out``   ``(F, xs, out, c) -> (local_1, ..., local_n)``
==========  ======================  ==========================================

When a row is made, its rules are turned once into one uniform shape, which
everything but the engine's hottest loops uses: :meth:`Op.call_forward`
``(F, operands, c)`` and :meth:`Op.local` ``(F, operands, out, c)``, taking a
list of operands and giving a tuple of local derivatives whatever the arity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .floats import IEEE_MATH, FloatMath, IEEEFloat, as_ieee
from .vocabulary import VARIADIC

__all__ = ["VARIADIC", "DotConst", "Forward", "NumberFormat", "Op", "Reading", "Rule", "TestSpec"]

Reading = Any
"""``F``: an object whose attributes are the vocabulary's functions, in one reading
(floats, IEEE floats, Values, or source); see :mod:`autograd.rules.vocabulary`."""

# The operands and results a reading computes with are floats, Values or
# expressions: ``Any`` below stands for whichever the reading ``F`` gives.
Forward = Callable[..., Any]
"""``forward(F: Reading, *operands, c?) -> out``, with the signature of the op's arity (see above)."""

Rule = Callable[..., Any]
"""``rule(F: Reading, *operands, out, c?) -> local derivative(s)``, with the signature of the op's arity."""

NumberFormat = Callable[[float], str]
"""How a drawing writes a number (``format_number``)."""

Caption = Callable[[Any, NumberFormat], str]
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
        indexed: The last operand is an index into the others (``take``):
            drawn as a whole number naming one of them (negative ones too),
            never from ``low``..``high``. Its row must read a nudged index
            as the nearest whole number, so finite differences leave it alone.
    """

    __test__ = False  # not a pytest test class, although test files import it by this name

    low: float = -3.0
    high: float = 3.0
    avoid: tuple[float, ...] = ()
    consts: tuple[Any, ...] = (None,)
    arity: int = 1
    apart: float = 0.0
    indexed: bool = False


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
        methods: The names of the Value methods that apply this op to a
            Value (``("exp",)`` gives ``Value.exp``); the binary operators are
            declared in :data:`autograd.rules.table.OPERATORS`.
        method_constant: For a method that folds a plain number into the
            node, that argument's name and default (``("slope", 0.01)``).
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
    methods: tuple[str, ...] = ()
    method_constant: tuple[str, float] | None = None
    # The uniform shape, made once from ``forward`` and ``rule`` (see the module docstring).
    call_forward: Callable[..., Any] = field(init=False, repr=False)
    """``call_forward(F, operands, c=None) -> out``: ``forward`` on a list of operands."""
    local: Callable[..., tuple[Any, ...]] = field(init=False, repr=False)
    """``local(F, operands, out, c=None) -> (local, ...)``: one local derivative per operand."""

    def __post_init__(self) -> None:
        forward, rule = self.forward, self.rule
        if self.arity == 1:
            def call_forward(F: Reading, operands: Sequence[Any], c: Any = None) -> Any:
                return forward(F, operands[0], c)

            def local(F: Reading, operands: Sequence[Any], out: Any, c: Any = None) -> tuple[Any, ...]:
                return (rule(F, operands[0], out, c),)
        elif self.arity == 2:
            def call_forward(F: Reading, operands: Sequence[Any], c: Any = None) -> Any:
                return forward(F, operands[0], operands[1])

            def local(F: Reading, operands: Sequence[Any], out: Any, c: Any = None) -> tuple[Any, ...]:
                return tuple(rule(F, operands[0], operands[1], out))
        else:
            def call_forward(F: Reading, operands: Sequence[Any], c: Any = None) -> Any:
                return forward(F, operands, c)

            def local(F: Reading, operands: Sequence[Any], out: Any, c: Any = None) -> tuple[Any, ...]:
                return tuple(rule(F, operands, out, c))
        object.__setattr__(self, "call_forward", call_forward)
        object.__setattr__(self, "local", local)

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

    def caption_for(self, c: Any, number: NumberFormat) -> str:
        """The op node's text in drawings, e.g. ``* 2`` for ``x * 2.0``."""
        return self.symbol if self.caption is None else self.caption(c, number)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _as_ieee_const(c: Any) -> Any:
    return IEEEFloat(c) if type(c) is float else c
