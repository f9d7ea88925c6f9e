"""Data sets, splitting, standardization and batches (the data room, nn/data/)."""

from __future__ import annotations

import builtins
import math
import random
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from nn import (
    Scaler,
    batches,
    circles,
    digits,
    moons,
    spiral,
    standardize,
    train_test_split,
    xor,
)

GENERATORS: list[tuple[str, Callable[..., tuple[list[list[float]], list[int]]], dict[str, Any]]] = [
    ("moons", moons, {"n": 50, "noise": 0.1}),
    ("circles", circles, {"n": 50, "noise": 0.05}),
    ("spiral", spiral, {"n": 60, "classes": 3}),
]


# ---------------------------------------------------------------- generated sets


def test_xor_has_the_four_points_and_their_labels() -> None:
    X, y = xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert y == [0, 1, 1, 0]


@pytest.mark.parametrize(("name", "make", "kwargs"), GENERATORS, ids=[g[0] for g in GENERATORS])
def test_generated_sets_are_reproducible_with_a_seed(
    name: str, make: Callable[..., Any], kwargs: dict[str, Any]
) -> None:
    assert make(**kwargs, seed=3) == make(**kwargs, seed=3)
    assert make(**kwargs, seed=3) != make(**kwargs, seed=4)


@pytest.mark.parametrize(("name", "make", "kwargs"), GENERATORS, ids=[g[0] for g in GENERATORS])
def test_generated_sets_leave_the_global_random_state_alone(
    name: str, make: Callable[..., Any], kwargs: dict[str, Any]
) -> None:
    random.seed(123)
    expected = random.random()
    random.seed(123)
    make(**kwargs, seed=1)
    assert random.random() == expected


def test_moons_has_n_points_with_two_coordinates_and_balanced_labels() -> None:
    X, y = moons(n=101, noise=0.1, seed=0)
    assert len(X) == len(y) == 101
    assert all(len(row) == 2 and all(isinstance(v, float) for v in row) for row in X)
    assert Counter(y) == {0: 51, 1: 50}


def test_moons_without_noise_lies_on_the_two_half_circles() -> None:
    X, y = moons(n=40, noise=0.0, seed=0)
    for (a, b), label in zip(X, y, strict=True):
        if label == 0:  # upper moon: unit circle around (0, 0), upper half
            assert math.hypot(a, b) == pytest.approx(1.0)
            assert b >= -1e-12
        else:  # lower moon: unit circle around (1, 0.5), lower half
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0)
            assert b <= 0.5 + 1e-12


def test_circles_without_noise_puts_class_1_on_the_inner_circle() -> None:
    X, y = circles(n=30, noise=0.0, factor=0.3, seed=0)
    radii = {label: {round(math.hypot(a, b), 9) for (a, b), k in zip(X, y, strict=True) if k == label}
             for label in (0, 1)}
    assert radii == {0: {1.0}, 1: {0.3}}
    assert Counter(y) == {0: 15, 1: 15}


def test_spiral_shares_its_n_points_among_its_classes_inside_the_unit_disc() -> None:
    X, y = spiral(n=100, classes=4, seed=0)
    assert len(X) == 100
    assert Counter(y) == {0: 25, 1: 25, 2: 25, 3: 25}
    assert all(math.hypot(a, b) <= 1.0 + 1e-12 for a, b in X)


def test_spiral_gives_the_extra_points_to_the_first_arms() -> None:
    _, y = spiral(n=11, classes=3, seed=0)
    assert Counter(y) == {0: 4, 1: 4, 2: 3}


def test_spiral_needs_a_point_per_arm() -> None:
    with pytest.raises(ValueError, match=r"spiral n must be at least classes \(4\)"):
        spiral(n=3, classes=4)


@pytest.mark.parametrize("make", [moons, circles, spiral])
def test_generators_take_n_then_noise_and_seed_by_keyword(make: Callable[..., Any]) -> None:
    X, y = make(40, noise=0.0, seed=1)
    assert len(X) == len(y) == 40
    with pytest.raises(TypeError):
        make(40, 0.1)  # noise and seed are keywords: an old positional call fails loudly


