"""backward(): accumulation semantics, graph walking, depth and memory."""

from __future__ import annotations

import gc
import math
import sys
import tracemalloc

import pytest

from autograd import Value, dot, vsum
from autograd.core import sweep as graph


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


def test_internal_the_order_is_sorted_once_per_graph_however_often_backward_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[object] = []
    walk = graph.depth_first

    def counting_walk(roots: tuple[Value, ...], *args: object, **kwargs: object) -> object:
        calls.extend(roots)
        return walk(roots, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(graph, "depth_first", counting_walk)
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


def test_detach_gives_a_new_leaf_with_the_same_data() -> None:
    x = Value(2.0, label="x")
    y = (x * 3).detach()
    assert y.is_leaf and y.data == 6.0
    (y * y).backward()
    assert x.grad == 0.0 and y.grad == 12.0


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


def test_backward_accepts_a_value_as_its_seed() -> None:
    x = Value(2.0)
    (x * 3.0).backward(Value(0.5))
    assert x.grad == 1.5
