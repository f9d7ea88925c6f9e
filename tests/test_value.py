"""The Value node: construction, operators, constants, comparisons, numerics and errors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import pytest

from autograd import Value, apply, ops
from autograd.ops import Op


@pytest.mark.parametrize("data", [2, 2.5, -0.0, Fraction(1, 2)])
def test_value_accepts_real_numbers_and_stores_a_float(data: float) -> None:
    x = Value(data)
    assert type(x.data) is float and x.data == float(data)
    assert x.grad == 0.0 and x.op == "" and x.parents == () and x.is_leaf


@pytest.mark.parametrize(
    ("data", "named"),
    [(True, "bool"), ("1.0", "str"), (None, "NoneType"), (1j, "complex"), ([1.0], "list")],
)
def test_value_refuses_non_real_data_naming_what_it_got(data: object, named: str) -> None:
    with pytest.raises(TypeError, match=f"real number.*got {named}"):
        Value(data)  # type: ignore[arg-type]


def test_value_of_a_value_is_refused_with_a_hint_to_detach() -> None:
    with pytest.raises(TypeError, match=r"got Value.*detach"):
        Value(Value(1.0))  # type: ignore[arg-type]


def test_label_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_repr_shows_data_grad_and_label_and_float_gives_data() -> None:
    x = Value(2.0, label="x")
    assert repr(x) == "Value(data=2.0, grad=0.0, label='x')"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"
    assert float(x) == 2.0


def test_parents_keep_operand_order_and_duplicates() -> None:
    x, y = Value(2.0), Value(3.0)
    assert (x * x).parents == (x, x)
    assert (y - x).parents == (y, x)
    assert (x / y).op == "div"


@pytest.mark.parametrize(
    ("build", "op", "const", "data"),
    [
        (lambda x: x + 2, "add_const", 2.0, 5.0),
        (lambda x: 2 + x, "add_const", 2.0, 5.0),
        (lambda x: x - 2, "add_const", -2.0, 1.0),
        (lambda x: 2 - x, "rsub_const", 2.0, -1.0),
        (lambda x: x * 2, "mul_const", 2.0, 6.0),
        (lambda x: 2 * x, "mul_const", 2.0, 6.0),
        (lambda x: x / 2, "div_const", 2.0, 1.5),
        (lambda x: 6 / x, "rdiv_const", 6.0, 2.0),
        (lambda x: x**2, "pow_const", 2.0, 9.0),
        (lambda x: 2**x, "rpow_const", 2.0, 8.0),
    ],
)
def test_plain_numbers_are_folded_into_the_node_not_wrapped_in_leaves(
    build: object, op: str, const: float, data: float
) -> None:
    x = Value(3.0)
    out = build(x)  # type: ignore[operator]
    assert out.op == op and out.parents == (x,) and out.const == const and out.data == data


def test_unary_minus_abs_and_methods_record_their_op() -> None:
    x = Value(0.5)
    names = {
        "neg": -x, "abs": abs(x), "exp": x.exp(), "log": x.log(), "sqrt": x.sqrt(),
        "tanh": x.tanh(), "sigmoid": x.sigmoid(), "relu": x.relu(),
        "leaky_relu": x.leaky_relu(), "softplus": x.softplus(), "sin": x.sin(),
        "cos": x.cos(), "pow": x ** Value(2.0),
    }
    for name, out in names.items():
        assert out.op == name and out.parents[0] is x
    assert x.abs().op == "abs" and +x is x


@pytest.mark.parametrize("other", ["a", None, True, 1j, [1.0]])
def test_arithmetic_with_a_non_number_raises_type_error(other: object) -> None:
    x = Value(1.0)
    with pytest.raises(TypeError):
        x + other  # type: ignore[operator]
    with pytest.raises(TypeError):
        other * x  # type: ignore[operator]


def test_comparisons_compare_data_and_return_bools() -> None:
    x, y = Value(1.0), Value(2.0)
    assert (x < y) is True and (x <= 1) is True and (y > 1.5) is True and (y >= x) is True
    assert (x < 2) is True
    assert sorted([y, x]) == [x, y]


def test_equality_and_hash_are_identity_so_values_work_in_sets_and_dicts() -> None:
    x, twin = Value(1.0), Value(1.0)
    assert x == x and x != twin
    assert len({x, twin, x}) == 2
    assert {x: "a", twin: "b"}[twin] == "b"


@pytest.mark.parametrize("big", [1000.0, 1e300, 709.0, 710.0])
def test_sigmoid_tanh_softplus_are_finite_for_any_finite_input(big: float) -> None:
    for sign in (1.0, -1.0):
        x = Value(sign * big)
        for out in (x.sigmoid(), x.tanh(), x.softplus()):
            out.backward()
            assert math.isfinite(out.data) and math.isfinite(x.grad)
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(1000.0).softplus().data == 1000.0
    assert Value(-1000.0).softplus().data == 0.0


def test_derivatives_at_kinks_are_defined() -> None:
    for build, expected in [
        (lambda x: x.relu(), 0.0),
        (lambda x: abs(x), 0.0),
        (lambda x: x.leaky_relu(0.2), 0.2),
    ]:
        x = Value(0.0)
        build(x).backward()
        assert x.grad == expected


@pytest.mark.parametrize(
    ("build", "error", "pattern"),
    [
        (lambda: Value(-1.0, label="x").log(), ValueError,
         r"log expects a positive input, got -1\.0 \(Value label 'x'\)"),
        (lambda: Value(0.0).log(), ValueError, r"log expects a positive input, got 0\.0"),
        (lambda: Value(-4.0).sqrt(), ValueError, r"sqrt expects a non-negative input.*-4\.0"),
        (lambda: Value(1000.0).exp(), OverflowError, r"exp expects .*got 1000\.0"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"pow_const .*got 0\.0 with constant -1\.0"),
        (lambda: Value(-8.0) ** 0.5, ValueError, r"pow_const .*-8\.0 with constant 0\.5"),
        (lambda: Value(-2.0) ** Value(2.0), ValueError, r"pow expects a positive base.*-2\.0"),
        (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, r"div expects a non-zero divisor"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"div_const .*constant 0\.0"),
        (lambda: 1.0 / Value(0.0), ZeroDivisionError, r"rdiv_const .*got 0\.0"),
        (lambda: (-2.0) ** Value(0.5), ValueError, r"rpow_const expects a positive"),
    ],
)
def test_out_of_domain_input_names_the_op_and_the_value(
    build: object, error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        build()  # type: ignore[operator]


def test_an_undefined_derivative_in_backward_names_the_op() -> None:
    x = Value(0.0)
    y = x.sqrt()
    with pytest.raises(ZeroDivisionError, match=r"derivative of sqrt is undefined at 0\.0"):
        y.backward()


def test_a_node_with_zero_gradient_passes_nothing_on_and_is_not_differentiated() -> None:
    # relu is off, so nothing reaches sqrt: its undefined derivative at 0 is never asked for.
    x = Value(0.0)
    out = (x.sqrt() - 1.0).relu()
    out.backward()
    assert x.grad == 0.0
    with pytest.raises(ZeroDivisionError, match="sqrt"):
        (x.sqrt() + 1.0).relu().backward()


@pytest.mark.parametrize("operands", [1, 2, 3])
def test_a_rule_giving_the_wrong_number_of_derivatives_is_not_called_undefined(
    operands: int,
) -> None:
    # A hand-made row whose rule forgets an operand: a plain unpacking error,
    # never "the derivative is undefined", which would blame the input.
    short = Op("short", "s", ops.VARIADIC, sum_of, lambda F, inputs, out, c: (1.0,) * (operands - 1))
    out = apply(short, [Value(1.0) for _ in range(operands)])
    with pytest.raises(ValueError) as caught:
        out.backward()
    assert "undefined" not in str(caught.value)


def sum_of(inputs: Sequence[float], const: object) -> float:
    return sum(inputs)


def test_leaky_relu_slope_must_be_a_number() -> None:
    with pytest.raises(TypeError, match="slope"):
        Value(1.0).leaky_relu("steep")  # type: ignore[arg-type]
