"""Toy data sets, splitting, standardization and mini-batches, in plain Python lists.

Every generated set is drawn from its own ``random.Random(seed)``, so the same
arguments give the same points on every machine and Python version, without
numpy and without touching the ``random`` module's global state.

Shapes: ``X`` is a list of examples, each a list of floats; ``y`` is a list of
int class labels (0/1 for the binary sets), one per example.

Example:
    >>> X, y = moons(n=100, noise=0.1, seed=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    >>> X_train, X_test, scaler = standardize(X_train, X_test)
    >>> len(X_train), len(X_test)
    (75, 25)
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ._checks import positive_int

Matrix = list[list[float]]
Target = TypeVar("Target")

# ---------------------------------------------------------------- argument checks


def _non_negative(value: object, what: str) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{what} must be a real number >= 0, got {type(value).__name__}: {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a finite number >= 0, got {value!r}")
    return float(value)


def _seed(seed: object, what: str) -> int | None:
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise TypeError(f"{what} seed must be an int or None, got {type(seed).__name__}: {seed!r}")
    return seed


def _linspace(start: float, stop: float, count: int, endpoint: bool = True) -> list[float]:
    """``count`` evenly spaced numbers from ``start`` to ``stop`` (as numpy.linspace)."""
    if count == 1:
        return [start]
    intervals = count - 1 if endpoint else count
    step = (stop - start) / intervals
    return [start + i * step for i in range(count)]


def _shuffled(X: Matrix, y: list[int], rng: random.Random) -> tuple[Matrix, list[int]]:
    # Generated sets come out class by class; shuffling keeps any prefix balanced-ish,
    # which matters to people who slice X[:20] to look at it.
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


# ---------------------------------------------------------------- data sets


def xor() -> tuple[Matrix, list[int]]:
    """The four XOR points: the classic problem no linear model can solve.

    Returns:
        ``X = [[0, 0], [0, 1], [1, 0], [1, 1]]`` and ``y = [0, 1, 1, 0]``.
    """
    return [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0]


def moons(n: int = 200, noise: float = 0.1, seed: int | None = 0) -> tuple[Matrix, list[int]]:
    """Two interleaving half circles (as scikit-learn's ``make_moons``).

    The upper moon (class 0) is the half circle of radius 1 around (0, 0); the
    lower moon (class 1) is the same half circle flipped and shifted to
    (1, 0.5). Gaussian noise with standard deviation ``noise`` is added to both
    coordinates. Points are evenly spaced along each moon, then shuffled.

    Args:
        n: Total number of points (class 0 gets the extra one when odd).
        noise: Standard deviation of the Gaussian noise, >= 0.
        seed: Seed for the noise and the order; None draws a fresh one.

    Returns:
        ``(X, y)``: n points with 2 coordinates, labels 0 or 1.

    Raises:
        TypeError, ValueError: If ``n`` is not a positive int or ``noise`` < 0.
    """
    n = positive_int(n, "moons n")
    noise = _non_negative(noise, "moons noise")
    rng = random.Random(_seed(seed, "moons"))
    n_upper = n - n // 2
    X: Matrix = []
    y: list[int] = []
    for angle in _linspace(0.0, math.pi, n_upper):
        X.append([math.cos(angle), math.sin(angle)])
        y.append(0)
    for angle in _linspace(0.0, math.pi, n // 2):
        X.append([1.0 - math.cos(angle), 0.5 - math.sin(angle)])
        y.append(1)
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]
    return _shuffled(X, y, rng)


def circles(
    n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0
) -> tuple[Matrix, list[int]]:
    """A small circle inside a large one (as scikit-learn's ``make_circles``).

    Args:
        n: Total number of points; the outer circle (class 0) gets the extra one.
        noise: Standard deviation of the Gaussian noise added to each coordinate.
        factor: Radius of the inner circle (class 1), in (0, 1); the outer has radius 1.
        seed: Seed for the noise and the order; None draws a fresh one.

    Returns:
        ``(X, y)``: n points with 2 coordinates, labels 0 (outer) or 1 (inner).

    Raises:
        TypeError, ValueError: If ``n`` is not a positive int, ``noise`` < 0 or
            ``factor`` is outside (0, 1).
    """
    n = positive_int(n, "circles n")
    noise = _non_negative(noise, "circles noise")
    if not isinstance(factor, numbers.Real) or isinstance(factor, bool):
        raise TypeError(f"circles factor must be a real number, got {type(factor).__name__}")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"circles factor must be in (0, 1), got {factor!r}")
    rng = random.Random(_seed(seed, "circles"))
    n_outer = n - n // 2
    X: Matrix = []
    y: list[int] = []
    for label, radius, count in ((0, 1.0, n_outer), (1, float(factor), n // 2)):
        for angle in _linspace(0.0, 2.0 * math.pi, count, endpoint=False):
            X.append([radius * math.cos(angle), radius * math.sin(angle)])
            y.append(label)
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]
    return _shuffled(X, y, rng)


def spiral(
    n: int = 100, classes: int = 3, seed: int | None = 0, noise: float = 0.2
) -> tuple[Matrix, list[int]]:
    """Interleaved spiral arms, one per class (the CS231n example).

    Arm ``k`` has ``n`` points at radius r from 0 to 1 and angle
    ``4k + 4r`` (radians) plus Gaussian noise of standard deviation ``noise``;
    the point is ``(r·sin angle, r·cos angle)``.

    Args:
        n: Points PER CLASS (so ``n * classes`` in total).
        classes: Number of arms / classes, >= 2.
        seed: Seed for the noise and the order; None draws a fresh one.
        noise: Standard deviation of the angular noise, >= 0.

    Returns:
        ``(X, y)``: ``n * classes`` points with 2 coordinates, labels 0..classes-1.

    Raises:
        TypeError, ValueError: For a non-positive ``n``, ``classes`` < 2 or ``noise`` < 0.
    """
    n = positive_int(n, "spiral n")
    classes = positive_int(classes, "spiral classes")
    if classes < 2:
        raise ValueError(f"spiral classes must be at least 2, got {classes}")
    noise = _non_negative(noise, "spiral noise")
    rng = random.Random(_seed(seed, "spiral"))
    X: Matrix = []
    y: list[int] = []
    for label in range(classes):
        for radius in _linspace(0.0, 1.0, n):
            angle = 4.0 * label + 4.0 * radius + rng.gauss(0.0, noise)
            X.append([radius * math.sin(angle), radius * math.cos(angle)])
            y.append(label)
    return _shuffled(X, y, rng)


def digits() -> tuple[Matrix, list[int]]:
    """The 1,797 handwritten 8x8 digits bundled with scikit-learn (no download).

    Returns:
        ``(X, y)``: 64 pixel intensities per image scaled from 0..16 to [0, 1],
        row by row; labels 0..9.

    Raises:
        ImportError: If scikit-learn is not installed; the message says how to
            install it.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:
        raise ImportError(
            "nn.digits() needs scikit-learn (it ships the 8x8 digits data set); "
            "install it with: pip install 'valuegrad[data]'"
        ) from error
    bunch = load_digits()
    X = [[float(pixel) / 16.0 for pixel in row] for row in bunch.data.tolist()]
    y = [int(label) for label in bunch.target.tolist()]
    return X, y


# ---------------------------------------------------------------- splitting


def _check_pair(X: Sequence[Any], y: Sequence[Any], what: str) -> None:
    for name, seq in (("X", X), ("y", y)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence):
            raise TypeError(f"{what} expects {name} to be a list, got {type(seq).__name__}")
    if len(X) != len(y):
        raise ValueError(
            f"{what} expects X and y of the same length, got {len(X)} examples and {len(y)} labels"
        )


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
    _check_pair(X, y, "train_test_split")
    total = len(X)
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(
            f"test_size must be a fraction in (0, 1) or an int count, "
            f"got {type(test_size).__name__}: {test_size!r}"
        )
    if isinstance(test_size, numbers.Integral):
        count = int(test_size)
        if not 0 < count < total:
            raise ValueError(
                f"test_size as a count must be between 1 and {total - 1} for {total} examples, "
                f"got {count}"
            )
        fraction = count / total
    else:
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"test_size as a fraction must be in (0, 1), got {test_size!r}")
        fraction = float(test_size)
        count = math.ceil(fraction * total)
        if not 0 < count < total:
            raise ValueError(
                f"test_size={test_size!r} of {total} examples leaves an empty train or test part"
            )
    rng = random.Random(_seed(seed, "train_test_split"))
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


# ---------------------------------------------------------------- standardization


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
        count = len(rows)
        width = len(rows[0])
        mean = [math.fsum(row[j] for row in rows) / count for j in range(width)]
        std = []
        for j in range(width):
            variance = math.fsum((row[j] - mean[j]) ** 2 for row in rows) / count
            deviation = math.sqrt(variance)
            # A constant feature (e.g. a digit pixel that is always blank) would divide by 0.
            std.append(deviation if deviation > 1e-12 else 1.0)
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
        return cls(tuple(data["mean"]), tuple(data["std"]))


def _finite_list(values: object, what: str) -> list[float]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise ValueError(f"{what} must be a list of numbers, got {type(values).__name__}")
    out: list[float] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"{what} must hold finite real numbers, got {value!r}")
        out.append(float(value))
    return out


def _matrix(X: Sequence[Sequence[float]], what: str, allow_empty: bool = False) -> Matrix:
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence):
        raise TypeError(f"{what} expects a list of examples, got {type(X).__name__}")
    if not X:
        if allow_empty:
            return []
        raise ValueError(f"{what} expects at least one example, got an empty list")
    rows = [_finite_list(row, f"{what} row {index}") for index, row in enumerate(X)]
    width = len(rows[0])
    for index, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(
                f"{what} expects every example to have {width} features, "
                f"example {index} has {len(row)}"
            )
    return rows


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


# ---------------------------------------------------------------- mini-batches


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
    _check_pair(X, y, "batches")
    batch_size = positive_int(batch_size, "batch_size")
    order = list(range(len(X)))
    if shuffle:
        rng = seed if isinstance(seed, random.Random) else random.Random(_seed(seed, "batches"))
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
