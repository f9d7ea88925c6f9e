"""backward(): accumulation semantics, graph walking, depth, memory and gradient mode."""

from __future__ import annotations

import gc
import math
import sys
import threading
import tracemalloc

import pytest

from autograd import Value, dot, enable_grad, engine, is_grad_enabled, no_grad, vsum


def test_backward_twice_accumulates_on_leaves_only() -> None:
    x = Value(3.0)
    y = x * x * x
    y.backward()
    y.backward()
    assert x.grad == 54.0  # 27 + 27; micrograd gives 72 here
    assert y.parents[0].grad == 3.0  # the interior x*x holds the latest call only


def test_zeroing_a_leaf_restarts_accumulation() -> None:
    x = Value(3.0)
    y = x * x
    y.backward()
    x.grad = 0.0
    y.backward()
    assert x.grad == 6.0


def test_every_node_reached_gets_a_gradient() -> None:
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    c = a * b
    d = c.tanh() + a
    d.backward()
    assert d.grad == 1.0
    assert c.grad == pytest.approx(1.0 - math.tanh(-0.75) ** 2)
    assert b.grad == pytest.approx(c.grad * 0.5)
    assert a.grad == pytest.approx(c.grad * -1.5 + 1.0)


def test_backward_seed_scales_every_gradient() -> None:
    x = Value(2.0)
    (x * 3.0).backward(grad=0.5)
    assert x.grad == 1.5


def test_backward_on_a_leaf_accumulates_the_seed() -> None:
    x = Value(2.0)
    x.backward()
    x.backward(2.0)
    assert x.grad == 3.0


def test_backward_seed_must_be_a_number() -> None:
    with pytest.raises(TypeError, match="backward grad"):
        (Value(1.0) * 2).backward("one")  # type: ignore[arg-type]


def test_ancestors_are_topological_deterministic_and_exclude_self() -> None:
    def build() -> Value:
        x, w = Value(1.0, label="x"), Value(2.0, label="w")
        h = (x * w).tanh()
        return (h + h * x).relu()

    first, second = build(), build()
    order = first.ancestors()
    assert first not in order
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[parent] > position[node]  # each node before its parents
    assert [n.op + n.label for n in order] == [n.op + n.label for n in second.ancestors()]
    assert first.ancestors() == order
    assert set(order) == set(_reachable(first)) - {first}


def _reachable(root: Value) -> list[Value]:
    seen: list[Value] = []
    todo = [root]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.append(node)
            todo.extend(node.parents)
    return seen


def test_the_order_is_sorted_once_per_node_however_often_backward_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[Value] = []
    sort = engine._interior_in_reverse_topological_order

    def counting_sort(root: Value) -> tuple[Value, ...]:
        calls.append(root)
        return sort(root)

    monkeypatch.setattr(engine, "_interior_in_reverse_topological_order", counting_sort)
    x = Value(0.5)
    out = (x * x).tanh() + x
    for _ in range(3):
        out.backward()
    out.ancestors()
    assert calls == [out]
    assert x.grad == pytest.approx(3 * (2 * 0.5 * (1 - math.tanh(0.25) ** 2) + 1))


def test_leaves_come_after_every_op_node_in_ancestors() -> None:
    x, w = Value(1.0), Value(2.0)
    out = (x * w + w).relu()
    order = out.ancestors()
    assert [node.is_leaf for node in order] == [False, False, True, True]
    assert set(order[2:]) == {x, w}


def test_a_million_node_chain_backpropagates_at_the_default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0)
    y = x
    for _ in range(500_000):  # two nodes per step: 1,000,000 nodes
        y = y * 1.0001 + 0.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001**500_000, rel=1e-9)


def test_forward_and_backward_leave_nothing_for_the_cycle_collector() -> None:
    gc.collect()
    gc.disable()
    try:
        xs = [Value(float(i) / 100) for i in range(100)]
        out = vsum(x.tanh() * x + dot(xs[:10], xs[10:20]) for x in xs)
        for _ in range(300):
            out = (out * 0.5).sigmoid()
        out.backward()
        del xs, out
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_100k_node_chain_holds_at_most_250_bytes_per_node_after_backward() -> None:
    steps = 50_000  # two nodes per step
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        x = Value(1.0)
        y = x
        for _ in range(steps):
            y = y * 1.0001 + 0.0001
        y.backward()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held / (2 * steps) <= 250
    assert x.grad > 0


def test_no_grad_records_no_parents_as_context_manager_and_decorator() -> None:
    x = Value(2.0)
    with no_grad():
        y = x * 3
        assert not is_grad_enabled()
    assert is_grad_enabled()
    assert y.parents == () and y.op == "" and y.data == 6.0

    @no_grad()
    def triple(v: Value) -> Value:
        return v * 3

    assert triple(x).parents == ()
    assert triple.__name__ == "triple"
    assert (x * 3).parents == (x,)


def test_no_grad_nests_and_enable_grad_reopens_recording() -> None:
    x = Value(2.0)
    guard = no_grad()
    with guard:
        with guard:
            assert not is_grad_enabled()
            with enable_grad():
                assert (x + 1).parents == (x,)
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_is_thread_local() -> None:
    x = Value(2.0)
    recorded: list[bool] = []

    def other_thread() -> None:
        recorded.append(bool((x * 2).parents))

    with no_grad():
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert recorded == [True]


def test_no_grad_restores_recording_after_an_exception() -> None:
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError
    assert is_grad_enabled()


def test_detach_gives_a_new_leaf_with_the_same_data() -> None:
    x = Value(2.0, label="x")
    y = (x * 3).detach()
    assert y.is_leaf and y.data == 6.0
    (y * y).backward()
    assert x.grad == 0.0 and y.grad == 12.0


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


def test_dot_takes_a_check_free_path_only_for_all_values_or_all_floats() -> None:
    values, floats = [Value(2.0), Value(3.0)], [2.0, 3.0]
    assert engine.unchecked_dot_for(values) is engine.dot_of_values
    assert engine.unchecked_dot_for(floats) is engine.dot_with_numbers
    for mixed in ([Value(2.0), 3.0], [2, 3.0], [], [True, 1.0]):
        assert engine.unchecked_dot_for(mixed) is None
    ws = [Value(0.5), Value(-1.0)]
    for xs in (values, floats):
        unchecked = engine.unchecked_dot_for(xs)
        assert unchecked is not None
        assert unchecked(ws, xs, 1.0).data == dot(ws, xs, 1.0).data == 0.5 * 2.0 - 3.0 + 1.0


def test_dot_refuses_different_lengths_and_non_numbers() -> None:
    with pytest.raises(ValueError, match="same length, got 2 and 3"):
        dot([Value(1.0)] * 2, [1.0] * 3)
    with pytest.raises(TypeError, match=r"dot expects a real number.*got str"):
        dot([Value(1.0)], ["x"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"vsum expects a real number.*got NoneType"):
        vsum([Value(1.0), None])  # type: ignore[list-item]


def test_a_node_reached_by_a_short_and_a_long_path_is_finished_last() -> None:
    # out's second operand a also feeds its first operand b: a must be
    # processed after b has passed its gradient down, or a's gradient is short.
    x = Value(0.5)
    a = x * 2.0
    b = a.sin()
    out = b + a
    order = out.ancestors()
    assert order.index(b) < order.index(a)
    out.backward()
    assert x.grad == pytest.approx(2.0 * (math.cos(1.0) + 1.0))
