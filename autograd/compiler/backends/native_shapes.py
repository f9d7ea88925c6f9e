"""The native backend's shapes: which steps share one case of the kernel, and what each leaves on the tape.

A kernel case is printed once and serves every step of its *shape*, so the
kernel (and the compiler run that builds it) depends on the shapes a program
uses. To make one kernel serve every batch size and document length, a shape
names no number that varies with them:

* A folded number (``x * 0.03125``) is read from the tape (``n[0]``) when the
  row's reading does not depend on its value: the source reading of the step
  with the number as a name, evaluated with the number put in, must be the
  tree the Python backend prints with the number written in (same operations,
  so the same bits at run time). A number at which the reading takes another
  form (``x + -0.0`` is ``x``, ``pow(x, 1.0)`` is ``x``, ``x * -1.0`` is
  ``-x``) keeps a case of its own. A program's constant operand is read from
  its slot on the same terms.
* A row that is a left fold (``sum``, ``dot``: checked on its own reading,
  at three operands against its one-operand reading folded three times) is
  one loop over the entry's operands, however many; a start of -0.0 is a
  case where the first term starts the sum, as the reading folds ``-0.0 + x``
  to ``x`` (``0.0 + x`` stays an addition: it turns -0.0 into 0.0). A sum's constant operands are folded as the reading folds them.
* Any other variadic row (``max``, ``take``) has a case per operand count;
  :func:`kernel_shapes` adds every count up to :data:`FILL_LIMIT`, so a
  document no longer than that needs no kernel of its own.

Anything these checks do not accept keeps the literal case the Python
backend's tree gives, so results never depend on which form a step took.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...rules.op import VARIADIC, DotConst, Op
from ...rules.source import (
    Binary,
    Call,
    Const,
    Expr,
    Maximum,
    Name,
    Negate,
    Pick,
    Select,
    SourceMath,
    _fold,  # the reading's own folding: the same arithmetic, no identities
    as_expr,
    call,
    children_of,
)
from ..program import Step

__all__ = ["FROM_TAPE", "GRAD", "NUMBER", "OUT", "Fold", "Shape", "fold_of", "kernel_shapes", "operand", "put_names", "shape_of"]


class _FromTape:
    """The mark of a number the kernel reads at run time (from the tape's numbers or a constant's slot)."""

    def __repr__(self) -> str:
        return "FROM_TAPE"


FROM_TAPE: Any = _FromTape()
GRAD, OUT, NUMBER = Name("grad"), Name("out"), Name("n[0]")
_ACC, _X, _W, _V, _COEF, _START = Name("acc"), Name("X"), Name("W"), Name("V"), Name("COEF"), Name("START")
_NEGATIVE_ZERO = Const(-0.0)  # the start the reading drops (-0.0 + x is x): the first term starts the sum


def negative_zero(number: float) -> bool:
    """Whether ``number`` is -0.0, the one zero that adding leaves out (x + -0.0 is x, for every x)."""
    return number == 0.0 and math.copysign(1.0, number) < 0.0

SPECIAL_CANDIDATES = (0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -0.5, -2.0)
"""Numbers every kernel of an op gets its own case for when the reading takes another form at them."""

FILL_LIMIT = 16
"""Every per-count row a program uses gets the cases for all counts up to this one (:func:`kernel_shapes`).

