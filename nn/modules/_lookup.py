"""``take(values, index)``: the one place where a model picks an element by a token id.

An embedding row and the probability of a target are both "the element at a
token id". Picking it by list indexing makes the id a decision for
``autograd.jit`` (an exact guard: another id traces again); the engine's
``autograd.take`` makes the id an input of the compiled program instead.
Every lookup goes through this function, so switching is one line.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value

__all__ = ["take"]


def take(values: Sequence[Value], index: int) -> Value:
    """``values[index]`` (the caller has checked that ``index`` is in range)."""
    return values[index]
