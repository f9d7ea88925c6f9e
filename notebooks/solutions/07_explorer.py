"""Solutions to the exercises of notebook 07."""

import math

# w has two users. w·x sends back x = 2 (its local derivative) × 1 (the gradient L gives it);
# w·3 sends back 3 × tanh's slope at 1.5, the gradient tanh hands it. w.grad is their sum.
shared_weight_gradient = 2.0 + 3.0 * (1.0 - math.tanh(1.5) ** 2)

# The edge from z to s = σ(z) carries ds/dz = σ(z)·(1 − σ(z)) = s·(1 − s), from the box's number.
sigmoid_edge = 0.8 * (1.0 - 0.8)

ANSWERS = {
    "shared_weight_gradient": shared_weight_gradient,
    "sigmoid_edge": sigmoid_edge,
}
