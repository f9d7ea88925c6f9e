"""Every row of the derivative table, checked at first and second order.

The tests iterate over ``autograd.ops.TABLE``: an op added to the table is
tested here without writing a new test.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import op_case

from autograd import TABLE, GradcheckError, Op, Value, apply, gradcheck
from autograd.ops import FloatMath

OPS = sorted(TABLE.values(), key=lambda op: op.name)


def _as_function(op: Op, const: Any) -> Any:
    return lambda xs: apply(op, xs, const)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_every_op_passes_gradcheck_at_first_and_second_order(op: Op, data: st.DataObject) -> None:
    point, const = data.draw(op_case(op))
    assert gradcheck(_as_function(op, const), point, order=1)
    assert gradcheck(_as_function(op, const), point, order=2)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_every_op_node_records_its_op_operands_and_forward_value(
    op: Op, data: st.DataObject
) -> None:
    point, const = data.draw(op_case(op))
    xs = [Value(x) for x in point]
    out = apply(op, xs, const)
    assert out.op == op.name
    assert out.parents == tuple(xs)
    assert out.data == op.forward(point, const)
    assert len(out.local_grads()) == len(xs)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_op_documents_its_domain_and_symbol(op: Op) -> None:
    assert op.domain and op.symbol
    assert TABLE[op.name] is op


def test_a_wrong_derivative_rule_makes_gradcheck_fail_with_a_table() -> None:
    tanh = TABLE["tanh"]
    wrong = dataclasses.replace(tanh, local=lambda F, xs, out, c: (1.0 - out,))
    with pytest.raises(GradcheckError) as error:
        gradcheck(lambda xs: apply(wrong, xs), [0.7])
    message = str(error.value)
    assert "analytic" in message and "numeric" in message and "mismatch" in message
    assert "1 of 1 derivatives disagree" in message


def test_a_rule_that_is_not_differentiable_fails_only_at_second_order() -> None:
    # Right on floats, but on Values it returns a detached constant: the first
    # derivative is correct and the second is wrong (zero).
    def detached_local(F: Any, xs: Any, out: Any, c: Any) -> tuple[Any, ...]:
        y = out.data if isinstance(out, Value) else out
        return (1.0 - y * y,)

    wrong = dataclasses.replace(TABLE["tanh"], local=detached_local)
    assert gradcheck(lambda xs: apply(wrong, xs), [0.7], order=1)
    with pytest.raises(GradcheckError, match="0,0"):
        gradcheck(lambda xs: apply(wrong, xs), [0.7], order=2)


def test_float_math_helpers_match_the_math_module() -> None:
    assert FloatMath.log(2.0) == math.log(2.0)
    assert FloatMath.sigmoid(0.0) == 0.5
