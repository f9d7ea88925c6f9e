"""A batch traced as one example's steps repeated compiles to a loop: its size is the model's, not the batch's.

Every test runs on both backends; results equal the uncompiled engine bit for bit.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from support.additions import equal
from support.strategies import Expression, expressions

import nn
from autograd import JitError, Value, jit
from autograd.compiler.backends.native_tape import encode
from autograd.compiler.repeats import Segment, find_repeats

pytestmark = pytest.mark.usefixtures("each_backend")


def _batch_loss(model: nn.MLP) -> Any:
    params = model.parameters()

    def loss_fn(xs: list[list[float]], ys: list[float]) -> Value:
        return nn.hinge([model(x)[0] for x in xs], ys) + 1e-4 * nn.l2(params)

    return loss_fn


def _data(examples: int) -> tuple[list[list[float]], list[float]]:
    xs = [[0.05 * k - 1.0, 0.5 - 0.03 * k] for k in range(examples)]
    return xs, [1.0 if k % 3 else -1.0 for k in range(examples)]


def _value_and_grads(function: Any, model: nn.MLP, xs: list[list[float]], ys: list[float]) -> list[float]:
    model.zero_grad()
    out = function(xs, ys)
    out.backward()
    return [out.data, *(p.grad for p in model.parameters())]


def _same(got: list[float], expected: list[float]) -> bool:
    # Bit for bit before Python 3.12; from 3.12 on the engine's sum() is compensated (support.additions).
    return len(got) == len(expected) and all(equal(a, b) for a, b in zip(got, expected, strict=True))


def test_a_batch_compiles_to_one_program_whatever_its_size() -> None:
    sizes = []
    for examples in (60, 120):
        model = nn.MLP(2, [6, 6, 1], activation="relu", seed=0)
        step = jit(_batch_loss(model))
        step(*_data(examples))
        assert step.traces[0].nodes > 500 * examples // 60
        sizes.append(step.traces[0].lines)
    assert sizes[0] == sizes[1]


def test_a_looped_batch_trains_exactly_as_the_uncompiled_function() -> None:
    plain = nn.MLP(2, [6, 6, 1], activation="relu", seed=1)
    compiled = nn.MLP(2, [6, 6, 1], activation="relu", seed=1)
    loss_plain, step = _batch_loss(plain), jit(_batch_loss(compiled))
    optimizers = nn.SGD(plain.parameters(), lr=0.1), nn.SGD(compiled.parameters(), lr=0.1)
    xs, ys = _data(80)
    for _ in range(4):
        expected = _value_and_grads(loss_plain, plain, xs, ys)
        assert _same(_value_and_grads(step, compiled, xs, ys), expected)
        for optimizer in optimizers:
            optimizer.step()
    assert len(step.traces) == 1


def test_a_decision_inside_a_loop_that_comes_out_differently_traces_again() -> None:
    model = nn.MLP(2, [6, 6, 1], activation="relu", seed=2)
    step, plain = jit(_batch_loss(model)), _batch_loss(model)
    xs, ys = _data(80)
    step(xs, ys), step(xs, ys)
    with pytest.raises(ValueError, match="hinge"):  # a label that is not ±1, in the 50th example
        plain(xs, [*ys[:50], 0.5, *ys[51:]])
    with pytest.raises(ValueError, match="hinge"):
        step(xs, [*ys[:50], 0.5, *ys[51:]])
    assert _same(_value_and_grads(step, model, xs, ys), _value_and_grads(plain, model, xs, ys))


def test_a_thousand_examples_compile_and_replay() -> None:
    model = nn.MLP(2, [4, 1], activation="relu", seed=3)
    step, plain = jit(_batch_loss(model)), _batch_loss(model)
    xs, ys = _data(1_000)
    step(xs, ys)
    assert _same(_value_and_grads(step, model, xs, ys), _value_and_grads(plain, model, xs, ys))
    assert step.traces[0].nodes > 10_000 and step.traces[0].lines < 1_000


def test_internal_the_repeats_of_a_batch_are_one_loop_per_example() -> None:
    model = nn.MLP(2, [6, 6, 1], activation="relu", seed=0)
    step = jit(_batch_loss(model))
    step(*_data(40))
    program = step.program
    assert program is not None
    segments = find_repeats(program)
    loops = [segment for segment in segments if segment.is_loop]
    assert max(segment.count for segment in loops) == 40
    assert sum(segment.steps for segment in segments) == len(program.steps)


@given(program=expressions(max_steps=12))
def test_internal_segments_cover_every_step_once_in_order(program: Expression) -> None:
    step = jit(program)
    xs = [Value(x) for x in program.point]
    step(xs)
    traced = step.program
    assert traced is not None
    covered = 0
    for segment in find_repeats(traced):
        assert segment.first == covered and segment.length >= 1 and segment.count >= 1
        covered += segment.steps
    assert covered == len(traced.steps)


def test_internal_the_native_encoder_refuses_a_loop_that_does_not_read_what_the_program_reads() -> None:
    model = nn.MLP(2, [6, 6, 1], activation="relu", seed=0)
    step = jit(_batch_loss(model))
    step(*_data(40))
    program = step.program
    assert program is not None
    segments = list(find_repeats(program))
    index, loop = next((i, s) for i, s in enumerate(segments) if s.is_loop and s.count == 40)
    wrong = tuple(tuple(d + 1 if d else d for d in strides) for strides in loop.strides)
    segments[index] = Segment(loop.first, loop.length, loop.count, wrong)
    with pytest.raises(JitError, match=r"does not read what its body says|reads slot"):
        encode(program, segments)
