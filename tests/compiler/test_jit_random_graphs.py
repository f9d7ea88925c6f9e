"""jit against the engine on random expression graphs: equal values and gradients, to 1e-12."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.additions import approx
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
        # From Python 3.12 on, sum() is compensated: also within an absolute 1e-12 (support.additions).
        assert value == approx(expected_value)
        assert grads == approx(expected_grads)
    assert len(step.traces) == 1
