from autograd import Value, grad

w = Value(3.0, label="w")
hidden = w * 4.0
look = hidden.register_hook(lambda g: print(f"hidden's gradient: {g}"))  # look; None keeps it
clip = w.register_hook(lambda g: max(-1.0, min(1.0, g)))  # replace: clip to [-1, 1]

loss = hidden * hidden
loss.backward()
print(f"w.grad = {w.grad}")  # clipped (unclipped it would be 96.0)

clip.remove()
w.grad = 0.0
loss.backward()
print(f"w.grad = {w.grad}")
look.remove()

# In grad(..., create_graph=True) hooks see Values: what they do is differentiated too.
with w.register_hook(lambda g: g * w):  # removed at the end of the block
    (dw,) = grad(loss, [w], create_graph=True)  # 32·w, times w: 32·w²
print(f"dw = {dw.data}, d/dw dw = {grad(dw, [w])[0].data}")
