"""jit is sound: a compiled function gives what the function gives, or refuses at trace time.

Organised by the ways a trace could miss what a function depends on. Each
function of a class is compared with its uncompiled run (value and
gradients) over several calls with changing inputs, or is expected to be
refused with a message naming the user's line.
"""

from __future__ import annotations

import contextlib
import functools
import linecache
import math
import random
import statistics
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from support.additions import equal_bits

import nn
from autograd import (
    JitError,
    Value,
    define_op,
    detect_anomaly,
    dot,
    grad,
    jit,
    jvp,
    linear,
    no_grad,
    vmax,
    vsum,
)
from autograd.compiler import MAX_STRUCTURES, guard_state
from autograd.rules import table

pytestmark = pytest.mark.usefixtures("each_backend")  # soundness is the tracer's, whatever compiles the program


Make = Callable[[], tuple[Callable[..., Any], list[Value]]]
"""A fresh copy of a function and its parameters: one for the plain run, one for the compiled."""


class V(float):
    """In a list of arguments: a fresh Value with this number at each call."""


def _bits(number: float) -> str:
    return number.hex() if isinstance(number, float) else repr(number)


def _run(function: Callable[..., Any], parameters: list[Value], arguments: Sequence[Any]) -> list[str]:
    """Value and gradients of one call (every float as its exact bits), or the error it raised."""
    given = [Value(float(a)) if isinstance(a, V) else a for a in arguments]
    try:
        out = function(*given)
        out.backward()
    except Exception as error:  # the same error, compiled or not
        return [type(error).__name__]
    grads = [v.grad for v in given if isinstance(v, Value)] + [p.grad for p in parameters]
    for p in parameters:
        p.grad = 0.0
    return [_bits(out.data), *map(_bits, grads)]


def _agree(make: Make, calls: Sequence[Sequence[Any]]) -> Any:
    """Run the function plainly and compiled on each call's arguments; every result must be the same bits.

    From Python 3.12 on, within the promised tolerance (``support.additions``): sums differ there.
    """
    plain, plain_parameters = make()
    function, parameters = make()
    step = jit(function)
    for arguments in calls:
        expected = _run(plain, plain_parameters, arguments)
        assert equal_bits(_run(step, parameters, arguments), expected), arguments
    return step


def _closed(function: Callable[..., Any], *parameters: Value) -> Make:
    return lambda: (function, list(parameters))


# ---------------------------------------------------------------- 1. number arguments are numbers


def _one_hot() -> tuple[Callable[..., Any], list[Value]]:
    w = [Value(0.5), Value(-1.0), Value(2.0)]

    def loss(label: int) -> Value:
        target = [1.0 if i == label else 0.0 for i in range(3)]
        return sum((wi - t) ** 2 for wi, t in zip(w, target, strict=True)) * 1.0  # type: ignore[return-value]

    return loss, w


def _branch_on_zero() -> tuple[Callable[..., Any], list[Value]]:
    w = Value(1.5)

    def f(x: float) -> Value:
        if x == 0.0:
            return w * 10.0
        return w * x

    return f, [w]


def _membership_and_type() -> tuple[Callable[..., Any], list[Value]]:
    w = Value(1.5)

    def f(x: float) -> Value:
        if x in (1.0, 2.0):
            return w * 100.0
        if isinstance(x, int):
            return w * 3.0
        return w * x if isinstance(x, float) else w

    return f, [w]


def _dict_lookup_and_ranges() -> tuple[Callable[..., Any], list[Value]]:
    w = Value(0.25)
    weights = {0: 1.0, 1: 10.0, 2: 100.0, 3: 1000.0}

    def f(n: int, k: int) -> Value:
        total = w * weights[k]
        for i in range(n - 1):
            total = total + w * [1.0, 2.0, 3.0, 4.0, 5.0][k + 1] * i
        return total

    return f, [w]


def _keyword_numbers() -> tuple[Callable[..., Any], list[Value]]:
    w = Value(2.0)

    def f(x: float, **options: float) -> Value:
        scale = options.get("scale", 1.0)
        return w * x * scale if options.get("sign", 1.0) > 0 else -w * x * scale

    return f, [w]


