from autograd import Value, enable_grad, grad, jacobian, jvp


def f(v: list[Value]) -> list[Value]:
    x, y = v
    return [x * y.sin(), (x - y).tanh(), x * x]


# One run of f, no graph: f's values and their derivatives along (1, 0), i.e. d/dx.
values, tangents = jvp(f, [2.0, 0.5], [1.0, 0.0])
print("d/dx:", [round(t, 6) for t in tangents])

for mode in ("forward", "reverse"):  # one jvp per input, or one grad per output
    rows = jacobian(f, [2.0, 0.5], mode=mode)
    print(f"{mode}:", [[round(d, 6) for d in row] for row in rows])


# Forward-over-reverse: the tangent of a gradient is a Hessian-vector product.
def gradient(v: list[Value]) -> list[Value]:
    with enable_grad():  # jvp runs f without a graph; grad needs one
        return list(grad(v[0] * v[0] * v[1], v, create_graph=True))


print("H·(1, 0):", jvp(gradient, [1.0, 2.0], [1.0, 0.0])[1])
