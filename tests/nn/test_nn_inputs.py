"""Inputs are never silently misread: mappings and sets are not sequences, losses return Values."""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import nn
from autograd import Value

# A dict has a length and iterates (over its keys); a set has a length and no order.
NOT_SEQUENCES: list[Any] = [{0: 1.0, 1: 2.0}, {1.0, 2.0}, frozenset({1.0, 2.0}), "12"]
IDS = ["dict", "set", "frozenset", "str"]


def _model() -> nn.MLP:
    return nn.MLP(2, [3, 1], seed=0)


@pytest.mark.parametrize("x", NOT_SEQUENCES, ids=IDS)
def test_layers_refuse_a_mapping_or_set_as_one_example(x: Any) -> None:
    for module, name in ((nn.Neuron(2), "Neuron"), (nn.Layer(2, 3), "Layer"), (_model(), "MLP")):
        with pytest.raises(TypeError, match=rf"^{name} expected a sequence of 2 floats or Values, "
                                            rf"got {type(x).__name__}"):
            module(x)


@pytest.mark.parametrize("x", NOT_SEQUENCES[:3], ids=IDS[:3])
def test_dropout_refuses_a_mapping_or_set_of_activations(x: Any) -> None:
    with pytest.raises(TypeError, match=rf"^Dropout expects a list of Values, got {type(x).__name__}"):
        nn.Dropout(0.5)(x)


def test_a_nested_list_names_the_model_and_the_item() -> None:
    with pytest.raises(TypeError, match=r"^MLP expected a sequence of 2 floats or Values, got a "
                                        r"list whose item 0 is list: \[1\.0, 2\.0\]$"):
        _model()([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match=r"^Layer expected .* item 1 is bool: True$"):
        nn.Layer(2, 1)([1.0, True])


def test_layers_still_take_any_sequence_of_numbers() -> None:
    model = _model()
    expected = model([1.0, 2.0])[0].data
    for x in ((1.0, 2.0), [1, 2], range(1, 3), [Value(1.0), 2.0]):
        assert model(x)[0].data == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", NOT_SEQUENCES[:3], ids=IDS[:3])
def test_losses_refuse_a_mapping_or_set_for_predictions_or_targets(bad: Any) -> None:
    pred = [Value(1.0), Value(2.0)]
    for loss in (nn.mse, nn.sse, nn.bce_with_logits, nn.hinge):
        with pytest.raises(TypeError, match=r"expects"):
            loss(bad, [1.0, 1.0])
        with pytest.raises(TypeError, match=r"expects"):
            loss(pred, bad)
    with pytest.raises(TypeError, match=r"cross_entropy expects"):
        nn.cross_entropy(bad, 0)


def _data_calls() -> list[tuple[str, Callable[[Any, Any], object]]]:
    model = _model()
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    return [
        ("train_test_split", lambda X, y: nn.train_test_split(X, y)),
        ("batches", lambda X, y: nn.batches(X, y, batch_size=1)),
        ("fit", lambda X, y: nn.fit(model, X, y, loss="bce", optimizer=optimizer, epochs=1,
                                     progress=False)),
        ("fit validation", lambda X, y: nn.fit(model, [[0.0, 1.0]], [1], loss="bce",
                                                optimizer=optimizer, epochs=1,
                                                validation=(X, y), progress=False)),
        ("evaluate", lambda X, y: nn.evaluate(model, X, y, loss="bce")),
    ]


@pytest.mark.parametrize("bad", NOT_SEQUENCES[:3], ids=IDS[:3])
def test_data_helpers_refuse_mappings_and_sets_for_data_rows_and_labels(bad: Any) -> None:
    good_X, good_y = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0]], [0, 1, 0, 1]
    for name, call in _data_calls():
        with pytest.raises(TypeError, match=rf"^{name} expects X to be a list, got"):
            call(bad, good_y)
        with pytest.raises(TypeError, match=rf"^{name} expects y to be a list, got"):
            call(good_X, bad)
        with pytest.raises(TypeError, match=rf"^{name} expects each example to be a list of "
                                            rf"numbers, example 1 is, got {type(bad).__name__}"):
            call([[0.0, 1.0], bad, [0.5, 0.5], [1.0, 1.0]], good_y)
    for call in (nn.standardize, nn.Scaler.fit, lambda X: nn.predict(_model(), X)):
        with pytest.raises(TypeError, match="expects"):
            call([[0.0, 1.0], bad])


