"""Property tests for my own op's gradients: run with pytest (needs valuegrad[testing])."""

from hypothesis import given, settings

from autograd import TestSpec, define_op
from autograd.testing import Graph, check_gradients, graphs, points

smooth_clamp = define_op(
    "smooth_clamp",
    lambda F, x, c: c * F.tanh(x / c),
    lambda F, x, out, c: 1.0 - (out / c) * (out / c),
    test=TestSpec(consts=(1.0, 2.5)),
)


@given(points(2, -5.0, 5.0))
def test_smooth_clamp_of_a_product(point: list[float]) -> None:
    # Reverse mode, forward mode and finite differences agree, to second order.
    check_gradients(lambda v: smooth_clamp(v[0] * v[1], 2.0), point, order=2)


@settings(deadline=None)
@given(graphs(max_steps=6))
def test_smooth_clamp_inside_random_expressions(graph: Graph) -> None:
    # Random graphs over every op in the table, smooth_clamp included.
    check_gradients(graph, graph.point, order=2)
