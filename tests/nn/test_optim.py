"""Specification of the optimizers and schedules: textbook formulas, torch.optim, errors."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import pytest

import nn
from autograd import Value

GRADIENTS = (0.5, -0.25)  # the gradient seen at step 1 and at step 2


def run_two_steps(make: Callable[[list[Value]], nn.Optimizer], start: float = 1.0) -> list[float]:
    """The parameter after each of two steps with the gradients in GRADIENTS."""
    p = Value(start)
    optimizer = make([p])
    trajectory = []
    for g in GRADIENTS:
        p.grad = g
        optimizer.step()
        trajectory.append(p.data)
    return trajectory


# ---------------------------------------------------------------- textbook formulas, by hand


def test_sgd_is_p_minus_lr_times_grad() -> None:
    assert run_two_steps(lambda ps: nn.SGD(ps, lr=0.1)) == pytest.approx([0.95, 0.975])


def test_sgd_momentum_with_weight_decay_follows_the_heavy_ball_formula() -> None:
    # step 1: g = 0.5 + 0.1·1.0 = 0.6;   buf = g = 0.6;                  p = 1 - 0.1·0.6 = 0.94
    # step 2: g = -0.25 + 0.1·0.94 = -0.156; buf = 0.9·0.6 - 0.156 = 0.384; p = 0.94 - 0.0384 = 0.9016
    trajectory = run_two_steps(lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1))
    assert trajectory == pytest.approx([0.94, 0.9016], rel=1e-14)


def test_sgd_nesterov_steps_along_gradient_plus_momentum_times_buffer() -> None:
    # step 1: g = 0.6;  buf = 0.6;  p = 1 - 0.1·(0.6 + 0.9·0.6) = 0.886
    # step 2: g = -0.25 + 0.1·0.886 = -0.1614;  buf = 0.9·0.6 - 0.1614 = 0.3786
    #         p = 0.886 - 0.1·(-0.1614 + 0.9·0.3786) = 0.868066
    trajectory = run_two_steps(
        lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)
    )
    assert trajectory == pytest.approx([0.886, 0.868066], rel=1e-14)


def test_rmsprop_divides_by_the_root_of_the_running_mean_square() -> None:
    lr, alpha, eps = 0.01, 0.9, 1e-8
    v1 = (1 - alpha) * 0.5**2  # 0.025
    p1 = 1.0 - lr * 0.5 / (math.sqrt(v1) + eps)
    v2 = alpha * v1 + (1 - alpha) * 0.25**2  # 0.02875
    p2 = p1 - lr * -0.25 / (math.sqrt(v2) + eps)
    trajectory = run_two_steps(lambda ps: nn.RMSprop(ps, lr=lr, alpha=alpha, eps=eps))
    assert trajectory == pytest.approx([p1, p2], rel=1e-14)
    assert p1 == pytest.approx(0.968377, abs=1e-6)


def test_rmsprop_momentum_accumulates_the_scaled_gradients() -> None:
    lr, alpha, momentum = 0.01, 0.9, 0.5
    v1 = 0.1 * 0.25
    buf1 = 0.5 / math.sqrt(v1)
    v2 = alpha * v1 + 0.1 * 0.0625
    buf2 = momentum * buf1 + -0.25 / math.sqrt(v2)
    trajectory = run_two_steps(
        lambda ps: nn.RMSprop(ps, lr=lr, alpha=alpha, eps=0.0, momentum=momentum)
    )
    assert trajectory == pytest.approx([1.0 - lr * buf1, 1.0 - lr * buf1 - lr * buf2], rel=1e-14)


def test_adam_first_step_moves_by_lr_and_second_uses_bias_corrected_moments() -> None:
    lr, beta1, beta2 = 0.1, 0.9, 0.999
    # Step 1: m̂ = g and v̂ = g², so the step is lr·sign(g) (eps = 0).
    m = (1 - beta1) * 0.5
    v = (1 - beta2) * 0.25
    m = beta1 * m + (1 - beta1) * -0.25  # 0.02
    v = beta2 * v + (1 - beta2) * 0.0625  # 0.00031225
    m_hat, v_hat = m / (1 - beta1**2), v / (1 - beta2**2)
    p2 = 0.9 - lr * m_hat / math.sqrt(v_hat)
    trajectory = run_two_steps(lambda ps: nn.Adam(ps, lr=lr, betas=(beta1, beta2), eps=0.0))
    assert trajectory == pytest.approx([0.9, p2], rel=1e-14)
    assert p2 == pytest.approx(0.873366, abs=1e-6)


def test_adam_weight_decay_is_an_l2_term_in_the_gradient() -> None:
    # With decay 0.1 the step-1 gradient is 0.5 + 0.1·1.0 = 0.6: still a step of exactly lr.
    with_decay = run_two_steps(lambda ps: nn.Adam(ps, lr=0.1, eps=0.0, weight_decay=0.1))
    assert with_decay[0] == pytest.approx(0.9)
    assert with_decay[1] != pytest.approx(run_two_steps(lambda ps: nn.Adam(ps, lr=0.1, eps=0.0))[1])


def test_adamw_shrinks_the_parameter_before_the_adam_step() -> None:
    lr, decay = 0.1, 0.1
    # step 1: p = 1.0·(1 - 0.01) = 0.99, then the Adam step of lr: 0.89
    trajectory = run_two_steps(lambda ps: nn.AdamW(ps, lr=lr, eps=0.0, weight_decay=decay))
    adam_second_move = 0.9 - run_two_steps(lambda ps: nn.Adam(ps, lr=lr, eps=0.0))[1]
    assert trajectory == pytest.approx([0.89, 0.89 * (1 - lr * decay) - adam_second_move], rel=1e-14)


# ---------------------------------------------------------------- against torch.optim


def objective(params: Sequence[Any]) -> Any:
    """A small non-convex function; works on Values and on torch tensors alike."""
    total = (params[0] * params[1]).tanh() + (params[2] - 0.5) ** 2
    for index, p in enumerate(params):
        total = total + (p * (index + 1) - 0.3) ** 2 * 0.1
    return total


START = [0.8, -1.3, 0.4, 2.0]

CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "weight_decay": 0.1, "eps": 1e-6}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "betas": (0.5, 0.9), "weight_decay": 0.3, "eps": 1e-6}),
]


def step_both(optimizer: Any, ours: list[Value], reference: Any, theirs: list[Any]) -> None:
    """One step of our optimizer and of torch's, each on its own copy of the objective."""
    optimizer.zero_grad()
    objective(ours).backward()
    optimizer.step()
    reference.zero_grad()
    objective(theirs).backward()
    reference.step()


