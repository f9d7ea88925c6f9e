"""Fused reductions: vsum, dot, linear and take build one node for many operands."""

from __future__ import annotations

from typing import Any

import pytest

from autograd import Value, dot, grad, linear, take, vsum


def test_vsum_builds_one_node_for_many_operands_and_folds_numbers() -> None:
    xs = [Value(float(i)) for i in range(1000)]
    out = vsum([*xs, 2, 3.5], start=1.0)
    assert out.op == "sum" and out.parents == tuple(xs) and out.const == 6.5
    assert out.data == sum(range(1000)) + 6.5
    out.backward()
    assert all(x.grad == 1.0 for x in xs)


def test_vsum_start_may_be_a_value_and_all_numbers_give_a_leaf() -> None:
    b = Value(1.0)
    out = vsum([Value(2.0)], start=b)
    assert b in out.parents and out.data == 3.0
    assert vsum([1, 2]).is_leaf and vsum([1, 2]).data == 3.0
    assert vsum([]).data == 0.0


def test_builtin_sum_also_works() -> None:
    xs = [Value(1.0), Value(2.0)]
    out = sum(xs)
    assert isinstance(out, Value) and out.data == 3.0
    out.backward()
    assert xs[0].grad == 1.0


def test_dot_builds_one_node_with_a_bias_and_gets_every_gradient() -> None:
    ws = [Value(0.5), Value(-1.0)]
    xs = [Value(2.0), Value(3.0)]
    b = Value(0.25)
    out = dot(ws, xs, b)
    assert out.op == "dot" and out.data == 0.5 * 2 - 3.0 + 0.25
    assert set(out.parents) == {*ws, *xs, b}
    out.backward()
    assert [w.grad for w in ws] == [2.0, 3.0]
    assert [x.grad for x in xs] == [0.5, -1.0]
    assert b.grad == 1.0


def test_dot_with_plain_number_inputs_keeps_them_as_coefficients() -> None:
    ws = [Value(0.5), Value(-1.0)]
    out = dot(ws, [2.0, 3], 1.0)
    assert out.parents == tuple(ws) and out.data == 1.0 - 3.0 + 1.0
    out.backward()
    assert [w.grad for w in ws] == [2.0, 3.0]
    assert dot([1.0, 2.0], [3.0, 4.0]).data == 11.0


def test_linear_gives_one_dot_node_per_row_for_value_float_and_mixed_inputs() -> None:
    rows = [[Value(0.5), Value(-1.0)], [Value(2.0), Value(0.25)]]
    biases = [Value(1.0), Value(-0.5)]
    for xs in ([Value(2.0), Value(3.0)], [2.0, 3.0], [Value(2.0), 3], [2, 3.0]):
        outs = linear(xs, rows, biases)
        expected = [dot(row, xs, b).data for row, b in zip(rows, biases, strict=True)]
        assert [out.data for out in outs] == expected
        assert all(out.op == "dot" for out in outs)
        assert outs[0].parents[-1] is biases[0]
    assert [out.data for out in linear([2.0, 3.0], rows)] == [-2.0, 4.75]
    assert [out.data for out in linear([2.0, 3.0], rows, [1, 2.5])] == [-1.0, 7.25]


def test_linear_gradients_equal_those_of_one_dot_per_row() -> None:
    def network(use_linear: bool) -> list[float]:
        xs = [Value(0.3), Value(-0.7)]
        rows = [[Value(0.5), Value(-1.0)], [Value(2.0), Value(0.25)]]
        biases = [Value(0.1), Value(-0.2)]
        if use_linear:
            outs = linear(xs, rows, biases)
        else:
            outs = [dot(row, xs, b) for row, b in zip(rows, biases, strict=True)]
        (outs[0] * outs[1]).tanh().backward()
        return [v.grad for v in (*xs, *rows[0], *rows[1], *biases)]

    assert network(use_linear=True) == network(use_linear=False)


@pytest.mark.parametrize("inputs", ["values", "floats", "mixed"])
def test_a_layer_without_biases_equals_one_dot_per_row_in_its_nodes_results_and_gradients(inputs: str) -> None:
    def network(use_linear: bool) -> tuple[list[Any], list[float]]:
        xs: list[Any] = {"values": [Value(0.3), Value(-0.7), Value(1.1)], "floats": [0.3, -0.7, 1.1],
                         "mixed": [Value(0.3), -0.7, 1]}[inputs]
        rows = [[Value(0.5), Value(-1.0), Value(0.125)], [Value(2.0), Value(0.25), Value(-3.0)]]
        outs = linear(xs, rows) if use_linear else [dot(row, xs) for row in rows]
        (outs[0] * outs[1]).tanh().backward()
        nodes = [(out.op, out.const, len(out.parents), out.data) for out in outs]
        leaves = [v for v in (*xs, *rows[0], *rows[1]) if isinstance(v, Value)]
        return nodes, [v.grad for v in leaves]

    assert network(use_linear=True) == network(use_linear=False)