Not more: a ``max`` case's backward grows with the square of its count (each
operand's share divides by the number of ties), so filling to 32 made a tiny
GPT's kernel take 17 s to build instead of 3 s. Counts above it (a
vocabulary's softmax) are the model's, not the document's.
"""


def operand(position: int | str) -> Name:
    """Operand ``position`` (a number or a C expression) of an entry, as the kernel reads it."""
    return Name(f"v[o[{position}] + k * d[{position}]]")


@dataclass(frozen=True, eq=False)
class Shape:
    """One case of the kernel.

    Attributes:
        op: The row.
        form: ``fixed`` (one printed expression), ``sum`` or ``dot`` (a loop over the operands).
        const: ``fixed``: the folded number, or FROM_TAPE (``n[0]``); loops: None.
        operands: ``fixed``: per operand None (a slot), FROM_TAPE (a constant, read from its
            slot, given no gradient) or the constant's number; loops: ().
        first: Loops: whether the first term starts the sum (a zero start); else the
            start is the entry's first number.
    """

    op: Op
    form: str
    const: Any
    operands: tuple[Any, ...]
    first: bool = False

    def key(self) -> tuple[Any, ...]:
        """What tells shapes apart, sortable, so that the same set of shapes prints the same kernel."""
        return (self.op.name, self.form, _text(self.const), tuple(map(_text, self.operands)), self.first, id(self.op))


def _text(number: Any) -> str:
    if number is None:
        return "slot"
    if number is FROM_TAPE:
        return "tape"
    return number.hex() if type(number) is float else repr(number)


# ---------------------------------------------------------------- comparing readings


def _same(one: Expr, other: Expr) -> bool:
    """Whether two trees are the same operations on the same names and numbers (numbers by their bits)."""
    if type(one) is not type(other):
        return False
    if type(one) is Const:
        a, b = one.value, other.value
        return (a != a and b != b) or (a == b and str(a) == str(b))
    if type(one) is Name:
        return one.name == other.name  # type: ignore[attr-defined, no-any-return]
    for slot in type(one).__slots__:  # type: ignore[var-annotated]
        x, y = getattr(one, slot), getattr(other, slot)
        if isinstance(x, tuple):
            if len(x) != len(y) or not all(_same(a, b) for a, b in zip(x, y, strict=True)):
                return False
        elif isinstance(x, Expr):
            if not _same(x, y):
                return False
        elif x != y:
            return False
    return True


def _put(expr: Expr, names: Mapping[str, Expr], *, evaluate: bool) -> Expr:
    """``expr`` with names replaced; ``evaluate``: numbers folded as run-time arithmetic would give them.

    Evaluating folds constant operations (what C computes at run time with the
    same bits) but applies none of the reading's identities, which are exactly
    what a number read at run time would miss; only ``x + -c`` is written
    ``x - c``, the same bits.
    """
    kind = type(expr)
    if kind is Name:
        return names.get(expr.name, expr)  # type: ignore[attr-defined]
    if kind is Const:
        return expr
    if kind is Binary:
        left = _put(expr.left, names, evaluate=evaluate)  # type: ignore[attr-defined]
        right = _put(expr.right, names, evaluate=evaluate)  # type: ignore[attr-defined]
        operator = expr.operator  # type: ignore[attr-defined]
        if evaluate:
            if left.value is not None and right.value is not None:
                folded = _fold(left.value, right.value, operator)
                if folded is not None:
                    return Const(folded)
            if operator in "+-" and right.value is not None and right.value < 0.0:
                return Binary("-" if operator == "+" else "+", left, Const(-right.value))
        return Binary(operator, left, right)
    if kind is Negate:
        inner = _put(expr.operand, names, evaluate=evaluate)  # type: ignore[attr-defined]
        return Const(-inner.value) if evaluate and inner.value is not None else Negate(inner)
    if kind is Call:
        arguments = [_put(a, names, evaluate=evaluate) for a in expr.arguments]  # type: ignore[attr-defined]
        return call(expr.function, *arguments) if evaluate else Call(expr.function, arguments)  # type: ignore[attr-defined]
    if kind is Select:
        x, positive, other = (_put(getattr(expr, s), names, evaluate=evaluate) for s in ("x", "positive", "other"))
        if evaluate and x.value is not None and positive.value is not None and other.value is not None:
            return call("select", x, positive, other)
        return Select(x, positive, other)
    if kind is Maximum:
        return Maximum([_put(item, names, evaluate=evaluate) for item in expr.items])  # type: ignore[attr-defined]
    if kind is Pick:
        items = [_put(item, names, evaluate=evaluate) for item in expr.items]  # type: ignore[attr-defined]
        return Pick(items, _put(expr.index, names, evaluate=evaluate))  # type: ignore[attr-defined]
    raise TypeError(f"no way to substitute into a {kind.__name__}")


def put_names(expr: Expr, names: Mapping[str, Expr]) -> Expr:
    """``expr`` with the names in ``names`` replaced by their trees, nothing folded (how the kernel prints a term)."""
    return _put(expr, names, evaluate=False)


def _agrees(symbolic: Expr, literal: Expr, numbers: dict[str, float]) -> bool:
    """Whether reading ``symbolic``'s names at run time gives the operations of ``literal``."""
    evaluated = _put(symbolic, {name: Const(number) for name, number in numbers.items()}, evaluate=True)
    return _same(evaluated, literal)


