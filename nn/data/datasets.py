"""Toy data sets, generated in plain Python lists: xor, moons, circles, spiral, digits.

Every generated set is drawn from its own ``random.Random(seed)``, so the same
arguments give the same points on every machine and Python version, without
numpy and without touching the ``random`` module's global state.

Shapes: ``X`` is a list of examples, each a list of floats; ``y`` is a list of
int class labels (0/1 for the binary sets), one per example.

One signature: ``generator(n, *, noise, seed, ...)``, each where it applies.
``n`` is always the total number of points; ``noise`` and ``seed`` are
keywords, in that order, followed by a set's own shape settings (``factor``,
``classes``). ``xor`` and ``digits`` are fixed sets and take none.
"""

from __future__ import annotations

import math
import random

from .._checks import non_negative, positive_int, seed_or_none, unit_interval, whole_number

__all__ = ["Matrix", "circles", "digits", "moons", "spiral", "xor"]

Matrix = list[list[float]]


def _linspace(start: float, stop: float, count: int, endpoint: bool = True) -> list[float]:
    """``count`` evenly spaced numbers from ``start`` to ``stop`` (as numpy.linspace)."""
    if count == 1:
        return [start]
    intervals = count - 1 if endpoint else count
    step = (stop - start) / intervals
    return [start + i * step for i in range(count)]


def _settings(name: str, n: object, noise: object, seed: object) -> tuple[int, float, random.Random]:
    """The checked size and noise of the data set ``name``, and its own generator."""
    return (positive_int(n, f"{name} n"), non_negative(noise, f"{name} noise"),
            random.Random(seed_or_none(seed, name)))


def _noisy(X: Matrix, noise: float, rng: random.Random) -> Matrix:
    """Each point moved by Gaussian noise of standard deviation ``noise`` in both coordinates."""
    return [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]


def _shuffled(X: Matrix, y: list[int], rng: random.Random) -> tuple[Matrix, list[int]]:
    # Generated sets come out class by class; shuffling keeps any prefix balanced-ish,
    # which matters to people who slice X[:20] to look at it.
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def xor() -> tuple[Matrix, list[int]]:
    """The four XOR points: the classic problem no linear model can solve.

    Returns:
        ``X = [[0, 0], [0, 1], [1, 0], [1, 1]]`` and ``y = [0, 1, 1, 0]``.
    """
    return [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0]


def moons(n: int = 200, *, noise: float = 0.1, seed: int | None = 0) -> tuple[Matrix, list[int]]:
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
    n, noise, rng = _settings("moons", n, noise, seed)
    n_upper = n - n // 2
    X: Matrix = []
    y: list[int] = []
    for angle in _linspace(0.0, math.pi, n_upper):
        X.append([math.cos(angle), math.sin(angle)])
        y.append(0)
    for angle in _linspace(0.0, math.pi, n // 2):
        X.append([1.0 - math.cos(angle), 0.5 - math.sin(angle)])
        y.append(1)
    return _shuffled(_noisy(X, noise, rng), y, rng)


def circles(
    n: int = 200, *, noise: float = 0.05, seed: int | None = 0, factor: float = 0.5
) -> tuple[Matrix, list[int]]:
    """A small circle inside a large one (as scikit-learn's ``make_circles``).

    Args:
        n: Total number of points; the outer circle (class 0) gets the extra one.
        noise: Standard deviation of the Gaussian noise added to each coordinate.
        seed: Seed for the noise and the order; None draws a fresh one.
        factor: Radius of the inner circle (class 1), in (0, 1); the outer has radius 1.

    Returns:
        ``(X, y)``: n points with 2 coordinates, labels 0 (outer) or 1 (inner).

    Raises:
        TypeError, ValueError: If ``n`` is not a positive int, ``noise`` < 0 or
            ``factor`` is outside (0, 1).
    """
    n, noise, rng = _settings("circles", n, noise, seed)
    factor = unit_interval(factor, "circles factor")
    n_outer = n - n // 2
    X: Matrix = []
    y: list[int] = []
    for label, radius, count in ((0, 1.0, n_outer), (1, factor, n // 2)):
        for angle in _linspace(0.0, 2.0 * math.pi, count, endpoint=False):
            X.append([radius * math.cos(angle), radius * math.sin(angle)])
            y.append(label)
    return _shuffled(_noisy(X, noise, rng), y, rng)


def spiral(
    n: int = 300, *, noise: float = 0.2, seed: int | None = 0, classes: int = 3
) -> tuple[Matrix, list[int]]:
    """Interleaved spiral arms, one per class (the CS231n example).

    The ``n`` points are shared among the arms, the first arms getting one
    more when ``n`` does not divide evenly. Arm ``k``'s points lie at radius r
    from 0 to 1 and angle ``4k + 4r`` (radians) plus Gaussian noise of
    standard deviation ``noise``; the point is ``(r·sin angle, r·cos angle)``.

    Args:
        n: Total number of points, at least one per arm.
        noise: Standard deviation of the angular noise, >= 0.
        seed: Seed for the noise and the order; None draws a fresh one.
        classes: Number of arms / classes, >= 2.

    Returns:
        ``(X, y)``: n points with 2 coordinates, labels 0..classes-1.

    Raises:
        TypeError, ValueError: For ``n`` < ``classes``, ``classes`` < 2 or ``noise`` < 0.

    Examples:
        >>> X, y = spiral(n=300, classes=3)  # 100 points per arm
        >>> len(X), y.count(0)
        (300, 100)
    """
    n, noise, rng = _settings("spiral", n, noise, seed)
    classes = whole_number(classes, "spiral classes", 2, "at least 2")
    if n < classes:
        raise ValueError(f"spiral n must be at least classes ({classes}), one point per arm, got {n}")
    X: Matrix = []
    y: list[int] = []
    for label in range(classes):
        count = n // classes + (1 if label < n % classes else 0)
        for radius in _linspace(0.0, 1.0, count):
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
