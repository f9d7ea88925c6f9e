"""The data sets known by name: one row per data set, with what the command line needs of it.

Every generator shares one signature, ``generator(n, *, noise, seed, ...)``,
where each argument applies: ``n`` is the total number of points, ``noise``
and ``seed`` are keywords, and a set's own shape settings (``classes``,
``factor``) come after them. A fixed set (``xor``, ``digits``) takes none.
The command line's ``--dataset`` choices, default epochs and help are built
from :data:`DATASETS`; adding a row adds a data set there. The text the GPT
trains on is listed apart, in :data:`TEXT_DATASETS`: a loader of documents
(strings), not ``(X, y)``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._registry import Registry
from .datasets import Matrix, circles, digits, moons, spiral, xor
from .names import names

__all__ = ["DATASETS", "TEXT_DATASETS", "DatasetSpec", "TextDatasetSpec"]

Generator = Callable[..., tuple[Matrix, list[int]]]


@dataclass(frozen=True)
class DatasetSpec:
    """What the command line and the docs need to know about one data set.

    What the generator takes (``n``, ``noise``, ``classes``) is read from its
    signature, so it is written once, in the generator.

    Attributes:
        generator: Makes ``(X, y)``; see the module docstring for its signature.
        features: Numbers per example.
        classes: How many classes, or None when the generator's ``classes`` sets it.
        epochs: The command line's default number of training epochs.
        summary: One line for help texts and docs.
        labels: How ``y`` is given: ``"class index"`` (ints from 0).
        holdout: Whether a test part can be held out (xor's 4 points cannot spare one).
    """

    generator: Generator
    features: int
    classes: int | None
    epochs: int
    summary: str
    labels: str = "class index"
    holdout: bool = True

    def _parameters(self) -> dict[str, inspect.Parameter]:
        return dict(inspect.signature(self.generator).parameters)

    @property
    def sized(self) -> bool:
        """Whether the generator takes ``n``, the number of points."""
        return "n" in self._parameters()

    @property
    def noise(self) -> float | None:
        """The generator's default noise, or None when it takes none."""
        parameter = self._parameters().get("noise")
        return None if parameter is None else float(parameter.default)

    def generate(
        self, n: int | None = None, noise: float | None = None, seed: int | None = 0,
        classes: int | None = None,
    ) -> tuple[Matrix, list[int]]:
        """``(X, y)`` with the arguments that apply to this set (None: the generator's default)."""
        parameters = self._parameters()
        given = {"n": n, "noise": noise, "seed": seed, "classes": classes}
        arguments: dict[str, Any] = {
            name: value for name, value in given.items() if name in parameters and value is not None
        }
        if "seed" in parameters:
            arguments["seed"] = seed
        return self.generator(**arguments)


DATASETS: Registry[DatasetSpec] = Registry("data set")
"""The data sets of the command line, each with its :class:`DatasetSpec`."""

DATASETS.register("xor", DatasetSpec(xor, 2, 2, 300, "the four XOR points", holdout=False))
DATASETS.register("moons", DatasetSpec(moons, 2, 2, 50, "two interleaving half circles"))
DATASETS.register("circles", DatasetSpec(circles, 2, 2, 50, "a small circle inside a large one"))
DATASETS.register("spiral", DatasetSpec(spiral, 2, None, 300, "interleaved spiral arms, one per class"))
DATASETS.register("digits", DatasetSpec(digits, 64, 10, 10, "scikit-learn's 8x8 handwritten digits"))


@dataclass(frozen=True)
class TextDatasetSpec:
    """A text data set: documents for a character-level model (``train --model gpt``).

    Attributes:
        loader: Gives the documents (a new list of strings, in a fixed order).
        summary: One line for help texts and docs.
    """

    loader: Callable[[], list[str]]
    summary: str


TEXT_DATASETS: Registry[TextDatasetSpec] = Registry("text data set")
"""The text data sets of the command line's ``--model gpt``, each with its :class:`TextDatasetSpec`."""

TEXT_DATASETS.register("names", TextDatasetSpec(
    names, "about 32,000 US first names, for --model gpt (needs valuegrad[names])"))
