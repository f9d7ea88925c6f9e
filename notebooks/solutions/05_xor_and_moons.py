"""Solutions to the exercises of notebook 05."""

# hinge = max(0, 1 − score) for a class-1 point: slope −1 below a score of 1, 0 above it.
hinge_slopes = (-1.0, 0.0, -1.0)

# The notebook's own strength: it beats the plain network's test loss on every data seed
# (any value from about 1e-4 to 0.03 does; 0.1 and above flatten the network to a coin toss).
l2_strength = 0.01

ANSWERS = {
    "hinge_slopes": hinge_slopes,
    "l2_strength": l2_strength,
}
