"""Weight initialisation by name: the first values of a neuron's weights.

Biases always start at 0.0. With ``fan_in`` = the neuron's number of inputs
and ``fan_out`` = the size of its layer:

* ``"normal"``: N(0, 1), the naive textbook choice.
* ``"uniform"``: U(-1, 1), micrograd's choice.
* ``"xavier"``: U(-a, a) with a = √(6 / (fan_in + fan_out)) (Glorot & Bengio
  2010), suited to tanh and sigmoid.
* ``"he"``: N(0, √(2 / fan_in)) (He et al. 2015), suited to relu.

Draws come from the ``random.Random`` passed as ``rng``, or from the
``random`` module's global state when there is none.
"""

from __future__ import annotations

import math
import random

from .._checks import one_of

__all__ = ["INITS", "check_init", "draw_weights"]

INITS: tuple[str, ...] = ("normal", "uniform", "xavier", "he")
"""The weight-initialisation names accepted by Neuron, Layer and MLP."""


def check_init(init: object) -> str:
    """``init`` if it is one of :data:`INITS`, else ValueError listing them."""
    return one_of(init, INITS, "init")


def draw_weights(
    count: int, init: str, fan_in: int, fan_out: int, rng: random.Random | None
) -> list[float]:
    """``count`` initial weights drawn as ``init`` says (see the module docstring)."""
    uniform = rng.uniform if rng is not None else random.uniform
    gauss = rng.gauss if rng is not None else random.gauss
    if init == "normal":
        return [gauss(0.0, 1.0) for _ in range(count)]
    if init == "uniform":
        return [uniform(-1.0, 1.0) for _ in range(count)]
    if init == "xavier":
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        return [uniform(-bound, bound) for _ in range(count)]
    std = math.sqrt(2.0 / fan_in)  # "he"
    return [gauss(0.0, std) for _ in range(count)]
