"""Splitting a data set into train and test parts, and cutting it into mini-batches.

Examples:
    >>> X, y = moons(n=100, noise=0.1, seed=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    >>> len(X_train), len(X_test)
    (75, 25)
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from autograd.extend import is_real

from .._checks import paired, plain, positive_int, seed_or_none, sequence, unit_interval

__all__ = ["batches", "train_test_split"]

Matrix = list[list[float]]
Target = TypeVar("Target")


def _check_pair(X: Sequence[Any], y: Sequence[Any], what: str) -> None:
    paired(X, y, what)
    for index, row in enumerate(X):
        sequence(row, f"{what} expects each example to be a list of numbers, example {index} is")


def train_test_split(
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
    test_size: float | int = 0.25,
    seed: int | None = 0,
    stratify: bool = False,
) -> tuple[Matrix, Matrix, list[Target], list[Target]]:
    """Shuffle and split into a training and a test part.

    Args:
        X: The examples.
        y: One label (or target) per example.
        test_size: A fraction in (0, 1) of the examples (rounded up, as
            scikit-learn does) or an int count.
        seed: Seed for the shuffle; None draws a fresh one.
        stratify: Split each class separately so both parts keep the class
            proportions (labels must be hashable).

    Returns:
        ``X_train, X_test, y_train, y_test`` (new lists; rows are copied).

    Raises:
        TypeError: If ``X``/``y`` are not lists or ``test_size`` not a number.
        ValueError: If the lengths differ or a part would be empty.
    """
    X, y = plain(X), plain(y)
    _check_pair(X, y, "train_test_split")
    total = len(X)
    if not is_real(test_size):
        raise TypeError(
            f"test_size must be a fraction in (0, 1) or an int count, "
            f"got {type(test_size).__name__}: {test_size!r}"
        )
    if isinstance(test_size, int):
        count = int(test_size)
        if not 0 < count < total:
            raise ValueError(
                f"test_size as a count must be between 1 and {total - 1} for {total} examples, "
                f"got {count}"
            )
        fraction = count / total
    else:
        fraction = unit_interval(test_size, "test_size as a fraction")
        count = math.ceil(fraction * total)
        if not 0 < count < total:
            raise ValueError(
                f"test_size={test_size!r} of {total} examples leaves an empty train or test part"
            )
    rng = random.Random(seed_or_none(seed, "train_test_split"))
    if stratify:
        groups: dict[Any, list[int]] = {}
        for index, label in enumerate(y):
            groups.setdefault(label, []).append(index)
        test: list[int] = []
        train: list[int] = []
        for members in groups.values():
            rng.shuffle(members)
            # Round per class, but keep at least one example of each class on the train side.
            take = min(len(members) - 1, round(fraction * len(members)))
            test.extend(members[:take])
            train.extend(members[take:])
        rng.shuffle(test)
        rng.shuffle(train)
    else:
        order = list(range(total))
        rng.shuffle(order)
        test, train = order[:count], order[count:]
    if not test:
        raise ValueError(f"test_size={test_size!r} gives an empty test part with stratify=True")
    return (
        [list(X[i]) for i in train],
        [list(X[i]) for i in test],
        [y[i] for i in train],
        [y[i] for i in test],
    )


def batches(
    X: Sequence[Sequence[float]],
    y: Sequence[Target],
    batch_size: int,
    shuffle: bool = True,
    seed: int | random.Random | None = None,
) -> Iterator[tuple[list[Sequence[float]], list[Target]]]:
    """Yield ``(X_batch, y_batch)`` pairs covering every example once.

    The last batch is smaller when ``batch_size`` does not divide ``len(X)``
    (nothing is dropped).

    Args:
        X: The examples.
        y: One label or target per example.
        batch_size: Examples per batch, >= 1 (1 gives stochastic gradient descent).
        shuffle: Visit the examples in a random order.
        seed: An int seed, a ``random.Random`` to draw from (so successive
            epochs get different orders from one generator), or None for a
            fresh order.

    Returns:
        An iterator of (examples, labels) lists; the rows are not copied.

    Raises:
        TypeError, ValueError: For a bad ``batch_size`` or ``X``/``y`` of different lengths.
    """
    X, y = plain(X), plain(y)
    _check_pair(X, y, "batches")
    batch_size = positive_int(batch_size, "batch_size")
    order = list(range(len(X)))
    if shuffle:
        rng = seed if isinstance(seed, random.Random) else random.Random(seed_or_none(seed, "batches"))
        rng.shuffle(order)
    # Checked and shuffled above, eagerly: a generator function would report bad
    # arguments only at the first next().
    return _batches_in_order(X, y, order, batch_size)


def _batches_in_order(
    X: Sequence[Sequence[float]], y: Sequence[Target], order: list[int], batch_size: int
) -> Iterator[tuple[list[Sequence[float]], list[Target]]]:
    for start in range(0, len(order), batch_size):
        chosen = order[start : start + batch_size]
        yield [X[i] for i in chosen], [y[i] for i in chosen]
