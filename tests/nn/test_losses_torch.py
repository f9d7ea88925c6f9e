"""Every loss, and log-sum-exp, against PyTorch at ordinary, large, tiny and non-finite inputs.

Each loss is computed per example in a form whose terms are never negative,
and summed after, so a large logit in a batch never cancels the small terms
of the others. Values and gradients are compared with PyTorch (float64);
at an infinite logit that agrees with its label binary cross-entropy is NaN,
as in PyTorch (one form for every label, with no decision on it, is what lets
a compiled loss take its labels as inputs), and inf where it disagrees.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import pytest

import nn
from autograd import Value

torch = pytest.importorskip("torch")
functional = torch.nn.functional

INF = math.inf
LARGE = [1e16, -1e16, 1e300, -1e300, 1.7e308]
TINY = [1e-300, -1e-300, 5e-324, 0.0, -0.0]
ORDINARY = [0.3, -1.2, 2.5, 40.0, -40.0]
NON_FINITE = [INF, -INF]


def _same(ours: float, theirs: float, where: str, absolute: float = 1e-300) -> None:
    if math.isnan(theirs):
        assert math.isnan(ours), f"{where}: valuegrad {ours!r}, PyTorch nan"
    elif math.isinf(theirs):
        assert ours == theirs, f"{where}: valuegrad {ours!r}, PyTorch {theirs!r}"
    else:
        assert ours == pytest.approx(theirs, rel=1e-12, abs=absolute), where


def _compare(
    ours: Callable[[list[Value]], Value], theirs: Callable[[Any], Any], inputs: Sequence[float],
    *, gradients: bool = True,
) -> None:
    values = [Value(x) for x in inputs]
    loss = ours(values)
    loss.backward()
    tensor = torch.tensor(list(inputs), dtype=torch.float64, requires_grad=True)
    expected = theirs(tensor)
    expected.backward()
    _same(loss.data, expected.item(), f"value at {list(inputs)}")
    if gradients:
        for index, (value, grad) in enumerate(zip(values, tensor.grad.tolist(), strict=True)):
            # A gradient such as σ(z) - y near z = 0 is a difference of terms near 1/2,
            # known to about 1e-16 in any float64 implementation.
            _same(value.grad, grad, f"gradient {index} at {list(inputs)}", absolute=1e-15)


def _bce_batches() -> list[tuple[list[float], list[float]]]:
    cases = []
    for big in LARGE[:4]:
        cases.append(([big, 0.1, -0.2, 0.3], [1.0, 1.0, 0.0, 1.0]))
        cases.append(([big, -big, 1e-8], [0.0, 1.0, 0.5]))
    cases += [([z, 0.5], [y, 1.0]) for z in TINY + ORDINARY for y in (0.0, 1.0, 0.25)]
    return cases


@pytest.mark.parametrize(("logits", "labels"), _bce_batches())
def test_bce_with_logits_matches_pytorch_with_large_and_tiny_logits_in_a_batch(
    logits: list[float], labels: list[float]
) -> None:
    target = torch.tensor(labels, dtype=torch.float64)
    _compare(lambda zs: nn.bce_with_logits([[z] for z in zs], labels),
             lambda zs: functional.binary_cross_entropy_with_logits(zs, target), logits)


def test_bce_with_logits_keeps_the_small_terms_beside_large_logits() -> None:
    # Half the batch confidently right, half wrong by a little: the loss is not 0.
    logits = [50.0, -50.0, 1e17, 0.1, -0.1]
    labels = [1.0, 0.0, 1.0, 0.0, 1.0]
    loss = nn.bce_with_logits([[z] for z in logits], labels).data
    expected = functional.binary_cross_entropy_with_logits(
        torch.tensor(logits, dtype=torch.float64), torch.tensor(labels, dtype=torch.float64)).item()
    assert loss == pytest.approx(expected, rel=1e-12)
    assert loss > 0.25


@pytest.mark.parametrize(("logit", "label", "expected"), [(INF, 1.0, math.nan), (-INF, 0.0, math.nan),
                                                          (INF, 0.0, INF), (-INF, 1.0, INF)])
def test_bce_with_logits_at_an_infinite_logit(logit: float, label: float, expected: float) -> None:
    # NaN where the logit agrees with its label, as PyTorch gives; inf where it disagrees.
    ours = nn.bce_with_logits(Value(logit), label).data
    assert (math.isnan(ours) and math.isnan(expected)) or ours == expected


def _cross_entropy_cases() -> list[tuple[list[float], int]]:
    cases = [([1e16, 1e16], 0), ([1e16, 1e16, -1e16], 2), ([1e300, 1e300 * (1 - 1e-15)], 1),
             ([1.7e308, -1.7e308], 1), ([-INF, 1.0], 0), ([-INF, 1.0], 1), ([INF, 1.0], 0)]
    cases += [([x, 0.5, -0.5], t) for x in TINY + ORDINARY for t in (0, 1)]
    return cases


@pytest.mark.parametrize(("logits", "target"), _cross_entropy_cases())
def test_cross_entropy_matches_pytorch_at_large_tiny_and_infinite_logits(logits: list[float], target: int) -> None:
    _compare(lambda zs: nn.cross_entropy(zs, target),
             lambda zs: functional.cross_entropy(zs[None, :], torch.tensor([target])), logits,
             gradients=all(math.isfinite(z) for z in logits))


@pytest.mark.parametrize("big", [1e16, 1e200, 1e300])
def test_cross_entropy_of_a_batch_keeps_every_examples_loss(big: float) -> None:
    batch = [[big, big], [0.0, 1e-9], [big, -big]]
    targets = [0, 1, 1]
    loss = nn.cross_entropy(batch, targets).data
    expected = functional.cross_entropy(torch.tensor(batch, dtype=torch.float64),
                                        torch.tensor(targets)).item()
    assert loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("big", [1e16, 1e300])
def test_cross_entropy_with_a_distribution_matches_pytorch(big: float) -> None:
    logits, probabilities = [big, big, 0.0], [0.5, 0.25, 0.25]
    _compare(lambda zs: nn.cross_entropy(zs, probabilities),
             lambda zs: functional.cross_entropy(zs[None, :], torch.tensor([probabilities], dtype=torch.float64)),
             logits)


@pytest.mark.parametrize("inputs", [[INF, 1.0], [-INF, -INF], [INF, INF], [-INF, 1.0], [math.nan, 1.0],
                                    [1e308, 1e308], [-1e308, 1e-300], [5e-324, 0.0], [1e16, 1e16]])
def test_logsumexp_matches_pytorch_with_infinite_entries(inputs: list[float]) -> None:
    # PyTorch's gradient is exp(x - result) with the result rounded, which gives 1 for each of
    # two equal huge entries; valuegrad's is the softmax (1/2 each), checked below.
    _compare(nn.logsumexp, lambda xs: torch.logsumexp(xs, 0), inputs,
             gradients=all(math.isfinite(x) and abs(x) < 1e15 for x in inputs))


@pytest.mark.parametrize("big", [1e16, 1e308])
def test_logsumexp_of_equal_huge_entries_gives_each_half_the_gradient(big: float) -> None:
    values = [Value(big), Value(big)]
    nn.logsumexp(values).backward()
    assert [value.grad for value in values] == [0.5, 0.5]


@pytest.mark.parametrize("inputs", [[x, y] for x in LARGE + TINY + ORDINARY + NON_FINITE
                                    for y in (0.0, 1e-8)])
def test_mse_and_sse_match_pytorch(inputs: list[float]) -> None:
    targets = [0.5, -0.25]
    target = torch.tensor(targets, dtype=torch.float64)
    # Where 2·(p - t) overflows, PyTorch's gradient is inf; valuegrad's is the finite (p - t)·2/n.
    finite = all(abs(x) < 8e307 for x in inputs)
    _compare(lambda ps: nn.mse([[p] for p in ps], targets),
             lambda ps: functional.mse_loss(ps, target), inputs, gradients=finite)
    _compare(lambda ps: nn.sse([[p] for p in ps], targets),
             lambda ps: 0.5 * ((ps - target) ** 2).sum() / len(targets), inputs, gradients=finite)


@pytest.mark.parametrize("inputs", [[x, -x] for x in LARGE + TINY + ORDINARY + NON_FINITE])
def test_hinge_matches_its_pytorch_formula(inputs: list[float]) -> None:
    labels = [1.0, -1.0]
    label = torch.tensor(labels, dtype=torch.float64)
    _compare(lambda ss: nn.hinge([[s] for s in ss], labels),
             lambda ss: torch.clamp(1.0 - label * ss, min=0.0).mean(), inputs)