def _integer_arithmetic() -> tuple[Callable[..., Any], list[Value]]:
    w = Value(1.25)

    def f(n: int) -> Value:
        half, rest = n // 2, n % 2
        label = f"{n:d}-{half}"
        return w * float(len(label)) + w * half + rest + w * (n / 4)

    return f, [w]


@pytest.mark.parametrize("make, calls", [
    (_one_hot, [(0,), (0,), (0,), (2,), (1,), (2,)]),
    (_branch_on_zero, [(1.0,), (1.0,), (0.0,), (3.0,), (0.0,), (-0.0,)]),
    (_membership_and_type, [(1.0,), (1.0,), (3.0,), (2.0,), (5,), (7,)]),
    (_dict_lookup_and_ranges, [(3, 0), (3, 0), (3, 0), (4, 2), (2, 3), (4, 2)]),
    (_integer_arithmetic, [(5,), (5,), (6,), (7,), (1000,)]),
], ids=["one-hot", "== 0.0", "in-and-isinstance", "dict-range-index", "int-arithmetic"])
def test_a_number_argument_behaves_as_the_number_it_is(make: Make, calls: list[tuple[Any, ...]]) -> None:
    _agree(make, calls)


_W = Value(0.7)
_MIXED: dict[str, Callable[[Any, int, Value], Value]] = {
    "compare with a Value": lambda x, n, v: _W * x if x < v else _W * v,
    "max, min": lambda x, n, v: _W * max(x, 0.5) + min(x, v) * _W,
    "a sum over range": lambda x, n, v: _W * sum(range(n)) + _W * x,
    "a negative index": lambda x, n, v: _W * [1.0, 2.0, 3.0, 4.0][-(n % 4) - 1],
    "math": lambda x, n, v: _W * math.exp(min(x, 50.0)) + _W * math.fsum([x, x, 1e-16]),
    "statistics (tests type(x))": lambda x, n, v: _W * statistics.mean([x, 2.0]),
    "and, or": lambda x, n, v: _W * ((x and n) or 3.0),
    "a chained comparison": lambda x, n, v: _W if 0.0 <= x <= 1.0 else _W * 2.0,
    "division, floor division": lambda x, n, v: _W * (n / 3) * (x / 7.0) + _W * (7 // n if n else 1),
    "powers": lambda x, n, v: _W * (x ** 2) + _W * (2 ** n) + v ** x + v ** n,
    "nn losses": lambda x, n, v: nn.mse([_W * x], [x * 0.5]) + nn.hinge([_W * x], [1.0 if n % 2 else -1.0]),
    "cross_entropy, bce": lambda x, n, v: nn.cross_entropy([_W * x, _W, v], n % 3)
    + nn.bce_with_logits([_W * x], [float(n % 2)]),
    "dot, vsum, vmax": lambda x, n, v: dot([_W, v, x, 2.0], [x, _W, n, v], start=x)
    + vsum([x, _W, n, v * x, 0.25], start=x) + vmax([x, _W, v * n]),
    "linear": lambda x, n, v: vsum(linear([x, n], [[_W, v], [v, _W]], [x, v])),
    "bool of an int": lambda x, n, v: _W * (1.0 if n else 2.0) * (3.0 if x else 4.0),
    "abs, neg, round": lambda x, n, v: _W * abs(-x) + _W * (-n) + _W * round(n / 2),
    "format, isnan": lambda x, n, v: _W * len(f"{x:.3g}{n}") + _W * (0.0 if math.isnan(x) else x),
    "1 / x, 1 / n, x % 1": lambda x, n, v: _W * (1.0 / x) + _W * (1 / n) + _W * (x % 1.0),
    "a dict lookup, a tuple index": lambda x, n, v: _W * {1.0: 5.0, 2: 6.0}.get(x, 7.0)
    + _W * (x, 2 * x, 3 * x)[n % 3],
    "signed zeros": lambda x, n, v: _W * math.copysign(1.0, -x) * math.copysign(1.0, x * 0.0),
}


@pytest.mark.parametrize("name", sorted(_MIXED))
def test_number_arguments_mixed_with_values_equal_the_function_at_special_values(name: str) -> None:
    function = _MIXED[name]
    rng = random.Random(name)
    special = [0.0, -0.0, 1.0, 2.0, math.inf, -math.inf, math.nan, 0.5, -1.0]
    calls = []
    for _ in range(30):
        x = rng.choice(special) if rng.random() < 0.4 else rng.choice([1.5, 1.5, -2.25, 0.3, 3.0])
        calls.append((x, rng.choice([0, 1, 2, 3, 5, 2, 2]), V(rng.choice([0.5, -1.5, 2.0, 0.0]))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # past 8 patterns, or where tracing raised, it runs uncompiled
        _agree(lambda: (function, [_W]), calls)


def test_keyword_number_arguments_are_numbers_too() -> None:
    plain, plain_parameters = _keyword_numbers()
    function, parameters = _keyword_numbers()
    step = jit(function)
    for x, options in ((1.0, {}), (1.0, {}), (2.0, {"scale": 3.0}), (2.0, {"scale": 3.0, "sign": -1.0}),
                       (4.0, {"scale": 0.5, "sign": -1.0}), (4.0, {"scale": 0.5, "sign": 2.0})):
        expected = _run(functools.partial(plain, **options), plain_parameters, (x,))
        assert _run(functools.partial(step, **options), parameters, (x,)) == expected


def test_an_int_and_a_float_of_the_same_value_are_traced_apart() -> None:
    w = Value(1.0)
    step = jit(lambda x: w * 2.0 if isinstance(x, int) else w * 3.0)
    assert [step(1).data, step(1).data, step(1.0).data, step(1.0).data, step(1).data] == [2.0, 2.0, 3.0, 3.0, 2.0]


def test_an_int_too_large_for_a_float_is_fixed_and_exact() -> None:
    w = Value(1.0)

    def f(n: int) -> Value:
        return w * float(n % 7) + (1.0 if n == 2**60 + 1 else 0.0)

    for n in (2**60 + 1, 2**60 + 1, 2**60, 2**60 + 1, 2**60 + 3):
        assert jit(f)(n).data == f(n).data


def test_dividing_by_a_number_argument_that_becomes_zero_raises_as_the_function_does() -> None:
    w = Value(3.0)
    step = jit(lambda x, y: w * (x / y))
    for _ in range(3):
        assert step(1.0, 2.0).data == 1.5
    with pytest.raises(ZeroDivisionError):
        step(1.0, 0.0)
    assert step(1.0, 4.0).data == 0.75


def test_signed_zero_arguments_are_told_apart_where_the_function_can_tell() -> None:
    w = Value(1.0)

    def f(x: float) -> Value:
        return w * math.copysign(1.0, x) + w * x

    _agree(_closed(f, w), [(0.0,), (0.0,), (0.0,), (-0.0,), (-0.0,), (0.0,)])


def test_arithmetic_on_number_arguments_stays_an_input_of_the_program() -> None:
    w = Value(2.0)
    step = jit(lambda x, y: w * (-y * x + abs(x - y) / 2.0))
    calls = [(1.0, 2.0), (1.0, 2.0), (3.0, -1.0), (0.5, 0.25), (-4.0, 8.0)]
    _agree(_closed(lambda x, y: w * (-y * x + abs(x - y) / 2.0), w), calls)
    for x, y in calls:
        step(x, y)
    assert len(step.traces) == 1


# ---------------------------------------------------------------- 2. effects a replay would not repeat


def _refused(function: Callable[..., Any], *arguments: Any, match: str) -> None:
    step = jit(function)
    with pytest.raises(JitError, match=match):
        step(*arguments)


def test_backward_inside_the_function_is_refused_at_its_line() -> None:
    w = Value(1.0)

    def f(x: float) -> Value:
        loss = w * x
        loss.backward()
        return loss

    _refused(f, 2.0, match=r"backward\(\) ran at test_jit_soundness.py:\d+ \(in f\).*outside it")


def test_grad_without_a_graph_is_refused_and_with_create_graph_is_traced() -> None:
    w = Value(1.5)

    def constant_gradient(x: float) -> Value:
        (dw,) = grad(w * w * x, [w])
        return w * dw

    _refused(constant_gradient, 2.0, match=r"grad\(\) ran without create_graph=True at test_jit_soundness.py:\d+")

    def traced_gradient(x: float) -> Value:
        (dw,) = grad(w * w * x, [w], create_graph=True)
        return dw * w

    _agree(_closed(traced_gradient, w), [(2.0,), (2.0,), (3.0,), (-1.0,)])


def test_writing_data_inside_the_function_is_refused_even_if_the_function_catches_it() -> None:
    w = Value(1.0)

    def f(x: float) -> Value:
        with contextlib.suppress(Exception):  # the function catches the refusal: still refused
            w.data = x
        return w * x

    _refused(f, 2.0, match=r"\.data was assigned at test_jit_soundness.py:\d+ \(in f\).*optimizer")


def test_reading_or_writing_grad_inside_the_function_is_refused() -> None:
    w = Value(1.0)

    def reads(x: float) -> Value:
        return w * x * (1.0 + w.grad)

    def writes(x: float) -> Value:
        w.grad = 0.0
        return w * x

    _refused(reads, 2.0, match=r"\.grad was read at test_jit_soundness.py:\d+ \(in reads\)")
    _refused(writes, 2.0, match=r"\.grad was assigned at test_jit_soundness.py:\d+ \(in writes\)")
    assert w.grad == 0.0


def test_a_grad_mode_left_switched_at_return_is_refused() -> None:
    w = Value(1.0)
    switch = no_grad()

    def f(x: float) -> Value:
        switch.__enter__()
        return w * x

    try:
        _refused(f, 2.0, match=r"returned with grad mode off, but it was called with it on")
    finally:
        switch.__exit__(None, None, None)


def test_anomaly_mode_or_jvp_inside_the_function_is_refused() -> None:
    w = Value(1.0)

    def anomaly(x: float) -> Value:
        with detect_anomaly():
            return w * x

    def forward_mode(x: float) -> Value:
        _, tangent = jvp(lambda xs: xs[0] * w, [x], [1.0])
        return w * tangent

    _refused(anomaly, 2.0, match=r"AnomalyMode was plugged in at test_jit_soundness.py:\d+ \(in anomaly\)")
    _refused(forward_mode, 2.0, match=r"was plugged in at test_jit_soundness.py:\d+")


def test_a_library_side_effect_inside_the_function_is_refused_even_if_caught() -> None:
    from autograd.extend import side_effect

    w = Value(1.0)

    def f(x: float) -> Value:
        with contextlib.suppress(JitError):  # the function catches the refusal: still refused
            side_effect("a log line was written", "Write logs outside the compiled function.")
        return w * x

    _refused(f, 2.0, match=r"a log line was written at test_jit_soundness.py:\d+ \(in f\).*Write logs outside")
    assert f(2.0).data == 2.0  # outside a trace, nothing happens


def test_an_op_defined_again_under_the_same_name_is_traced_again() -> None:
    define_op("soundness_scaled", lambda F, x, c: x * 2.0, lambda F, x, out, c: 2.0)
    w = Value(1.5)

    def f(x: float) -> Value:
        from autograd import apply

        return apply(table.TABLE["soundness_scaled"], [w * x])

    try:
        step = jit(f)
        assert [step(1.0).data for _ in range(3)] == [3.0] * 3
        define_op("soundness_scaled", lambda F, x, c: x * 3.0, lambda F, x, out, c: 3.0)
        assert step(1.0).data == f(1.0).data == 4.5
    finally:
        table.remove_row("soundness_scaled")


def test_a_dict_of_aux_outputs_follows_every_call() -> None:
    w = Value(1.0)

    def f(x: float, n: int) -> tuple[Value, dict[str, Any]]:
        hidden = w * x
        return hidden * 2.0, {"hidden": hidden, "scaled": [hidden * 3.0], "n": n + 1, "x": x}

    step = jit(f, has_aux=True)
    for x, n in ((1.0, 1), (1.0, 1), (2.0, 1), (3.0, 5), (4.0, 7)):
        out, aux = step(x, n)
        assert out.data == 2.0 * x
        assert aux == {"hidden": x, "scaled": [3.0 * x], "n": n + 1, "x": x}
        assert type(aux["n"]) is int


def test_rebinding_a_global_a_closure_variable_or_a_default_traces_again() -> None:
    w = Value(2.0)
    scale = 1.0

    def closure(x: float) -> Value:
        return w * x * scale

    def defaults(x: float, shift: float = 1.0) -> Value:
        return w * x + shift

    step, with_default = jit(closure), jit(defaults)
    for value in (1.0, 1.0, 1.0, 2.0, 3.0):
        scale = value
        assert step(2.0).data == closure(2.0).data
    for value in (1.0, 1.0, 5.0):
        defaults.__defaults__ = (value,)
        assert with_default(2.0).data == defaults(2.0).data
    assert any("rebound" in trace.reason for trace in step.traces)
    w = Value(10.0)  # a new Value in the closure's cell
    assert step(2.0).data == closure(2.0).data == 60.0


def test_rebinding_an_attribute_the_function_reads_traces_again() -> None:
    class Inner:
        shift = 0.0

    class Model:
        def __init__(self) -> None:
            self.scale = 1.0
            self.w = Value(2.0)
            self.inner = Inner()

        def loss(self, x: float) -> Value:
            return self.w * x * self.scale + self.inner.shift

        def __call__(self, x: float) -> Value:
            return self.loss(x) * 2.0

    model = Model()
    method, whole = jit(model.loss), jit(model)
    for scale, shift in ((1.0, 0.0), (1.0, 0.0), (1.0, 0.0), (2.0, 0.0), (2.0, 5.0), (3.0, 5.0)):
        model.scale = scale
        model.inner.shift = shift
        assert method(2.0).data == model.loss(2.0).data
        assert whole(2.0).data == model(2.0).data
    model.w = Value(10.0)  # a new Value in an attribute: seen too
    assert method(2.0).data == model.loss(2.0).data == 65.0
    assert whole(2.0).data == 130.0


SCALE = 1.0


def _reads_a_global(x: float) -> Value:
    return Value(2.0) * x * SCALE


def test_a_rebound_module_global_is_seen() -> None:
    global SCALE
    step = jit(_reads_a_global)
    try:
        for value in (1.0, 1.0, 1.0, 4.0, 4.0, 0.5):
            SCALE = value
            assert step(3.0).data == 6.0 * value
    finally:
        SCALE = 1.0


def test_library_state_read_through_guard_state_is_checked_before_every_replay() -> None:
    class Settings:
        training = True

    settings = Settings()
    w = Value(2.0)

    def f(x: float) -> Value:
        return w * x if guard_state(lambda: settings.training) else w * 0.5

    step = jit(f)
    for training in (True, True, True, False, False, True, False):
        settings.training = training
        assert step(3.0).data == f(3.0).data
    assert len(step.traces) == 2
    assert any("library state read at test_jit_soundness.py" in part for part in step.traces[0].depends_on)


# ---------------------------------------------------------------- 3. decisions that raise, and signed zeros


def _int_or_fallback(x: Value) -> Value:
    try:
        n = int(x)
    except (ValueError, OverflowError):
        return x * 0.0
    return x * x if n > 2 else x


def _round_or_fallback(x: Value) -> Value:
    try:
        return x * float(round(x))
    except (ValueError, OverflowError):
        return x * 2.0


def _floor_or_fallback(x: Value) -> Value:
    try:
        return x * math.floor(x)
    except (ValueError, OverflowError):
        return x + 1.0


def _sign_of_zero(x: Value) -> Value:
    return x * math.copysign(2.0, float(x))


def _rounded_sign(x: Value) -> Value:
    return x + math.copysign(1.0, round(x, 1))


@pytest.mark.parametrize("function", [
    _int_or_fallback, _round_or_fallback, _floor_or_fallback, _sign_of_zero, _rounded_sign,
], ids=lambda f: f.__name__)
def test_decisions_that_raise_or_hang_on_a_sign_are_checked(function: Callable[[Value], Value]) -> None:
    inf, nan = math.inf, math.nan
    calls = [(V(inf),), (V(inf),), (V(5.0),), (V(nan),), (V(nan),), (V(0.0),), (V(-0.0),), (V(-0.0),),
             (V(0.0),), (V(1.5),), (V(-inf),)]
    _agree(_closed(function), calls)


# ---------------------------------------------------------------- 4. no false errors


def test_equal_constants_made_inside_never_look_like_two_programs() -> None:
    w = Value(1.0)

    def f(xs: list[float]) -> Value:
        positive, negative = Value(0.0), Value(0.0)
        for x in xs:
            if x > 0:
                positive = positive + w * x
            else:
                negative = negative + w * x
        pair = {positive, negative}  # a set of Values: iterated in an order of their ids
        return sorted(pair, key=lambda v: v.data)[0] * 1.0 + max(positive, negative)

    for seed in range(20):
        rng = random.Random(seed)
        xs = [rng.choice([1.0, -1.0, 0.0]) for _ in range(4)]
        _agree(_closed(f, w), [(xs,), (xs,), (xs,)])


def test_many_equal_constants_trace_to_one_program() -> None:
    w = Value(1.0)

    def f(x: float) -> Value:
        zeros = [Value(0.0) for _ in range(6)]
        total = zeros[0]
        for zero in zeros[1:]:
            total = total + zero * w
        return total + w * x

    for _ in range(10):
        step = jit(f)
        for x in (1.0, 1.0, 2.0, 3.0):
            assert step(x).data == f(x).data
        assert len(step.traces) == 1


def test_a_value_read_only_under_no_grad_gives_no_stale_graph_error() -> None:
    w, v = Value(2.0), Value(3.0)

    def f(x: float) -> Value:
        with no_grad():
            scale = v * 1.0
        return w * x * scale

    step = jit(f)
    for _ in range(3):
        plain, compiled = f(2.0), step(2.0)
        v.data += 1.0  # the plain graph holds no edge to v: backward is fine
        plain.backward()
        compiled.backward()


def test_a_value_only_decided_on_gives_no_stale_graph_error() -> None:
    w, v = Value(2.0), Value(3.0)

    def f(x: float) -> Value:
        return w * x if v > 0 else w

    step = jit(f)
    for _ in range(3):
        plain, compiled = f(2.0), step(2.0)
        v.data += 1.0
        plain.backward()
        compiled.backward()


def test_anomaly_mode_around_backward_of_a_compiled_call_raises_only_where_the_function_would() -> None:
    w = Value(0.0)

    def f(x: float) -> Value:
        return (w * x).relu() * (w + 1.0).log() + w.sqrt() * 0.0

    step = jit(f)
    for x in (1.0, 1.0, 2.0):
        plain = f(x)
        plain_error = None
        try:
            with detect_anomaly():
                plain.backward()
        except ArithmeticError as error:
            plain_error = type(error)
        compiled = step(x)
        compiled_error = None
        try:
            with detect_anomaly():
                compiled.backward()
        except ArithmeticError as error:
            compiled_error = type(error)
        assert compiled_error == plain_error


def test_a_hook_registered_on_a_number_argument_s_shadow_is_never_reached() -> None:
    w = Value(1.0)
    step = jit(lambda x, y: w * x + y)
    for x in (1.0, 2.0, 3.0):
        step(x, 1.0).backward()
    assert w.grad == 6.0


# ---------------------------------------------------------------- 5. generated source is data


def _named(name: str) -> Callable[[float], Value]:
    w = Value(1.0, label="w")

    def f(x: float) -> Value:
        return w * x

    f.__qualname__ = name
    f.__name__ = name
    return f


@pytest.mark.parametrize("name", [
    "f\nraise SystemExit('qualname ran')",
    "f\r\nimport os; os._exit(3)",
    "f\x00\u2028 # \\",
    "f'''\"\"\"\n",
    "f\n    return 1.0, ()",
])
def test_a_qualname_with_newlines_or_code_stays_in_a_comment(name: str) -> None:
    step = jit(_named(name))
    for x in (1.0, 1.0, 2.0):
        assert step(x).data == x
    header = step.source.splitlines()[0]
    assert header.startswith("# ") and "\n" not in header and "\r" not in header
    assert all(line.isprintable() for line in step.source.splitlines())


def test_a_file_name_or_a_label_with_newlines_stays_data() -> None:
    namespace: dict[str, Any] = {"Value": Value}
    source = "def f(x):\n    w = Value(2.0, label='w\\nraise SystemExit')\n    return w * x\n"
    exec(compile(source, "evil\nraise SystemExit('file name ran')\n.py", "exec"), namespace)
    step = jit(namespace["f"])
    for x in (1.0, 1.0, 3.0):
        assert step(x).data == 2.0 * x
    assert all(line.isprintable() for line in step.source.splitlines())
    assert "raise SystemExit" not in "\n".join(
        line.split("#")[0] for line in step.source.splitlines()
    )


def test_an_op_whose_name_holds_code_is_written_only_in_comments() -> None:
    from autograd import Op, apply

    op = Op("evil\nraise SystemExit", "e", 1, lambda F, x, c: x * 2.0, lambda F, x, out, c: 2.0)
    w = Value(1.0)
    step = jit(lambda x: apply(op, [w * x]))
    for x in (1.0, 1.0, 2.0):
        out = step(x)
        out.backward()
        assert out.data == 2.0 * x
    assert all(line.isprintable() for line in step.source.splitlines())


def test_a_decision_on_a_string_like_number_is_described_safely() -> None:
    w = Value(1.0)

    def f(x: float) -> Value:
        return w * x if x > -math.inf else w

    step = jit(f)
    for x in (1.0, 1.0, 2.0):
        assert step(x).data == x
    assert all(line.isprintable() for line in step.source.splitlines())


def test_labels_that_are_not_identifiers_are_not_used_as_names() -> None:
    w = Value(1.0, label="w = 1; import os")
    step = jit(lambda x: w * x)
    for x in (1.0, 1.0, 2.0):
        assert step(x).data == x
    assert "import os" not in step.source


# ---------------------------------------------------------------- 6. resources


def test_the_cache_of_argument_structures_is_bounded_and_says_what_it_evicted() -> None:
    w = Value(1.0)
    step = jit(lambda xs: w * sum(xs))
    cached_before = len(linecache.cache)
    for length in range(1, MAX_STRUCTURES + 40):
        for _ in range(2):
            assert step([1.0] * length).data == float(length)
    assert len(step._entries) <= MAX_STRUCTURES  # internal: the cache itself
    assert len(step.evicted) >= 39 and step.evicted[0].programs == 1
    assert "'list', 1" in step.evicted[0].structure
    assert len(linecache.cache) - cached_before <= MAX_STRUCTURES
    assert step([1.0]).data == 1.0  # an evicted structure traces again


def test_every_trace_says_why_it_was_made_and_what_it_depends_on() -> None:
    w = Value(1.0)
    step = jit(lambda x, n: w * x * n if x > 0 else w)
    for x, n in ((1.0, 2), (1.0, 2), (-1.0, 2)):
        step(x, n)
    first, second = step.traces
    assert first.reason == "first call"
    assert second.reason.startswith("a Value > 0.0 was True at test_jit_soundness.py:")
    assert any("structure" in part for part in first.depends_on)
    assert any("decisions" in part for part in first.depends_on)


def test_a_graph_that_changes_without_a_decision_runs_uncompiled_and_never_raises() -> None:
    w = Value(1.5)
    calls = [0]

    def f(x: float) -> Value:
        calls[0] += 1  # state the trace cannot see: the order of the sum changes
        terms = [w * x, w + x, w - x]
        if calls[0] % 2:
            terms.reverse()
        total = Value(0.0)
        for term in terms:
            total = total + term
        return total

    step = jit(f)
    with pytest.warns(UserWarning, match=r"gave two different programs.*runs uncompiled"):
        results = [step(x) for x in (1.0, 1.0, 2.0, 3.0)]
    calls[0] = 0
    assert [r.data for r in results] == [f(x).data for x in (1.0, 1.0, 2.0, 3.0)]


def test_a_value_made_from_a_number_argument_follows_it_without_a_new_trace() -> None:
    w = Value(2.0)

    def f(x: float, y: float) -> Value:
        target = Value(y)  # a leaf holding the argument's number, made again at every replay
        return (w * x - target) ** 2

    step = _agree(_closed(f, w), [(1.0, 2.0), (1.0, 2.0), (3.0, -1.0), (0.5, 0.25), (-4.0, 8.0)])
    assert len(step.traces) == 1


def test_copies_of_number_arguments_are_still_the_numbers() -> None:
    import copy

    w = Value(1.0)

    def f(xs: list[float]) -> Value:
        ys = copy.deepcopy(xs)
        return w * sum(ys) + w * copy.copy(xs[0])

    step = _agree(_closed(f, w), [([1.0, 2.0],), ([1.0, 2.0],), ([3.0, -1.0],), ([0.5, 0.25],)])
    assert len(step.traces) == 1


def test_the_text_of_a_value_is_a_read_of_its_number() -> None:
    w = Value(1.0)

    def f(x: Value) -> Value:
        return w * x if "-" not in repr(x) else w - x

    with pytest.warns(UserWarning, match=r"\.data was read at test_jit_soundness.py"):
        _agree(_closed(f, w), [(V(1.0),), (V(1.0),), (V(-1.0),), (V(2.0),), (V(-0.0),)])


def test_a_dict_key_holding_code_names_no_variable() -> None:
    w = Value(1.0)
    step = jit(lambda options: w * options["a\nraise SystemExit"] + w * options["b = 1"])
    for value in (1.0, 1.0, 2.0):
        assert step({"a\nraise SystemExit": value, "b = 1": 1.0}).data == value + 1.0
    assert "SystemExit" not in step.source and "b = 1" not in step.source


def test_a_structure_past_its_trace_limit_frees_its_programs() -> None:
    w = Value(1.5)

    def power(x: Value) -> Value:
        out = w
        for _ in range(int(x)):
            out = out * w
        return out

    step = jit(power, max_traces=2)
    cached_before = len(linecache.cache)
    with pytest.warns(UserWarning, match="2 different patterns"):
        for n in (1, 1, 2, 2, 3, 3, 4, 4):
            assert step(Value(float(n))).data == 1.5 ** (n + 1)
    assert len(linecache.cache) <= cached_before  # the generated sources are gone with the programs


def test_the_records_of_traces_and_evictions_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd.compiler import jitted

    monkeypatch.setattr(jitted, "MAX_RECORDS", 5)
    monkeypatch.setattr(jitted, "MAX_STRUCTURES", 3)
    w = Value(1.0)
    step = jit(lambda xs: w * sum(xs))
    for length in range(1, 30):
        step([1.0] * length)
    assert len(step.traces) == 5 and len(step.evicted) == 5
    assert len(step._entries) <= 3  # internal: the cache itself


def test_a_global_rebound_at_every_call_keeps_a_bounded_cache_and_the_right_results() -> None:
    global SCALE
    step = jit(_reads_a_global)
    try:
        with pytest.warns(UserWarning, match="different patterns"):
            for k in range(20):
                SCALE = float(k)
                assert step(1.0).data == 2.0 * k
    finally:
        SCALE = 1.0
    assert len(step.traces) <= 8
