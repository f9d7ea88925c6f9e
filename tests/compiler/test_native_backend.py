"""The native backend: C printed from the derivative table, equal to the Python backend bit for bit.

Every row is run at IEEE special inputs against the float reading (what the
engine and the Python backend compute), random graphs, the guard suite and
workload A against the Python backend; the cache, a missing or failing
compiler, threads and malformed programs are checked as the user meets them.
"""

from __future__ import annotations

import itertools
import math
import os
import random
import struct
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.guard_suite import SUITE
from support.strategies import Expression, expressions

import autograd
import nn
from autograd import TABLE, Value, jit, vsum
from autograd.compiler import JitError, Program
from autograd.compiler.backends import (
    NATIVE_FROM_OPERATIONS,
    NativeBackend,
    NoCompiler,
    PythonBackend,
    native_available,
)
from autograd.compiler.backends.native_tape import encode
from autograd.compiler.program import Diverged, Input, Step
from autograd.rules import VARIADIC, DotConst, Op
from autograd.testing import Graph, graphs

pytestmark = pytest.mark.skipif(not native_available(), reason="no C compiler (run scripts/ensure_compiler.sh)")

SPECIAL = (math.nan, math.inf, -math.inf, 0.0, -0.0, 1e308, -1e308, 1e-308, 5e-324, 0.5, -2.5, 3.0, 1.0)
ROOT = Path(__file__).resolve().parents[2]


def bits(number: float) -> bytes:
    """A number's bits, with every NaN alike (their payloads are not part of the promise)."""
    return b"nan" if number != number else struct.pack("<d", number)


def same(one: Sequence[float], other: Sequence[float]) -> bool:
    return len(one) == len(other) and all(bits(a) == bits(b) for a, b in zip(one, other, strict=True))


def one_step_program(op: Op, count: int, const: Any) -> Program:
    inputs = tuple(Input("argument", f"x{index}") for index in range(count))
    step = Step(op, tuple(range(count)), const, True, None, "")
    return Program(inputs, (), (step,), (), count, ())


def operand_count(op: Op, const: Any) -> int:
    if type(const) is DotConst:
        return 2 * const.pairs + len(const.coefficients)
    return op.test.arity if op.arity == VARIADIC else op.arity


def compiled(program: Program, backend: Any = None) -> Any:
    return (backend or NativeBackend()).compile(program, name="f", title="f", filename="<f>")


# ---------------------------------------------------------------- every row, at special inputs


def python_backend_or_float_reading(op: Op, point: list[float], const: Any, python: Any) -> tuple[float, list[float]]:
    """What the Python backend computes; where Python raises, the float reading the jit then falls back to."""
    try:
        out, _, saved = python.run(point, [])
        return out, list(python.backward(saved))
    except (ArithmeticError, ValueError):
        out = op.float_forward(point, const)
        return out, [0.0 + 1.0 * derivative for derivative in op.float_local(point, out, const)]


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_row_gives_the_python_backends_bits_at_special_inputs(name: str) -> None:
    op = TABLE[name]
    rng = random.Random(name)
    for const in op.test.consts:
        count = operand_count(op, const)
        program = one_step_program(op, count, const)
        native, python = compiled(program), compiled(program, PythonBackend())
        points = list(itertools.product(SPECIAL, repeat=count)) if count <= 2 else [
            tuple(rng.choice(SPECIAL) for _ in range(count)) for _ in range(300)
        ]
        for point in points:
            out, _, saved = native.run(list(point), [])
            expected, gradients = python_backend_or_float_reading(op, list(point), const, python)
            assert same([out], [expected]), (name, const, point, out, expected)
            assert same(native.backward(saved), gradients), (name, const, point)


def test_pow_follows_python_at_its_special_cases() -> None:
    pow_row = TABLE["pow"]
    native = compiled(one_step_program(pow_row, 2, None))
    for x, y in itertools.product((-8.0, -1.0, -0.0, 0.0, 1.0, 2.0, math.inf, -math.inf, math.nan), repeat=2):
        out, _, _ = native.run([x, y], [])
        assert same([out], [pow_row.float_forward([x, y])]), (x, y)


# ---------------------------------------------------------------- whole programs, against the Python backend


def gradients_by(backend: str, function: Callable[..., Value], points: Sequence[Sequence[float]]) -> list[Any]:
    step = jit(function, backend=backend)
    results = []
    for point in points:
        xs = [Value(x) for x in point]
        out = step(xs)
        out.backward()
        results.append((bits(out.data), [bits(x.grad) for x in xs]))
    return results


