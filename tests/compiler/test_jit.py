"""autograd.jit: replays equal the engine, structures and decisions are cache keys, nothing stale."""

from __future__ import annotations

import inspect
import linecache
import math
import random
from typing import Any

import pytest

# Python 3.12 made the built-in sum() of floats compensated (tests/support/additions.py).
from support.additions import equal as _equal

import nn
from autograd import JitError, Value, detect_anomaly, grad, jit, no_grad, per_call, vsum
from autograd.rules.print_python import NAMESPACE

pytestmark = pytest.mark.usefixtures("each_backend")


def _twins(seed: int = 0) -> tuple[nn.MLP, nn.MLP]:
    return (nn.MLP(2, [8, 8, 1], activation="relu", seed=seed),
            nn.MLP(2, [8, 8, 1], activation="relu", seed=seed))


def _loss_fn(model: nn.MLP) -> Any:
    params = model.parameters()

    def loss_fn(xs: list[list[float]], ys: list[float]) -> Value:
        scores = [model(x)[0] for x in xs]
        return nn.hinge(scores, ys) + 1e-4 * nn.l2(params)

    return loss_fn


def test_the_readme_example_trains_exactly_as_the_uncompiled_function() -> None:
    X, y = nn.moons(n=40, noise=0.1, seed=0)
    labels = [1.0 if t == 1 else -1.0 for t in y]
    plain, compiled = _twins()
    loss_plain, step = _loss_fn(plain), jit(_loss_fn(compiled))
    opt_plain = nn.SGD(plain.parameters(), lr=0.1)
    opt_compiled = nn.SGD(compiled.parameters(), lr=0.1)
    for _ in range(6):
        a, b = loss_plain(X, labels), step(X, labels)
        for optimizer, loss in ((opt_plain, a), (opt_compiled, b)):
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        assert _equal(b.data, a.data)
    pairs = zip(compiled.parameters(), plain.parameters(), strict=True)
    assert all(_equal(p.data, q.data) for p, q in pairs)
    assert len(step.traces) == 1 and step.traces[0].reason == "first call"
    assert "trace 1: first call" in step.source  # what was traced, atop either backend's source


def test_the_result_is_a_value_whose_backward_accumulates_into_the_same_leaves() -> None:
    w = Value(0.5, label="w")
    step = jit(lambda x: (w * x).tanh())
    plain_w = Value(0.5)
    for x in (1.0, 2.0, 3.0, 4.0):
        step(x).backward()
        (plain_w * x).tanh().backward()
    assert w.grad == plain_w.grad  # leaves accumulate across calls until zeroed
    result = step(5.0)
    assert isinstance(result, Value) and result.op == "jit" and result.parents == (w,)
    assert grad(result, [w])[0].data == pytest.approx(5.0 * (1 - math.tanh(2.5) ** 2), rel=1e-15)
    with pytest.raises(TypeError, match=r"create_graph=True\) cannot differentiate through a jit"):
        grad(result, [w], create_graph=True)


def test_value_arguments_receive_gradients_and_plain_numbers_do_not() -> None:
    def f(a: Value, b: float) -> Value:
        return (a * b + a * a).sigmoid()

    step = jit(f)
    for k in range(4):
        a, plain = Value(0.1 * k), Value(0.1 * k)
        out = step(a, 1.5 + k)
        out.backward()
        f(plain, 1.5 + k).backward()
        assert out.data == f(Value(0.1 * k), 1.5 + k).data
        assert a.grad == plain.grad


def test_a_new_argument_structure_is_a_new_trace() -> None:
    w = Value(2.0)
    step = jit(lambda xs: sum(w * x for x in xs))
    for size in (3, 3, 3, 5, 5, 5, 3):
        assert step([1.0] * size).data == 2.0 * size
    assert [t.reason for t in step.traces] == ["first call", "first call"]


