from autograd import Value, jit

w, b, v = Value(0.5, label="w"), Value(0.1, label="b"), Value(-0.3, label="v")


def loss(x: float, y: float) -> Value:
    hidden = (w * x + b).sigmoid()
    return 0.5 * (v * hidden - y) ** 2


step = jit(loss)
for _ in range(3):  # the first two calls trace (the second checks the first), the third replays
    step(2.0, 0.5).backward()
print(step.source, end="")
