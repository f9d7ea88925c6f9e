"""jit against the engine on random expression graphs: equal values and gradients, to 1e-12."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.strategies import Expression, expressions

from autograd import Value, jit

pytestmark = pytest.mark.usefixtures("each_backend")


def _run(function: object, point: list[float]) -> tuple[float, list[float]]:
    xs = [Value(x) for x in point]
    out = function(xs)  # type: ignore[operator]
    out.backward()
    return out.data, [x.grad for x in xs]


@given(program=expressions(max_steps=12), shifts=st.lists(st.floats(-0.3, 0.3), min_size=4, max_size=4))
def test_a_compiled_random_graph_equals_the_engine_on_every_call(
    program: Expression, shifts: list[float]
) -> None:
    step = jit(program)
    for shift in shifts:  # the first calls trace, the later ones replay
        point = [x + shift for x in program.point]
        expected_value, expected_grads = _run(program, point)
        value, grads = _run(step, point)
        assert value == pytest.approx(expected_value, rel=1e-12, abs=1e-300)
        assert grads == pytest.approx(expected_grads, rel=1e-12, abs=1e-300)
    assert len(step.traces) == 1
