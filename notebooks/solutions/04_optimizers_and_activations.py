"""Solutions to the exercises of notebook 04."""

# Each step multiplies the distance to the minimum by 1 − 2η. No overshoot: 1 − 2η ≥ 0, so η ≤ 0.5;
# below 1% of the excess loss in 10 steps: (1 − 2η)^20 < 0.01, so η > 0.104. At 0.5 the first step lands.
learning_rate = 0.5


def momentum_step(theta, grad, velocity, lr, mu):
    """One step of SGD with momentum as the notebook writes it: v ← μv + g, θ ← θ − ηv."""
    velocity = mu * velocity + grad
    return theta - lr * velocity, velocity


# After one step m = (1 − β1)g and s = (1 − β2)g², so m̂ = g and ŝ = g²: the step is η·g/(|g| + ε) ≈ η,
# whatever the size of g.
adam_first_step = 0.01

ANSWERS = {"learning_rate": learning_rate, "momentum_step": momentum_step, "adam_first_step": adam_first_step}
