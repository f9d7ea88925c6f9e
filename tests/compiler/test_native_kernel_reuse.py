"""The native backend's kernel depends on the rows a program uses, not on its numbers or sizes.

A batch loss over n examples folds 1/n and sums n operands; a document's
loss depends on its length. One compiled kernel serves them all, and reading
numbers at run time never changes a bit: every result and gradient equals
the Python backend's, signed zeros and NaNs included.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, dot, jit, vmax, vsum
from autograd.compiler import JitError
from autograd.compiler.backends import native_available
from autograd.compiler.backends.native import _Replay
from autograd.compiler.backends.native_build import load_kernel
from autograd.compiler.backends.native_kernel import kernel_source
from autograd.compiler.backends.native_tape import encode

pytestmark = [
    pytest.mark.skipif(not native_available(), reason="no C compiler (run scripts/ensure_compiler.sh)"),
    pytest.mark.filterwarnings("error:jit. the native backend could not build"),  # no silent fallback to Python
]

AWKWARD = (-0.0, 0.0, math.nan, math.inf, -math.inf, 1.5, -2.0)


def kernel_of(jitted: object) -> str:
    """The kernel's C as ``Jitted.source`` shows it after the tape (same text, same compiled kernel)."""
    source: str = jitted.source  # type: ignore[attr-defined]
    return source[source.index("/* valuegrad native kernel"):]


def bits(number: float) -> bytes:
    return struct.pack("<d", number)


def gradients_and_value(fn: Callable[..., Value], backend: str, inputs: Sequence[float]) -> list[bytes]:
    step = jit(fn, backend=backend)
    values = [Value(number) for number in inputs]
    out = step(*values)
    out.backward()
    return [bits(out.data), *(bits(value.grad) for value in values)]


def batch_loss(points: int) -> tuple[Callable[..., Value], list[list[float]], list[float]]:
    model = nn.MLP(2, [4, 1])
    xs = [[math.sin(i), math.cos(3 * i)] for i in range(points)]
    labels = [1.0 if i % 2 else -1.0 for i in range(points)]

    def loss(X: list[list[float]], ys: list[float]) -> Value:
        return nn.hinge([model(x) for x in X], ys) + 1e-4 * nn.l2(model.parameters())

    return loss, xs, labels


def test_one_kernel_serves_a_model_at_batch_1_32_and_100() -> None:
    kernels = set()
    for points in (1, 32, 100):
        loss, xs, labels = batch_loss(points)
        step = jit(loss, backend="native")
        step(xs, labels)
        kernels.add(kernel_of(step))
    assert len(kernels) == 1


def test_one_kernel_serves_documents_of_every_length_and_gcc_runs_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VALUEGRAD_CACHE", str(tmp_path))

    def document_loss(weights: list[Value], tokens: list[float]) -> Value:
        # Causal attention-like scores, a stable log-sum-exp per position, a mean over the document.
        losses = []
        for t, token in enumerate(tokens):
            scores = [dot([weights[0]], [tokens[j]], token * weights[1]) for j in range(t + 1)]
            shift = vmax(scores)
            total = vsum([(score - shift).exp() for score in scores])
            losses.append(total.log() + shift - scores[-1])
        return vsum(losses) / len(tokens)

    kernels = set()
    for length in (3, 7, 12):
        step = jit(document_loss, backend="native")
        weights = [Value(0.3), Value(-0.7)]
        step(weights, [0.1 * i for i in range(length)])
        kernels.add(kernel_of(step))
    assert len(kernels) == 1
    assert len(list(tmp_path.glob("*.so"))) <= 1  # none if this process built that kernel before


def test_numbers_read_at_run_time_give_the_python_backends_bits_at_special_numbers() -> None:
    def special(a: Value, b: Value) -> Value:
        zero = Value(0.0)
        terms = [
            a + 0.0, a + -0.0, b - 0.0, 0.0 - a, -0.0 - b, a * 1.0, b * -1.0, a * 0.03125,
            (a * a + 2.0) ** 1.0, (b * b + 1.0) ** 2.0, (a * a + 0.5) ** 0.5, a / 7.0, a.leaky_relu(0.2),
            vsum([a, b]), vsum([a, b], -0.0), vsum([a, b], 2.5), vsum([zero, a, zero, b]), vsum([b, zero, a]),
            vsum([Value(1.5), Value(-1.5), a]), dot([a, b], [a, b]), dot([a, b], [b, a], 1.25),
            dot([a], [3.0], 0.0), dot([a, b], [-1.0, 0.25]), vmax([a, b, a * 2.0]),
        ]
        return vsum([term * (position + 1.0) for position, term in enumerate(terms)])

    for a in AWKWARD:
        for b in AWKWARD:
            assert gradients_and_value(special, "native", [a, b]) == gradients_and_value(special, "python", [a, b]), (a, b)


