"""The Value node: construction, operators, constants, comparisons, numerics and errors."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest

from autograd import Op, Value, apply
from autograd.anomaly import AnomalyError, detect_anomaly
from autograd.rules.op import VARIADIC


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
    ("build", "expected", "pattern"),
    [
        (lambda: Value(-1.0, label="x").log(), math.nan,
         r"log at .*: made nan from -1\.0 \(Value label 'x'\)"),
        (lambda: Value(0.0).log(), -math.inf, r"log at .*: made -inf from 0\.0"),
        (lambda: Value(-4.0).sqrt(), math.nan, r"sqrt at .*: made nan from -4\.0"),
        (lambda: Value(1000.0).exp(), math.inf, r"exp at .*: made inf from 1000\.0"),
        (lambda: Value(0.0) ** -1, math.inf, r"pow_const at .*: made inf from 0\.0 with constant -1\.0"),
        (lambda: Value(-8.0) ** 0.5, math.nan, r"pow_const at .*: made nan from -8\.0 with constant 0\.5"),
        (lambda: Value(-2.0) ** Value(0.5), math.nan, r"pow at .*: made nan from -2\.0 and 0\.5"),
        (lambda: Value(1.0) / Value(0.0), math.inf, r"div at .*: made inf from 1\.0 and 0\.0"),
        (lambda: Value(0.0) / Value(0.0), math.nan, r"div at .*: made nan"),
        (lambda: Value(-1.0) / 0, -math.inf, r"div_const at .*: made -inf .*constant 0\.0"),
        (lambda: 1.0 / Value(0.0), math.inf, r"rdiv_const at .*: made inf from 0\.0"),
        (lambda: (-2.0) ** Value(0.5), math.nan, r"rpow_const at .*: made nan"),
        (lambda: Value(1e200) * Value(1e200), math.inf, r"mul at .*: made inf from 1e\+200"),
        (lambda: Value(1e308) + Value(1e308), math.inf, r"add at .*: made inf"),
        (lambda: Value(1e200) ** 2, math.inf, r"pow_const at .*: made inf"),
        (lambda: Value(math.inf).sin(), math.nan, r"sin at .*: made nan from inf"),
        (lambda: Value(math.inf).exp(), math.inf, r"exp at .* passed on inf from its operand 0, a leaf"),
    ],
)
def test_out_of_range_input_gives_ieee_results_and_anomaly_mode_names_the_op_and_value(
    build: Any, expected: float, pattern: str
) -> None:
    out = build()
    assert out.data == expected or (math.isnan(expected) and math.isnan(out.data))
    with pytest.raises(AnomalyError, match=pattern), detect_anomaly():
        build()


def test_nan_is_never_swallowed_by_an_op() -> None:
    nan = Value(math.nan)
    for out in (nan.relu(), nan.leaky_relu(), abs(nan), nan.sigmoid(), nan.tanh(), nan * 0.0,
                nan.softplus(), nan.exp(), nan ** 0.5):
        assert math.isnan(out.data), out.op


def test_an_infinite_local_derivative_gives_an_infinite_gradient_and_anomaly_mode_names_it() -> None:
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf
    tiny = Value(1e-320)
    tiny.log().backward()
    assert tiny.grad == math.inf
    with detect_anomaly():
        y = Value(0.0)
        root = y.sqrt()
        with pytest.raises(
            AnomalyError,
            match=r"backward through sqrt made at test_value.py:\d+ .*: local derivative inf at input 0\.0 \(gradient 1\.0 arrived\)",
        ):
            root.backward()


def test_a_node_with_zero_gradient_passes_nothing_on_and_is_not_differentiated() -> None:
    # relu is off, so nothing reaches sqrt: its infinite derivative at 0 is never asked for.
    x = Value(0.0)
    out = (x.sqrt() - 1.0).relu()
    out.backward()
    assert x.grad == 0.0
    (x.sqrt() + 1.0).relu().backward()
    assert x.grad == math.inf


@pytest.mark.parametrize("operands", [1, 2, 3])
def test_a_rule_giving_the_wrong_number_of_derivatives_fails_plainly(operands: int) -> None:
    # A hand-made row whose rule forgets an operand: a plain unpacking error,
    # not an IEEE value that would blame the input.
    short = Op("short", "s", VARIADIC, lambda F, xs, c: sum(xs),
               lambda F, xs, out, c: (1.0,) * (operands - 1))
    out = apply(short, [Value(1.0) for _ in range(operands)])
    with pytest.raises(ValueError):
        out.backward()


def test_leaky_relu_slope_must_be_a_number() -> None:
    with pytest.raises(TypeError, match="slope"):
        Value(1.0).leaky_relu("steep")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "build",
    [lambda: Value(10**400), lambda: Value(1.0) * 10**400, lambda: 10**400 + Value(1.0),
     lambda: Value(1.0) ** -(10**400)],
)
def test_an_int_too_large_for_a_float_is_refused_naming_its_size(build: Any) -> None:
    with pytest.raises(ValueError, match=r"an int of 40[01] digits is too large for a float"):
        build()


def test_truth_int_and_round_read_data_like_a_one_element_tensor() -> None:
    assert bool(Value(0.0)) is False and bool(Value(-0.0)) is False
    assert bool(Value(0.5)) is True and bool(Value(math.nan)) is True
    assert int(Value(2.7)) == 2 and int(Value(-2.7)) == -2
    assert round(Value(2.675), 2) == round(2.675, 2) and round(Value(2.5)) == 2
    assert math.floor(Value(2.5)) == 2  # through float()


def test_origin_is_none_outside_anomaly_mode_and_names_the_line_inside() -> None:
    x = Value(1.0)
    assert (x * 2).origin is None
    with detect_anomaly():
        y = x * 2
    assert y.origin is not None and y.origin.function == "test_origin_is_none_outside_anomaly_mode_and_names_the_line_inside"
    assert y.origin.file == __file__ and str(y.origin).startswith("test_value.py:")
