"""Gradient hooks: when they run, what a returned number replaces, and that they cost no cycles."""

from __future__ import annotations

import gc
import math
import sys
from typing import Any

import pytest

import nn
from autograd import AnomalyError, Value, detect_anomaly, grad
from autograd.core.hooks import live


def test_an_op_node_hook_sees_its_complete_gradient_before_it_is_passed_on() -> None:
    x = Value(2.0)
    h = x * 3.0  # reached twice below: its gradient is complete only after both uses
    out = h * h + h
    seen: list[float] = []
    h.register_hook(seen.append)
    out.backward()
    assert seen == [2 * 6.0 + 1.0]
    assert x.grad == 3.0 * 13.0


def test_a_number_returned_by_an_op_node_hook_is_passed_on_and_shown_as_its_grad() -> None:
    x = Value(2.0)
    h = x * 3.0
    h.register_hook(lambda g: 0.5)
    (h * h).backward()
    assert h.grad == 0.5
    assert x.grad == 1.5


def test_a_leaf_hook_sees_this_calls_gradient_before_it_is_added_to_grad() -> None:
    w = Value(3.0)
    seen: list[float] = []
    w.register_hook(lambda g: seen.append(g) or g / 2)  # type: ignore[func-returns-value]
    y = w * w
    y.backward()
    y.backward()
    assert seen == [6.0, 6.0]  # never the accumulated 3.0 or 6.0 of .grad
    assert w.grad == 3.0 + 3.0


def test_hooks_clip_each_parameters_gradient_in_a_training_step() -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    params = model.parameters()
    handles = [p.register_hook(lambda g: max(-0.01, min(0.01, g))) for p in params]
    loss = nn.mse([model([3.0, -4.0])[0]], [100.0])
    loss.backward()
    assert all(abs(p.grad) <= 0.01 for p in params)
    assert any(abs(p.grad) == 0.01 for p in params)
    for handle in handles:
        handle.remove()


def test_several_hooks_run_in_registration_order_each_on_the_previous_result() -> None:
    x = Value(1.0)
    calls: list[str] = []
    x.register_hook(lambda g: calls.append(f"a{g}") or g + 1)  # type: ignore[func-returns-value]
    x.register_hook(lambda g: calls.append(f"b{g}") or g * 10)  # type: ignore[func-returns-value]
    (x * 2.0).backward()
    assert calls == ["a2.0", "b3.0"]
    assert x.grad == 30.0


def test_a_hook_returning_none_keeps_the_gradient() -> None:
    x = Value(1.0)
    x.register_hook(lambda g: None)
    (x * 2.0).backward()
    assert x.grad == 2.0


def test_remove_unregisters_and_removing_twice_does_nothing() -> None:
    x = Value(1.0)
    handle = x.register_hook(lambda g: 0.0)
    handle.remove()
    handle.remove()
    (x * 2.0).backward()
    assert x.grad == 2.0
    with x.register_hook(lambda g: 0.0):
        (x * 2.0).backward()
    (x * 2.0).backward()
    assert x.grad == 4.0  # the hook zeroed the middle call's contribution only


def test_a_hook_may_remove_itself_while_it_runs() -> None:
    x = Value(1.0)
    calls: list[float] = []

    def once(g: float) -> None:
        calls.append(g)
        handle.remove()

    handle = x.register_hook(once)
    (x * 2.0).backward()
    (x * 2.0).backward()
    assert calls == [2.0]


def test_a_hook_receives_zero_under_an_inactive_relu_and_its_number_flows_on() -> None:
    x = Value(-1.0)
    h = x * 2.0
    seen: list[float] = []
    h.register_hook(lambda g: seen.append(g) or 1.0)  # type: ignore[func-returns-value]
    h.relu().backward()
    assert seen == [0.0]
    assert x.grad == 2.0


def test_hooks_on_the_root_and_on_a_leaf_root_see_the_seed() -> None:
    x = Value(2.0)
    y = x * x
    y.register_hook(lambda g: g * 3)
    y.backward(0.5)
    assert x.grad == 0.5 * 3 * 4.0
    lonely = Value(1.0)
    lonely.register_hook(lambda g: g + 1)
    lonely.backward(2.0)
    assert lonely.grad == 3.0


def test_hooks_run_in_grad_and_replace_what_it_returns_without_touching_grad() -> None:
    x = Value(2.0)
    h = x * 3.0
    h.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: g + 1)
    dh, dx = grad(h * h, [h, x])
    assert dh.data == 120.0
    assert dx.data == 361.0
    assert x.grad == 0.0 and h.grad == 0.0