def test_keyword_arguments_are_inputs_in_the_signatures_order() -> None:
    # Given in another order than the signature's, and changing from call to call.
    x = Value(2.0)
    step = jit(lambda x, *, scale=1.0, shift=0.0: x * scale + shift)
    for scale in (1.0, 1.0, 2.0, 3.0):
        out = step(x, shift=0.5, scale=scale)
        assert out.data == 2.0 * scale + 0.5
    assert len(step.traces) == 1


def test_an_int_argument_may_count_and_index_and_another_value_traces_again() -> None:
    x = Value(2.0)

    def weighted(x: Value, n: int, k: int) -> Value:
        total = x * 0.0
        for i in range(n):
            total = total + x * i
        return total * [1.0, 10.0, 100.0][k] + n

    step = jit(weighted)
    for n, k in ((3, 0), (3, 0), (3, 0), (5, 2), (2, 1), (5, 2)):
        assert step(x, n, k).data == weighted(x, n, k).data
    assert len(step.traces) == 3
    assert step.traces[1].reason.startswith(
        "an int argument used as a list index, slice or range() bound, 3 when traced, at test_jit.py:"
    )


def test_an_int_class_label_works_in_cross_entropy() -> None:
    model = nn.MLP(3, [4, 3], seed=0)
    step = jit(lambda x, label: nn.cross_entropy(model(x), label))
    for label in (0, 0, 0, 2, 1):
        assert step([1.0, 2.0, 3.0], label).data == nn.cross_entropy(model([1.0, 2.0, 3.0]), label).data


def test_fixed_options_are_part_of_the_key_and_other_objects_are_refused() -> None:
    w = Value(2.0)

    def f(x: float, kind: str) -> Value:
        return w * x if kind == "times" else w + x

    step = jit(f)
    assert [step(3.0, "times").data for _ in range(3)] == [6.0] * 3
    assert [step(3.0, "plus").data for _ in range(3)] == [5.0] * 3
    with pytest.raises(TypeError, match=r"argument x is a set; expected numbers, Values"):
        step({1.0}, "times")  # type: ignore[arg-type]


def test_a_function_that_returns_a_number_is_refused() -> None:
    with pytest.raises(TypeError, match="to return a Value, got float"):
        jit(lambda x: 1.0)(2.0)


# ---------------------------------------------------------------- never stale


def test_a_random_number_drawn_inside_is_found_on_the_second_trace_and_runs_uncompiled() -> None:
    w = Value(1.0)
    step = jit(lambda x: w * x * random.random())
    step(1.0)
    with pytest.warns(UserWarning, match=r"mul_const at test_jit.py:\d+ .*changed between calls.*per_call"):
        step(1.0)
    rng_state = random.getstate()
    drawn = [step(1.0).data for _ in range(3)]
    random.setstate(rng_state)
    assert drawn == [random.random() for _ in range(3)]  # the function's own draws, every call


def test_per_call_draws_anew_on_every_replay_in_the_same_order() -> None:
    def run(compiled: bool) -> list[float]:
        rng = random.Random(7)
        w = Value(1.0)

        def f(x: float) -> Value:
            return w * x * per_call(lambda: rng.random())

        step = jit(f) if compiled else f
        return [step(2.0).data for _ in range(5)]

    assert run(compiled=True) == run(compiled=False)
    assert len(set(run(compiled=True))) == 5


def test_dropout_masks_are_drawn_anew_on_every_replay() -> None:
    def run(compiled: bool) -> list[float]:
        model = nn.MLP(2, [6, 1], activation="tanh", seed=3, dropout=0.5)
        fn = _loss_fn(model)
        step = jit(fn) if compiled else fn
        losses = []
        for _ in range(5):
            loss = step([[0.5, -1.0], [1.0, 0.3]], [1.0, -1.0])
            model.zero_grad()
            loss.backward()
            losses.append(loss.data)
        return losses

    assert run(compiled=True) == run(compiled=False)