def _line(local: Any) -> Expr:
    """A backward line's right-hand side, as the kernel and the Python backend print it."""
    return GRAD * as_expr(local)


def _readings(op: Op, operands: Sequence[Expr], const: Any) -> list[Expr]:
    """The forward, then each operand's backward line, as trees."""
    forward = as_expr(op.call_forward(SourceMath, operands, const))
    return [forward, *map(_line, op.local(SourceMath, operands, OUT, const))]


# ---------------------------------------------------------------- fixed shapes

_VERIFIED: dict[tuple[Any, ...], bool] = {}


def _fixed(op: Op, const: Any, numbers: tuple[float | None, ...]) -> Shape:
    """The fixed shape of a step: its numbers from the tape where the reading allows, else written in."""
    literal = Shape(op, "fixed", const, tuple(numbers))
    tape_const = type(const) is float and op.arity != VARIADIC
    if not tape_const and all(number is None for number in numbers):
        return literal
    generic = Shape(op, "fixed", FROM_TAPE if tape_const else const, tuple(None if n is None else FROM_TAPE for n in numbers))
    key = (op, _text(const), tuple(map(_text, numbers)))
    fits = _VERIFIED.get(key)
    if fits is None:
        if len(_VERIFIED) > 100_000:
            _VERIFIED.clear()
        fits = _VERIFIED[key] = _fixed_fits(op, const, numbers, tape_const)
    return generic if fits else literal


def _fixed_fits(op: Op, const: Any, numbers: tuple[float | None, ...], tape_const: bool) -> bool:
    names = [operand(position) for position in range(len(numbers))]
    values = {names[j].name: n for j, n in enumerate(numbers) if n is not None}
    if tape_const:
        values[NUMBER.name] = const
    try:
        symbolic = _readings(op, names, NUMBER if tape_const else const)
        literal = _readings(op, [name if n is None else Const(n) for name, n in zip(names, numbers, strict=True)], const)
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        return False  # a rule that needs the number itself, when it is read
    lines = [0, *(1 + j for j, n in enumerate(numbers) if n is None)]  # a constant gets no gradient
    return len(symbolic) == len(literal) and all(_agrees(symbolic[i], literal[i], values) for i in lines)


# ---------------------------------------------------------------- folds


def _dot(pairs: int, coefficients: Sequence[Any], start: Any) -> Any:
    """A dot's numbers, any of which may be a name: the row is read with names where numbers go."""
    return DotConst(pairs, tuple(coefficients), start)


@dataclass(frozen=True, eq=False)
class Fold:
    """A row read as a left fold: its one-term readings, with the names the kernel puts in.

    ``sum``: ``step`` is ``acc ⊕ X``, ``first`` the first term alone, ``line`` X's backward line.
    ``dot``: ``step`` is ``acc ⊕ W·X`` (``first``, ``lines`` for W and X) and ``coefficient``
    is ``acc ⊕ COEF·V`` (``first_coefficient``, ``coefficient_line``).
    """

    form: str
    step: Expr
    first: Expr
    lines: tuple[Expr, ...]
    coefficient: Expr | None = None
    first_coefficient: Expr | None = None
    coefficient_line: Expr | None = None


_FOLDS: dict[tuple[Op, bool], Fold | None] = {}


def fold_of(op: Op, dot: bool) -> Fold | None:
    """The row as a left fold (``dot``: over pairs, then coefficients), or None if its reading is not one."""
    key = (op, dot)
    if key not in _FOLDS:
        try:
            _FOLDS[key] = (_dot_fold if dot else _sum_fold)(op)
        except (TypeError, ValueError, ArithmeticError, AttributeError, IndexError):
            _FOLDS[key] = None
    return _FOLDS[key]