def test_with_create_graph_hooks_receive_values_and_what_they_return_is_differentiated() -> None:
    x = Value(2.0)
    y = x * x
    received: list[Any] = []
    # y's gradient 1 becomes 1·y, so x receives y · 2x = 2x³: a function of x, differentiated again.
    with y.register_hook(lambda g: received.append(g) or g * y):  # type: ignore[func-returns-value]
        (dx,) = grad(y * 1.0, [x], create_graph=True)
    assert isinstance(received[0], Value)
    assert dx.data == 2 * 2.0**3
    (d2x,) = grad(dx, [x])  # the hook is gone: it would scale y's gradient in this sweep too
    assert d2x.data == 6 * 2.0**2


def test_with_create_graph_a_hook_may_return_a_plain_number() -> None:
    x = Value(2.0)
    x.register_hook(lambda g: 7)
    (dx,) = grad(x * x, [x], create_graph=True)
    assert isinstance(dx, Value) and dx.data == 7.0


def test_a_hook_returning_something_else_is_refused_naming_it() -> None:
    x = Value(1.0)

    def label(g: float) -> str:
        return "big"

    x.register_hook(label)
    with pytest.raises(TypeError, match=r"hook .*label returned str: 'big'; expected a number, a Value or None"):
        (x * 2.0).backward()


def test_a_value_returned_in_a_sweep_on_floats_gives_its_data() -> None:
    # So one hook serves backward and grad(create_graph=True) alike.
    x = Value(1.0)
    x.register_hook(lambda g: Value(5.0) * g)
    (x * 2.0).backward()
    assert x.grad == 10.0


def test_register_hook_refuses_what_is_not_callable() -> None:
    with pytest.raises(TypeError, match=r"register_hook expects a function of the gradient, got float: 1\.0"):
        Value(1.0).register_hook(1.0)  # type: ignore[arg-type]


def test_under_anomaly_mode_a_hook_returning_nan_is_named() -> None:
    w = Value(1.0, label="w")
    w.register_hook(lambda g: math.nan)
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"hook .*<lambda> on a leaf \(Value label 'w'\) returned gradient nan"):
        (w * 2.0).backward()


def test_registering_a_hook_adds_no_reference_to_the_value() -> None:
    x = Value(1.0)
    before = sys.getrefcount(x)
    handle = x.register_hook(print)
    assert sys.getrefcount(x) == before
    del handle  # a dropped handle leaves the hook registered
    assert x._hooks  # internal: where hooks live


def test_no_reference_cycles_remain_after_training_with_hooks_registered_and_removed() -> None:
    gc.collect()
    gc.disable()
    try:
        model = nn.MLP(2, [8, 1], activation="relu", seed=0)
        params = model.parameters()
        X, y = nn.moons(n=20, noise=0.1, seed=0)
        labels = [1.0 if t == 1 else -1.0 for t in y]
        for _ in range(3):
            handles = [p.register_hook(lambda g: max(-1.0, min(1.0, g))) for p in params]
            scores = [model(x)[0] for x in X]
            # Hooks that refer to their own Value: a cycle while registered, none once removed.
            handles += [s.register_hook(lambda g, s=s: g * 0.5 if s.data > 0 else g) for s in scores]
            loss = nn.hinge(scores, labels)
            for p in params:
                p.grad = 0.0
            loss.backward()
            for p in params:
                p.data -= 0.1 * p.grad
            for handle in handles:
                handle.remove()
        del model, params, scores, loss, handles
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_internal_no_hook_is_looked_for_once_every_hook_is_removed_or_its_value_is_gone() -> None:
    gc.collect()  # Values of earlier tests still waiting in cycles
    assert len(live) == 0
    x = Value(1.0)
    handle = x.register_hook(print)
    other = Value(2.0)
    other.register_hook(print)
    assert len(live) >= 2
    handle.remove()
    del other  # its hooks go with it, without the cycle collector
    assert len(live) == 0


def test_a_hook_that_raises_leaves_every_gradient_as_it_was_before_the_backward() -> None:
    x, w = Value(2.0), Value(3.0)
    (x * w + w).backward()
    before = (x.grad, w.grad)

    def fails(grad: float) -> float:
        raise RuntimeError("a hook failed")

    x.register_hook(fails)
    with pytest.raises(RuntimeError, match="a hook failed"):
        (x * w + w).backward()
    assert (x.grad, w.grad) == before
