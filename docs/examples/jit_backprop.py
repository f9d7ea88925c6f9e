"""Print the code ``autograd.jit`` generates for a 1-1-1 network: backprop written out.

The README shows this script's output; ``tests/test_readme.py`` checks that it still does.
"""

from autograd import Value, jit

w, b, v = Value(0.5, label="w"), Value(0.1, label="b"), Value(-0.3, label="v")


def loss(x: float, y: float) -> Value:
    hidden = (w * x + b).sigmoid()
    return 0.5 * (v * hidden - y) ** 2


step = jit(loss)
for _ in range(3):  # the first two calls trace (the second checks the first), then replays
    step(2.0, 0.5).backward()
print(step.source, end="")
