"""Solutions to the exercises of notebook 02."""

import math


def tanh_derivative(x):
    """d tanh(x)/dx, written with tanh's own output, as the sigmoid's derivative is."""
    out = math.tanh(x)
    return 1 - out * out


# q = a*b + c = 4 and L = q**2, so dL/dq = 2q = 8; then dq/da = b, dq/db = a, dq/dc = 1.
chain_rule_prediction = (8 * -3.0, 8 * 2.0, 8 * 1.0)

# y = x*x + x: the two operands of x*x send back x each, the + x sends back 1: 2x + 1 at x = 3.
accumulation_prediction = 2 * 3.0 + 1

ANSWERS = {
    "tanh_derivative": tanh_derivative,
    "chain_rule_prediction": chain_rule_prediction,
    "accumulation_prediction": accumulation_prediction,
}