def _folded(first: Expr, step: Expr, names: Mapping[str, Expr], terms: Sequence[Mapping[str, Expr]]) -> Expr:
    acc = _put(first, {**names, **terms[0]}, evaluate=False)
    for term in terms[1:]:
        acc = _put(step, {**names, **term, _ACC.name: acc}, evaluate=False)
    return acc


def _sum_fold(op: Op) -> Fold | None:
    step = as_expr(op.call_forward(SourceMath, [_X], _ACC))
    first = as_expr(op.call_forward(SourceMath, [_X], -0.0))  # -0.0 + x is x: the first term starts the sum
    xs = [Name(f"x{i}") for i in range(3)]
    terms = [{_X.name: x} for x in xs]
    for start in (_START, Const(0.0), _NEGATIVE_ZERO):
        begin = first if start is _NEGATIVE_ZERO else step
        whole = as_expr(op.call_forward(SourceMath, xs, start))
        names = {} if start is _NEGATIVE_ZERO else {_ACC.name: start}
        if not _same(whole, _folded(begin, step, names, terms)):
            return None
        local = op.local(SourceMath, xs, OUT, start)
        one = _line(op.local(SourceMath, [_X], OUT, _START if start is _START else 0.0)[0])
        if len(local) != 3 or not all(
            _same(_line(local[i]), _put(one, terms[i], evaluate=False)) for i in range(3)
        ):
            return None
    line = _line(op.local(SourceMath, [_X], OUT, NUMBER)[0])
    zero_line = _line(op.local(SourceMath, [_X], OUT, 0.0)[0])
    if not _same(line, zero_line) or any(isinstance(n, Name) and n.name == NUMBER.name for n in _names(line)):
        return None  # the kernel prints one backward line for both starts
    return Fold("sum", step, first, (line,))


def _names(expr: Expr) -> list[Expr]:
    """Every name in ``expr`` (in no particular order)."""
    found: list[Expr] = []
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, Name):
            found.append(node)
        else:
            pending.extend(children_of(node))
    return found


def _dot_fold(op: Op) -> Fold | None:
    step = as_expr(op.call_forward(SourceMath, [_W, _X], _dot(1, (), _ACC)))
    first = as_expr(op.call_forward(SourceMath, [_W, _X], _dot(1, (), -0.0)))  # the first term starts the sum
    coefficient = as_expr(op.call_forward(SourceMath, [_V], _dot(0, (_COEF,), _ACC)))
    first_coefficient = as_expr(op.call_forward(SourceMath, [_V], _dot(0, (_COEF,), -0.0)))
    pair_lines = [_line(local) for local in op.local(SourceMath, [_W, _X], OUT, _dot(1, (), _START))]
    coefficient_lines = [_line(local) for local in op.local(SourceMath, [_V], OUT, _dot(0, (_COEF,), _START))]
    if len(pair_lines) != 2 or len(coefficient_lines) != 1:
        return None
    for pairs, count in ((2, 2), (0, 2), (2, 0), (1, 1)):
        w: list[Expr] = [Name(f"w{i}") for i in range(pairs)]
        x: list[Expr] = [Name(f"x{i}") for i in range(pairs)]
        v: list[Expr] = [Name(f"v{j}") for j in range(count)]
        c: list[Expr] = [Name(f"c{j}") for j in range(count)]
        terms: list[tuple[Expr, Expr, dict[str, Expr]]] = [
            (first, step, {_W.name: w[i], _X.name: x[i]}) for i in range(pairs)
        ] + [(first_coefficient, coefficient, {_V.name: v[j], _COEF.name: c[j]}) for j in range(count)]
        for start in (_START, Const(0.0), _NEGATIVE_ZERO):
            whole = as_expr(op.call_forward(SourceMath, [*w, *x, *v], _dot(pairs, tuple(c), start)))
            acc: Expr = _START if start is _NEGATIVE_ZERO else start
            for index, (begin, then, names) in enumerate(terms):
                if index == 0 and start is _NEGATIVE_ZERO:
                    acc = _put(begin, names, evaluate=False)
                else:
                    acc = _put(then, {**names, _ACC.name: acc}, evaluate=False)
            if not _same(whole, acc):
                return None
            local = [_line(item) for item in op.local(SourceMath, [*w, *x, *v], OUT, _dot(pairs, tuple(c), start))]
            wanted = [_put(pair_lines[0], terms[i][2], evaluate=False) for i in range(pairs)]
            wanted += [_put(pair_lines[1], terms[i][2], evaluate=False) for i in range(pairs)]
            wanted += [_put(coefficient_lines[0], terms[pairs + j][2], evaluate=False) for j in range(count)]
            if len(local) != len(wanted) or not all(_same(a, b) for a, b in zip(local, wanted, strict=True)):
                return None
    if any(n.name == _START.name for line in (*pair_lines, *coefficient_lines) for n in _names(line)):  # type: ignore[attr-defined]
        return None  # the kernel prints one backward for both starts
    return Fold("dot", step, first, tuple(pair_lines), coefficient, first_coefficient, coefficient_lines[0])


