"""grad() and hessian(): gradients as Values, to any order, without touching .grad."""

from __future__ import annotations

import math

import pytest

from autograd import Value, grad, hessian


def test_grad_returns_derivatives_without_touching_dot_grad() -> None:
    x, y = Value(2.0), Value(3.0)
    out = x * y + x
    dx, dy = grad(out, [x, y])
    assert (dx.data, dy.data) == (4.0, 2.0)
    assert x.grad == 0.0 and y.grad == 0.0 and out.grad == 0.0


def test_an_input_that_does_not_reach_the_output_gets_zero() -> None:
    x, unused = Value(2.0), Value(5.0)
    assert [g.data for g in grad(x * x, [x, unused])] == [4.0, 0.0]
    assert [g.data for g in grad(x * x, [unused], create_graph=True)] == [0.0]


def test_third_derivative_of_x_to_the_fourth_is_48_at_2() -> None:
    x = Value(2.0)
    (d1,) = grad(x**4, [x], create_graph=True)
    (d2,) = grad(d1, [x], create_graph=True)
    (d3,) = grad(d2, [x], create_graph=True)
    (d4,) = grad(d3, [x])
    assert (d1.data, d2.data, d3.data, d4.data) == (32.0, 48.0, 48.0, 24.0)


def test_create_graph_results_are_differentiable_values() -> None:
    x = Value(0.3)
    (d1,) = grad(x.tanh(), [x], create_graph=True)
    assert not d1.is_leaf
    (d1_plain,) = grad(x.tanh(), [x])
    assert d1_plain.is_leaf and d1_plain.data == pytest.approx(d1.data, rel=1e-15)
    (d2,) = grad(d1, [x])
    t = math.tanh(0.3)
    assert d2.data == pytest.approx(-2 * t * (1 - t * t), rel=1e-12)


def test_grad_output_scales_the_result_and_may_be_a_value() -> None:
    x = Value(2.0)
    assert grad(x * x, [x], grad_output=0.5)[0].data == 2.0
    seed = Value(3.0)
    (g,) = grad(x * x, [x], grad_output=seed, create_graph=True)
    (dg_dseed,) = grad(g, [seed])
    assert g.data == 12.0 and dg_dseed.data == 4.0


def test_grad_with_respect_to_an_interior_node() -> None:
    x = Value(2.0)
    h = x * 3
    out = h * h
    assert grad(out, [h])[0].data == 12.0


def test_grad_refuses_non_values() -> None:
    with pytest.raises(TypeError, match="Value output"):
        grad(1.0, [Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Value inputs, got float at index 1"):
        grad(Value(1.0), [Value(1.0), 2.0])  # type: ignore[list-item]


def test_hessian_of_a_two_variable_function() -> None:
    def f(v: list[Value]) -> Value:
        x, y = v
        return x * x * y + y.sin()

    h = hessian(f, [1.5, -0.5])
    assert h[0][0] == pytest.approx(2 * -0.5)
    assert h[0][1] == pytest.approx(2 * 1.5) and h[1][0] == pytest.approx(2 * 1.5)
    assert h[1][1] == pytest.approx(-math.sin(-0.5))


def test_hessian_refuses_a_function_that_does_not_return_a_value() -> None:
    with pytest.raises(TypeError, match="return a Value, got float"):
        hessian(lambda v: 1.0, [1.0])  # type: ignore[arg-type, return-value]


def test_hessian_accepts_values_as_its_point() -> None:
    assert hessian(lambda v: v[0] * v[0] * v[1], [Value(1.0), 2]) == [[4.0, 2.0], [2.0, 0.0]]