def test_generated_sets_are_shuffled_not_sorted_by_class() -> None:
    _, y = moons(n=60, seed=0)
    assert y != sorted(y)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: moons(n=0), ValueError),
        (lambda: moons(n=-5), ValueError),
        (lambda: moons(n=2.5), TypeError),  # type: ignore[arg-type]
        (lambda: moons(noise=-0.1), ValueError),
        (lambda: moons(noise=float("nan")), ValueError),
        (lambda: circles(factor=1.0), ValueError),
        (lambda: circles(factor=0.0), ValueError),
        (lambda: spiral(classes=1), ValueError),
        (lambda: spiral(n=True), TypeError),
        (lambda: moons(seed="a"), TypeError),  # type: ignore[arg-type]
    ],
)
def test_generators_refuse_bad_arguments(call: Callable[[], Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        call()


def test_moons_error_message_says_what_was_received() -> None:
    with pytest.raises(ValueError, match=r"moons n must be a positive int, got 0"):
        moons(n=0)


def test_digits_are_1797_images_of_64_pixels_scaled_to_unit_interval() -> None:
    pytest.importorskip("sklearn")
    X, y = digits()
    assert len(X) == len(y) == 1797
    assert {len(row) for row in X} == {64}
    pixels = [value for row in X for value in row]
    assert min(pixels) == 0.0 and max(pixels) == 1.0
    assert set(y) == set(range(10))
    assert all(type(label) is int for label in y)


def test_digits_without_scikit_learn_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "sklearn" or name.startswith("sklearn."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for module in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install 'valuegrad\[data\]'"):
        digits()


# ---------------------------------------------------------------- train_test_split


def test_split_partitions_the_examples_with_the_test_fraction_rounded_up() -> None:
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    assert (len(X_train), len(X_test)) == (7, 3)  # ceil(2.5) = 3, as scikit-learn
    assert sorted(y_train + y_test) == y
    assert all(row == [float(label)] for row, label in zip(X_train + X_test, y_train + y_test,
                                                            strict=True))


def test_split_is_reproducible_and_depends_on_the_seed() -> None:
    X, y = moons(n=40, seed=0)
    assert train_test_split(X, y, seed=1) == train_test_split(X, y, seed=1)
    assert train_test_split(X, y, seed=1) != train_test_split(X, y, seed=2)


def test_split_accepts_an_int_count() -> None:
    X, y = moons(n=40, seed=0)
    _, X_test, _, _ = train_test_split(X, y, test_size=5)
    assert len(X_test) == 5


def test_stratified_split_keeps_the_class_proportions() -> None:
    X = [[float(i)] for i in range(40)]
    y = [0] * 32 + [1] * 8
    _, _, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0, stratify=True)
    assert Counter(y_test) == {0: 8, 1: 2}
    assert Counter(y_train) == {0: 24, 1: 6}


def test_split_copies_rows_so_scaling_them_leaves_the_data_alone() -> None:
    X = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
    X_train, _, _, _ = train_test_split(X, [0, 1, 0, 1], test_size=1)
    X_train[0][0] = 99.0
    assert 99.0 not in [v for row in X for v in row]


@pytest.mark.parametrize("test_size", [0.0, 1.0, 1.5, 0, 10, -1])
def test_split_refuses_a_test_size_that_empties_a_part(test_size: float) -> None:
    X, y = moons(n=10, seed=0)
    with pytest.raises(ValueError, match="test_size"):
        train_test_split(X, y, test_size=test_size)


def test_split_refuses_x_and_y_of_different_lengths() -> None:
    with pytest.raises(ValueError, match=r"3 examples and 2 labels"):
        train_test_split([[0.0], [1.0], [2.0]], [0, 1])


# ---------------------------------------------------------------- standardize


def test_standardize_gives_zero_mean_unit_std_on_the_training_part() -> None:
    X, _ = moons(n=50, seed=0)
    X_s, X_none, scaler = standardize(X)
    assert X_none is None
    for j in range(2):
        column = [row[j] for row in X_s]
        mean = sum(column) / len(column)
        std = math.sqrt(sum((v - mean) ** 2 for v in column) / len(column))
        assert mean == pytest.approx(0.0, abs=1e-12)
        assert std == pytest.approx(1.0)
    assert scaler.nfeatures == 2


def test_standardize_scales_the_test_part_with_the_training_statistics() -> None:
    X_train = [[0.0, 10.0], [2.0, 30.0]]
    X_test = [[4.0, 20.0]]
    _, X_test_s, scaler = standardize(X_train, X_test)
    assert scaler.mean == (1.0, 20.0)
    assert scaler.std == (1.0, 10.0)
    assert X_test_s == [[3.0, 0.0]]


def test_a_constant_feature_gets_std_one_instead_of_dividing_by_zero() -> None:
    X_s, _, scaler = standardize([[5.0, 1.0], [5.0, 3.0]])
    assert scaler.std[0] == 1.0
    assert [row[0] for row in X_s] == [0.0, 0.0]


def test_scaler_round_trips_through_its_dict_and_inverts() -> None:
    scaler = Scaler((1.0, -2.0), (0.5, 4.0))
    assert Scaler.from_dict(scaler.to_dict()) == scaler
    X = [[3.0, 2.0], [-1.0, 0.0]]
    restored = scaler.inverse_transform(scaler.transform(X))
    assert [value for row in restored for value in row] == pytest.approx([3.0, 2.0, -1.0, 0.0])


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "minmax", "mean": [0.0], "std": [1.0]},
        {"kind": "standardize", "mean": [0.0]},
        {"kind": "standardize", "mean": [0.0], "std": [0.0]},
        {"kind": "standardize", "mean": [0.0, 1.0], "std": [1.0]},
        {"kind": "standardize", "mean": [float("nan")], "std": [1.0]},
        {"kind": "standardize", "mean": ["a"], "std": [1.0]},
    ],
)
def test_scaler_from_dict_refuses_malformed_data(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Scaler.from_dict(data)


def test_scaler_refuses_rows_of_the_wrong_width() -> None:
    scaler = Scaler((0.0, 0.0), (1.0, 1.0))
    with pytest.raises(ValueError, match=r"expects 2 features per example, got 3"):
        scaler.transform([[1.0, 2.0, 3.0]])


def test_standardize_refuses_ragged_rows() -> None:
    with pytest.raises(ValueError, match=r"example 1 has 1"):
        standardize([[1.0, 2.0], [3.0]])


# ---------------------------------------------------------------- batches


def test_batches_cover_every_example_once_with_a_smaller_last_batch() -> None:
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    parts = list(batches(X, y, batch_size=4, seed=0))
    assert [len(xb) for xb, _ in parts] == [4, 4, 2]
    assert sorted(label for _, yb in parts for label in yb) == y
    assert all(row == [float(label)] for xb, yb in parts for row, label in zip(xb, yb, strict=True))


def test_batches_without_shuffle_keep_the_order() -> None:
    parts = list(batches([[0.0], [1.0], [2.0]], [0, 1, 2], batch_size=2, shuffle=False))
    assert [yb for _, yb in parts] == [[0, 1], [2]]


def test_batches_are_reproducible_with_a_seed_and_vary_with_a_shared_generator() -> None:
    X = [[float(i)] for i in range(20)]
    y = list(range(20))
    first = [yb for _, yb in batches(X, y, 5, seed=7)]
    assert first == [yb for _, yb in batches(X, y, 5, seed=7)]
    rng = random.Random(7)
    epoch_1 = [yb for _, yb in batches(X, y, 5, seed=rng)]
    epoch_2 = [yb for _, yb in batches(X, y, 5, seed=rng)]
    assert epoch_1 != epoch_2


def test_batches_check_their_arguments_when_called_not_when_iterated() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        batches([[0.0]], [0], batch_size=0)
    with pytest.raises(ValueError, match=r"2 examples and 1 labels"):
        batches([[0.0], [1.0]], [0], batch_size=1)
