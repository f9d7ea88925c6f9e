"""Your own ops: ``define_op`` adds a row to the derivative table; ``apply`` applies any row.

A row you define is an :class:`~autograd.rules.op.Op` like the built-in ones, and it
goes into :data:`autograd.TABLE` itself, so everything that reads the table
or a node's row finds it: ``backward``, ``grad(create_graph=True)``, ``jvp``,
``gradcheck``, anomaly mode, drawings, generated code, and the strategies of
:mod:`autograd.testing`. Its forward and rule are written with arithmetic and
the functions of ``F``, exactly as a built-in row is (see :mod:`autograd.rules.op`
for the signatures by arity), and ``define_op`` checks that they read as
Python source before accepting them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .core.numbers import as_number, require_number
from .core.value import Value, record, standing_for
from .rules import table
from .rules.op import VARIADIC, Forward, Op, Rule, TestSpec
from .rules.print_python import python_text
from .rules.source import Expr, Name, SourceMath
from .rules.table import add_row

__all__ = ["BUILT_IN", "DefinedOp", "apply", "define_op"]

BUILT_IN = frozenset(op.name for op in table.BUILT_IN)
"""The names of the engine's own rows, which ``define_op`` refuses."""


def apply(op: Op, operands: Sequence[Value], const: Any = None) -> Value:
    """Apply a row of the derivative table to Values, recording a node as any op does.

    Args:
        op: A row of :data:`autograd.TABLE`, or one of your own.
        operands: The Values it applies to: as many as ``op.arity``, or at
            least one for a variadic op.
        const: The plain number folded into the node, for ops that take one
            (a :class:`~autograd.rules.op.DotConst` for ``dot``).

    Returns:
        The result, whose ``backward`` reads ``op``'s rule.

    Raises:
        TypeError: If ``op`` is not an Op or an operand is not a Value.
        ValueError: If the number of operands does not match the op's arity.

    Examples:
        >>> from autograd import TABLE, Value
        >>> apply(TABLE["mul_const"], [Value(3.0)], 2.0).data
        6.0
    """
    if not isinstance(op, Op):
        raise TypeError(f"apply expects an Op (a row of the table), got {type(op).__name__}")
    operands = tuple(operands)
    for index, operand in enumerate(operands):
        if not isinstance(operand, Value):
            raise TypeError(
                f"{op.name} expects Value operands, got {type(operand).__name__} at index {index}"
            )
    if op.arity != VARIADIC and len(operands) != op.arity:
        raise ValueError(f"{op.name} expects {op.arity} operands, got {len(operands)}")
    if not operands:
        raise ValueError(f"{op.name} expects at least one operand, got none")
    if not isinstance(const, Value) and standing_for(const) is not None:  # a plain number, exactly
        const = float(const)
    data = op.float_forward([operand._data for operand in operands], const)
    return record(op, operands, data, const)


class DefinedOp:
    """A row you defined, as a function: ``f(x, c=None)``, ``f(x, y)`` or ``f(xs, c=None)`` by arity.

    Operands may be Values or plain numbers. A plain-number operand becomes a
    leaf (its derivative is computed and dropped); when no operand is a Value
    the result is a leaf holding the number. ``c`` is a plain number folded
    into the node, which the rule receives as ``c``.

    Attributes:
        op: The row in :data:`autograd.TABLE`.
    """

    def __init__(self, op: Op) -> None:
        self.op = op
        self.__name__ = op.name
        self.__doc__ = op.doc or None

    def __call__(self, *args: Any) -> Value:
        op = self.op
        if op.arity == 2:
            if len(args) != 2:
                raise TypeError(f"{op.name} takes two operands (x, y), got {len(args)} arguments")
            operands, const = tuple(args), None
        else:
            what = "an operand" if op.arity == 1 else "a sequence of operands"
            if len(args) not in (1, 2):
                raise TypeError(
                    f"{op.name} takes {what} and optionally a constant c, got {len(args)} arguments"
                )
            if op.arity == 1:
                operands = (args[0],)
            elif isinstance(args[0], Sequence):
                operands = tuple(args[0])
            else:
                raise TypeError(f"{op.name} expects a sequence of operands, got {type(args[0]).__name__}")
            const = None if len(args) == 1 or args[1] is None else require_number(args[1], f"{op.name} c")
        values = [_operand(x, op.name, index) for index, x in enumerate(operands)]
        if not any(isinstance(x, Value) for x in operands):
            return Value(op.float_forward([x._data for x in values], const))
        return apply(op, values, const)

    def __repr__(self) -> str:
        return f"<op {self.op.name!r} defined with define_op>"


