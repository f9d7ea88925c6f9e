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
    """``values[index]``, as one ``take`` node when the index is a jit trace's input.

    A plain int (outside a trace, or a number the function computed itself,
    such as a position from ``range``) is no input of a program: indexing is
    then the same graph with one node fewer per lookup, and an interpreted
    step is faster for it. The caller has checked that ``index`` is in range.
    """
    if type(index) is int:  # a jit trace's int argument is a TracedNumber, never an int
        return values[index]
    return engine_take(values, index)
