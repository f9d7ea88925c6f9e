"""Fused reductions: vsum, dot and linear build one node for many operands."""

from __future__ import annotations

import pytest

from autograd import Value, dot, linear, vsum


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
