"""Every row of the derivative table: checked at first and second order, and read three ways.

The tests iterate over ``autograd.TABLE``: an op added to the table, built in
or with ``define_op`` (``user_ops.py`` adds one per arity before collection),
is tested here without writing a new test.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.additions import approx
from support.strategies import operand_names

from autograd import TABLE, GradcheckError, Op, Value, apply, gradcheck, jvp
from autograd.rules.floats import FloatMath
from autograd.rules.print_python import python_text
from autograd.rules.source import Name, SourceMath, as_expr
from autograd.testing import op_cases
from autograd.value_math import ValueMath

OPS = sorted(TABLE.values(), key=lambda op: op.name)


def _as_function(op: Op, const: Any) -> Any:
    return lambda xs: apply(op, xs, const)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_every_op_agrees_in_reverse_mode_forward_mode_and_finite_differences_at_both_orders(
    op: Op, data: st.DataObject
) -> None:
    # gradcheck compares reverse (grad; grad of grad) and forward (jvp; jvp of grad) with both.
    point, const = data.draw(op_cases(op))
    assert gradcheck(_as_function(op, const), point, order=1)
    assert gradcheck(_as_function(op, const), point, order=2)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_every_ops_tangent_is_its_local_derivatives_times_the_operand_tangents(
    op: Op, data: st.DataObject
) -> None:
    point, const = data.draw(op_cases(op))
    direction = data.draw(st.lists(st.sampled_from([0.0, 1.0, -0.5]), min_size=len(point), max_size=len(point)))
    value, tangent = jvp(_as_function(op, const), point, direction)
    local = op.float_local(point, value, const)
    assert value == op.float_forward(point, const)
    # From Python 3.12 on, sum() is compensated: within an absolute 1e-12 there (support.additions).
    assert tangent == approx(sum(t * d for t, d in zip(direction, local, strict=True)))


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_every_op_node_records_its_op_operands_and_forward_value(
    op: Op, data: st.DataObject
) -> None:
    point, const = data.draw(op_cases(op))
    xs = [Value(x) for x in point]
    out = apply(op, xs, const)
    assert out.op == op.name
    assert out.parents == tuple(xs)
    assert out.data == op.call_forward(FloatMath, point, const)
    assert len(out.local_grads()) == len(xs)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_every_rule_reads_the_same_on_floats_on_values_and_as_source(
    op: Op, data: st.DataObject
) -> None:
    point, const = data.draw(op_cases(op))
    out = op.call_forward(FloatMath, point, const)
    on_floats = op.local(FloatMath, point, out, const)
    xs = [Value(x) for x in point]
    on_values = op.local(ValueMath, xs, apply(op, xs, const), const)
    names = operand_names(len(point))
    source = op.local(SourceMath, [Name(name) for name in names], Name("out"), const)
    namespace = {**dict(zip(names, point, strict=True)), "out": out}
    from autograd.rules.print_python import NAMESPACE

    as_source = [eval(python_text(as_expr(d)), dict(NAMESPACE), namespace) for d in source]
    assert [_number(d) for d in on_values] == pytest.approx(list(on_floats), rel=1e-15)
    assert as_source == list(on_floats)  # bit for bit: generated code computes the same


def _number(derivative: Any) -> float:
    return derivative.data if isinstance(derivative, Value) else float(derivative)


def test_every_row_prints_its_forward_and_rule_as_python_source() -> None:
    lines = []
    for op in OPS:
        for const in op.test.consts:
            names = operand_names(op.test.arity if op.arity == -1 else op.arity)
            xs = [Name(name) for name in names]
            forward = python_text(as_expr(op.call_forward(SourceMath, xs, const)))
            rule = ", ".join(python_text(as_expr(d)) for d in op.local(SourceMath, xs, Name("out"), const))
            compile(forward, op.name, "eval")
            compile(f"({rule},)", op.name, "eval")
            lines.append(f"{op.name}: out = {forward}; d out = ({rule})")
    table = "\n".join(lines)
    print(table)  # the whole table as code, in pytest -s
    assert "tanh: out = tanh(x); d out = (1.0 - out * out)" in table
    assert "mul: out = x * y; d out = (y, x)" in table
    assert "relu: out = x if x > 0.0 else 0.0 if x <= 0.0 else x; d out = (1.0 if x > 0.0 else 0.0 if x <= 0.0 else x)" in table
    assert "add_const: out = x - 1.0; d out = (1.0)" in table


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_op_documents_its_domain_and_symbol(op: Op) -> None:
    assert op.domain and op.symbol
    assert TABLE[op.name] is op


def test_a_wrong_derivative_rule_makes_gradcheck_fail_with_a_table() -> None:
    tanh = TABLE["tanh"]
    wrong = dataclasses.replace(tanh, rule=lambda F, x, out, c: 1.0 - out)
    with pytest.raises(GradcheckError) as error:
        gradcheck(lambda xs: apply(wrong, xs), [0.7])
    message = str(error.value)
    assert "reverse" in message and "forward" in message and "numeric" in message
    assert "mismatch (reverse, forward)" in message
    assert "1 of 1 derivatives disagree" in message


def test_a_rule_that_is_not_differentiable_fails_only_at_second_order() -> None:
    # Right on floats, but on Values it returns a detached constant: the first
    # derivative is correct and the second is wrong (zero).
    def detached_rule(F: Any, x: Any, out: Any, c: Any) -> Any:
        y = out.data if isinstance(out, Value) else out
        return 1.0 - y * y

    wrong = dataclasses.replace(TABLE["tanh"], rule=detached_rule)
    assert gradcheck(lambda xs: apply(wrong, xs), [0.7], order=1)
    with pytest.raises(GradcheckError, match="0,0"):
        gradcheck(lambda xs: apply(wrong, xs), [0.7], order=2)


def test_a_rule_that_decides_with_python_if_on_an_operand_cannot_be_read_as_source() -> None:
    branchy = dataclasses.replace(TABLE["relu"], rule=lambda F, x, out, c: 1.0 if x > 0 else 0.0)
    with pytest.raises(TypeError, match="decide through F"):
        branchy.local(SourceMath, [Name("x")], Name("out"))


def test_float_math_helpers_match_the_math_module() -> None:
    assert FloatMath.log(2.0) == math.log(2.0)
    assert FloatMath.sigmoid(0.0) == 0.5
