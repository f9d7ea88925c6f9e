"""Applying a row of the derivative table by hand: ``apply`` (and, for your own ops, its row).

Every built-in op has a Value method or operator; ``apply`` is the general
form, for a row you made yourself or for code that iterates over
:data:`autograd.TABLE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .op import VARIADIC, Op
from .value import Value, record

__all__ = ["apply"]


def apply(op: Op, operands: Sequence[Value], const: Any = None) -> Value:
    """Apply a row of the derivative table to Values, recording a node as any op does.

    Args:
        op: A row of :data:`autograd.TABLE`, or one of your own.
        operands: The Values it applies to: as many as ``op.arity``, or at
            least one for a variadic op.
        const: The plain number folded into the node, for ops that take one
            (a :class:`~autograd.op.DotConst` for ``dot``).

    Returns:
        The result, whose ``backward`` reads ``op``'s rule.

    Raises:
        TypeError: If ``op`` is not an Op or an operand is not a Value.
        ValueError: If the number of operands does not match the op's arity.

    Example:
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
    data = op.float_forward([operand._data for operand in operands], const)
    return record(op, operands, data, const)
