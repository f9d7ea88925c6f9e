import nn

# A deep sigmoid network: gradients shrink layer by layer on the way back.
model = nn.MLP(2, [8, 8, 8, 8, 1], activation="sigmoid", init="normal", seed=0)
means = {}
for index, layer in enumerate(model.layers[:-1]):
    layer.register_forward_hook(
        lambda module, x, out, index=index: means.__setitem__(index, sum(v.data for v in out) / len(out))
    )

loss = nn.mse(model([0.5, -1.0]), [1.0])
loss.backward()
print("mean activation per layer:", [round(means[i], 3) for i in sorted(means)])
for part, norm in nn.grad_norms(model).items():
    print(f"{part}: gradient norm {norm:.2e}")
