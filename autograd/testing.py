"""Property-testing gradients: hypothesis strategies and ``check_gradients``, for your tests.

* :func:`points` draws well-conditioned points: inside an interval, a margin
  away from kinks and singularities, so finite differences are meaningful.
* :func:`op_cases` draws a point and a constant inside one row's domain,
  from the row's :class:`~autograd.rules.op.TestSpec`.
* :func:`graphs` draws random expression graphs over the rows of
  :data:`autograd.TABLE`, the ones you added with ``define_op`` included,
  with reuse (``x * x``, diamonds, deep chains).
* :func:`check_gradients` checks a function's derivatives by reverse mode,
  forward mode and finite differences, failing with the table of all three.

hypothesis is not a dependency of the engine: install it with
``pip install 'valuegrad[testing]'``. ``import autograd`` never imports this module.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ImportError as error:
    raise ImportError(
        "autograd.testing needs hypothesis, which the valuegrad engine does not depend on: "
        "pip install 'valuegrad[testing]'"
    ) from error

from .core.value import Number, Value
from .custom import apply
from .fused import vsum
from .gradcheck import GradcheckError, gradcheck
from .rules.op import VARIADIC, Op, TestSpec
from .rules.table import TABLE

__all__ = ["MARGIN", "Graph", "GraphNode", "check_gradients", "graphs", "op_cases", "points"]

MARGIN = 0.1
"""How far sampled points keep from the points to avoid (kinks, singularities)."""

Interval = tuple[float, float]


# ---------------------------------------------------------------- points


def _safe_intervals(low: float, high: float, avoid: Iterable[float], margin: float) -> list[Interval]:
    """[low, high] without (a - margin, a + margin) around each avoided point, as closed intervals."""
    intervals = [(low, high)]
    for point in sorted(avoid):
        kept = []
        for start, end in intervals:
            if point + margin <= start or point - margin >= end:
                kept.append((start, end))
                continue
            below, above = _away(point, margin, -math.inf), _away(point, margin, math.inf)
            if below > start:
                kept.append((start, below))
            if above < end:
                kept.append((above, end))
        intervals = kept
    return intervals


def _away(point: float, margin: float, direction: float) -> float:
    """The float nearest ``point ± margin`` that is at least ``margin`` away (despite rounding)."""
    x = point + margin if direction > 0 else point - margin
    while abs(x - point) < margin:
        x = math.nextafter(x, direction)
    return x


def points(
    n: int,
    low: float = -3.0,
    high: float = 3.0,
    *,
    avoid: Sequence[float] = (),
    margin: float = MARGIN,
) -> st.SearchStrategy[list[float]]:
    """Lists of ``n`` finite floats in ``[low, high]``, each at least ``margin`` from every ``avoid`` point.

    Drawn exactly from the allowed intervals (no filtering, so hypothesis
    never gives up), and shrinking towards ``low``.

    Raises:
        ValueError: If ``n`` is negative, ``low >= high``, or ``avoid`` and
            ``margin`` leave nothing to draw from.

    Examples:
        >>> from hypothesis import given
        >>> @given(points(2, 0.1, 5.0))
        ... def test_log_of_a_product(point): ...
    """
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"points expects a non-negative int n, got {n!r}")
    if not low < high:
        raise ValueError(f"points expects low < high, got low={low!r} and high={high!r}")
    intervals = [(a, b) for a, b in _safe_intervals(low, high, avoid, margin) if a < b]
    if not intervals:
        raise ValueError(
            f"points: [{low!r}, {high!r}] has no room left {margin!r} away from {tuple(avoid)!r}"
        )
    coordinate = st.one_of(*(st.floats(a, b, allow_nan=False, allow_infinity=False) for a, b in intervals))
    return st.lists(coordinate, min_size=n, max_size=n)


@st.composite
def op_cases(draw: st.DrawFn, op: Op) -> tuple[list[float], Any]:
    """A point (one float per operand) and a constant at which ``op`` is smooth and defined."""
    spec = op.test
    arity = spec.arity if op.arity == VARIADIC else op.arity
    const = draw(st.sampled_from(spec.consts))
    items = arity - 1 if spec.indexed else arity
    point = draw(points(items, spec.low, spec.high, avoid=spec.avoid))
    gaps = [abs(a - b) for i, a in enumerate(point) for b in point[i + 1 :]]
    assume(not gaps or min(gaps) > spec.apart)  # e.g. max: its derivative jumps where operands tie
    if spec.indexed:  # take: the last operand names one of the others
        point.append(float(draw(_indices(items))))
    return point, const


def _indices(count: int) -> st.SearchStrategy[int]:
    """The whole numbers that name one of ``count`` items, negative ones (from the end) too."""
    return st.integers(-count, count - 1)


# ---------------------------------------------------------------- random graphs


@dataclass(frozen=True)
class GraphNode:
    """One node of a :class:`Graph`: ``op`` on earlier nodes, each maybe squashed into the op's domain.

    Attributes:
        op: The row applied.
        operands: Indices of earlier nodes (inputs first).
        const: The constant folded into the node.
        squash: Per operand, None, or the interval ``(a, b)`` it is mapped into
            by ``a + (b - a) · sigmoid(node)`` because its value left the row's
            sampling interval (or came near a point it avoids).
        index: For a row whose last operand is an index (``TestSpec.indexed``),
            that index, a constant operand after ``operands``; else None.
    """

    op: Op
    operands: tuple[int, ...]
    const: Any
    squash: tuple[Interval | None, ...]
    index: int | None = None


@dataclass(frozen=True)
class Graph:
    """A random expression graph: call it on Values; its output sums every node, so all matter.

    Attributes:
        point: Where it was drawn to be well-conditioned, one float per input.
        steps: The nodes after the inputs, in order.
    """

    point: tuple[float, ...]
    steps: tuple[GraphNode, ...]

    def __call__(self, xs: Sequence[Value]) -> Value:
        nodes = list(xs)
        for step in self.steps:
            operands = [_squashed(nodes[i], interval) for i, interval in zip(step.operands, step.squash, strict=True)]
            if step.index is not None:
                operands.append(Value(float(step.index)))
            nodes.append(apply(step.op, operands, step.const))
        return vsum(nodes)

    def __repr__(self) -> str:
        lines = [f"Graph(point={self.point!r}, steps:"]
        for index, step in enumerate(self.steps, start=len(self.point)):
            names = [
                f"t{i}" if interval is None else f"squash(t{i}, {interval[0]:g}, {interval[1]:g})"
                for i, interval in zip(step.operands, step.squash, strict=True)
            ]
            const = "" if step.const is None else f", c={step.const!r}"
            if step.index is not None:
                names.append(f"index {step.index}")
            lines.append(f"    t{index} = {step.op.name}({', '.join(names)}{const})")
        return "\n".join(lines) + "\n)"


def _squashed(x: Any, interval: Interval | None) -> Any:
    if interval is None:
        return x
    a, b = interval
    return x.sigmoid() * (b - a) + a if isinstance(x, Value) else a + (b - a) / (1.0 + math.exp(-x))


def _squash_for(x: float, spec: TestSpec) -> Interval | None:
    """None when ``x`` is safely inside the row's sampling interval; else the widest safe interval."""
    safe = _safe_intervals(spec.low, spec.high, spec.avoid, 2 * MARGIN)
    if any(a <= x <= b for a, b in safe):
        return None
    return max(safe, key=lambda interval: interval[1] - interval[0])