def test_each_special_number_alone_gives_the_python_backends_bits() -> None:
    # One op per program, so a signed zero or a NaN's sign is not hidden by later arithmetic.
    cases: list[Callable[..., Value]] = [
        lambda a: a + 0.0, lambda a: a + -0.0, lambda a: 0.0 - a, lambda a: -0.0 - a, lambda a: a * 1.0,
        lambda a: a * -1.0, lambda a: a ** 1.0, lambda a: a ** 2.0, lambda a: vsum([a]), lambda a: vsum([a], -0.0),
        lambda a: vsum([Value(0.0), a]), lambda a: vsum([a, Value(-0.0)]), lambda a: dot([a], [a]),
        lambda a: dot([a], [a], -0.0), lambda a: dot([a], [a], 3.0), lambda a: dot([a], [1.0]),
        lambda a: dot([a], [-1.0]), lambda a: dot([a], [0.0]), lambda a: a * 0.1,
    ]
    for fn in cases:
        for a in AWKWARD:
            assert gradients_and_value(fn, "native", [a]) == gradients_and_value(fn, "python", [a]), (fn, a)


def test_a_slot_that_is_both_a_first_and_a_second_factor_gets_both_gradients_in_order() -> None:
    def fn(a: Value, b: Value) -> Value:
        return dot([a, b, a], [a, a, b], 0.5) + dot([b, a], [b, b])

    for a, b in ((1e16, 1.0), (3.0, -0.0), (0.1, 0.2)):
        assert gradients_and_value(fn, "native", [a, b]) == gradients_and_value(fn, "python", [a, b])


FOLDED: tuple[Callable[[Value, float], Value], ...] = (
    lambda x, c: x + c, lambda x, c: c - x, lambda x, c: x * c, lambda x, c: x / c, lambda x, c: c / x,
    lambda x, c: x ** c, lambda x, c: abs(c) ** x, lambda x, c: x.leaky_relu(c),
    lambda x, c: vsum([x, x * 2.0], c), lambda x, c: dot([x], [x], c), lambda x, c: dot([x, x], [c, c]),
)


@settings(max_examples=40, deadline=None)
@example(chain=[(0, 0.0), (4, -0.0), (4, -0.0)], x=-0.0)  # -0.0 + 0.0 is 0.0, not -0.0: then 0.25 / 0.0 is inf
@given(
    chain=st.lists(st.tuples(st.integers(0, len(FOLDED) - 1), st.sampled_from((*AWKWARD, 1.0, -1.0, 2.0, 0.5, 3.0, 1e-3))),
                   min_size=1, max_size=4),
    x=st.sampled_from(AWKWARD),
)
def test_random_chains_of_folded_numbers_give_the_python_backends_bits(chain: list[tuple[int, float]], x: float) -> None:
    def fn(a: Value) -> Value:
        for which, number in chain:
            if number == 0.0 and which in (3, 4):
                number = 0.25  # x / 0.0 raises where it is traced, as in Python
            a = FOLDED[which](a, number)
        return a

    assert gradients_and_value(fn, "native", [x]) == gradients_and_value(fn, "python", [x])


def test_internal_the_kernel_refuses_a_tape_whose_numbers_do_not_fit_its_cases() -> None:
    step = jit(lambda a: vsum([a * 0.1, a], 2.5), backend="native")
    step(Value(1.0))
    program = step.program
    assert program is not None
    tape = encode(program)
    kernel = load_kernel(kernel_source(tape.shapes))
    _Replay(program, tape, kernel)  # as encoded: accepted
    refused = 0
    for entry in range(len(tape.case)):
        tape.number_start[entry + 1] -= 1  # one entry claims a number fewer than its case reads
        if tape.number_start[entry + 1] >= tape.number_start[entry]:
            with pytest.raises(JitError, match="kernel refused the tape"):
                _Replay(program, tape, kernel)
            refused += 1
        tape.number_start[entry + 1] += 1
    assert refused == 2  # the folded 0.1 and the sum's start


@pytest.mark.parametrize("backend", ["python", "native"])
def test_a_zero_added_or_subtracted_gives_the_engines_signed_zero(backend: str) -> None:
    # -0.0 + 0.0 is 0.0 and 0.0 - 0.0 is 0.0: the generated code adds and subtracts as the engine does.
    functions = [
        lambda a: a + 0.0, lambda a: 0.0 + a, lambda a: 0.0 - a, lambda a: a - -0.0, lambda a: a + -0.0,
        lambda a: vsum([a * 1.0], 0.0), lambda a: dot([a], [a]) * 0.0 + a * a,
    ]
    for function in functions:
        for number in (-0.0, 0.0):
            engine_input = Value(number)
            engine = function(engine_input)
            engine.backward()
            assert gradients_and_value(function, backend, [number]) == [bits(engine.data), bits(engine_input.grad)]
