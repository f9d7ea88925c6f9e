"""Specification of the losses: hand-computed values, shapes, stability, gradients, torch."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import pytest

import nn
from autograd import Value, gradcheck


def values(*numbers: float) -> list[Value]:
    return [Value(x) for x in numbers]


# ---------------------------------------------------------------- mse and sse


def test_mse_is_the_mean_of_squared_errors_over_outputs() -> None:
    assert nn.mse(Value(3.0), 1.0).data == 4.0
    assert nn.mse(values(1.0, 3.0), [0.0, 1.0]).data == (1.0 + 4.0) / 2


def test_mse_averages_over_a_batch_and_outputs() -> None:
    pred = [values(1.0, 2.0), values(0.0, -2.0)]
    target = [[0.0, 0.0], [1.0, 0.0]]
    assert nn.mse(pred, target).data == (1.0 + 4.0 + 1.0 + 4.0) / 4


def test_mse_accepts_plain_number_targets_for_single_output_examples() -> None:
    pred = [values(1.0), values(3.0)]
    assert nn.mse(pred, [0.0, 0.0]).data == 5.0
    # The same numbers as one example with two outputs give the same mean.
    assert nn.mse(values(1.0, 3.0), [0.0, 0.0]).data == 5.0


def test_sse_is_half_the_sum_of_squared_errors_averaged_over_a_batch() -> None:
    assert nn.sse(values(1.0, 3.0), [0.0, 1.0]).data == 0.5 * (1.0 + 4.0)
    batch = nn.sse([values(1.0, 3.0), values(2.0, 2.0)], [[0.0, 1.0], [0.0, 0.0]])
    assert batch.data == (0.5 * 5.0 + 0.5 * 8.0) / 2


def test_sse_gradient_is_prediction_minus_target() -> None:
    pred = values(0.75, -0.5)
    nn.sse(pred, [1.0, 0.5]).backward()
    assert [p.grad for p in pred] == [-0.25, -1.0]


def test_mse_of_a_batch_is_one_dot_node_over_the_errors() -> None:
    pred = [[Value(float(i))] for i in range(10)]
    loss = nn.mse(pred, [0.0] * 10)
    assert loss.op == "mul_const"
    (total,) = loss.parents
    assert total.op == "dot"
    assert len(loss.ancestors()) == 1 + 10 + 10  # the dot, the errors, the predictions


@pytest.mark.parametrize("loss", [nn.mse, nn.sse])
def test_regression_losses_refuse_mismatched_shapes(loss: Callable[..., Value]) -> None:
    with pytest.raises(ValueError, match="got 2 predictions but 3 targets"):
        loss(values(1.0, 2.0), [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"got 2 predictions but a single target 0\.0"):
        loss(values(1.0, 2.0), 0.0)
    with pytest.raises(ValueError, match="got a batch of 2 predictions but 1 targets"):
        loss([values(1.0), values(2.0)], [0.0])
    with pytest.raises(ValueError, match="same number"):
        loss([values(1.0), values(2.0, 3.0)], [[0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="empty list"):
        loss([], [])
    with pytest.raises(ValueError, match="at least one output per example"):
        loss([[], []], [[], []])
    with pytest.raises(TypeError, match="target to be a Value or a real number, got str"):
        loss(values(1.0), ["1"])


# ---------------------------------------------------------------- bce_with_logits


def _bce(z: float, y: float) -> float:
    p = 1.0 / (1.0 + math.exp(-z))
    return -(y * math.log(p) + (1.0 - y) * math.log(1.0 - p))


def test_bce_with_logits_matches_the_cross_entropy_of_the_sigmoid() -> None:
    assert nn.bce_with_logits(Value(0.0), 1).data == pytest.approx(math.log(2.0))
    logits, labels = [0.3, -1.2, 2.5], [1, 0, 1]
    expected = sum(_bce(z, y) for z, y in zip(logits, labels, strict=True)) / 3
    batch = [[Value(z)] for z in logits]
    assert nn.bce_with_logits(batch, labels).data == pytest.approx(expected, rel=1e-12)


def test_bce_with_logits_is_finite_for_saturated_logits() -> None:
    assert nn.bce_with_logits(Value(1000.0), 0).data == pytest.approx(1000.0)
    assert nn.bce_with_logits(Value(-1000.0), 1).data == pytest.approx(1000.0)
    assert nn.bce_with_logits(Value(1000.0), 1).data == 0.0
    z = Value(-800.0)
    nn.bce_with_logits(z, 1).backward()
    assert z.grad == pytest.approx(-1.0)  # σ(z) - y


def test_bce_with_logits_refuses_targets_outside_zero_one() -> None:
    with pytest.raises(ValueError, match=r"targets in \{0, 1\}.*got -1 at position 1"):
        nn.bce_with_logits([[Value(0.0)], [Value(0.0)]], [1, -1])


# ---------------------------------------------------------------- cross_entropy


def test_cross_entropy_is_minus_log_softmax_of_the_target() -> None:
    logits = [1.0, 2.0, 0.5]
    total = sum(math.exp(z) for z in logits)
    loss = nn.cross_entropy(values(*logits), 1)
    assert loss.data == pytest.approx(-math.log(math.exp(2.0) / total), rel=1e-12)


def test_cross_entropy_averages_over_a_batch() -> None:
    batch = [values(1.0, 2.0), values(0.0, 3.0)]
    expected = (
        -math.log(math.exp(1.0) / (math.exp(1.0) + math.exp(2.0)))
        - math.log(math.exp(3.0) / (1.0 + math.exp(3.0)))
    ) / 2
    assert nn.cross_entropy(batch, [0, 1]).data == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_is_stable_for_huge_logits() -> None:
    loss = nn.cross_entropy(values(1000.0, 1001.0), 0)
    assert loss.data == pytest.approx(math.log(1.0 + math.e), rel=1e-12)
    z = values(1000.0, 1001.0)
    nn.cross_entropy(z, 1).backward()
    p1 = math.e / (1.0 + math.e)
    assert [v.grad for v in z] == pytest.approx([1.0 - p1, p1 - 1.0])  # softmax - one-hot


def test_cross_entropy_checks_its_targets() -> None:
    with pytest.raises(ValueError, match=r"must be in \[0, 2\) for 2 classes, got 2"):
        nn.cross_entropy(values(1.0, 2.0), 2)
    with pytest.raises(ValueError, match=r"must be in \[0, 2\) for 2 classes at example 1, got -1"):
        nn.cross_entropy([values(1.0, 2.0), values(1.0, 2.0)], [0, -1])
    with pytest.raises(TypeError, match="int class index, got float"):
        nn.cross_entropy(values(1.0, 2.0), 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="int class index, got bool"):
        nn.cross_entropy(values(1.0, 2.0), True)
    with pytest.raises(ValueError, match="batch of 2 examples but a single target"):
        nn.cross_entropy([values(1.0), values(2.0)], 0)
    with pytest.raises(ValueError, match="batch of 2 examples but 3 targets"):
        nn.cross_entropy([values(1.0), values(2.0)], [0, 0, 0])
    with pytest.raises(ValueError, match="non-empty list of logits"):
        nn.cross_entropy([], 0)


# ---------------------------------------------------------------- hinge and l2


def test_hinge_is_the_mean_of_the_positive_part_of_one_minus_margin() -> None:
    assert nn.hinge(values(0.5, -2.0), [1, -1]).data == (0.5 + 0.0) / 2
    assert nn.hinge([[Value(-0.5)], [Value(3.0)]], [1, -1]).data == (1.5 + 4.0) / 2


def test_hinge_refuses_zero_one_labels_and_says_how_to_map_them() -> None:
    with pytest.raises(ValueError, match=r"labels -1 or \+1, got 0; map 0/1 labels with 2 \* y - 1"):
        nn.hinge(values(0.5, 0.5), [1, 0])


def test_l2_is_the_sum_of_squares_of_parameters_or_of_a_module() -> None:
    assert nn.l2(values(3.0, -4.0)).data == 25.0
    model = nn.MLP(2, [2, 1], seed=0)
    assert nn.l2(model).data == pytest.approx(sum(p.data**2 for p in model.parameters()))
    assert nn.l2([]).data == 0.0


# ---------------------------------------------------------------- gradients


LOSSES: dict[str, Callable[[list[Value]], Value]] = {
    "mse": lambda v: nn.mse([v[:2], v[2:]], [[0.5, -1.0], [2.0, 0.0]]),
    "sse": lambda v: nn.sse([v[:2], v[2:]], [[0.5, -1.0], [2.0, 0.0]]),
    "bce_with_logits": lambda v: nn.bce_with_logits([v[:2], v[2:]], [[1, 0], [0, 1]]),
    "cross_entropy": lambda v: nn.cross_entropy([v[:2], v[2:]], [1, 0]),
    "hinge": lambda v: nn.hinge([v[:2], v[2:]], [[1, -1], [-1, 1]]),
    "l2": lambda v: nn.l2(v),
}


@pytest.mark.parametrize("name", LOSSES)
def test_each_loss_passes_gradcheck_wrt_its_inputs(name: str) -> None:
    # Points away from the hinge's kink at margin 1.
    assert gradcheck(LOSSES[name], [0.3, -0.8, 1.7, -0.25])


# ---------------------------------------------------------------- against torch


def _torch_losses(torch: Any) -> dict[str, Callable[[Any], Any]]:
    functional = torch.nn.functional
    float_targets = torch.tensor([[0.5, -1.0], [2.0, 0.0]], dtype=torch.float64)
    binary_targets = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    signs = torch.tensor([[1.0, -1.0], [-1.0, 1.0]], dtype=torch.float64)
    return {
        "mse": lambda x: functional.mse_loss(x, float_targets),
        "sse": lambda x: 0.5 * ((x - float_targets) ** 2).sum() / 2,
        "bce_with_logits": lambda x: functional.binary_cross_entropy_with_logits(x, binary_targets),
        "cross_entropy": lambda x: functional.cross_entropy(x, torch.tensor([1, 0])),
        "hinge": lambda x: torch.clamp(1.0 - signs * x, min=0.0).mean(),
        "l2": lambda x: (x**2).sum(),
    }


@pytest.mark.parametrize("name", LOSSES)
def test_each_loss_and_its_gradient_match_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    rng = random.Random(name)
    for _ in range(3):
        point = [rng.uniform(-3.0, 3.0) for _ in range(4)]
        inputs = [Value(x) for x in point]
        ours = LOSSES[name](inputs)
        ours.backward()
        tensor = torch.tensor(point, dtype=torch.float64).reshape(2, 2).requires_grad_()
        theirs = _torch_losses(torch)[name](tensor)
        theirs.backward()
        assert ours.data == pytest.approx(theirs.item(), rel=1e-12, abs=1e-14)
        assert [v.grad for v in inputs] == pytest.approx(
            tensor.grad.reshape(-1).tolist(), rel=1e-10, abs=1e-14
        )