@pytest.mark.parametrize(("name", "settings"), CONFIGS, ids=[f"{n}-{s}" for n, s in CONFIGS])
def test_optimizer_matches_torch_optim_for_several_steps(name: str, settings: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    ours = [Value(x) for x in START]
    optimizer = getattr(nn, name)(ours, **settings)
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    reference = getattr(torch.optim, name)(theirs, **settings)
    for _ in range(6):
        step_both(optimizer, ours, reference, theirs)
        assert [p.data for p in ours] == pytest.approx([t.item() for t in theirs], rel=1e-12, abs=1e-14)
    assert optimizer.step_count == 6


def test_cosine_schedule_matches_torch_cosine_annealing() -> None:
    torch = pytest.importorskip("torch")
    parameter = torch.zeros(1, requires_grad=True)
    reference = torch.optim.SGD([parameter], lr=0.5)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(reference, T_max=10, eta_min=0.05)
    schedule = nn.cosine(0.5, total_steps=10, min_lr=0.05)
    for step in range(11):
        assert schedule(step) == pytest.approx(scheduler.get_last_lr()[0], rel=1e-12)
        reference.step()
        scheduler.step()


def test_scheduled_sgd_matches_torch_lambda_lr() -> None:
    torch = pytest.importorskip("torch")
    schedule = nn.step_decay(0.2, step_size=2, gamma=0.5)
    ours = [Value(x) for x in START]
    optimizer = nn.SGD(ours, lr=schedule, momentum=0.9)
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    reference = torch.optim.SGD(theirs, lr=0.2, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.LambdaLR(reference, lambda step: schedule(step) / 0.2)
    for _ in range(5):
        step_both(optimizer, ours, reference, theirs)
        scheduler.step()
        assert [p.data for p in ours] == pytest.approx([t.item() for t in theirs], rel=1e-12)


# ---------------------------------------------------------------- learning rate and state


def test_schedule_is_called_with_step_zero_for_the_first_step() -> None:
    calls: list[int] = []

    def schedule(step: int) -> float:
        calls.append(step)
        return 0.1

    p = Value(1.0)
    optimizer = nn.SGD([p], lr=schedule)
    for _ in range(3):
        p.grad = 1.0
        optimizer.step()
    assert calls == [0, 1, 2]
    assert optimizer.step_count == 3
    assert p.data == pytest.approx(0.7)


def test_current_lr_reports_the_rate_of_the_next_step_and_lr_can_be_reassigned() -> None:
    optimizer = nn.SGD([Value(1.0)], lr=nn.linear_decay(1.0, total_steps=4))
    assert optimizer.current_lr == 1.0
    optimizer.step()
    assert optimizer.current_lr == 0.75
    optimizer.lr = 0.01
    assert optimizer.current_lr == 0.01
    with pytest.raises(ValueError, match="lr must be >= 0"):
        optimizer.lr = -1.0


def test_a_schedule_returning_a_negative_rate_fails_naming_the_step() -> None:
    p = Value(1.0)
    optimizer = nn.SGD([p], lr=lambda step: 0.1 - 0.1 * step)
    optimizer.step()
    optimizer.step()
    with pytest.raises(ValueError, match="at step 2"):
        optimizer.step()
    assert optimizer.step_count == 2


def test_state_lives_in_the_optimizer_aligned_with_parameter_positions() -> None:
    params = [Value(1.0), Value(2.0)]
    optimizer = nn.Adam(params, lr=0.1)
    params[0].grad, params[1].grad = 1.0, 0.0
    optimizer.step()
    assert optimizer.first_moments == pytest.approx([0.1, 0.0])
    assert optimizer.second_moments == pytest.approx([0.001, 0.0])
    sgd = nn.SGD(params, lr=0.1, momentum=0.9)
    assert sgd.momentum_buffers == []
    params[0].grad, params[1].grad = 0.0, 3.0
    sgd.step()
    assert sgd.momentum_buffers == [0.0, 3.0]


def test_zero_grad_clears_the_gradients_of_its_parameters() -> None:
    params = [Value(1.0), Value(2.0)]
    optimizer = nn.RMSprop(params)
    for p in params:
        p.grad = 5.0
    optimizer.zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0]


def test_an_optimizer_trains_a_model_from_its_parameters() -> None:
    model = nn.MLP(1, [8, 1], activation="tanh", seed=0)
    xs = [[-1.0], [-0.5], [0.0], [0.5], [1.0]]
    ys = [x[0] ** 2 for x in xs]
    optimizer = nn.Adam(model.parameters(), lr=0.05)
    first = nn.mse([model(x) for x in xs], ys).data
    for _ in range(100):
        loss = nn.mse([model(x) for x in xs], ys)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.data < first / 20


# ---------------------------------------------------------------- argument checks


def test_params_must_be_a_non_empty_list_of_distinct_leaf_values() -> None:
    x = Value(1.0)
    with pytest.raises(ValueError, match="non-empty list of Values, got an empty list"):
        nn.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="same Value at positions 0 and 2"):
        nn.Adam([x, Value(2.0), x])
    with pytest.raises(TypeError, match="expects Values, got float at position 1"):
        nn.SGD([x, 2.0], lr=0.1)  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"pass model.parameters\(\), not the model"):
        nn.Adam(nn.MLP(1, [1]))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"leaf Values.*'mul_const' node at position 0"):
        nn.SGD([x * 2.0], lr=0.1)
    with pytest.raises(TypeError, match="non-empty list of Values, got Value"):
        nn.SGD(x, lr=0.1)  # type: ignore[arg-type]