def _operand(x: Any, name: str, index: int) -> Value:
    if isinstance(x, Value):
        return x
    number = as_number(x)
    if number is None:
        raise TypeError(
            f"{name} expects Values or real numbers as operands, got {type(x).__name__} at index {index}"
        )
    return Value(number)


def define_op(
    name: str,
    forward: Forward,
    rule: Rule,
    *,
    arity: int = 1,
    symbol: str | None = None,
    domain: str = "any real input",
    doc: str = "",
    commutes: bool = False,
    test: TestSpec | None = None,
) -> DefinedOp:
    """Add an op with its derivative to the table, and return a function that applies it.

    The forward and the rule are written as the built-in rows are, with
    arithmetic and the functions of ``F`` (``F.exp``, ``F.log``, ``F.tanh``,
    ``F.select``, ``F.sign``, ``F.pow``...). They must not decide with Python's
    ``if``, ``and``, ``or`` or comparisons on an operand: ``F.select(x, a, b)``
    (``a`` where x > 0, else ``b``) decides in a way every reading understands.
    Written so, one rule serves ``backward`` (floats), ``grad(create_graph=True)``
    (Values, so higher derivatives work), ``jvp`` and generated code (source).

    Signatures (``c``: the plain number folded into the node, or None):

    * arity 1: ``forward(F, x, c) -> out`` and ``rule(F, x, out, c) -> dx``;
    * arity 2: ``forward(F, x, y) -> out`` and ``rule(F, x, y, out) -> (dx, dy)``;
    * ``arity=VARIADIC``: ``forward(F, xs, c)`` and ``rule(F, xs, out, c) -> (dx_1, ...)``.

    The row is added to :data:`autograd.TABLE` under ``name``; defining the
    same name again replaces your earlier row (as re-running a notebook cell
    does). Nodes already built keep the row they were built with.

    Args:
        name: The op's name, a Python identifier, shown as ``Value.op`` and in errors.
        forward: The result.
        rule: The local derivatives d out / d operand.
        arity: 1, 2 or :data:`autograd.rules.op.VARIADIC`.
        symbol: Short text for drawings; by default the name.
        domain: Where the result is finite, for documentation and messages.
        doc: One line, shown as the returned function's docstring.
        commutes: Whether operand order does not matter (for drawings).
        test: Where :mod:`autograd.testing` samples the op (its interval, the
            points to keep away from, example constants ``c``, and the
            operand count of a variadic op).

    Returns:
        A :class:`DefinedOp`: call it on Values (or numbers) to apply the op.

    Raises:
        ValueError: If ``name`` is not an identifier or is a built-in op's, or
            ``arity`` is not 1, 2 or VARIADIC.
        TypeError: If ``forward`` or ``rule`` is not callable, or does not
            read as source: it decides on an operand with Python, calls a
            function that is not in ``F`` (``math.exp`` instead of ``F.exp``),
            or returns the wrong number of derivatives.

    Examples:
        >>> from autograd import Value
        >>> smooth_clamp = define_op(
        ...     "smooth_clamp",
        ...     lambda F, x, c: c * F.tanh(x / c),
        ...     lambda F, x, out, c: 1.0 - (out / c) * (out / c),
        ...     test=TestSpec(consts=(1.0, 2.5)),
        ... )
        >>> x = Value(0.5)
        >>> y = smooth_clamp(x, 2.0)
        >>> y.backward()
        >>> round(x.grad, 6)
        0.940015
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"define_op expects a name that is a Python identifier, got {name!r}")
    if name in BUILT_IN:
        raise ValueError(
            f"define_op: {name!r} is a built-in op (a row of autograd.TABLE); choose another name"
        )
    if arity not in (1, 2, VARIADIC):
        raise ValueError(f"define_op expects arity 1, 2 or VARIADIC ({VARIADIC}), got {arity!r}")
    for what, function in (("forward", forward), ("rule", rule)):
        if not callable(function):
            raise TypeError(f"define_op expects {what} to be a function, got {type(function).__name__}")
    op = Op(name, symbol if symbol is not None else name, arity, forward, rule, domain=domain,
            doc=doc, commutes=commutes, test=test if test is not None else TestSpec())
    _refuse_unreadable(op)
    add_row(op)
    return DefinedOp(op)


def _refuse_unreadable(op: Op) -> None:
    """Read the forward and the rule as source, as generated code will, for every example constant."""
    count = op.test.arity if op.arity == VARIADIC else op.arity
    names = ["x"] if count == 1 else ["x", "y"] if count == 2 else [f"x{i}" for i in range(count)]
    xs = [Name(name) for name in names]
    out = Name("out")
    for const in op.test.consts:
        for what in ("forward", "rule"):
            try:
                if what == "forward":
                    result = op.call_forward(SourceMath, xs, const)
                elif op.arity == 1:
                    result = op.rule(SourceMath, xs[0], out, const)
                elif op.arity == 2:
                    result = op.rule(SourceMath, xs[0], xs[1], out)
                else:
                    result = op.rule(SourceMath, xs, out, const)
            except Exception as error:
                raise TypeError(_unreadable(op, what, const, error)) from None
            one = what == "forward" or op.arity == 1
            _refuse_wrong_shape(op.name, what, result, None if one else count)


def _unreadable(op: Op, what: str, const: Any, error: Exception) -> str:
    start = f"define_op({op.name!r}): the {what} does not read as source"
    if "decided on an operand" in str(error):  # raised by autograd.rules.source.Expr
        return (
            f"{start}: it decides on an operand with Python (if, and, or, a comparison), which "
            "works on floats only; decide with F.select(x, where_positive, elsewhere) or F.sign(x)"
        )
    hint = "write it with + - * / and the functions of F (F.exp, not math.exp; F.pow(x, 2), not x ** 2)"
    if const is None and op.arity == 1 and "NoneType" in str(error):
        hint = (
            "a one-operand op is forward(F, x, c): if it takes two operands, pass arity=2; if "
            "it uses c, give example constants: test=TestSpec(consts=(...))"
        )
    return f"{start} ({type(error).__name__}: {error}); {hint}"


def _is_number(result: Any) -> bool:
    return isinstance(result, Expr) or as_number(result) is not None


def _shown(result: Any) -> str:
    return python_text(result) if isinstance(result, Expr) else str(result)


def _refuse_wrong_shape(name: str, what: str, result: Any, count: int | None) -> None:
    """One number (``count`` None), or a tuple or list of ``count`` numbers."""
    if count is None:
        if _is_number(result):
            return
        expected = "one number" if what == "forward" else "one derivative (not a tuple) for one operand"
    else:
        if isinstance(result, tuple | list) and len(result) == count and all(map(_is_number, result)):
            return
        expected = f"a tuple of {count} derivatives, one per operand"
    shown = repr(tuple(map(_shown, result))) if isinstance(result, tuple | list) else _shown(result)
    raise TypeError(f"define_op({name!r}): the {what} should return {expected}, got {shown}")
