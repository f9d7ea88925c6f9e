"""Class labels as numbers: one-hot rows, and the argmax that reads a class back from outputs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["argmax", "one_hot"]


def one_hot(labels: Iterable[int], classes: int) -> list[list[float]]:
    """One row per label: 1.0 at the label's index, 0.0 at the other ``classes - 1``.

    Examples:
        >>> one_hot([2, 0], 3)
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    return [[1.0 if j == label else 0.0 for j in range(classes)] for label in labels]


def argmax(outputs: Sequence[float]) -> int:
    """The index of the largest output (the first one, on a tie).

    Examples:
        >>> argmax([0.1, 2.0, -1.0])
        1
    """
    return max(range(len(outputs)), key=outputs.__getitem__)
