"""Random expression DAGs with shared subexpressions, checked two independent ways.

* Graphs over every row of the table (``autograd.testing.graphs``, rows
  added with ``define_op`` included): reverse mode, forward mode and finite
  differences agree, at first and second order.
* Programs of steps PyTorch can also run (``strategies.expressions``): values
  and gradients match PyTorch float64 (when installed).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from support.strategies import Arithmetic, Expression, expressions

from autograd import Value, grad, gradcheck
from autograd.testing import Graph, graphs


@given(graphs(max_steps=10))
def test_random_graphs_agree_in_both_modes_and_with_finite_differences_at_first_order(
    graph: Graph,
) -> None:
    assert gradcheck(graph, list(graph.point), order=1)


@settings(max_examples=30)
@given(graphs(max_inputs=2, max_steps=6))
def test_random_graphs_agree_in_both_modes_and_with_finite_differences_at_second_order(
    graph: Graph,
) -> None:
    assert gradcheck(graph, list(graph.point), order=2)


@given(graphs(max_steps=10))
def test_backward_and_grad_agree_on_random_graphs(graph: Graph) -> None:
    xs = [Value(x) for x in graph.point]
    out = graph(xs)
    expected = [g.data for g in grad(out, xs)]
    out.backward()
    assert [x.grad for x in xs] == expected


def _torch_arithmetic() -> tuple[Any, Arithmetic]:
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional

    def dot(ws: Any, xs: Any, start: Any) -> Any:
        return sum((w * x for w, x in zip(ws, xs, strict=True)), start)

    return torch, Arithmetic(
        vsum=lambda xs, start: sum(xs, start),
        dot=dot,
        # torch's softplus returns x itself above x = 20 (its threshold), so its
        # second derivative there is 0, not sigmoid'(x); logaddexp(x, 0) is exact.
        softplus=lambda x: torch.logaddexp(x, torch.zeros_like(x)),
        leaky_relu=lambda x, slope: functional.leaky_relu(x, slope),
        take=lambda xs, index: torch.stack(list(xs))[index],
    )


@given(expressions(max_inputs=3, max_steps=12))
def test_random_graphs_match_pytorch_float64_values_and_gradients(program: Expression) -> None:
    torch, arithmetic = _torch_arithmetic()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.point]
    expected = program.run(tensors, arithmetic)
    expected.backward()

    xs = [Value(x) for x in program.point]
    out = program(xs)
    out.backward()
    assert out.data == pytest.approx(expected.item(), rel=1e-9, abs=1e-12)
    for x, tensor in zip(xs, tensors, strict=True):
        reference = 0.0 if tensor.grad is None else tensor.grad.item()
        assert x.grad == pytest.approx(reference, rel=1e-9, abs=1e-12)


# Found by hypothesis: softplus at about 21, where torch's built-in softplus
# switches to the identity and drops a 1e-5 second-derivative term.
SOFTPLUS_ABOVE_TORCH_THRESHOLD = Expression(
    point=(0.34375,),
    steps=(
        ("add", (0, 0), -1.5),
        ("add", (1, 1), -1.5),
        ("dot_bias", (0, 2, 2), 2.0),
        ("abs", (3,), -1.5),
        ("square", (4,), -1.5),
        ("softplus", (5,), -1.5),
    ),
)


@settings(max_examples=20)
@given(expressions(max_inputs=2, max_steps=6))
@example(SOFTPLUS_ABOVE_TORCH_THRESHOLD)
@example(Expression(point=(0.0,), steps=(("pow", (0, 0), -1.5),)))  # PyTorch's pow at exponent 0
def test_random_graphs_match_pytorch_second_derivatives(program: Expression) -> None:
    torch, arithmetic = _torch_arithmetic()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.point]
    first = torch.autograd.grad(program.run(tensors, arithmetic), tensors, create_graph=True)

    xs = [Value(x) for x in program.point]
    ours = grad(program(xs), xs, create_graph=True)
    for i, derivative in enumerate(ours):
        if not first[i].requires_grad:
            continue
        reference = torch.autograd.grad(first[i], tensors, allow_unused=True, retain_graph=True)
        for j, (value, tensor_grad) in enumerate(zip(grad(derivative, xs), reference, strict=True)):
            expected = 0.0 if tensor_grad is None else tensor_grad.item()
            if value.data == pytest.approx(expected, rel=1e-9, abs=1e-9):
                continue
            # PyTorch's pow drops a term of its second derivative where the exponent is exactly 0
            # (its backward is where(exponent == 0, 0, ...)), e.g. at x = 0 of
            # (sigmoid(x) + 0.5) ** tanh(x): 0.25 where finite differences give 0.5. Only there,
            # a central difference of the first derivative decides.
            assert any(step[0] == "pow" for step in program.steps), (value.data, expected)
            assert value.data == pytest.approx(_difference_of_first(program, i, j), rel=1e-5, abs=1e-6)


def _difference_of_first(program: Expression, i: int, j: int, h: float = 1e-5) -> float:
    """d/dx_j of the first derivative d/dx_i, by a central difference of the engine's grad."""

    def first(shift: float) -> float:
        xs = [Value(x + (shift if k == j else 0.0)) for k, x in enumerate(program.point)]
        return grad(program(xs), xs)[i].data

    return (first(h) - first(-h)) / (2 * h)