def test_generators_of_parameters_are_accepted() -> None:
    model = nn.MLP(2, [2], seed=0)
    optimizer = nn.SGD((p for p in model.parameters()), lr=0.1)
    assert optimizer.params == model.parameters()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda ps: nn.SGD(ps, lr=-0.1), "lr must be >= 0, got -0.1"),
        (lambda ps: nn.SGD(ps, lr=True), "lr must be a real number, got bool"),
        (lambda ps: nn.SGD(ps, lr=math.nan), "lr must be finite"),
        (lambda ps: nn.SGD(ps, lr=0.1, momentum=-0.5), "momentum must be >= 0"),
        (lambda ps: nn.SGD(ps, lr=0.1, nesterov=True), "nesterov=True needs a momentum > 0"),
        (lambda ps: nn.SGD(ps, lr=0.1, weight_decay=-1.0), "weight_decay must be >= 0"),
        (lambda ps: nn.RMSprop(ps, alpha=1.0), r"alpha must be in \[0, 1\)"),
        (lambda ps: nn.RMSprop(ps, eps=-1e-8), "eps must be >= 0"),
        (lambda ps: nn.Adam(ps, betas=(0.9, 1.0)), r"betas\[1\] must be in \[0, 1\), got 1.0"),
        (lambda ps: nn.Adam(ps, betas=(-0.1, 0.9)), r"betas\[0\] must be in \[0, 1\)"),
        (lambda ps: nn.Adam(ps, betas=(0.9,)), r"betas must be a pair"),  # type: ignore[arg-type]
        (lambda ps: nn.AdamW(ps, weight_decay=-0.01), "weight_decay must be >= 0"),
    ],
)
def test_bad_hyper_parameters_are_refused_with_the_received_value(
    build: Callable[[list[Value]], Any], message: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        build([Value(1.0)])


# ---------------------------------------------------------------- schedules


def test_step_decay_multiplies_by_gamma_every_step_size_steps() -> None:
    schedule = nn.step_decay(0.1, step_size=10, gamma=0.5)
    assert [schedule(s) for s in (0, 9, 10, 19, 20, 35)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]
    )


def test_linear_decay_reaches_end_lr_and_stays_there() -> None:
    schedule = nn.linear_decay(1.0, total_steps=4, end_lr=0.2)
    assert [schedule(s) for s in range(7)] == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2, 0.2, 0.2])


def test_cosine_goes_from_lr_to_min_lr_through_the_midpoint() -> None:
    schedule = nn.cosine(1.0, total_steps=10, min_lr=0.1)
    assert schedule(0) == 1.0
    assert schedule(5) == pytest.approx(0.55)
    assert schedule(10) == pytest.approx(0.1)
    assert schedule(50) == pytest.approx(0.1)


def test_schedules_refuse_bad_settings_and_negative_steps() -> None:
    with pytest.raises(ValueError, match="step_size must be a positive int, got 0"):
        nn.step_decay(0.1, step_size=0)
    with pytest.raises(ValueError, match="total_steps must be a positive int"):
        nn.cosine(0.1, total_steps=-3)
    with pytest.raises(ValueError, match="end_lr must be >= 0"):
        nn.linear_decay(0.1, total_steps=3, end_lr=-1.0)
    with pytest.raises(ValueError, match="step count"):
        nn.cosine(0.1, total_steps=3)(-1)
