"""``take(values, index)`` under jit: an int argument used as an index is part of the program, not a guard.

One trace serves every index (and every document of a length); a replay checks
only that the index is in range, and one out of range raises what the
uncompiled function raises. Every test runs on both backends; results equal
the uncompiled engine's.
"""

from __future__ import annotations

import itertools
import random
import warnings
from collections.abc import Callable, Sequence

import pytest
from support.additions import equal

from autograd import Value, jit, linear, take, vmax, vsum
from autograd.compiler.jitted import MAX_STRUCTURES
from autograd.compiler.repeats import find_repeats

pytestmark = pytest.mark.usefixtures("each_backend")


def test_an_int_argument_used_through_take_is_traced_once_for_every_index() -> None:
    xs = [Value(float(k) - 1.5) for k in range(5)]
    step = jit(lambda values, i: take(values, i) * 2.0)
    for i in (0, 3, 1, 4, -1, -5, 2):
        out = step(xs, i)
        assert out.data == xs[i].data * 2.0
    assert len(step.traces) == 1


def test_the_gradient_goes_to_the_item_each_replay_takes() -> None:
    xs = [Value(0.5), Value(-1.0), Value(2.0)]
    step = jit(lambda values, i: take(values, i) * take(values, i))
    for i in (0, 2, 2, -2):
        step(xs, i).backward()
    assert [x.grad for x in xs] == [1.0, -2.0, 8.0]
    assert len(step.traces) == 1


@pytest.mark.parametrize("index", [3, -4, 10**6, -(10**6)])
def test_an_index_out_of_range_at_a_replay_raises_what_the_uncompiled_function_raises(index: int) -> None:
    xs = [Value(1.0), Value(2.0), Value(3.0)]

    def f(values: list[Value], i: int) -> Value:
        return take(values, i) + 1.0

    step = jit(f)
    for i in (0, 1, 2):
        step(xs, i)
    with pytest.raises(IndexError) as uncompiled:
        f(xs, index)
    with pytest.raises(IndexError) as compiled:
        step(xs, index)
    assert str(compiled.value) == str(uncompiled.value)
    assert step(xs, -1).data == 4.0  # and the program still replays afterwards
    assert len(step.traces) == 1


def test_an_index_used_for_many_lookups_is_range_checked_once() -> None:
    columns = [[Value(float(r * c)) for r in range(5)] for c in range(16)]
    step = jit(lambda i: vsum([take(column, i) for column in columns]))
    step(3)
    assert step.program is not None
    assert len(step.program.decisions) == 2  # from the start, and before the end: once for 16 lookups


def test_arithmetic_on_an_int_argument_indexes_without_a_guard() -> None:
    xs = [Value(float(k * k)) for k in range(6)]
    step = jit(lambda values, i: take(values, i + 1) - take(values, 2 * i))
    for i in (0, 1, 2):
        assert step(xs, i).data == xs[i + 1].data - xs[2 * i].data
    assert len(step.traces) == 1
    with pytest.raises(IndexError, match="index 6 is out of range for 6 values"):
        step(xs, 3)


def test_a_float_index_argument_is_guarded_exactly_and_stays_correct() -> None:
    xs = [Value(1.0), Value(2.0), Value(3.0)]
    step = jit(lambda values, i: take(values, i) * 1.0)
    assert [step(xs, i).data for i in (0.0, 2.0, 0.0, 1.0)] == [1.0, 3.0, 1.0, 2.0]
    with pytest.raises(ValueError, match=r"whole-number index, got 1\.5"):
        step(xs, 1.5)


def test_a_batch_of_examples_each_with_its_own_index_is_one_loop() -> None:
    rows = [[Value(0.1 * (r + 2 * c)) for c in range(3)] for r in range(4)]

    def loss(xs: list[list[float]], targets: list[int]) -> Value:
        return vsum([take(linear(x, rows), target).tanh() for x, target in zip(xs, targets, strict=True)])

    step = jit(loss)
    examples = 30
    rng = random.Random(0)
    xs = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(examples)]
    for _ in range(3):
        targets = [rng.randrange(4) for _ in range(examples)]
        expected = loss(xs, targets).data
        assert equal(step(xs, targets).data, expected)
    assert len(step.traces) == 1
    assert step.program is not None
    loops = [segment for segment in find_repeats(step.program) if segment.is_loop]
    assert max(segment.count for segment in loops) == examples


# ---------------------------------------------------------------- a next-token loss, one document per step

VOCABULARY, WIDTH = 6, 4


def _model(seed: int) -> tuple[list[list[Value]], list[list[Value]]]:
    rng = random.Random(seed)
    embedding = [[Value(rng.gauss(0.0, 0.5)) for _ in range(WIDTH)] for _ in range(VOCABULARY)]
    head = [[Value(rng.gauss(0.0, 0.5)) for _ in range(WIDTH)] for _ in range(VOCABULARY)]
    return embedding, head


def _next_token_loss(embedding: list[list[Value]], head: list[list[Value]]) -> Callable[[Sequence[int]], Value]:
    columns = [[row[d] for row in embedding] for d in range(WIDTH)]

    def loss(tokens: Sequence[int]) -> Value:
        losses = []
        for token, target in itertools.pairwise(tokens):
            x = [take(column, token) for column in columns]  # the token's embedding
            logits = linear(x, head)
            shift = vmax(logits)
            exps = [(logit - shift).exp() for logit in logits]
            total = vsum(exps)
            logprobs = [(e / total).log() for e in exps]
            losses.append(-take(logprobs, target))
        return vsum(losses) * (1.0 / len(losses))

    return loss


def _documents(count: int, lengths: Sequence[int], seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    return [[rng.randrange(VOCABULARY) for _ in range(rng.choice(lengths))] for _ in range(count)]


def _loss_and_grads(function: Callable[[Sequence[int]], Value], tokens: Sequence[int], params: list[Value]) -> list[float]:
    for p in params:
        p.grad = 0.0
    out = function(tokens)
    out.backward()
    return [out.data, *(p.grad for p in params)]


def test_a_next_token_loss_traces_once_per_document_length_and_equals_the_uncompiled_loss() -> None:
    embedding, head = _model(0)
    params = [p for row in (*embedding, *head) for p in row]
    loss = _next_token_loss(embedding, head)
    step = jit(loss)
    documents = _documents(40, (2, 3, 5, 8), seed=1)
    for tokens in documents:
        expected = _loss_and_grads(loss, tokens, params)
        got = _loss_and_grads(step, tokens, params)
        assert all(equal(a, b) for a, b in zip(got, expected, strict=True)), tokens
    assert len(step.traces) == len({len(tokens) for tokens in documents})


def test_the_jit_cache_holds_sixteen_document_lengths_without_evicting_or_giving_up() -> None:
    assert MAX_STRUCTURES >= 16
    embedding, head = _model(1)
    step = jit(_next_token_loss(embedding, head))
    lengths = range(2, 18)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # giving up would warn
        for tokens in _documents(100, lengths, seed=2):
            step(tokens).backward()
        for length in lengths:  # every length seen again replays
            step([length % VOCABULARY] * length)
    assert len(step.traces) == len(lengths)
    assert not step.evicted
