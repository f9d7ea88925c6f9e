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
from collections.abc import Callable

from .._registry import Registry

__all__ = ["INITS", "WeightDraw", "check_init", "draw_weights"]

WeightDraw = Callable[[int, int, int, random.Random | None], list[float]]
"""``draw(count, fan_in, fan_out, rng) -> count initial weights``; rng None uses the ``random`` module."""


def _uniform(rng: random.Random | None) -> Callable[[float, float], float]:
    return rng.uniform if rng is not None else random.uniform


def _gauss(rng: random.Random | None) -> Callable[[float, float], float]:
    return rng.gauss if rng is not None else random.gauss


def _normal(count: int, fan_in: int, fan_out: int, rng: random.Random | None) -> list[float]:
    gauss = _gauss(rng)
    return [gauss(0.0, 1.0) for _ in range(count)]


def _uniform_unit(count: int, fan_in: int, fan_out: int, rng: random.Random | None) -> list[float]:
    uniform = _uniform(rng)
    return [uniform(-1.0, 1.0) for _ in range(count)]


def _xavier(count: int, fan_in: int, fan_out: int, rng: random.Random | None) -> list[float]:
    uniform = _uniform(rng)
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return [uniform(-bound, bound) for _ in range(count)]


def _he(count: int, fan_in: int, fan_out: int, rng: random.Random | None) -> list[float]:
    gauss = _gauss(rng)
    std = math.sqrt(2.0 / fan_in)
    return [gauss(0.0, std) for _ in range(count)]


INITS: Registry[WeightDraw] = Registry("init")
"""The weight-initialisation names accepted by Neuron, Layer and MLP, each with its draw."""

INITS.register("normal", _normal)
INITS.register("uniform", _uniform_unit)
INITS.register("xavier", _xavier)
INITS.register("he", _he)


def check_init(init: object) -> str:
    """``init`` if it is one of :data:`INITS`, else ValueError listing them."""
    INITS.lookup(init)
    return str(init)


def draw_weights(
    count: int, init: str, fan_in: int, fan_out: int, rng: random.Random | None
) -> list[float]:
    """``count`` initial weights drawn as ``init`` says (see the module docstring)."""
    return INITS[init](count, fan_in, fan_out, rng)