def test_reading_data_while_tracing_warns_where_and_another_number_traces_again() -> None:
    w = Value(1.0)
    step = jit(lambda x: w * (x * w.data))
    with pytest.warns(UserWarning, match=r"\.data was read at test_jit.py:\d+ .*every other number traces again"):
        step(1.0)
    step(1.0)
    assert step(2.0).data == 2.0
    w.data = 3.0
    assert step(2.0).data == 18.0


def test_a_changed_parameter_is_read_afresh_and_a_stale_backward_is_refused() -> None:
    w = Value(1.0)
    step = jit(lambda x: w * x)
    for _ in range(3):
        step(2.0)
    w.data = 5.0
    out = step(2.0)
    assert out.data == 10.0
    w.data = 6.0
    with pytest.raises(ValueError, match="was changed after the graph"):
        out.backward()


def test_a_parameter_replaced_by_a_new_value_is_seen_after_clear_cache() -> None:
    # Replays read the Values the trace reached; a new object in a parameter's place is
    # found only by tracing again, which clear_cache asks for.
    model = nn.MLP(2, [2, 1], seed=0)
    step = jit(lambda x: model(x)[0])
    for _ in range(3):
        step([1.0, 2.0])
    model.layers[0].neurons[0].w[0] = Value(10.0)
    step.clear_cache()
    out = step([1.0, 2.0])
    assert out.data == model([1.0, 2.0])[0].data
    out.backward()
    assert model.layers[0].neurons[0].w[0].grad != 0.0
    assert [t.reason for t in step.traces][-1] == "clear_cache() was called"


def test_no_grad_inside_the_function_is_recomputed_but_passes_no_gradient() -> None:
    w = Value(1.5)

    def f(x: float) -> Value:
        with no_grad():
            scale = w * 2.0  # a number that follows w, without a gradient
        return w * scale * x

    step = jit(f)
    for k in range(4):
        w.grad = 0.0
        out = step(1.0 + k)
        out.backward()
        assert out.data == w.data * (w.data * 2.0) * (1.0 + k)
        assert w.grad == w.data * 2.0 * (1.0 + k)  # through w only, not through scale
        w.data += 0.25


def test_under_anomaly_mode_the_function_runs_uncompiled_and_names_the_line() -> None:
    x = Value(0.0)
    step = jit(lambda v: v.log())
    for _ in range(3):
        step(x)
    with detect_anomaly(), pytest.raises(ArithmeticError, match=r"log at test_jit.py:\d+"):
        step(x)


def test_non_finite_results_come_from_the_engine_not_from_straight_line_floats() -> None:
    x = Value(1.0)
    step = jit(lambda v: (v - 1.0).sqrt() + v)
    for _ in range(3):
        out = step(x)
    x.grad = 0.0
    out.backward()
    assert out.data == 1.0 and x.grad == math.inf  # sqrt'(0): engine's IEEE result


# ---------------------------------------------------------------- the generated code


def test_generated_code_names_labels_and_comments_each_line_with_the_users_line() -> None:
    w, b = Value(0.5, label="w"), Value(0.1, label="b")
    step = jit(lambda x: (w * x + b).sigmoid(), backend="python")
    for _ in range(3):
        step(2.0)
    source = step.source
    assert "w, b = inputs" in source and "x, = numbers" in source
    assert "t2 = sigmoid(t1)  # sigmoid at test_jit.py:" in source
    assert "g_t1 += t2 * (1.0 - t2)" in source  # the seed's 1.0 folded away
    assert " * 1.0" not in source and " + 0.0" not in source


