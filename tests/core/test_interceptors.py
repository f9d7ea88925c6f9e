"""Transformations plug into the engine through one per-thread stack of interceptors."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any

import pytest

from autograd import AnomalyError, Value, detect_anomaly, grad, is_tracing, jit, jvp, no_grad
from autograd.extend import Interceptor, Plug, plugged, plugged_in


class Recorder(Interceptor):
    """Writes down every event it hears, as (event, detail) pairs."""

    needs_every_op = False
    watches_gradients = True

    def __init__(self, tag: str = "", log: list[tuple[str, Any]] | None = None) -> None:
        self.tag = tag
        self.log: list[tuple[str, Any]] = [] if log is None else log

    def _heard(self, event: str, detail: Any) -> None:
        self.log.append((f"{self.tag}{event}", detail))

    def made(self, out: Value, op: Any, operands: tuple[Value, ...], const: Any, recorded: bool) -> None:
        self._heard("made", op.name)

    def decided(self, kind: str, node: Any, other: Any, outcome: Any) -> None:
        self._heard("decided", (kind, outcome))

    def read_data(self, node: Value) -> None:
        self._heard("read_data", None)

    def wrote_data(self, node: Value, value: float) -> None:
        self._heard("wrote_data", value)

    def read_grad(self, node: Value) -> None:
        self._heard("read_grad", None)

    def wrote_grad(self, node: Value, value: Any) -> None:
        self._heard("wrote_grad", value)

    def grad_mode(self, enabled: bool) -> None:
        self._heard("grad_mode", enabled)

    def sweep_started(self, root: Value, create_graph: bool, writes_grad: bool) -> None:
        self._heard("sweep_started", create_graph)

    def swept(self, node: Value, grad: Any, local: Sequence[Any]) -> None:
        self._heard("swept", node.op)

    def hook_returned(self, node: Value, hook: Callable[[Any], Any], grad: Any) -> None:
        self._heard("hook_returned", grad)


def events(log: list[tuple[str, Any]]) -> list[str]:
    return [event for event, _ in log]


def test_an_interceptor_hears_what_the_engine_does_while_it_is_plugged_in() -> None:
    x = Value(2.0)
    with plugged_in(Recorder()) as recorder:
        y = (x * 3.0).tanh()
        with no_grad():
            pass
        if y > 0.5:
            pass
        y.backward()
        x.data = 1.0
    log = recorder.log
    assert ("made", "mul_const") in log and ("made", "tanh") in log
    assert ("grad_mode", False) in log and ("grad_mode", True) in log
    assert (">", True) in [detail for event, detail in log if event == "decided"]
    assert ("wrote_data", 1.0) in log
    assert events(log).count("sweep_started") == 1
    assert [detail for event, detail in log if event == "swept"] == ["tanh", "mul_const"]


def test_nothing_is_heard_once_the_block_ends() -> None:
    recorder = Recorder()
    with plugged_in(recorder):
        pass
    (Value(1.0) * 2.0).backward()
    assert recorder.log == []


def test_interceptors_nest_by_the_stack_and_each_hears_every_event_innermost_last() -> None:
    log: list[tuple[str, Any]] = []
    with plugged_in(Recorder("outer:", log)) as outer:
        with plugged_in(Recorder("inner:", log)) as inner:
            assert plugged(Recorder) == [outer, inner]
            Value(1.0).exp()
        Value(1.0).log()
    assert log == [("outer:made", "exp"), ("inner:made", "exp"), ("outer:made", "log")]


def test_a_plug_is_per_thread() -> None:
    heard_elsewhere: list[tuple[str, Any]] = []

    def elsewhere() -> None:
        Value(1.0).sin()

    with plugged_in(Recorder(log=heard_elsewhere)):
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
    assert heard_elsewhere == []


def test_gradient_reads_are_reported_only_while_a_watcher_is_plugged_in() -> None:
    plain = type(Value.__dict__["grad"])
    x = Value(1.0)
    with plugged_in(Recorder()) as recorder:
        assert isinstance(Value.__dict__["grad"], property)
        _ = x.grad
        x.grad = 5.0
    assert ("read_grad", None) in recorder.log and ("wrote_grad", 5.0) in recorder.log
    assert type(Value.__dict__["grad"]) is plain  # a plain slot again: reads cost a slot read
    assert x.grad == 5.0


def test_a_plug_class_is_a_reentrant_context_manager_and_decorator() -> None:
    log: list[tuple[str, Any]] = []

    class recording(Plug):
        def interceptor(self) -> Interceptor:
            return Recorder(log=log)

    plug = recording()

    @plug
    def square(x: Value) -> Value:
        return x * x

    with plug:
        with plug:
            assert len(plugged(Recorder)) == 2
        assert len(plugged(Recorder)) == 1
    square(Value(3.0))
    assert ("made", "mul") in log and plugged(Recorder) == []


# ---------------------------------------------------------------- the built-in transformations nest


def test_anomaly_mode_inside_a_jvp_catches_an_infinite_tangent() -> None:
    _, tangent = jvp(lambda v: v[0].sqrt(), [0.0], [1.0])
    assert tangent == math.inf  # silent, as IEEE arithmetic is
    with detect_anomaly(), pytest.raises(AnomalyError, match="sqrt"):
        jvp(lambda v: v[0].sqrt(), [0.0], [1.0])


def test_a_jvp_inside_anomaly_mode_and_anomaly_mode_inside_a_jvp_agree() -> None:
    def f(v: Sequence[Value]) -> Value:
        return (v[0] * v[0]).tanh()

    with detect_anomaly():
        outer = jvp(f, [0.3], [1.0])
    inner = jvp(detect_anomaly()(f), [0.3], [1.0])
    assert outer == inner == jvp(f, [0.3], [1.0])


def test_a_jitted_function_runs_as_itself_under_anomaly_mode() -> None:
    @jit
    def f(x: Value) -> Value:
        return (x - 1.0).log()

    assert math.isnan(f(Value(0.5)).data)  # compiled: IEEE, silent
    with detect_anomaly(), pytest.raises(AnomalyError, match="log"):
        f(Value(0.5))


def test_a_jitted_function_gives_tangents_inside_a_jvp() -> None:
    @jit
    def f(x: Value) -> Value:
        return (x * x).sin()

    for _ in range(3):
        f(Value(0.7))  # traced and compiled first
    assert jvp(lambda v: f(v[0]), [0.7], [1.0]) == jvp(lambda v: (v[0] * v[0]).sin(), [0.7], [1.0])


def test_compiled_code_replays_under_an_interceptor_that_need_not_see_every_op() -> None:
    def calls(recorder: Interceptor | None) -> list[bool]:
        seen: list[bool] = []

        @jit
        def f(x: Value) -> Value:
            seen.append(is_tracing())
            return x * 2.0 + 1.0

        with plugged_in(recorder) if recorder else nullcontext():
            for value in (1.0, 2.0, 3.0, 4.0):
                assert f(Value(value)).data == 2.0 * value + 1.0
        return seen

    assert calls(Recorder()) == calls(None)  # needs_every_op is False: no extra runs
    assert len(calls(None)) < 4  # and the last calls replay compiled code


def test_higher_order_grad_runs_under_an_interceptor_unchanged() -> None:
    def f(x: Value) -> Value:
        return x * x * x

    x = Value(1.5)
    expected = grad(grad(f(x), [x], create_graph=True)[0], [x])
    with plugged_in(Recorder()):
        heard = grad(grad(f(x), [x], create_graph=True)[0], [x])
    assert [g.data for g in heard] == [g.data for g in expected]
