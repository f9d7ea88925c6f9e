"""Forward mode: jvp and jacobian carry tangents through the table's rules, with no graph."""

from __future__ import annotations

import math
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import (
    AnomalyError,
    Value,
    detect_anomaly,
    enable_grad,
    grad,
    hessian,
    is_grad_enabled,
    jacobian,
    jvp,
)
from autograd.testing import Graph, graphs


@given(graphs(), st.data())
def test_jvp_is_the_gradient_dotted_with_the_direction_on_random_graphs(graph: Graph, data: st.DataObject) -> None:
    point = list(graph.point)
    direction = data.draw(st.lists(st.floats(-2, 2), min_size=len(point), max_size=len(point)))
    xs = [Value(x) for x in point]
    out = graph(xs)
    gradient = [g.data for g in grad(out, xs)]
    value, derivative = jvp(graph, point, direction)
    assert value == out.data
    expected = sum(g * t for g, t in zip(gradient, direction, strict=True))
    assert derivative == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_jvp_runs_f_once_with_no_graph() -> None:
    calls: list[tuple[bool, tuple[Value, ...]]] = []

    def f(v: list[Value]) -> Value:
        out = v[0] * v[1]
        calls.append((is_grad_enabled(), out.parents))
        return out

    assert jvp(f, [2.0, 3.0], [1.0, 0.0]) == (6.0, 3.0)
    assert calls == [(False, ())]
    assert is_grad_enabled()


def test_jvp_of_several_outputs_gives_a_value_and_a_derivative_per_output() -> None:
    values, derivatives = jvp(lambda v: [v[0] * v[0], v[0].sin(), v[1]], [0.5, 4.0], [2.0, -1.0])
    assert values == [0.25, math.sin(0.5), 4.0]
    assert derivatives == [2.0 * 1.0, 2.0 * math.cos(0.5), -1.0]


def test_jvp_accepts_values_as_its_point_and_gives_zero_for_an_output_not_made_from_the_inputs() -> None:
    assert jvp(lambda v: v[0] * 3, [Value(2.0)], [1]) == (6.0, 3.0)
    assert jvp(lambda v: Value(5.0), [1.0], [1.0]) == (5.0, 0.0)


def test_a_zero_tangent_contributes_nothing_even_through_an_infinite_derivative() -> None:
    # sqrt'(0) is inf, but x does not move along this direction.
    assert jvp(lambda v: v[0].sqrt() + v[1], [0.0, 1.0], [0.0, 1.0]) == (1.0, 1.0)
    assert jvp(lambda v: v[0].sqrt(), [0.0], [1.0]) == (0.0, math.inf)


def test_jacobian_forward_and_reverse_agree_one_row_per_output() -> None:
    def f(v: list[Value]) -> list[Value]:
        x, y, z = v
        return [x * y + z.exp(), (x - z).tanh(), y**2]

    point = [0.3, -1.2, 0.7]
    forward = jacobian(f, point, mode="forward")
    reverse = jacobian(f, point)
    assert len(forward) == 3 and all(len(row) == 3 for row in forward)
    assert forward == [pytest.approx(row, rel=1e-12) for row in reverse]
    assert jacobian(lambda v: v[0] * v[1], [2.0, 5.0]) == [[5.0, 2.0]]


def test_jacobian_of_a_network_agrees_in_both_modes() -> None:
    model = nn.MLP(3, [5, 2], activation="tanh", seed=1)
    point = [0.2, -0.4, 1.1]
    forward = jacobian(model, point, mode="forward")
    reverse = jacobian(model, point, mode="reverse")
    for row_f, row_r in zip(forward, reverse, strict=True):
        assert row_f == pytest.approx(row_r, rel=1e-12, abs=1e-15)


@settings(max_examples=20)
@given(graphs(max_inputs=3, max_steps=6), st.data())
def test_forward_over_reverse_gives_hessian_vector_products(graph: Graph, data: st.DataObject) -> None:
    point = list(graph.point)
    direction = data.draw(st.lists(st.floats(-1, 1), min_size=len(point), max_size=len(point)))

    def gradient(xs: list[Value]) -> list[Value]:
        with enable_grad():  # jvp turns recording off; grad of grad needs the graph
            return list(grad(graph(xs), xs, create_graph=True))

    _, product = jvp(gradient, point, direction)
    h = hessian(graph, point)
    expected = [sum(h[i][j] * direction[j] for j in range(len(point))) for i in range(len(point))]
    assert product == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_jvp_refuses_a_mismatched_direction_and_non_numbers() -> None:
    with pytest.raises(ValueError, match="one tangent per primal, got 2 primals and 1 tangents"):
        jvp(lambda v: v[0], [1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match=r"jvp tangent expects a real number.*got str"):
        jvp(lambda v: v[0], [1.0], ["up"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="jvp expects f to return a Value or a sequence of Values, got float"):
        jvp(lambda v: 1.0, [1.0], [1.0])  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="got int at index 1"):
        jvp(lambda v: [v[0], 3], [1.0], [1.0])  # type: ignore[list-item]


def test_jacobian_refuses_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="jacobian mode must be 'reverse' or 'forward', got 'sideways'"):
        jacobian(lambda v: v[0], [1.0], mode="sideways")  # type: ignore[arg-type]


def test_jvp_inside_jvp_is_refused_and_the_mode_is_restored_after_an_error() -> None:
    def nested(v: list[Value]) -> Value:
        jvp(lambda w: w[0], [1.0], [1.0])
        return v[0]

    with pytest.raises(RuntimeError, match=r"jvp cannot run inside another jvp.*forward-over-reverse"):
        jvp(nested, [1.0], [1.0])
    assert is_grad_enabled()
    x = Value(2.0)
    assert (x * x).parents == (x, x)  # recording again, no tangents
    assert jvp(lambda v: v[0] * v[0], [3.0], [1.0]) == (9.0, 6.0)


def test_forward_mode_is_thread_local() -> None:
    inside = threading.Barrier(2)
    done = threading.Barrier(2)
    other: list[tuple[Value, ...]] = []

    def worker() -> None:
        inside.wait()
        x = Value(1.0)
        other.append((x * 2.0).parents)  # this thread records as usual
        done.wait()

    def f(v: list[Value]) -> Value:
        inside.wait()
        done.wait()
        return v[0] * 2.0

    thread = threading.Thread(target=worker)
    thread.start()
    assert jvp(f, [1.0], [1.0]) == (2.0, 2.0)
    thread.join()
    assert len(other) == 1 and len(other[0]) == 1


def test_anomaly_mode_names_the_op_and_line_of_the_first_non_finite_tangent() -> None:
    with detect_anomaly(), pytest.raises(
        AnomalyError,
        match=r"jvp through sqrt at test_forward_mode.py:\d+ .*: local derivative inf at input 0.0 \(tangent 1.0 arrived\)",
    ):
        jvp(lambda v: v[0].sqrt(), [0.0], [1.0])