def test_linear_accepts_plain_number_weights_through_dot() -> None:
    outs = linear([Value(2.0)], [[3.0], [Value(1.0)]], [0.0, 1.0])
    assert [out.data for out in outs] == [6.0, 3.0]


def test_linear_refuses_rows_of_the_wrong_length_and_a_wrong_number_of_biases() -> None:
    with pytest.raises(ValueError, match="row 1 has 1 weights for 2 inputs"):
        linear([1.0, 2.0], [[Value(1.0), Value(2.0)], [Value(1.0)]])
    with pytest.raises(ValueError, match="one bias per row, got 1 biases for 2 rows"):
        linear([1.0], [[Value(1.0)], [Value(2.0)]], [Value(0.0)])
    with pytest.raises(TypeError, match=r"dot expects a real number.*got str"):
        linear([1.0], [["w"]])  # type: ignore[list-item]


def test_dot_refuses_different_lengths_and_non_numbers() -> None:
    with pytest.raises(ValueError, match="same length, got 2 and 3"):
        dot([Value(1.0)] * 2, [1.0] * 3)
    with pytest.raises(TypeError, match=r"dot expects a real number.*got str"):
        dot([Value(1.0)], ["x"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"vsum expects a real number.*got NoneType"):
        vsum([Value(1.0), None])  # type: ignore[list-item]


# ---------------------------------------------------------------- take


def test_take_is_one_node_whose_gradient_goes_to_the_item_taken_alone() -> None:
    xs = [Value(1.0), Value(2.0), Value(3.0)]
    out = take(xs, 1)
    assert out.op == "take" and out.data == 2.0
    assert out.parents[:3] == tuple(xs) and out.parents[3].data == 1.0  # the index: the last operand
    (out * 5.0).backward()
    assert [x.grad for x in xs] == [0.0, 5.0, 0.0]


def test_take_counts_a_negative_index_from_the_end_as_python_does() -> None:
    xs = [Value(1.0), Value(2.0), Value(3.0)]
    assert [take(xs, index).data for index in (-1, -2, -3)] == [3.0, 2.0, 1.0]


def test_take_accepts_plain_numbers_among_the_values_and_whole_number_indices() -> None:
    w = Value(0.5)
    values = [1.5, w, 4]
    assert take(values, 0).data == 1.5 and take(values, 2.0).data == 4.0
    index = Value(1.0)
    out = take(values, index)
    assert out.data == 0.5 and index in out.parents
    out.backward()
    assert w.grad == 1.0 and index.grad == 0.0  # the index passes no gradient


def test_take_gives_second_derivatives_through_the_item_taken() -> None:
    x = Value(0.3)
    (first,) = grad(take([x * x * x, x], 0), [x], create_graph=True)
    (second,) = grad(first, [x])
    assert first.data == pytest.approx(3 * 0.09) and second.data == pytest.approx(6 * 0.3)


@pytest.mark.parametrize(
    ("values", "index", "error", "message"),
    [
        ([1.0, 2.0], 2, IndexError, r"index 2 is out of range for 2 values \(expected an int from -2 to 1\)"),
        ([1.0, 2.0], -3, IndexError, r"index -3 is out of range for 2 values"),
        ([1.0, 2.0], 0.5, ValueError, r"whole-number index, got 0.5"),
        ([1.0, 2.0], float("nan"), ValueError, r"whole-number index, got nan"),
        ([1.0, 2.0], Value(1.5), ValueError, r"whole-number index, got 1.5"),
        ([1.0, 2.0], True, TypeError, r"int index .* got bool: True"),
        ([1.0, 2.0], "1", TypeError, r"int index .* got str: '1'"),
        ([1.0, 2.0], None, TypeError, r"got NoneType: None"),
        ([], 0, ValueError, r"at least one value to take from, got none"),
        ([1.0, "a"], 0, TypeError, r"take expects a real number"),
    ],
)
def test_take_refuses_an_index_that_names_no_item_saying_what_it_got(
    values: list[Any], index: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        take(values, index)
