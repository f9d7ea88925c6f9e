"""PyTorch habits: the ones that fit valuegrad work; the others fail saying the valuegrad way."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Value, enable_grad, no_grad


def test_item_gives_the_number_as_for_a_one_element_tensor() -> None:
    loss = nn.mse([Value(3.0)], [1.0])
    assert loss.item() == 4.0 and type(loss.item()) is float


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_takes_set_to_none_and_gives_zero_gradients(set_to_none: bool) -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    nn.mse([model([1.0, 2.0])], [0.0]).backward()
    optimizer.zero_grad(set_to_none=set_to_none)
    assert all(p.grad == 0.0 for p in model.parameters())
    nn.mse([model([1.0, 2.0])], [0.0]).backward()
    model.zero_grad(set_to_none=set_to_none)
    assert all(p.grad == 0.0 for p in model.parameters())


def test_param_groups_changes_the_learning_rate_as_in_pytorch() -> None:
    params = [Value(1.0)]
    optimizer = nn.Adam(params, lr=0.1)
    (group,) = optimizer.param_groups
    assert group["lr"] == 0.1 and group["params"] is optimizer.params
    assert group["betas"] == (0.9, 0.999) and "eps" in group
    for group in optimizer.param_groups:
        group["lr"] = 0.01
    assert optimizer.lr == 0.01
    with pytest.raises(KeyError, match="only 'lr'"):
        optimizer.param_groups[0]["eps"] = 0.0
    with pytest.raises(ValueError):
        optimizer.param_groups[0]["lr"] = -1.0


@pytest.mark.parametrize("make", [
    lambda x: x * 2.0 + 1.0, lambda x: nn.mse([x], [0.0]), lambda x: (x * x).tanh(),
], ids=["arithmetic", "a loss", "a method"])
def test_backward_on_a_result_made_under_no_grad_raises_naming_the_way_out(make: object) -> None:
    x = Value(2.0)
    with no_grad():
        out = make(x)  # type: ignore[operator]
    with pytest.raises(RuntimeError, match=r"computed under no_grad.*enable_grad"):
        out.backward()
    assert x.grad == 0.0
    with no_grad(), enable_grad():
        make(x).backward()  # type: ignore[operator]
    assert x.grad != 0.0


def test_backward_on_a_leaf_of_your_own_still_gives_it_gradient_1() -> None:
    x = Value(2.0)
    x.backward()
    assert x.grad == 1.0
    with no_grad():
        y = Value(3.0)
    y.backward()
    assert y.grad == 1.0


def test_fit_takes_numpy_arrays_and_the_labels_the_losses_take() -> None:
    X, y = nn.xor()
    model = nn.MLP(2, [8, 1], activation="tanh", seed=1)
    signs = np.array([2.0 * label - 1.0 for label in y])  # [−1.0, 1.0, ...]: micrograd's labels
    nn.fit(model, np.array(X), signs, loss="hinge", optimizer=nn.Adam(model.parameters(), lr=0.1),
           epochs=100, progress=False, seed=0)
    assert nn.predict_classes(model, np.array(X), loss="hinge") == y
    _, accuracy = nn.evaluate(model, np.array(X), signs, loss="hinge")
    assert accuracy == 1.0


@pytest.mark.parametrize(("loss", "labels"), [
    ("hinge", [1.0, -1.0, 1.0, -1.0]), ("bce", [1.0, 0.0, 1.0, 0.0]), ("bce", [0.9, 0.1, 0.8, 0.2]),
    ("mse", [1.0, 0.0, 1.0, 0.0]),
])
def test_fit_accepts_the_labels_its_loss_accepts(loss: str, labels: list[float]) -> None:
    X = [[0.0, 1.0], [1.0, 0.0], [0.5, 1.0], [1.0, 0.5]]
    model = nn.MLP(2, [3, 1], seed=0)
    history = nn.fit(model, X, labels, loss=loss, optimizer=nn.SGD(model.parameters(), lr=0.1),
                     epochs=2, progress=False, seed=0)
    assert len(history.train_loss) == 2
    direct = nn.compute_loss([model(x) for x in X], labels, loss)
    assert direct.item() >= 0.0


def test_fit_accepts_a_distribution_per_example_for_cross_entropy() -> None:
    X = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]
    targets = [[1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.2, 0.3, 0.5]]
    model = nn.MLP(2, [4, 3], seed=0)
    history = nn.fit(model, X, targets, loss="cross_entropy",
                     optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=2, progress=False)
    assert len(history.train_accuracy) == 2


def test_a_numpy_array_works_in_the_scaler_the_split_and_the_losses() -> None:
    X, y = nn.moons(n=20, seed=0)
    X_train, X_test, y_train, _ = nn.train_test_split(np.array(X), np.array(y), seed=0)
    assert len(X_train) == len(y_train) == 15
    _, _, scaler = nn.standardize(np.array(X_train))
    assert scaler.transform(np.array(X_test))
    assert nn.mse([Value(1.0), Value(2.0)], np.array([1.0, 2.0])).item() == 0.0
    assert list(nn.batches(np.array(X), np.array(y), batch_size=7))