@settings(max_examples=25)
@given(graph=graphs(max_steps=8), shifts=st.lists(st.floats(-0.3, 0.3), min_size=3, max_size=3))
def test_a_random_graph_gives_the_python_backends_bits(graph: Graph, shifts: list[float]) -> None:
    points = [[x + shift for x in graph.point] for shift in shifts]
    assert gradients_by("native", graph, points) == gradients_by("python", graph, points)


@pytest.mark.parametrize("name", sorted(SUITE))
def test_the_guard_suite_replays_as_the_python_backend_on_every_branch(name: str) -> None:
    function = SUITE[name]
    rng = random.Random(name)
    points = [(rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0)) for _ in range(40)]
    results, traces = {}, {}
    for backend in ("python", "native"):
        step = jit(lambda xs: function(xs[0], xs[1]), backend=backend)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # past 8 patterns a function runs uncompiled: still right
            results[backend] = []
            for point in points:
                xs = [Value(x) for x in point]
                out = step(xs)
                out.backward()
                results[backend].append((bits(out.data), [bits(x.grad) for x in xs]))
        traces[backend] = [record.reason for record in step.traces]
    assert results["native"] == results["python"]
    assert traces["native"] == traces["python"]  # the same decisions failed, in the same order


def mlp_training(backend: str, steps: int = 3) -> list[Any]:
    X, labels = nn.moons(100, seed=0)
    ys = [1.0 if label else -1.0 for label in labels]
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    params = model.parameters()

    def loss_fn(xs: list[list[float]], targets: list[float]) -> Value:
        return nn.hinge([model(x) for x in xs], targets) + 1e-4 * nn.l2(params)

    step = jit(loss_fn, backend=backend)
    history = []
    for _ in range(steps):
        for p in params:
            p.grad = 0.0
        loss = step(X, ys)
        loss.backward()
        history.append((bits(loss.data), [bits(p.grad) for p in params]))
        for p in params:
            p.data -= 0.1 * p.grad
    return history


def test_workload_a_trains_with_the_python_backends_bits() -> None:
    assert mlp_training("native") == mlp_training("python")


def test_a_native_function_shows_its_tape_with_the_users_lines_and_its_kernel() -> None:
    w = Value(0.5, label="w")
    step = jit(lambda x: (w * x).tanh(), backend="native")
    for _ in range(3):
        step(2.0).backward()
    assert "t2 = mul(w, x_0)" in step.source or "mul(w" in step.source
    assert "test_native_backend.py" in step.source and "vg_forward" in step.source
    assert step.traces[0].lines == 2  # tape entries


# ---------------------------------------------------------------- loops walked entry by entry


def _per_example_mlp(w: list[Value]) -> Callable[[list[float]], Value]:
    model = nn.MLP(2, [4, 1], activation="tanh", seed=1)
    return lambda xs: nn.mse([model([x, 1.0 - x]) for x in xs], [0.5] * len(xs)) + w[0] * w[0]


def _weight_read_twice(w: list[Value]) -> Callable[[list[float]], Value]:
    return lambda xs: vsum([w[0] * x + (w[0] * x).tanh() for x in xs])


def _running_total(w: list[Value]) -> Callable[[list[float]], Value]:
    def total(xs: list[float]) -> Value:
        acc = w[1]
        for x in xs:
            acc = (acc * w[0] + x).tanh()
        return acc
    return total


LOOPS = {  # a batch function, and how its loop may be walked: 3 both ways, 1 forward only, 0 step by step
    "one example's MLP per item": (_per_example_mlp, 3),
    "a weight read by two steps of each item": (_weight_read_twice, 1),
    "each item reading the one before": (_running_total, 0),
}


@pytest.mark.parametrize("name", sorted(LOOPS))
def test_a_loop_walked_entry_by_entry_gives_the_python_backends_bits(name: str) -> None:
    build, walk = LOOPS[name]
    xs = [0.1 * k - 1.3 for k in range(30)] + [-0.0, 0.0]
    results = {}
    for backend in ("python", "native"):
        w = [Value(0.7), Value(-0.2)]
        step = jit(build(w), backend=backend)
        history = []
        for _ in range(3):  # a second trace confirms, a third call replays
            for value in w:
                value.grad = 0.0
            out = step(xs)
            out.backward()
            history.append([bits(out.data), *(bits(value.grad) for value in w)])
        results[backend] = history
        if backend == "native":
            program = step.program
            assert program is not None
            tape = encode(program)
            walks = [flag for flag, count in zip(tape.segment_swap, tape.segment_count, strict=True) if count > 1]
            assert walks and max(walks) == walk
    assert results["native"] == results["python"]


