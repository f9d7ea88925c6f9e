"""Fused reductions: ``vsum``, ``dot``, ``linear`` and ``take`` build one node for many operands.

``sum(values)`` builds one ``add`` node per operand; ``vsum`` builds one
``sum`` node. A neuron's weighted sum plus bias is one ``dot`` node, and
``linear`` gives a whole layer's weighted sums, one ``dot`` node per row of
weights. Fewer nodes make graphs smaller, faster to sort and to sweep.
``take(values, index)`` is ``values[index]`` as a node whose index is an
operand, so that a jit-compiled function replays one program for every index.

Plain numbers are folded into the node's constant (a :class:`DotConst` for
``dot``), so a node's operands are only Values. An object that stands for a
Value (:func:`~autograd.core.value.standing_for`: a number argument while a
jit trace runs) is an operand, as the Value it stands for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from typing import Any, cast

from .core.numbers import require_number
from .core.value import Number, Value, record, standing_for
from .rules import table as ops
from .rules.floats import FloatMath
from .rules.op import DotConst
from .rules.vocabulary import maximum

__all__ = ["dot", "linear", "take", "vmax", "vsum"]

_dot_forward = ops.DOT.forward


def vsum(values: Iterable[Value | Number], start: Value | Number = 0.0) -> Value:
    """The sum of ``values`` as ONE node, however many operands.

    Args:
        values: Values and/or plain numbers.
        start: A number or Value added to the sum.

    Returns:
        A Value (a leaf if no operand is a Value).

    Raises:
        TypeError: If an operand is neither a Value nor a real number.
    """
    values = tuple(values)
    if set(map(type, values)) <= {Value} and not isinstance(start, Value):
        return _sum_node(values, require_number(start, "vsum start"))  # type: ignore[arg-type]
    parents: list[Value] = []
    constant: Any = 0.0
    for value in (*values, start):
        if isinstance(value, Value):
            parents.append(value)
        elif standing_for(value) is not None:
            constant = constant + value  # a number argument while tracing: traced arithmetic
        else:
            constant += require_number(value, "vsum")
    stand_in = standing_for(constant)
    if stand_in is not None:
        # The same additions as for a plain constant: it starts the sum (after -0.0, which
        # adds nothing to any number), and the Values follow in order.
        return _sum_node((stand_in, *parents), -0.0)
    return _sum_node(tuple(parents), constant)


def vmax(values: Iterable[Value | Number]) -> Value:
    """The largest of ``values`` as ONE node (NaN if one is NaN).

    Its gradient goes to the largest operand (shared equally among ties), so
    ``vmax`` also serves as the shift of a stable log-sum-exp, with no decision
    taken on the numbers (``max(values)`` compares, and so would a jit trace).

    Args:
        values: Values and/or plain numbers (numbers are wrapped as leaves).

    Returns:
        A Value.

    Raises:
        ValueError: If ``values`` is empty.
        TypeError: If an operand is neither a Value nor a real number.
    """
    operands = tuple(_as_operand(value, "vmax") for value in values)
    if not operands:
        raise ValueError("vmax expects at least one value, got none")
    return record(ops.MAX, operands, maximum([operand._data for operand in operands]))


def take(values: Iterable[Value | Number], index: Value | Number) -> Value:
    """``values[index]`` as ONE node, with the index an operand of it (its gradient is 0).

    Indexing a list with ``values[index]`` is a decision on the index: inside
    a function compiled by ``autograd.jit``, an int argument used so is an
    exact guard, and every other index traces again. With ``take`` the index
    is part of the program instead: one trace serves every index, and a
    replay checks only that the index is in range (one outside it raises
    here, as without jit). The gradient goes to the item taken, as indexing
    would give it.

    Args:
        values: Values and/or plain numbers (numbers are wrapped as leaves).
        index: An int, or a float or Value holding a whole number. As in
            Python, a negative index counts from the end: ``-1`` is the last.

    Returns:
        A Value whose number is ``values[index]``'s.

    Raises:
        TypeError: If ``index`` is not a number or a Value (a bool is
            refused), or an item is neither a Value nor a real number.
        ValueError: If ``index`` is not a whole number, or ``values`` is empty.
        IndexError: If ``index`` is out of range (below ``-len(values)`` or
            at least ``len(values)``).

    Examples:
        >>> logprobs = [Value(-0.5), Value(-1.5), Value(-2.0)]
        >>> take(logprobs, 1).data, take(logprobs, -1).data
        (-1.5, -2.0)
    """
    items = tuple(values)
    operands: tuple[Value, ...] = (
        cast(tuple[Value, ...], items) if set(map(type, items)) == {Value}
        else tuple(_as_operand(v, "take") for v in items)
    )
    count = len(operands)
    if not count:
        raise ValueError(f"take expects at least one value to take from, got none (index {index!r})")
    if not isinstance(index, Value) and isinstance(index, int) and standing_for(index) is not None:
        # An int argument of a function being traced: the Value standing for it is the operand,
        # and only its range is decided (two comparisons, checked at every replay), not its number.
        shadow = cast(Value, standing_for(index))
        from_start = shadow >= -count
        before_end = shadow < count
        number = int(shadow._data)
        if not (from_start and before_end):
            raise IndexError(_out_of_range(number, count))
        return record(ops.TAKE, (*operands, shadow), operands[number]._data)
    number = _whole_number(index)
    if not -count <= number < count:
        raise IndexError(_out_of_range(number, count))
    index_operand = index if isinstance(index, Value) else Value(float(number))
    return record(ops.TAKE, (*operands, index_operand), operands[number]._data)


def _whole_number(index: Any) -> int:
    """``index`` as the whole number it holds, or the TypeError or ValueError that says why not."""
    if isinstance(index, Integral) and not isinstance(index, bool):
        return int(index)
    if isinstance(index, bool) or not (isinstance(index, (Value, Real)) or standing_for(index) is not None):
        raise TypeError(
            f"take expects an int index (or a float or Value holding a whole number), "
            f"got {type(index).__name__}: {index!r}"
        )
    number = float(index)  # a Value's (or a traced float's) number: a decision on it, exact under jit
    if not number.is_integer():
        raise ValueError(f"take expects a whole-number index, got {number!r}")
    return int(number)


def _out_of_range(number: int, count: int) -> str:
    return (
        f"take: index {number} is out of range for {count} values "
        f"(expected an int from {-count} to {count - 1})"
    )


def _as_operand(value: Any, what: str) -> Value:
    operand = standing_for(value)
    return operand if operand is not None else Value(require_number(value, what))


def _stand_ins_replaced(items: tuple[Any, ...]) -> tuple[Any, ...]:
    """``items`` with every object that stands for a Value replaced by that Value."""
    replaced = []
    for item in items:
        operand = standing_for(item)
        replaced.append(item if operand is None else operand)
    return tuple(replaced)


def _sum_node(parents: tuple[Value, ...], constant: float) -> Value:
    if not parents:
        return Value(constant)
    return record(ops.SUM, parents, sum([p._data for p in parents], constant), constant)


def dot(
    ws: Iterable[Value | Number], xs: Iterable[Value | Number], start: Value | Number = 0.0
) -> Value:
    """Σ w_i · x_i + start as ONE node (a neuron's weighted sum plus bias).

    A product of two Values keeps both as operands; a product with a plain
    number keeps the number as a coefficient in the node; products of two
    numbers and a numeric ``start`` are folded into its constant.

    Args:
        ws: First operands.
        xs: Second operands, as many as ``ws``.
        start: A number or a Value (e.g. a bias) added to the sum.

    Returns:
        A Value (a leaf if no operand is a Value).

    Raises:
        ValueError: If ``ws`` and ``xs`` differ in length.
        TypeError: If an operand is neither a Value nor a real number.
    """
    ws = tuple(ws)
    xs = tuple(xs)
    if len(ws) != len(xs):
        raise ValueError(
            f"dot expects two sequences of the same length, got {len(ws)} and {len(xs)}"
        )
    start_stands_in = not isinstance(start, Value) and standing_for(start) is not None
    if start_stands_in:
        return _dot_with_stand_ins(ws, xs, start)
    if not isinstance(start, Value):
        start = require_number(start, "dot start")
    if set(map(type, ws)) == {Value}:
        kinds = set(map(type, xs))
        if kinds == {Value}:
            return _dot_node((*ws, *xs), len(ws), (), start)  # type: ignore[arg-type]
        if kinds == {float}:
            return _dot_node(ws, 0, xs, start)  # type: ignore[arg-type]
    if any(standing_for(item) is not None and not isinstance(item, Value) for item in (*ws, *xs)):
        return _dot_with_stand_ins(ws, xs, start)
    constant = 0.0
    paired_ws: list[Value] = []
    paired_xs: list[Value] = []
    linear_terms: list[Value] = []
    coefficients: list[float] = []
    for w, x in zip(ws, xs, strict=True):
        if isinstance(w, Value) and isinstance(x, Value):
            paired_ws.append(w)
            paired_xs.append(x)
        elif isinstance(w, Value):
            linear_terms.append(w)
            coefficients.append(require_number(x, "dot"))
        elif isinstance(x, Value):
            linear_terms.append(x)
            coefficients.append(require_number(w, "dot"))
        else:
            constant += require_number(w, "dot") * require_number(x, "dot")
    operands = (*paired_ws, *paired_xs, *linear_terms)
    if not operands and not isinstance(start, Value):
        return Value(constant + start)
    return _dot_node(operands, len(paired_ws), tuple(coefficients), start, constant)


def _dot_with_stand_ins(ws: tuple[Any, ...], xs: tuple[Any, ...], start: Any) -> Value:
    """``dot`` where some operands stand for Values (number arguments while a jit trace runs).

    The node makes the same additions, in the same order, as for plain
    numbers: the folded constant first, then the products of two Values, then
    each coefficient times its Value. A part that stands for a Value cannot be
    folded, so every term is a product of two operands (a plain coefficient
    becomes a constant Value), and the folded constant, if it stands for a
    Value, is the first product (times 1.0) after a start of -0.0, which adds
    nothing to any number.
    """
    constant: Any = 0.0
    paired_ws: list[Value] = []
    paired_xs: list[Value] = []
    linear_terms: list[Value] = []
    coefficients: list[Any] = []
    for w, x in zip(ws, xs, strict=True):
        if isinstance(w, Value) and isinstance(x, Value):
            paired_ws.append(w)
            paired_xs.append(x)
        elif isinstance(w, Value) or isinstance(x, Value):
            value, number = (w, x) if isinstance(w, Value) else (x, w)
            linear_terms.append(value)
            coefficients.append(_number_or_stand_in(number))
        else:
            constant = constant + _number_or_stand_in(w) * _number_or_stand_in(x)
    if isinstance(start, Value):
        linear_terms.append(start)
        coefficients.append(1.0)
    else:
        constant = constant + start
    firsts = [_as_operand(c, "dot") for c in coefficients]
    folded = standing_for(constant)
    if folded is None:
        parents = (*paired_ws, *firsts, *paired_xs, *linear_terms)
        const = DotConst(len(paired_ws) + len(firsts), (), constant)
    else:
        parents = (folded, *paired_ws, *firsts, Value(1.0), *paired_xs, *linear_terms)
        const = DotConst(1 + len(paired_ws) + len(firsts), (), -0.0)
    if not parents:
        return Value(constant)
    return record(ops.DOT, parents, _dot_forward(FloatMath, [p._data for p in parents], const), const)


def _number_or_stand_in(item: Any) -> Any:
    return item if standing_for(item) is not None else require_number(item, "dot")


def linear(
    x: Sequence[Value | Number],
    weight_rows: Sequence[Sequence[Value | Number]],
    biases: Sequence[Value | Number] | None = None,
) -> list[Value]:
    """A layer's weighted sums: ``dot(row, x, bias)`` for each row of weights, one node each.

    What ``x`` holds (all Values, all floats, or a mix) is found once for all
    rows, which makes a layer cheaper than one :func:`dot` call per row.

    Args:
        x: The layer's input: Values and/or plain numbers.
        weight_rows: One sequence of weights (usually Values) per output, each
            as long as ``x``.
        biases: One Value or number per row, or None for no bias.

    Returns:
        One Value per row, in row order.

    Raises:
        ValueError: If a row's length differs from ``len(x)``, or there are
            not as many biases as rows.
        TypeError: If an input, weight or bias is neither a Value nor a real number.

    Examples:
        >>> w = [[Value(1.0), Value(2.0)], [Value(-1.0), Value(0.5)]]
        >>> [out.data for out in linear([3.0, 4.0], w, [0.0, 1.0])]
        [11.0, 0.0]
    """
    x = tuple(x)
    if biases is not None and len(biases) != len(weight_rows):
        raise ValueError(
            f"linear expects one bias per row, got {len(biases)} biases for {len(weight_rows)} rows"
        )
    for index, row in enumerate(weight_rows):
        if len(row) != len(x):
            raise ValueError(f"linear: row {index} has {len(row)} weights for {len(x)} inputs")
    if biases is None:
        # Without biases a layer has fast paths of its own (a bias of 0.0 is not a Value).
        fast = _rows_without_bias(x, weight_rows)
        if fast is not None:
            return fast
        biases = (0.0,) * len(weight_rows)
    kinds = set(map(type, x))
    # Number arguments while tracing: as Values, a layer on plain numbers makes the same
    # products in the same order (x_i·w_i, then the bias) when every bias is a Value.
    if (not kinds <= {Value, float} and set(map(type, biases)) == {Value}
            and all(not isinstance(item, Value) and standing_for(item) is not None for item in x)):
        x = _stand_ins_replaced(x)
        kinds = {Value}
    if kinds == {Value} and set(map(type, biases)) == {Value}:
        # A hidden layer: every product is of two Values; each row's node
        # holds the same constant, so it is made once.
        const = DotConst(len(x), (1.0,), 0.0)
        try:
            return [_row_node((*row, *x, b), const) for row, b in zip(weight_rows, biases, strict=True)]  # type: ignore[arg-type]
        except AttributeError:  # a weight that is not a Value: let dot sort it out
            pass
    elif kinds == {float} and set(map(type, biases)) == {Value}:
        # A first layer on plain numbers: they are the coefficients of the weights.
        const = DotConst(0, (*x, 1.0), 0.0)
        try:
            return [_row_node((*row, b), const) for row, b in zip(weight_rows, biases, strict=True)]  # type: ignore[arg-type]
        except AttributeError:
            pass
    return [dot(row, x, b) for row, b in zip(weight_rows, biases, strict=True)]


def _rows_without_bias(x: tuple[Any, ...], weight_rows: Sequence[Sequence[Value | Number]]) -> list[Value] | None:
    """A bias-free layer's nodes, made as ``dot(row, x)`` makes them, when ``x`` is all Values or all
    floats and every weight a Value; else None (``dot`` then sorts each row out)."""
    kinds = set(map(type, x))
    if kinds == {Value}:
        const = DotConst(len(x), (), 0.0)
        tail: tuple[Any, ...] = x
    elif kinds == {float}:
        const = DotConst(0, x, 0.0)  # the plain numbers are the coefficients of the weights
        tail = ()
    else:
        return None
    try:
        return [_row_node((*row, *tail), const) for row in weight_rows]  # type: ignore[arg-type]
    except AttributeError:  # a weight that is not a Value
        return None


def _row_node(parents: tuple[Value, ...], const: DotConst) -> Value:
    return record(ops.DOT, parents, _dot_forward(FloatMath, [p._data for p in parents], const), const)


def _dot_node(
    operands: tuple[Value, ...],
    pairs: int,
    coefficients: tuple[float, ...],
    start: Value | float,
    constant: float = 0.0,
) -> Value:
    """The one ``dot`` node: ``pairs`` first factors, ``pairs`` second ones, then one Value per coefficient."""
    if isinstance(start, Value):
        parents = (*operands, start)
        coefficients = (*coefficients, 1.0)
    else:
        parents = operands
        constant += start
    const = DotConst(pairs, coefficients, constant)
    data: Any = _dot_forward(FloatMath, [p._data for p in parents], const)
    return record(ops.DOT, parents, data, const)