@st.composite
def graphs(
    draw: st.DrawFn,
    max_inputs: int = 3,
    max_steps: int = 8,
    ops: Iterable[Op] | None = None,
) -> Graph:
    """Random expression graphs over the table's rows, reusing earlier nodes.

    Each step applies a row to earlier nodes (most often the latest, for deep
    chains; any, for diamonds and ``x * x``). An operand outside the row's
    :class:`~autograd.rules.op.TestSpec` interval, or near a point it avoids, is
    squashed into it by a sigmoid, so every node is smooth and finite around
    the drawn point.

    Args:
        max_inputs: At most this many inputs (at least one).
        max_steps: At most this many op nodes (at least one).
        ops: The rows to draw from; by default every row of
            :data:`autograd.TABLE` at draw time, including ``define_op``'s.
    """
    rows = sorted(TABLE.values() if ops is None else ops, key=lambda op: op.name)
    point = tuple(draw(points(draw(st.integers(1, max_inputs)), -2.0, 2.0)))
    data = list(point)
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(rows))
        arity = op.test.arity if op.arity == VARIADIC else op.arity
        if op.test.indexed:
            arity -= 1  # the items; the index is a constant operand after them
        latest = st.just(len(data) - 1)
        operands = tuple(draw(st.one_of(latest, st.integers(0, len(data) - 1))) for _ in range(arity))
        squash = tuple(_squash_for(data[i], op.test) for i in operands)
        const = draw(st.sampled_from(op.test.consts))
        inputs = [_squashed(data[i], interval) for i, interval in zip(operands, squash, strict=True)]
        gaps = [abs(a - b) for i, a in enumerate(inputs) for b in inputs[i + 1 :]]
        if gaps and min(gaps) <= op.test.apart:
            continue  # operands too close for this row (max's derivative jumps at a tie)
        index = draw(_indices(arity)) if op.test.indexed else None
        data.append(op.float_forward([*inputs, *([] if index is None else [float(index)])], const))
        steps.append(GraphNode(op, operands, const, squash, index))
    return Graph(point, tuple(steps))


# ---------------------------------------------------------------- the check


def check_gradients(
    f: Callable[[list[Value]], Value | Sequence[Value]],
    point: Sequence[Number | Value],
    *,
    order: int = 2,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> None:
    """Assert that ``f``'s derivatives agree by reverse mode, forward mode and finite differences.

    For use in tests: call it with a point drawn by :func:`points`. Each
    output of ``f`` is checked in turn (see :func:`autograd.gradcheck` for
    the tolerances and the second-order check).

    Args:
        f: Maps a list of Values to a Value or a sequence of Values.
        point: Where to check.
        order: 1 or 2 (the default: second derivatives too).
        eps: Finite-difference step.
        atol: Absolute tolerance.
        rtol: Relative tolerance.

    Raises:
        GradcheckError: An ``AssertionError`` whose message is the table of
            every derivative, three ways, with the output it is about.

    Examples:
        >>> check_gradients(lambda v: [v[0] * v[1], v[0].exp()], [0.5, -1.0])
    """
    outputs = f([Value(x.data if isinstance(x, Value) else x) for x in point])
    if isinstance(outputs, Value):
        gradcheck(f, point, order=order, eps=eps, atol=atol, rtol=rtol)  # type: ignore[arg-type]
        return
    if not isinstance(outputs, Sequence):
        raise TypeError(
            f"check_gradients expects f to return a Value or a sequence of Values, "
            f"got {type(outputs).__name__}"
        )
    for index in range(len(outputs)):

        def output(xs: list[Value], index: int = index) -> Value:
            return f(xs)[index]  # type: ignore[index]  # a sequence, as checked above

        try:
            gradcheck(output, point, order=order, eps=eps, atol=atol, rtol=rtol)
        except GradcheckError as error:
            raise GradcheckError(f"output {index}: {error}") from None
