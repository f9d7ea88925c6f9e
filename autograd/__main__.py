"""``python -m autograd``: a short tour of the engine."""

from __future__ import annotations

from . import Value, grad, gradcheck


def main() -> None:
    """Build a small expression, back-propagate, and check it."""
    x = Value(2.0, label="x")
    y = (x * x + x.exp()).tanh()
    y.backward()
    print(f"y = tanh(x*x + exp(x)) at x = 2:  y = {y.data:.6f}, dy/dx = {x.grad:.3e}")
    z = Value(2.0, label="z")
    (d1,) = grad(z**4, [z], create_graph=True)
    (d2,) = grad(d1, [z], create_graph=True)
    (d3,) = grad(d2, [z])
    print(f"d/dz z**4 at 2: {d1.data}, second: {d2.data}, third: {d3.data}")
    gradcheck(lambda v: (v[0] * v[1]).sigmoid() + v[0].sin(), [0.3, -1.2], order=2)
    print("gradcheck at order 2: ok")


if __name__ == "__main__":
    main()
