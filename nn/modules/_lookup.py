"""``take(values, index)``: the one place where a model picks an element by a token id.

An embedding row and the probability of a target are both "the element at a
token id". Picking it by list indexing would make the id a decision for
``autograd.jit`` (an exact guard: every other id traces again); the engine's
``autograd.take`` makes the id an input of the compiled program instead, so
one trace serves every document of a length.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value
from autograd import take as engine_take

__all__ = ["take"]


def take(values: Sequence[Value], index: int) -> Value:
    """``values[index]`` as one ``take`` node (the caller has checked that ``index`` is in range)."""
    return engine_take(values, index)
