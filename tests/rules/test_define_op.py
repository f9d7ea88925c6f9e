"""define_op: a row you add works everywhere a built-in one does, and a bad one is refused at once."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import find
from support.user_ops import hypot, logsumexp, smooth_abs

from autograd import (
    TABLE,
    VARIADIC,
    AnomalyError,
    DefinedOp,
    TestSpec,
    Value,
    define_op,
    detect_anomaly,
    grad,
    gradcheck,
    jvp,
)
from autograd.pictures.dot import draw_dot
from autograd.rules.print_python import python_text
from autograd.rules.source import Name, SourceMath
from autograd.testing import graphs

# The docs' example (docs/debugging.md): c · tanh(x / c) follows x near 0 and levels off at ±c.
smooth_clamp = define_op(
    "smooth_clamp",
    lambda F, x, c: c * F.tanh(x / c),
    lambda F, x, out, c: 1.0 - (out / c) * (out / c),
    domain="any real input (c not 0)",
    doc="c · tanh(x / c): x near 0, levelling off at ±c.",
    test=TestSpec(consts=(1.0, 2.5)),
)


def test_a_defined_op_is_a_row_of_the_table_and_a_function() -> None:
    assert isinstance(smooth_clamp, DefinedOp)
    assert TABLE["smooth_clamp"] is smooth_clamp.op
    assert smooth_clamp.__doc__ == "c · tanh(x / c): x near 0, levelling off at ±c."
    y = smooth_clamp(Value(0.5), 2.0)
    assert y.op == "smooth_clamp" and y.const == 2.0
    assert y.data == 2.0 * math.tanh(0.25)


def test_a_defined_op_backpropagates_and_has_higher_derivatives() -> None:
    x = Value(0.5)
    smooth_clamp(x, 2.0).backward()
    t = math.tanh(0.25)
    assert x.grad == pytest.approx(1 - t * t, rel=1e-15)
    (d1,) = grad(smooth_clamp(x, 2.0), [x], create_graph=True)
    (d2,) = grad(d1, [x])
    assert d2.data == pytest.approx(-2 * t * (1 - t * t) / 2.0, rel=1e-12)


@pytest.mark.parametrize("order", [1, 2])
def test_defined_ops_of_every_arity_pass_gradcheck_in_both_modes(order: int) -> None:
    assert gradcheck(lambda v: smooth_clamp(v[0] * v[1], 2.5), [0.7, -1.3], order=order)
    assert gradcheck(lambda v: hypot(v[0], v[1].exp()), [0.7, -1.3], order=order)
    assert gradcheck(lambda v: logsumexp([v[0], v[1], v[0] * v[1]]), [0.7, -1.3], order=order)
    assert gradcheck(lambda v: smooth_abs(v[0], 0.5), [-0.2], order=order)


def test_a_defined_op_carries_tangents_in_forward_mode() -> None:
    value, tangent = jvp(lambda v: hypot(v[0], v[1]), [3.0, 4.0], [1.0, 1.0])
    assert (value, tangent) == (5.0, pytest.approx(3 / 5 + 4 / 5))


def test_anomaly_mode_names_a_defined_op_and_the_users_line() -> None:
    with detect_anomaly(), pytest.raises(
        AnomalyError, match=r"^logsumexp at test_define_op.py:\d+ \(in .*\): made inf from 1000.0 and 0.0$"
    ):
        logsumexp([Value(1000.0), Value(0.0)])
    with detect_anomaly():
        corner = hypot(Value(0.0), Value(0.0))  # the rule's x / out is 0 / 0 here
        with pytest.raises(
            AnomalyError, match=r"backward through hypot made at test_define_op.py:\d+ .*: local derivative nan"
        ):
            corner.backward()


def test_a_defined_op_draws_with_its_symbol() -> None:
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    source = draw_dot(hypot(x, y)).source
    assert "‖·‖" in source


def test_a_defined_ops_rules_read_as_python_source_for_generated_code() -> None:
    op = smooth_clamp.op
    assert python_text(op.call_forward(SourceMath, [Name("x")], 2.0)) == "2.0 * tanh(x / 2.0)"
    assert python_text(op.local(SourceMath, [Name("x")], Name("out"), 2.0)[0]) == "1.0 - out / 2.0 * (out / 2.0)"


def test_random_graphs_pick_up_rows_users_add() -> None:
    found = find(graphs(), lambda graph: any(step.op is logsumexp.op for step in graph.steps))
    assert gradcheck(found, list(found.point), order=2)


def test_plain_numbers_become_leaves_and_an_all_number_call_gives_a_leaf() -> None:
    x = Value(3.0)
    out = hypot(x, 4)
    assert out.data == 5.0 and out.parents[0] is x and out.parents[1].is_leaf
    out.backward()
    assert x.grad == 3.0 / 5.0
    assert hypot(3, 4.0).is_leaf and hypot(3, 4.0).data == 5.0
    assert logsumexp([x, 0.0]).data == pytest.approx(math.log(math.exp(3.0) + 1.0))


def test_defining_the_same_name_again_replaces_the_row_but_not_in_built_nodes() -> None:
    first = define_op("twice", lambda F, x, c: 2.0 * x, lambda F, x, out, c: 2.0)
    x = Value(1.0)
    old_node = first(x)
    second = define_op("twice", lambda F, x, c: x + x, lambda F, x, out, c: 2.0)
    assert TABLE["twice"] is second.op
    assert old_node._op is first.op  # internal: a node keeps the row it was built with


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"name": "tanh"}, ValueError, r"'tanh' is a built-in op .*choose another name"),
        ({"name": "my op"}, ValueError, r"a name that is a Python identifier, got 'my op'"),
        ({"arity": 3}, ValueError, r"arity 1, 2 or VARIADIC \(-1\), got 3"),
        ({"forward": 2.0}, TypeError, r"forward to be a function, got float"),
        ({"rule": lambda F, x, out, c: 1.0 if x > 0 else 0.0}, TypeError,
         r"the rule does not read as source: it decides on an operand with Python.*F\.select"),
        ({"forward": lambda F, x, c: math.exp(x)}, TypeError,
         r"the forward does not read as source \(TypeError: .*\); .*F\.exp, not math\.exp"),
        ({"rule": lambda F, x, out, c: (out,)}, TypeError,
         r"the rule should return one derivative \(not a tuple\) for one operand, got \('out',\)"),
        ({"forward": lambda F, x, y: x * y, "rule": lambda F, x, y, out: (y, x)}, TypeError,
         r"a one-operand op is forward\(F, x, c\): if it takes two operands, pass arity=2"),
        ({"arity": 2, "forward": lambda F, x, y: x * y, "rule": lambda F, x, y, out: y}, TypeError,
         r"the rule should return a tuple of 2 derivatives, one per operand, got y"),
        ({"arity": VARIADIC, "forward": lambda F, xs, c: sum(xs), "rule": lambda F, xs, out, c: (1.0,),
          "test": TestSpec(arity=2)}, TypeError, r"a tuple of 2 derivatives, one per operand, got \('1.0',\)"),
    ],
)
def test_a_row_that_would_not_work_everywhere_is_refused_when_defined(
    kwargs: dict[str, Any], error: type[Exception], pattern: str
) -> None:
    arguments: dict[str, Any] = {
        "name": "refused", "forward": lambda F, x, c: F.exp(x), "rule": lambda F, x, out, c: out,
    }
    arguments.update(kwargs)
    with pytest.raises(error, match=pattern):
        define_op(**arguments)
    assert "refused" not in TABLE


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: hypot(Value(1.0)), r"hypot takes two operands \(x, y\), got 1 arguments"),
        (lambda: smooth_clamp(Value(1.0), 2.0, 3.0), r"smooth_clamp takes an operand and optionally a constant c, got 3"),
        (lambda: logsumexp(Value(1.0)), r"logsumexp expects a sequence of operands, got Value"),
        (lambda: hypot(Value(1.0), "2"), r"hypot expects Values or real numbers as operands, got str at index 1"),
        (lambda: smooth_clamp(Value(1.0), "wide"), r"smooth_clamp c expects a real number"),
    ],
)
def test_calling_a_defined_op_wrongly_says_how(call: Any, pattern: str) -> None:
    with pytest.raises(TypeError, match=pattern):
        call()


def test_a_defined_op_compiles_with_jit_and_replays_its_own_rule() -> None:
    from autograd import jit

    w = Value(1.5)
    step = jit(lambda x: smooth_clamp(w * x, 2.0) * w)
    for x in (0.5, -1.0, 2.0, 0.25):
        w.grad = 0.0
        compiled = step(x)
        compiled.backward()
        compiled_grad = w.grad
        w.grad = 0.0
        plain = smooth_clamp(w * x, 2.0) * w
        plain.backward()
        assert compiled.data == plain.data and compiled_grad == w.grad
    assert "smooth_clamp" in step.source and "tanh(" in step.source  # its rule, read as source