@settings(max_examples=60, deadline=None)
@given(expression=expressions(max_inputs=3, max_steps=8), xs=st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=6))
def test_a_random_body_over_a_batch_gives_the_python_backends_bits(expression: Expression, xs: list[float]) -> None:
    # Each item's inputs mix shared Values (read by any number of its steps) with the item's own.
    results = []
    for backend in ("python", "native"):
        w = [Value(x) for x in expression.point]

        def batch(items: list[float], w: list[Value] = w) -> Value:
            return vsum([
                expression([v if i % 2 == 0 else v * item for i, v in enumerate(w)]) for item in items
            ])

        step = jit(batch, backend=backend)
        history = []
        for _ in range(3):
            for value in w:
                value.grad = 0.0
            try:
                out = step(xs)
                out.backward()
            except (ArithmeticError, ValueError) as error:
                history.append([type(error).__name__])
                continue
            history.append([bits(out.data), *(bits(value.grad) for value in w)])
        results.append(history)
    assert results[0] == results[1]


# ---------------------------------------------------------------- calls, threads


def test_calls_from_several_threads_at_once_give_one_result() -> None:
    w = [Value(0.1 * k) for k in range(20)]
    native = jit(lambda x: sum(((wi * x).tanh() for wi in w), Value(0.0)), backend="native")
    native(0.3), native(0.3)
    expected = [bits(native(0.01 * k).data) for k in range(50)]
    failures: list[Any] = []

    def worker() -> None:
        for k in range(50):
            if bits(native(0.01 * k).data) != expected[k]:
                failures.append(k)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


def test_a_decision_that_comes_out_differently_raises_diverged_with_its_index() -> None:
    w = Value(1.0)

    def f(x: Value) -> Value:
        return x * w if x > 0.0 else x - w

    step = jit(f, backend="native")
    step(Value(1.0)), step(Value(1.0))
    program = step.program
    assert program is not None
    native = compiled(program)
    with pytest.raises(Diverged) as raised:
        native.run([-1.0, 1.0], [])
    assert raised.value.args[0] == 0


# ---------------------------------------------------------------- malformed programs are refused before any C runs


def program_with(steps: tuple[Step, ...], output: int, inputs: int = 2) -> Program:
    return Program(tuple(Input("argument", f"x{k}") for k in range(inputs)), (), steps, (), output, ())


@pytest.mark.parametrize("program, message", [
    (program_with((Step(TABLE["mul"], (0, 7), None, True, None, ""),), 2), "reads slot 7"),
    (program_with((Step(TABLE["mul"], (0, 2), None, True, None, ""),), 2), "reads slot 2"),
    (program_with((Step(TABLE["mul"], (0, -1), None, True, None, ""),), 2), "reads slot -1"),
    (program_with((Step(TABLE["mul"], (0,), None, True, None, ""),), 2), "has 1 operands; it takes 2"),
    (program_with((Step(TABLE["dot"], (0, 1), DotConst(2, (), 0.0), True, None, ""),), 2), "need 4"),
    (program_with((Step(TABLE["mul"], (0, 1), None, True, None, ""),), 3), "names slot 3"),
])
def test_the_encoder_refuses_a_program_that_would_read_outside_its_slots(program: Program, message: str) -> None:
    with pytest.raises(JitError, match=message):
        compiled(program)


def test_a_call_with_the_wrong_number_of_inputs_is_refused_not_run() -> None:
    native = compiled(program_with((Step(TABLE["mul"], (0, 1), None, True, None, ""),), 2))
    with pytest.raises(JitError, match="slots"):
        native.run([1.0], [])
    with pytest.raises(JitError, match="saved"):
        native.backward([1.0, 2.0, 3.0])


# ---------------------------------------------------------------- compiler and cache


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **env},
    )


SMALL = (
    "from autograd import Value, jit\n"
    "w = Value(0.5)\n"
    "step = jit(lambda x: (w * x).sigmoid() * 3.0 + w, backend='native')\n"
    "for _ in range(3):\n"
    "    out = step(2.0)\n"
    "out.backward()\n"
    "print(out.data.hex(), w.grad.hex())\n"
)


def test_without_a_compiler_the_native_backend_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALUEGRAD_CC", "")
    step = jit(lambda x: x * 2.0 + 1.0, backend="native")
    with pytest.raises(NoCompiler, match=r"needs a C compiler.*VALUEGRAD_CC"):
        step(Value(1.0))