_STARTS: dict[tuple[Any, ...], bool] = {}


def _start_fits(op: Op, fold: Fold, start: float) -> bool:
    """Whether a nonzero start read from the tape gives the operations of the start written in."""
    key = (op, fold.form, _text(start))
    if len(_STARTS) > 100_000:  # one entry per distinct number: bounded, at the cost of checking again
        _STARTS.clear()
    if key not in _STARTS:
        try:
            if fold.form == "sum":
                checks = [(fold.step, as_expr(op.call_forward(SourceMath, [_X], Const(start))))]
            else:
                assert fold.coefficient is not None
                checks = [
                    (fold.step, as_expr(op.call_forward(SourceMath, [_W, _X], _dot(1, (), Const(start))))),
                    (fold.coefficient, as_expr(op.call_forward(SourceMath, [_V], _dot(0, (_COEF,), Const(start))))),
                ]
            _STARTS[key] = all(
                _same(_put(symbolic, {_ACC.name: Const(start)}, evaluate=True), literal) for symbolic, literal in checks
            )
        except (TypeError, ValueError, ArithmeticError, AttributeError):
            _STARTS[key] = False
    return _STARTS[key]


def _coefficient_fits(op: Op, fold: Fold, number: float) -> bool:
    """Whether a coefficient read from the tape gives the operations of the coefficient written in."""
    key = (op, "coefficient", _text(number))
    if key not in _STARTS:
        assert fold.coefficient is not None and fold.first_coefficient is not None and fold.coefficient_line is not None
        try:
            literal = [
                as_expr(op.call_forward(SourceMath, [_V], _dot(0, (number,), _ACC))),
                as_expr(op.call_forward(SourceMath, [_V], _dot(0, (number,), 0.0))),
                _line(op.local(SourceMath, [_V], OUT, _dot(0, (number,), _START))[0]),
            ]
            symbolic = [fold.coefficient, fold.first_coefficient, fold.coefficient_line]
            _STARTS[key] = all(_agrees(s, t, {_COEF.name: number}) for s, t in zip(symbolic, literal, strict=True))
        except (TypeError, ValueError, ArithmeticError, AttributeError):
            _STARTS[key] = False
    return _STARTS[key]


# ---------------------------------------------------------------- a step's shape


def shape_of(step: Step, numbers: tuple[float | None, ...], strides: Sequence[int]) -> tuple[Shape, list[int], list[float]]:
    """A step's shape, the positions of its operands the entry reads (in order) and the numbers it leaves on the tape.

    ``numbers`` holds, per operand, the number of a program constant (None for a slot).
    """
    op, const = step.op, step.const
    everything = list(range(len(numbers)))
    if op.arity == VARIADIC:
        if type(const) is float:
            fold = fold_of(op, dot=False)
            if fold is not None:
                found = _sum_entry(op, fold, const, numbers, strides)
                if found is not None:
                    return found
        elif type(const) is DotConst and all(number is None for number in numbers):
            fold = fold_of(op, dot=True)
            if fold is not None and all(type(c) is float and _coefficient_fits(op, fold, c) for c in const.coefficients):
                start = const.start
                if type(start) is float and (negative_zero(start) or _start_fits(op, fold, start)):
                    zero = negative_zero(start)
                    return Shape(op, "dot", None, (), zero), everything, [*(() if zero else (start,)), *const.coefficients]
        return Shape(op, "fixed", const, tuple(numbers)), everything, []
    shape = _fixed(op, const, numbers)
    return shape, everything, [const] if shape.const is FROM_TAPE else []


