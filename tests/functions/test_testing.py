"""autograd.testing: the public strategies draw what they promise; check_gradients fails with evidence."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from autograd import TABLE, GradcheckError, Op, Value
from autograd.testing import MARGIN, Graph, check_gradients, graphs, op_cases, points

OPS = sorted(TABLE.values(), key=lambda op: op.name)


@given(points(3, -1.0, 2.0, avoid=(0.0, 1.0)))
def test_points_lie_in_the_interval_a_margin_away_from_avoided_points(point: list[float]) -> None:
    assert len(point) == 3
    for x in point:
        assert -1.0 <= x <= 2.0
        assert abs(x) >= MARGIN and abs(x - 1.0) >= MARGIN


@pytest.mark.parametrize(
    ("args", "kwargs", "pattern"),
    [
        ((-1,), {}, r"non-negative int n, got -1"),
        ((2, 1.0, 1.0), {}, r"low < high, got low=1.0 and high=1.0"),
        ((2, -0.1, 0.1), {"avoid": (0.0,)}, r"no room left 0.1 away from \(0.0,\)"),
    ],
)
def test_points_refuses_what_leaves_nothing_to_draw(args: tuple[float, ...], kwargs: dict[str, object], pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        points(*args, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@settings(max_examples=20)
@given(data=st.data())
def test_op_cases_draw_inside_each_rows_test_spec(op: Op, data: st.DataObject) -> None:
    point, const = data.draw(op_cases(op))
    spec = op.test
    assert const in spec.consts
    if spec.indexed:  # take: the last operand is a whole number naming one of the others
        index, point = point[-1], point[:-1]
        assert index.is_integer() and -len(point) <= index < len(point)
    assert all(spec.low <= x <= spec.high for x in point)
    assert all(abs(x - a) >= MARGIN for x in point for a in spec.avoid)


@given(graphs(ops=[TABLE["relu"], TABLE["log"], TABLE["div"]]))
def test_graphs_keep_every_operand_inside_its_rows_domain(graph: Graph) -> None:
    out = graph([Value(x) for x in graph.point])
    assert all(step.op.name in {"relu", "log", "div"} for step in graph.steps)
    assert out.data == out.data and abs(out.data) < 1e6


def test_a_graph_prints_as_its_steps() -> None:
    graph = Graph(point=(0.5,), steps=())
    assert repr(graph) == "Graph(point=(0.5,), steps:\n)"
    shown = repr(find(graphs(max_steps=3), lambda graph: len(graph.steps) == 2))
    assert shown.startswith("Graph(point=") and "    t" in shown


def test_check_gradients_fails_with_the_table_and_names_the_output() -> None:
    def f(v: list[Value]) -> list[Value]:
        return [v[0] * v[1], v[0].detach() * v[0]]

    with pytest.raises(GradcheckError) as error:
        check_gradients(f, [1.5, 2.0], order=1)
    message = str(error.value)
    assert isinstance(error.value, AssertionError)
    assert message.startswith("output 1: 1 of 2 derivatives disagree")
    assert "reverse" in message and "forward" in message and "numeric" in message


def test_check_gradients_passes_a_correct_function_and_refuses_a_non_value() -> None:
    check_gradients(lambda v: (v[0] * v[1]).tanh(), [0.3, -0.8])
    with pytest.raises(TypeError, match="a Value or a sequence of Values, got float"):
        check_gradients(lambda v: 1.0, [0.3])  # type: ignore[arg-type, return-value]


def test_without_hypothesis_importing_autograd_testing_says_how_to_install_it() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "import autograd\n"
        "try:\n"
        "    import autograd.testing\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'valuegrad[testing]'" in result.stdout
