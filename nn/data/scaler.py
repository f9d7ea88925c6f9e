"""Per-feature standardization: ``Scaler`` and ``standardize``.

A scaler is fitted on training data only and applied unchanged to everything
later (test points, user inputs), and is saved with a model as its
``preprocessing``.

Examples:
    >>> X_train, X_test, scaler = standardize([[0.0, 10.0], [2.0, 30.0]], [[1.0, 20.0]])
    >>> X_test
    [[0.0, 0.0]]
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._checks import finite_examples, is_finite_real, plain, sequence, short_repr

__all__ = ["Scaler", "standardize"]

Matrix = list[list[float]]


@dataclass(frozen=True)
class Scaler:
    """Per-feature standardization: ``(x - mean) / std``.

    Built by :func:`standardize` (or :meth:`fit`) from training data and
    applied unchanged to any later input, so test points and user inputs are
    scaled exactly as the training set was. Saved with a model as its
    ``preprocessing``.

    Attributes:
        mean: One mean per feature.
        std: One standard deviation per feature (> 0; a constant feature gets 1.0).
    """

    mean: tuple[float, ...]
    std: tuple[float, ...]

    def __post_init__(self) -> None:
        mean = tuple(_finite_list(self.mean, "Scaler mean"))
        std = tuple(_finite_list(self.std, "Scaler std"))
        if len(mean) != len(std) or not mean:
            raise ValueError(
                f"Scaler needs as many means as stds (at least one), got {len(mean)} and {len(std)}"
            )
        bad = [s for s in std if s <= 0.0]
        if bad:
            raise ValueError(f"Scaler std values must be > 0, got {bad[0]!r}")
        # Frozen dataclass: set the normalised tuples through object.__setattr__.
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "std", std)

    @classmethod
    def fit(cls, X: Sequence[Sequence[float]]) -> Scaler:
        """The scaler that standardizes ``X`` (population std, as scikit-learn).

        Raises:
            ValueError: If ``X`` is empty or its rows differ in length.
        """
        rows = _matrix(X, "Scaler.fit")
        width = len(rows[0])
        mean, std = [], []
        for j in range(width):
            column = [row[j] for row in rows]
            center = _mean(column)
            deviation = _spread(column, center, j)
            mean.append(center)
            # A constant feature (e.g. a digit pixel that is always blank) would divide by 0.
            # Constant as scikit-learn decides it: a spread within the rounding of the mean,
            # so that a spread that is tiny but real (values near 1e-15) is still scaled.
            constant = deviation <= len(column) * sys.float_info.epsilon * abs(center)
            std.append(1.0 if constant or deviation == 0.0 else deviation)
        return cls(tuple(mean), tuple(std))

    @property
    def nfeatures(self) -> int:
        """The number of features this scaler expects."""
        return len(self.mean)

    def transform(self, X: Sequence[Sequence[float]]) -> Matrix:
        """Standardize every row of ``X``.

        Raises:
            ValueError: If a row does not have ``nfeatures`` values.
        """
        rows = _matrix(X, "Scaler.transform", allow_empty=True)
        self._check_width(rows)
        return [
            [(value - m) / s for value, m, s in zip(row, self.mean, self.std, strict=True)]
            for row in rows
        ]

    def inverse_transform(self, X: Sequence[Sequence[float]]) -> Matrix:
        """Undo :meth:`transform` (``x * std + mean``), e.g. to plot in raw units."""
        rows = _matrix(X, "Scaler.inverse_transform", allow_empty=True)
        self._check_width(rows)
        return [
            [value * s + m for value, m, s in zip(row, self.mean, self.std, strict=True)]
            for row in rows
        ]

    def _check_width(self, rows: Matrix) -> None:
        if rows and len(rows[0]) != self.nfeatures:
            raise ValueError(
                f"Scaler expects {self.nfeatures} features per example, got {len(rows[0])}"
            )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description: ``{"kind": "standardize", "mean": [...], "std": [...]}``."""
        return {"kind": "standardize", "mean": list(self.mean), "std": list(self.std)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scaler:
        """Rebuild a scaler from :meth:`to_dict`'s output.

        Raises:
            ValueError: If ``data`` is not such a dict (wrong kind, missing or
                extra keys, non-finite numbers, lengths that differ).
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"a Scaler dict must be a mapping, got {type(data).__name__}")
        if set(data) != {"kind", "mean", "std"} or data["kind"] != "standardize":
            raise ValueError(
                f"a Scaler dict must have exactly the keys kind='standardize', mean and std, "
                f"got {dict(data)!r:.200}"
            )
        return cls(
            tuple(_finite_list(data["mean"], "Scaler mean")),
            tuple(_finite_list(data["std"], "Scaler std")),
        )


def _mean(column: list[float]) -> float:
    """The mean, also of numbers whose sum overflows (near 1e308): then computed on a scaled copy."""
    try:
        total = math.fsum(column)
    except OverflowError:  # fsum's intermediate overflow
        total = math.inf
    if math.isfinite(total):
        return total / len(column)
    largest = max(abs(value) for value in column)
    return largest * (math.fsum(value / largest for value in column) / len(column))


def _spread(column: list[float], center: float, feature: int) -> float:
    """The population standard deviation, computed on a scaled copy so squares never overflow.

    Raises:
        ValueError: If the spread itself is too large for a float.
    """
    deviations = [value - center for value in column]
    largest = max(abs(deviation) for deviation in deviations)
    if largest == 0.0:
        return 0.0
    if not math.isfinite(largest):
        raise ValueError(
            f"Scaler.fit: feature {feature} spreads from {min(column)!r} to {max(column)!r}, "
            "wider than a float can hold; rescale it first (divide it by 1e300, say)"
        )
    variance = math.fsum((deviation / largest) ** 2 for deviation in deviations) / len(column)
    return largest * math.sqrt(variance)


def _finite_list(values: object, what: str) -> list[float]:
    # ValueError, not TypeError: a Scaler is also rebuilt from a file's contents.
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Sequence):
        raise ValueError(f"{what} must be a list of numbers, got {type(values).__name__}")
    for value in values:
        if not is_finite_real(value):
            raise ValueError(f"{what} must hold finite real numbers, got {short_repr(value)}")
    return [float(value) for value in values]


def _matrix(X: Sequence[Sequence[float]], what: str, allow_empty: bool = False) -> Matrix:
    X = plain(X)
    if allow_empty and len(sequence(X, f"{what} expects a list of examples")) == 0:
        return []
    return [[float(value) for value in row] for row in finite_examples(X, what)]


def standardize(
    X_train: Sequence[Sequence[float]], X_test: Sequence[Sequence[float]] | None = None
) -> tuple[Matrix, Matrix | None, Scaler]:
    """Scale every feature to mean 0 and std 1, using statistics of ``X_train`` only.

    Fitting on the training part alone keeps test data unseen, as it would be
    in use.

    Args:
        X_train: The examples the statistics come from.
        X_test: Examples to scale with the same statistics, if any.

    Returns:
        ``(X_train_scaled, X_test_scaled or None, scaler)``.

    Raises:
        ValueError: If ``X_train`` is empty, rows differ in length or hold
            non-finite values.
    """
    scaler = Scaler.fit(X_train)
    return (
        scaler.transform(X_train),
        None if X_test is None else scaler.transform(X_test),
        scaler,
    )