def test_a_compiler_that_fails_falls_back_to_the_python_backend_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VALUEGRAD_CC", "false")  # runs, and fails
    monkeypatch.setenv("VALUEGRAD_CACHE", str(tmp_path))
    step = jit(lambda x: (x * 2.5).tanh(), backend="native")
    with pytest.warns(RuntimeWarning, match="could not build"):
        for _ in range(3):
            out = step(Value(0.25))
    assert out.data == math.tanh(0.625)
    assert "def forward" in step.source  # the Python backend's code


def test_a_corrupt_cached_kernel_is_built_again_not_loaded(tmp_path: Path) -> None:
    env = {"VALUEGRAD_CACHE": str(tmp_path)}
    first = run_python(SMALL, env)
    assert first.returncode == 0, first.stderr
    (library,) = tmp_path.glob("*.so")
    library.write_bytes(b"\x7fELF not a library")
    again = run_python(SMALL, env)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout and not again.stderr
    assert library.read_bytes()[:4] == b"\x7fELF" and len(library.read_bytes()) > 1000


def test_two_processes_compiling_one_kernel_at_once_both_succeed(tmp_path: Path) -> None:
    env = {"VALUEGRAD_CACHE": str(tmp_path)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SMALL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    assert outputs[0][0] == outputs[1][0] != ""
    assert len(list(tmp_path.glob("*.so"))) == 1 and not list(tmp_path.glob(".*"))
    assert run_python(SMALL, env).stdout == outputs[0][0]  # and a third process loads what they left


def test_the_native_backend_and_the_python_backend_compile_the_same_program_alike() -> None:
    program = one_step_program(TABLE["softplus"], 1, None)
    by_python, by_native = compiled(program, PythonBackend()), compiled(program)
    for x in (-800.0, -3.0, 0.0, 2.0, 40.0):
        python_out, _, python_saved = by_python.run([x], [])
        native_out, _, native_saved = by_native.run([x], [])
        assert bits(python_out) == bits(native_out)
        assert same(list(python_saved and by_python.backward(python_saved)), by_native.backward(native_saved))


# ---------------------------------------------------------------- the default backend


def test_auto_compiles_a_large_program_natively_and_a_small_one_as_python() -> None:
    ws = [Value(0.001 * k) for k in range(NATIVE_FROM_OPERATIONS)]
    large = jit(lambda x: sum((w * x for w in ws), Value(0.0)), backend="auto")
    small = jit(lambda x: ws[0] * x + 1.0, backend="auto")
    for _ in range(3):
        large(2.0), small(2.0)
    assert large.backend == "auto" and "vg_forward" in large.source
    assert "def forward" in small.source


def test_auto_counts_a_long_dot_by_its_terms_not_as_one_step() -> None:
    ws = [Value(0.001 * k) for k in range(NATIVE_FROM_OPERATIONS)]
    vs = [Value(0.5) for _ in ws]
    few_steps = jit(lambda x: (autograd.dot(ws, vs) * x).tanh(), backend="auto")
    for _ in range(3):
        few_steps(2.0)
    assert few_steps.traces[0].nodes <= 3 and "vg_forward" in few_steps.source


def test_auto_without_a_compiler_uses_python_with_one_warning() -> None:
    code = (
        "import warnings\n"
        "from autograd import Value, jit\n"
        f"ws = [Value(0.001 * k) for k in range({NATIVE_FROM_OPERATIONS})]\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    for n in (1, 2):\n"
        "        step = jit(lambda x: sum((w * x for w in ws), Value(n)), backend='auto')\n"
        "        step(2.0), step(2.0)\n"
        "print(len(caught), 'def forward' in step.source)\n"
        "print(caught[0].message)\n"
    )
    done = run_python(code, {"VALUEGRAD_CC": ""})
    assert done.returncode == 0, done.stderr
    counted, message = done.stdout.splitlines()
    assert counted == "1 True" and "needs a C compiler" in message


def test_a_librarys_own_c_is_built_with_the_kernels_flags_and_a_missing_function_is_named() -> None:
    import ctypes

    from autograd.compiler import CompileFailed, load_c_functions

    source = "double twice(double x) { return 2.0 * x; }\n"
    functions = load_c_functions(source, {"twice": ([ctypes.c_double], ctypes.c_double)})
    assert functions["twice"](0.1) == 0.2
    with pytest.raises(CompileFailed, match="no function 'thrice'"):
        load_c_functions(source, {"thrice": ([ctypes.c_double], ctypes.c_double)})