def test_internal_a_traceback_through_generated_code_shows_its_line_and_the_users(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = Value(0.5)
    step = jit(lambda x: (w * x).tanh(), backend="python")
    for _ in range(3):
        step(1.0)

    def broken(x: float) -> float:
        raise RuntimeError("boom")

    # The generated functions share one namespace: the backward's is the forward's.
    monkeypatch.setitem(step._entries[next(iter(step._entries))][0].compiled.backward.__globals__, "tanh", broken)
    with pytest.raises(RuntimeError) as caught:
        step(1.0)
    frames = [frame for frame in caught.traceback if str(frame.path).startswith("<jit")]
    assert frames
    line = linecache.getline(str(frames[0].path), frames[0].lineno + 1)
    assert "tanh" in line and "test_jit.py:" in line
    assert NAMESPACE["tanh"] is math.tanh  # the shared namespace is untouched


def test_past_the_trace_limit_it_warns_once_and_runs_uncompiled() -> None:
    w = Value(1.5)

    def power(x: Value) -> Value:
        out = w
        for _ in range(int(x)):  # a decision: how many times depends on x
            out = out * w
        return out

    step = jit(power, max_traces=2)
    with pytest.warns(UserWarning, match=r"2 different patterns of decisions.*int\(a Value\) was \d at test_jit.py:\d+") as caught:
        results = [step(Value(float(n))).data for n in (1, 1, 2, 2, 1, 2, 3, 3, 4)]
    assert results == [1.5 ** (n + 1) for n in (1, 1, 2, 2, 1, 2, 3, 3, 4)]
    assert len(caught) == 1
    assert len(step.traces) == 2


def test_giving_up_names_the_decision_that_kept_changing_with_its_line_and_what_to_do() -> None:
    table = [Value(float(k)) for k in range(20)]

    def lookup(tokens: list[int]) -> Value:
        return vsum([table[token] for token in tokens])  # indexing: an exact guard on each token

    line = inspect.getsourcelines(lookup)[1] + 1
    step = jit(lookup, max_traces=3)
    with pytest.warns(UserWarning) as caught:
        for first in range(6):
            assert step([first, 2 * first]).data == 3.0 * first
    (warning,) = [w for w in caught if "patterns of decisions" in str(w.message)]
    message = str(warning.message)
    assert "second trace" not in message
    assert f"an int argument used as a list index, slice or range() bound, 2 when traced, at test_jit.py:{line}" in message
    assert "Use autograd.take(values, index) to make the index part of the program" in message


def test_a_trace_made_before_the_first_was_confirmed_names_the_decision_that_differs() -> None:
    step = jit(lambda x, n: x * [1.0, 2.0][n])
    x = Value(1.5)
    step(x, 1)
    step(x, 0)  # before a second call with 1 confirmed the first program
    assert [record.reason for record in step.traces] == [
        "first call", "an int argument used as a list index, slice or range() bound, 1 when traced, at test_jit.py:"
        f"{inspect.getsourcelines(test_a_trace_made_before_the_first_was_confirmed_names_the_decision_that_differs)[1] + 1}"
        " (in <lambda>)",
    ]


def test_a_large_program_is_cut_into_chunks_and_still_equals_the_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from autograd.compiler.backends import python_layout as layout

    monkeypatch.setattr(layout, "CHUNK_LINES", 40)
    model = nn.MLP(2, [4, 4, 1], activation="relu", seed=1)
    fn = _loss_fn(model)
    step = jit(fn, backend="python")
    X = [[0.1 * k, -0.2 * k] for k in range(12)]
    labels = [1.0 if k % 2 else -1.0 for k in range(12)]
    for _ in range(3):
        model.zero_grad()
        compiled = step(X, labels)
        compiled.backward()
    grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    plain = fn(X, labels)
    plain.backward()
    assert compiled.data == plain.data and grads == [p.grad for p in model.parameters()]
    assert "def forward_1(_v):" in step.source and "def backward_1(_v, _g):" in step.source


def test_a_program_too_large_to_pay_back_its_compile_time_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from autograd.compiler.backends import python as python_backend

    monkeypatch.setattr(python_backend, "MAX_LINES", 100)
    model = nn.MLP(2, [4, 4, 1], activation="relu", seed=1)
    step = jit(_loss_fn(model), backend="python")
    with pytest.raises(JitError, match=r"traced to [\d,]+ nodes, [\d,]+ lines .*Trace one example at a time"):
        step([[0.1 * k, 0.2] for k in range(10)], [1.0] * 10)


def test_a_hook_on_a_node_made_inside_is_refused_and_one_on_a_parameter_runs() -> None:
    w = Value(2.0)
    seen: list[float] = []
    w.register_hook(lambda g: seen.append(g))

    def hooked_inside(x: float) -> Value:
        h = w * x
        h.register_hook(lambda g: None)
        return h.tanh()

    with pytest.raises(ValueError, match="hook was registered on a Value made inside"):
        jit(hooked_inside)(1.0)

    def hooked_parameter(x: float) -> Value:
        w.register_hook(lambda g: None)  # one more hook per call, uncompiled
        return w * x

    with pytest.raises(ValueError, match="hook was registered on a Value it was given or reached"):
        jit(hooked_parameter)(1.0)
    step = jit(lambda x: (w * x).tanh())
    for _ in range(3):
        step(0.5).backward()
    assert len(seen) == 3 and seen[0] == seen[2]


def test_jvp_through_a_compiled_function_runs_it_uncompiled() -> None:
    from autograd import jvp

    step = jit(lambda v: (v[0] * v[1]).sin())
    for _ in range(3):
        step([Value(0.3), Value(0.5)])
    value, derivative = jvp(lambda v: step(v), [0.3, 0.5], [1.0, 0.0])
    assert value == math.sin(0.15) and derivative == pytest.approx(0.5 * math.cos(0.15), rel=1e-15)


def test_a_math_function_applied_to_a_value_is_a_checked_decision() -> None:
    w = Value(1.0)

    def f(x: Value) -> Value:
        scale = math.exp(x)  # reads the number through float(): a decision the replay checks
        return w * x * scale

    step = jit(f)
    for value in (0.5, 0.5, 0.5, 0.7, 0.7, 0.7):
        out = step(Value(value))
        assert out.data == pytest.approx(value * math.exp(value), rel=1e-15)
    assert [t.reason for t in step.traces][1].startswith("float(a Value) was 0.5 at test_jit.py:")


def test_a_detached_value_inside_is_recomputed_on_every_replay_without_a_gradient() -> None:
    w = Value(2.0)

    def f(x: float) -> Value:
        return w * (w * x).detach()

    step = jit(f)
    for k in range(4):
        w.grad = 0.0
        out = step(1.0 + k)
        out.backward()
        assert out.data == w.data * w.data * (1.0 + k)
        assert w.grad == w.data * (1.0 + k)  # through the first factor only
        w.data += 0.5


def test_the_same_value_passed_twice_is_a_different_structure_from_two_values() -> None:
    def f(a: Value, b: Value) -> Value:
        return a * b

    step = jit(f)
    x = Value(3.0)
    for _ in range(3):
        x.grad = 0.0
        step(x, x).backward()
    assert x.grad == 6.0  # d(x·x)/dx
    y, z = Value(2.0), Value(5.0)
    for _ in range(3):
        y.grad = z.grad = 0.0
        out = step(y, z)
        out.backward()
    assert (out.data, y.grad, z.grad) == (10.0, 5.0, 2.0)
    assert len(step.traces) == 2


@pytest.mark.parametrize(
    ("function", "argument", "value", "gradient"),
    [
        (lambda v: v, Value(2.0), 2.0, 1.0),  # the output is the input
        (lambda v: Value(3.0), Value(2.0), 3.0, 0.0),  # a constant output
        (lambda v: v * 0.0 + 1.0, Value(2.0), 1.0, 0.0),
    ],
)
def test_outputs_that_are_inputs_or_constants_replay(
    function: Any, argument: Value, value: float, gradient: float, each_backend: str
) -> None:
    step = jit(function)
    for _ in range(3):
        argument.grad = 0.0
        out = step(argument)
        out.backward()
    assert (out.data, argument.grad) == (value, gradient)
    if each_backend == "python":
        compile(step.source, "generated", "exec")