def _sum_entry(
    op: Op, fold: Fold, start: float, numbers: tuple[float | None, ...], strides: Sequence[int]
) -> tuple[Shape, list[int], list[float]] | None:
    """A sum's loop entry, its constants folded as the reading folds them (``-0.0 + x`` is ``x``; ``+ -0.0`` goes)."""
    if all(number is None for number in numbers):
        if negative_zero(start):
            return Shape(op, "sum", None, (), True), list(range(len(numbers))), []
        if _start_fits(op, fold, start):
            return Shape(op, "sum", None, (), False), list(range(len(numbers))), [start]
        return None
    if not (_same(fold.step, Binary("+", _ACC, _X)) and _same(fold.first, _X)):
        return None  # constants are folded here only as ``+`` folds them
    if any(n is not None and d != 0 for n, d in zip(numbers, strides, strict=True)):
        return None  # a constant that moves in a loop is not one number
    total, positions = start, list[int]()
    for position, number in enumerate(numbers):
        if not positions:
            if number is not None:
                total = total + number  # constants before the first Value fold into the start
                continue
            positions.append(position)
        elif number is None or not negative_zero(number):  # ``acc + -0.0`` is ``acc``; ``acc + -c`` is ``acc - c``
            positions.append(position)
    if not positions:
        return Shape(op, "sum", None, (), False), [], [total]
    if negative_zero(total):
        return Shape(op, "sum", None, (), True), positions, []
    if not _start_fits(op, fold, total):
        return None
    return Shape(op, "sum", None, (), False), positions, [total]


def kernel_shapes(used: Sequence[Shape]) -> list[Shape]:
    """The shapes a kernel prints for a program using ``used``: these, and their kin, in one order.

    Kin make the kernel depend on the rows a program uses rather than on its
    numbers: a row with a folded number gets its case reading the number
    from the tape and one per special number (:data:`SPECIAL_CANDIDATES`)
    where the reading differs; a loop gets both starts; a per-count row gets
    every count up to :data:`FILL_LIMIT`.
    """
    found: dict[tuple[Any, ...], Shape] = {shape.key(): shape for shape in used}

    def add(shape: Shape) -> None:
        found.setdefault(shape.key(), shape)

    counts: dict[tuple[Any, ...], Shape] = {}
    for shape in used:
        op = shape.op
        if shape.form in ("sum", "dot"):
            add(Shape(op, shape.form, None, (), not shape.first))
        elif op.arity != VARIADIC and all(n is None for n in shape.operands) and (
            shape.const is FROM_TAPE or type(shape.const) is float
        ):
            for number in SPECIAL_CANDIDATES:
                try:  # a number the row refuses (1.0 / 0.0 folded) has no case
                    _readings(op, [operand(j) for j in range(len(shape.operands))], number)
                except (TypeError, ValueError, ArithmeticError, AttributeError):
                    continue
                add(_fixed(op, number, shape.operands))
            if _fixed(op, 3.0, shape.operands).const is FROM_TAPE:
                add(Shape(op, "fixed", FROM_TAPE, shape.operands))
        elif op.arity == VARIADIC and shape.const is None and all(n is None for n in shape.operands):
            counts.setdefault((op, id(op)), shape)
    for shape in counts.values():
        for count in range(1, FILL_LIMIT + 1):
            add(Shape(shape.op, "fixed", None, (None,) * count))
    return sorted(found.values(), key=_order)


def _order(shape: Shape) -> tuple[Any, ...]:
    key = shape.key()
    return (key[0], key[1], len(shape.operands), *key[2:])

