"""Hypothesis strategies for the tests that the public ones in ``autograd.testing`` do not cover.

The public strategies (``points``, ``op_cases``, ``graphs``) draw from the
derivative table. Here:

* :func:`expressions` draws random expression DAGs with shared subexpressions
  (diamonds, ``x * x``, reuse across branches, deep chains) from a fixed list
  of steps that PyTorch can also run, so the same graph can be built from
  Values and, as an independent oracle, from tensors.
* :func:`json_metadata` and :func:`not_json_exact` draw what a model file's
  metadata may and may not hold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from autograd import Value, dot, take, vsum
from autograd.testing import MARGIN

# ---------------------------------------------------------------- rules read as source


def operand_names(count: int) -> list[str]:
    """Names for an op's operands when its rules are read as source: x, y, or x0, x1…"""
    if count == 1:
        return ["x"]
    if count == 2:
        return ["x", "y"]
    return [f"x{i}" for i in range(count)]


# ---------------------------------------------------------------- random expression DAGs


@dataclass(frozen=True)
class Arithmetic:
    """How to run an expression's steps on one kind of number (Values or tensors)."""

    vsum: Callable[[Sequence[Any], float], Any]
    dot: Callable[[Sequence[Any], Sequence[Any], Any], Any]
    softplus: Callable[[Any], Any]
    leaky_relu: Callable[[Any, float], Any]
    take: Callable[[Sequence[Any], int], Any]


ON_VALUES = Arithmetic(
    vsum=lambda xs, start: vsum(xs, start),
    dot=lambda ws, xs, start: dot(ws, xs, start),
    softplus=lambda x: x.softplus(),
    leaky_relu=lambda x, slope: x.leaky_relu(slope),
    take=lambda xs, index: take(xs, index),
)

# Each step: name -> (number of operands, function of (arithmetic, operands, number)).
# Every step is defined for every real input, so random graphs never leave a domain.
STEPS: dict[str, tuple[int, Callable[[Arithmetic, list[Any], float], Any]]] = {
    "add": (2, lambda b, o, c: o[0] + o[1]),
    "sub": (2, lambda b, o, c: o[0] - o[1]),
    "mul": (2, lambda b, o, c: o[0] * o[1]),
    "square": (1, lambda b, o, c: o[0] * o[0]),
    "add_const": (1, lambda b, o, c: o[0] + c),
    "rsub_const": (1, lambda b, o, c: c - o[0]),
    "mul_const": (1, lambda b, o, c: c * o[0]),
    "div_const": (1, lambda b, o, c: o[0] / (abs(c) + 0.5)),
    "neg": (1, lambda b, o, c: -o[0]),
    "pow_int": (1, lambda b, o, c: o[0] ** 3),
    "pow_frac": (1, lambda b, o, c: (o[0] * o[0] + 1.0) ** 1.5),
    "rdiv": (1, lambda b, o, c: 1.0 / (o[0] * o[0] + 1.0)),
    "div": (2, lambda b, o, c: o[0] / (o[1] * o[1] + 1.0)),
    "pow": (2, lambda b, o, c: (o[0].sigmoid() + 0.5) ** o[1].tanh()),
    "rpow": (1, lambda b, o, c: 2.0 ** o[0].tanh()),
    "exp": (1, lambda b, o, c: o[0].tanh().exp()),
    "log": (1, lambda b, o, c: (o[0] * o[0] + 1.0).log()),
    "sqrt": (1, lambda b, o, c: (o[0] * o[0] + 1.0).sqrt()),
    "tanh": (1, lambda b, o, c: o[0].tanh()),
    "sigmoid": (1, lambda b, o, c: o[0].sigmoid()),
    "softplus": (1, lambda b, o, c: b.softplus(o[0])),
    "sin": (1, lambda b, o, c: o[0].sin()),
    "cos": (1, lambda b, o, c: o[0].cos()),
    "relu": (1, lambda b, o, c: o[0].relu()),
    "leaky_relu": (1, lambda b, o, c: b.leaky_relu(o[0], 0.1)),
    "abs": (1, lambda b, o, c: abs(o[0])),
    "vsum": (3, lambda b, o, c: b.vsum(o, c)),
    "dot": (4, lambda b, o, c: b.dot(o[:2], o[2:], c)),
    "dot_bias": (3, lambda b, o, c: b.dot([o[0], o[1]], [o[1], c], o[2])),
    "take": (3, lambda b, o, c: b.take(o, int(c))),  # indices -1, 0 and 2 of three
}
KINKED = {"relu", "leaky_relu", "abs"}


@dataclass(frozen=True)
class Expression:
    """A random expression DAG: ``steps`` build new nodes from earlier ones."""

    point: tuple[float, ...]
    steps: tuple[tuple[str, tuple[int, ...], float], ...]

    def run(self, inputs: Sequence[Any], arithmetic: Arithmetic = ON_VALUES) -> Any:
        """Build the graph on ``inputs``; the output sums every node, so all matter."""
        nodes = list(inputs)
        for name, operands, const in self.steps:
            _, step = STEPS[name]
            nodes.append(step(arithmetic, [nodes[i] for i in operands], const))
        return arithmetic.vsum(nodes, 0.0)

    def __call__(self, inputs: list[Value]) -> Value:
        result: Value = self.run(inputs)
        return result


@st.composite
def expressions(draw: st.DrawFn, max_inputs: int = 3, max_steps: int = 10) -> Expression:
    """Random DAGs whose later steps reuse earlier nodes (diamonds, x * x, chains)."""
    n_inputs = draw(st.integers(1, max_inputs))
    point = tuple(draw(st.floats(-2.0, 2.0, allow_nan=False)) for _ in range(n_inputs))
    n_steps = draw(st.integers(1, max_steps))
    values: list[Value] = [Value(x) for x in point]
    steps: list[tuple[str, tuple[int, ...], float]] = []
    for _ in range(n_steps):
        name = draw(st.sampled_from(sorted(STEPS)))
        arity, step = STEPS[name]
        # Prefer recent nodes (deep chains) but allow any (reuse across branches).
        operands = tuple(
            draw(st.one_of(st.just(len(values) - 1), st.integers(0, len(values) - 1)))
            for _ in range(arity)
        )
        const = draw(st.sampled_from([-1.5, 0.5, 2.0]))
        if name in KINKED and abs(values[operands[0]].data) < MARGIN:
            name = "tanh"  # keep finite differences away from the kink
            arity, step = STEPS[name]
            operands = operands[:1]
        out = step(ON_VALUES, [values[i] for i in operands], const)
        assume(abs(out.data) < 100.0)
        values.append(out)
        steps.append((name, operands, const))
    return Expression(point, tuple(steps))


# ---------------------------------------------------------------- model-file metadata


def json_metadata(max_leaves: int = 20) -> st.SearchStrategy[dict[str, Any]]:
    """Mappings that JSON holds exactly: str keys, lists, str, int, finite float, bool, None."""
    leaves = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text()
    )
    values = st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=max_leaves,
    )
    return st.dictionaries(st.text(), values, max_size=5)


def not_json_exact() -> st.SearchStrategy[Any]:
    """Values that do not survive a trip through JSON unchanged (save must refuse them)."""
    return st.one_of(
        st.sampled_from([float("nan"), float("inf"), float("-inf")]),
        st.tuples(st.integers()),
        st.frozensets(st.integers(), min_size=1),
        st.binary(min_size=1),
        st.complex_numbers(allow_nan=False, allow_infinity=False),
        st.dictionaries(st.integers(), st.integers(), min_size=1),
    )
