"""The layers of a sequence model: ``Embedding``, ``Linear``, ``RMSNorm`` and ``LayerNorm``.

They work on one position at a time: a vector is a list of Values, and a
matrix is a list of rows (``weight[out][in]``, as ``torch.nn.Linear``'s
``weight``). A weighted sum is ONE ``autograd.dot`` node (``autograd.linear``
gives a layer's rows), so a 16→64 layer adds 64 nodes, not 2,000.

Initial weights are Gaussian, N(0, ``std``²) with ``std`` 0.08 by default
(microgpt's choice for every matrix), drawn row by row from ``rng`` (the
``random`` module when None); biases and a LayerNorm's shift start at 0, its
scale at 1.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from autograd import Value, dot, linear, vsum

from .._checks import (
    describe,
    is_int,
    model_input,
    non_negative,
    positive_int,
    positive_real,
    rng_or_none,
    strict_bool,
)
from ._lookup import take
from .module import Module

__all__ = ["DEFAULT_STD", "Embedding", "LayerNorm", "Linear", "RMSNorm", "gaussian_matrix"]

DEFAULT_STD = 0.08
"""The standard deviation of every initial weight matrix (microgpt's)."""

Vector = Sequence[Value | float]


def gaussian_matrix(rows: int, columns: int, std: float, rng: random.Random | None) -> list[list[Value]]:
    """``rows`` lists of ``columns`` leaves drawn from N(0, std²), row by row.

    The draw order is microgpt's ``[[gauss(0, std) for _ in range(nin)] for _ in range(nout)]``.
    """
    gauss = rng.gauss if rng is not None else random.gauss
    return [[Value(gauss(0.0, std)) for _ in range(columns)] for _ in range(rows)]


def _vector(x: object, owner: str, size: int) -> Sequence[Value | float]:
    model_input(x, owner, size)
    return x  # type: ignore[return-value]


class Embedding(Module):
    """A table of ``num`` learned vectors of ``dim`` numbers: ``embedding(i)`` is row ``i``.

    Args:
        num: How many rows (tokens, or positions).
        dim: The size of each vector.
        std: The standard deviation of the initial weights.
        rng: Source of the initial weights; None uses the ``random`` module.

    Attributes:
        weight: ``num`` rows of ``dim`` Values (named ``weight.3.7``: row 3, column 7).

    Examples:
        >>> table = Embedding(27, 16, rng=random.Random(0))
        >>> len(table(4))
        16
    """

    def __init__(self, num: int, dim: int, std: float = DEFAULT_STD, rng: random.Random | None = None) -> None:
        super().__init__()
        self.num = positive_int(num, "Embedding num")
        self.dim = positive_int(dim, "Embedding dim")
        self.weight = gaussian_matrix(self.num, self.dim, non_negative(std, "Embedding std"), rng_or_none(rng))

    def __call__(self, index: int) -> list[Value]:
        """Row ``index`` of the table, as ``dim`` Values.

        Raises:
            TypeError: If ``index`` is not an int.
            ValueError: If ``index`` is not in ``0 .. num - 1``.
        """
        if not is_int(index):
            raise TypeError(f"Embedding expects an int index, got {describe(index)}")
        if not 0 <= index < self.num:
            raise ValueError(f"Embedding index must be in 0..{self.num - 1}, got {index}")
        rows = self.weight
        out = [take([row[column] for row in rows], index) for column in range(self.dim)]
        return self._hooked(index, out) if self._forward_hooks else out

    def extra_repr(self) -> str:
        return f"{self.num}, {self.dim}"


class Linear(Module):
    """``y = W x (+ b)``: ``n_out`` weighted sums of ``n_in`` inputs, one ``dot`` node each.

    Args:
        n_in: Number of inputs.
        n_out: Number of outputs.
        bias: Whether there is a bias per output (starting at 0).
        std: The standard deviation of the initial weights.
        rng: Source of the initial weights; None uses the ``random`` module.

    Attributes:
        weight: ``n_out`` rows of ``n_in`` Values (``torch.nn.Linear``'s layout).
        bias: ``n_out`` Values, or None.

    Examples:
        >>> layer = Linear(2, 3, bias=False, rng=random.Random(0))
        >>> [out.op for out in layer([1.0, 2.0])]
        ['dot', 'dot', 'dot']
    """

    bias: list[Value] | None

    def __init__(
        self, n_in: int, n_out: int, bias: bool = True, std: float = DEFAULT_STD,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__()
        self.n_in = positive_int(n_in, "Linear n_in")
        self.n_out = positive_int(n_out, "Linear n_out")
        strict_bool(bias, "Linear bias")
        self.weight = gaussian_matrix(self.n_out, self.n_in, non_negative(std, "Linear std"), rng_or_none(rng))
        self.bias = [Value(0.0) for _ in range(self.n_out)] if bias else None

    def __call__(self, x: Vector) -> list[Value]:
        """The ``n_out`` outputs for one input vector of ``n_in`` Values or numbers.

        Raises:
            TypeError: If ``x`` is not a sequence of numbers or Values.
            ValueError: If ``len(x) != n_in``.
        """
        out = linear(_vector(x, "Linear", self.n_in), self.weight, self.bias)
        return self._hooked(x, out) if self._forward_hooks else out

    def extra_repr(self) -> str:
        return f"{self.n_in} -> {self.n_out}" + ("" if self.bias is not None else ", bias=False")


class RMSNorm(Module):
    """``x / sqrt(mean(x²) + eps)``, times a learned scale per feature when ``affine``.

    Args:
        dim: The size of the vectors.
        affine: Whether to learn a scale per feature (starting at 1). microgpt
            has none.
        eps: Added to the mean square, > 0.

    Attributes:
        weight: ``dim`` scale Values, or None without ``affine``.
    """

    weight: list[Value] | None

    def __init__(self, dim: int, affine: bool = False, eps: float = 1e-5) -> None:
        super().__init__()
        self.dim = positive_int(dim, "RMSNorm dim")
        self.eps = positive_real(eps, "RMSNorm eps")
        self.weight = [Value(1.0) for _ in range(self.dim)] if strict_bool(affine, "RMSNorm affine") else None

    def __call__(self, x: Vector) -> list[Value]:
        """The normalised vector (``dim`` Values).

        Raises:
            TypeError: If ``x`` is not a sequence of numbers or Values.
            ValueError: If ``len(x) != dim``.
        """
        x = _vector(x, "RMSNorm", self.dim)
        scale = (dot(x, x) / self.dim + self.eps) ** -0.5
        if self.weight is None:
            out = [xi * scale for xi in x]
        else:
            out = [xi * scale * w for xi, w in zip(x, self.weight, strict=True)]
        return self._hooked(x, out) if self._forward_hooks else out

    def extra_repr(self) -> str:
        return f"{self.dim}" + (", affine=True" if self.weight is not None else "")


class LayerNorm(Module):
    """``(x - mean(x)) / sqrt(var(x) + eps) * weight + bias``, as ``torch.nn.LayerNorm``.

    The variance is the biased one (divided by ``dim``), as PyTorch's.

    Args:
        dim: The size of the vectors.
        eps: Added to the variance, > 0.

    Attributes:
        weight: ``dim`` scale Values, starting at 1.
        bias: ``dim`` shift Values, starting at 0.
    """

    def __init__(self, dim: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.dim = positive_int(dim, "LayerNorm dim")
        self.eps = positive_real(eps, "LayerNorm eps")
        self.weight = [Value(1.0) for _ in range(self.dim)]
        self.bias = [Value(0.0) for _ in range(self.dim)]

    def __call__(self, x: Vector) -> list[Value]:
        """The normalised vector (``dim`` Values).

        Raises:
            TypeError: If ``x`` is not a sequence of numbers or Values.
            ValueError: If ``len(x) != dim``.
        """
        x = _vector(x, "LayerNorm", self.dim)
        mean = vsum(x) / self.dim
        centred = [xi - mean for xi in x]
        scale = (dot(centred, centred) / self.dim + self.eps) ** -0.5
        out = [c * scale * w + b for c, w, b in zip(centred, self.weight, self.bias, strict=True)]
        return self._hooked(x, out) if self._forward_hooks else out

    def extra_repr(self) -> str:
        return f"{self.dim}"