def test_optimizers_refuse_parameters_given_as_a_set_or_a_mapping() -> None:
    model = _model()
    with pytest.raises(TypeError, match=r"SGD expects a non-empty list of Values, got set "
                                        r"\(a set: it has no order\)"):
        nn.SGD(set(model.parameters()), lr=0.1)
    with pytest.raises(TypeError, match=r"Adam expects a non-empty list of Values, got dict"):
        nn.Adam(dict(model.named_parameters()))
    assert nn.SGD(iter(model.parameters()), lr=0.1).params == model.parameters()


def test_fit_refuses_an_optimizer_that_holds_none_of_the_models_parameters() -> None:
    model, other = _model(), _model()
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"the optimizer holds none of the model's 13 parameters "
                                         r"\(it holds 13 other Values\), so fit would train nothing"):
        nn.fit(model, [[0.0, 1.0]], [1], loss="bce", optimizer=nn.SGD(other.parameters(), lr=0.1),
               epochs=1, progress=False)
    assert model.state_dict() == before


def test_fit_warns_when_the_optimizer_holds_only_some_of_the_models_parameters() -> None:
    model = _model()
    first_layer = model.layers[0].parameters()
    with pytest.warns(UserWarning, match=r"holds 9 of the model's 13 parameters; the other 4 will "
                                         r"not be trained") as caught:
        nn.fit(model, [[0.0, 1.0]], [1], loss="bce", optimizer=nn.SGD(first_layer, lr=0.1),
               epochs=1, progress=False)
    assert caught[0].filename == __file__  # points at the call, not inside nn
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the whole model: no warning
        nn.fit(model, [[0.0, 1.0]], [1], loss="bce", optimizer=nn.SGD(model.parameters(), lr=0.1),
               epochs=1, progress=False)


@pytest.mark.parametrize("returned", [1.0, None, [Value(1.0)], "loss"])
def test_a_loss_function_must_return_a_value_and_is_told_what_it_returned(returned: Any) -> None:
    model = _model()
    before = model.state_dict()
    with pytest.raises(TypeError, match=rf"the loss function must return a Value .*, got "
                                        rf"{type(returned).__name__}"):
        nn.fit(model, [[0.0, 1.0]], [1.0], loss=lambda outputs, targets: returned,
               optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=1, progress=False)
    assert model.state_dict() == before
    with pytest.raises(TypeError, match=r"the loss function must return a Value"):
        nn.compute_loss([model([0.0, 1.0])], [1.0], lambda outputs, targets: returned)


@pytest.mark.parametrize(("epochs", "error"), [(None, TypeError), (0, ValueError), (1.5, TypeError)])
def test_epochs_is_a_positive_int_as_its_message_says(epochs: Any, error: type[Exception]) -> None:
    model = _model()
    with pytest.raises(error, match=r"^epochs must be a positive int, got") as caught:
        nn.fit(model, [[0.0, 1.0]], [1], loss="bce", optimizer=nn.SGD(model.parameters(), lr=0.1),
               epochs=epochs, progress=False)
    assert "None" not in str(caught.value).split(", got")[0]


def test_a_neuron_can_be_fitted_and_predicted_as_a_one_output_model() -> None:
    neuron = nn.Neuron(2, activation="linear", rng=random.Random(0))
    X, y = nn.xor()
    nn.fit(neuron, X[:2], y[:2], loss="bce", optimizer=nn.SGD(neuron.parameters(), lr=0.5),
           epochs=20, progress=False)
    assert nn.predict_classes(neuron, X[:2], loss="bce") == y[:2]
    assert [len(row) for row in nn.predict(neuron, X)] == [1, 1, 1, 1]
