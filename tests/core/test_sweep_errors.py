"""An exception anywhere in a sweep leaves every ``.grad`` as it was; copies own their hooks."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

import pytest

from autograd import Value, define_op, detect_anomaly, grad


class Boom(Exception):
    """Raised on purpose inside a sweep."""


def _raise(_: float) -> float:
    raise Boom("on purpose")


def _graph() -> tuple[Value, Value, Value, Value]:
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    h = x * y
    return x, y, h, (h * h + x).tanh() * 0.5 + h


def _grads(*values: Value) -> list[float]:
    return [value.grad for value in values]


@pytest.fixture
def raising_op() -> Iterator[Callable[[Value], Value]]:
    armed = {"raise": False}  # off while define_op reads the rule as source

    def rule(F: object, x: object, out: object, c: object) -> object:
        if armed["raise"]:
            raise Boom("a rule of your own raised")
        return 2.0

    op = define_op("raise_in_rule", lambda F, x, c: x * 2.0, rule)
    armed["raise"] = True
    yield op
    from autograd.rules import table

    table.remove_row("raise_in_rule")


@pytest.mark.parametrize("where", ["leaf x", "leaf y", "op node h", "root"])
def test_a_hook_that_raises_leaves_every_grad_as_before_the_sweep(where: str) -> None:
    x, y, h, out = _graph()
    out.backward()
    before = _grads(x, y, h, out)
    target = {"leaf x": x, "leaf y": y, "op node h": h, "root": out}[where]
    handle = target.register_hook(_raise)
    with pytest.raises(Boom):
        out.backward()
    assert _grads(x, y, h, out) == before
    handle.remove()
    out.backward()  # and the next sweep accumulates from there
    assert x.grad == 2 * before[0]


def test_a_rule_of_your_own_that_raises_leaves_every_grad_as_before_on_the_float_path(
    raising_op: Callable[[Value], Value],
) -> None:
    x, y, h, out = _graph()
    out.backward()
    before = _grads(x, y, h, out)
    broken = raising_op(out) + x * y  # the float path: no hook, nothing plugged in
    with pytest.raises(Boom):
        broken.backward()
    assert _grads(x, y, h, out) == before
    assert broken.grad == 0.0


def test_a_rule_of_your_own_that_raises_under_grad_leaves_every_grad_alone(
    raising_op: Callable[[Value], Value],
) -> None:
    x, y, h, out = _graph()
    out.backward()
    before = _grads(x, y, h, out)
    with pytest.raises(Boom):
        grad(raising_op(out) * x, [x, y])
    assert _grads(x, y, h, out) == before


def test_anomaly_mode_raising_leaves_every_grad_as_before() -> None:
    x = Value(0.0)
    y = Value(1.0)
    (x * y).backward()
    before = _grads(x, y)
    out = x.sqrt() * y  # an infinite local derivative at 0
    with pytest.raises(Exception), detect_anomaly():  # noqa: B017  # anomaly's own error type
        out.backward()
    assert _grads(x, y) == before


@pytest.mark.parametrize("make_copy", [copy.copy, copy.deepcopy], ids=["copy", "deepcopy"])
def test_hooks_registered_on_a_copy_run_on_the_copy_only(make_copy: Callable[[Value], Value]) -> None:
    original = Value(1.0)
    seen: list[str] = []
    original.register_hook(lambda g: seen.append("original") or None)  # type: ignore[func-returns-value]
    duplicate = make_copy(original)
    duplicate.register_hook(lambda g: seen.append("copy") or None)  # type: ignore[func-returns-value]
    (original * 3.0).backward()
    assert seen == ["original"]
    seen.clear()
    (duplicate * 2.0).backward()
    assert seen == ["original", "copy"]  # the copy started with the original's hooks
    assert original.grad == 3.0
    assert duplicate.grad == 2.0


@pytest.mark.parametrize("make_copy", [copy.copy, copy.deepcopy], ids=["copy", "deepcopy"])
def test_removing_a_hook_of_the_original_leaves_the_copys_hook(make_copy: Callable[[Value], Value]) -> None:
    original = Value(1.0)
    handle = original.register_hook(lambda g: 10.0)
    duplicate = make_copy(original)
    handle.remove()
    (duplicate * 2.0).backward()
    (original * 2.0).backward()
    assert duplicate.grad == 10.0
    assert original.grad == 2.0


def test_a_deep_copy_of_an_op_node_copies_its_graph_and_shares_its_op() -> None:
    x = Value(2.0)
    out = x * x + 1.0
    duplicate = copy.deepcopy(out)
    assert duplicate.op == out.op and duplicate.data == out.data
    assert duplicate.parents[0] is not out.parents[0]
    duplicate.backward()
    assert x.grad == 0.0
    (copied_x,) = {id(leaf): leaf for leaf in duplicate.ancestors() if leaf.is_leaf}.values()
    assert copied_x.grad == 4.0
