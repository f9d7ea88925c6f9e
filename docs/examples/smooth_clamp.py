from autograd import TestSpec, Value, define_op, gradcheck, jvp
from autograd.rules import Name, SourceMath, python_text

smooth_clamp = define_op(
    "smooth_clamp",
    lambda F, x, c: c * F.tanh(x / c),  # forward: about x near 0, levelling off at ±c
    lambda F, x, out, c: 1.0 - (out / c) * (out / c),  # d out / dx, written with out
    domain="any real input (c not 0)",
    doc="c · tanh(x / c): x near 0, levelling off at ±c.",
    test=TestSpec(consts=(1.0, 2.5)),  # constants c for the checks
)

x = Value(3.0, label="x")
y = smooth_clamp(x, 2.0)
y.backward()
print(f"{y.op}: {y.data:.6f}, d/dx = {x.grad:.6f}")
print("jvp:", jvp(lambda v: smooth_clamp(v[0], 2.0), [3.0], [1.0]))
print("gradcheck, order 2:", gradcheck(lambda v: smooth_clamp(v[0] * v[1], 2.0), [3.0, 0.5], order=2))
print("as source:", python_text(smooth_clamp.op.local(SourceMath, [Name("x")], Name("out"), 2.0)[0]))

try:
    define_op("step", lambda F, x, c: x, lambda F, x, out, c: 1.0 if x > 0 else 0.0)
except TypeError as error:
    print("TypeError:", error)
