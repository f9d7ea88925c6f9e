"""Changing a Value's data after a graph was built from it: refused, never mixed."""

from __future__ import annotations

import pytest

from autograd import StaleGraphError, Value, grad


def test_backward_after_changing_a_leaf_names_the_leaf_instead_of_mixing_values() -> None:
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    y = (x * w).tanh()
    y.backward()
    first = (x.grad, w.grad)
    x.data = 3.0
    with pytest.raises(StaleGraphError, match=r"\.data of 3\.0 \(Value label 'x'\) was changed"):
        y.backward()
    assert (x.grad, w.grad) == first  # nothing was half-accumulated


def test_grad_after_changing_a_leaf_is_refused_too() -> None:
    x = Value(1.0, label="x")
    y = x * x * x
    x.data = 2.0
    with pytest.raises(StaleGraphError, match="'x'"):
        grad(y, [x])
    with pytest.raises(StaleGraphError):
        grad(y, [x], create_graph=True)


def test_a_leaf_changed_between_building_two_parts_of_one_graph_is_caught() -> None:
    x = Value(1.0, label="x")
    first = x * x
    x.data = 5.0
    second = x + 1.0
    with pytest.raises(StaleGraphError, match="'x'"):
        (first + second).backward()


def test_rebuilding_the_graph_after_the_change_differentiates_at_the_new_value() -> None:
    x = Value(1.0)
    (x * x).backward()
    x.data = 3.0
    x.grad = 0.0
    (x * x).backward()
    assert x.grad == 6.0


def test_a_training_loop_that_updates_weights_between_steps_is_not_affected() -> None:
    w = Value(0.5)
    for _ in range(3):
        loss = (w * 2.0 - 1.0) ** 2
        w.grad = 0.0
        loss.backward()
        w.data -= 0.1 * w.grad
    assert w.data == pytest.approx(0.5)


def test_changing_an_unrelated_value_does_not_invalidate_a_graph() -> None:
    x, other = Value(2.0), Value(0.0)
    y = x * x
    other.data = 1.0
    y.backward()
    y.backward()
    assert x.grad == 8.0


def test_the_data_of_a_node_made_by_an_op_cannot_be_assigned() -> None:
    y = Value(2.0) * 3.0
    with pytest.raises(AttributeError, match=r"made by mul_const cannot be assigned.*detach"):
        y.data = 1.0
    assert y.data == 6.0


def test_assigning_data_checks_the_number() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"Value.data expects a real number.*got str"):
        x.data = "2"  # type: ignore[assignment]
    x.data = 4
    assert x.data == 4.0 and type(x.data) is float
