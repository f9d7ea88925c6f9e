"""Where results may differ by Python version: the built-in ``sum()`` of floats.

Python 3.12 made ``sum()`` of floats compensated. The engine adds a neuron's terms with
``sum()``, while the code ``jit`` generates adds them left to right, so from 3.12 on the two
may differ in the last bits of a sum. What valuegrad promises: the same bits before 3.12;
from 3.12 on, equal within ``REL_TOL`` relative, or ``ABS_TOL`` where a sum of numbers about
1 in size cancels (compensated, ``[1e-47, 1.0, -1.0]`` sums to 1e-47; left to right, to 0.0).
The tests that compare a compiled result with the engine's say so through these helpers.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

import pytest

__all__ = ["ABS_TOL", "REL_TOL", "SAME_ADDITIONS", "approx", "equal", "equal_bits"]

SAME_ADDITIONS = sys.version_info < (3, 12)
REL_TOL = 1e-12
ABS_TOL = 1e-12


def approx(expected: Any, *, rel: float = REL_TOL, abs: float = 1e-300) -> Any:
    """``pytest.approx(expected, rel=rel, abs=abs)``, with ``ABS_TOL`` at least from 3.12 on."""
    return pytest.approx(expected, rel=rel, abs=abs if SAME_ADDITIONS else max(abs, ABS_TOL))


def equal(a: float, b: float) -> bool:
    """The same number before 3.12 (NaN equals NaN); within the promised tolerance from 3.12 on."""
    if a == b or (math.isnan(a) and math.isnan(b)):
        return True
    return not SAME_ADDITIONS and math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def equal_bits(got: Sequence[str], expected: Sequence[str]) -> bool:
    """Two results written as ``float.hex()`` strings (or error names): ``equal`` item by item."""
    if SAME_ADDITIONS or len(got) != len(expected):
        return list(got) == list(expected)
    return all(a == b or _equal_hex(a, b) for a, b in zip(got, expected, strict=True))


def _equal_hex(a: str, b: str) -> bool:
    try:
        return equal(float.fromhex(a), float.fromhex(b))
    except ValueError:  # an error's name, not a number
        return False
