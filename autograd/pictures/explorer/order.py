"""The order in which the page lists a graph's nodes."""

from __future__ import annotations

from ...core.value import Value
from ...core.walk import depth_first

__all__ = ["nodes_under"]


def nodes_under(root: Value) -> list[Value]:
    """``root`` and every node under it, each before its operands.

    The walk takes operands last to first, so that in the reversed finishing
    order the first operand's nodes come before the second's: x0 before x1.
    """
    finished = depth_first((root,), lambda node: node._parents[::-1])
    finished.reverse()
    return finished
