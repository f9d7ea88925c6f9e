"""What pictures read off a graph, written once for the drawings and the explorer.

* :func:`caption`: the text of an op node (``* 2``, ``3-``, ``Σ + 1``), from
  its row of the derivative table, so nothing here knows an op by name;
* :func:`origin_of`: where the user's code made a node, as plain data;
* :class:`UnionFind`: the parts of a graph that touch (hidden parts of a
  drawing, the examples of a batch in the explorer).
"""

from __future__ import annotations

from typing import Any

from ..core.numbers import format_number
from ..core.value import Value

__all__ = ["UnionFind", "caption", "origin_of"]


def caption(node: Value) -> str:
    """An op node's text in pictures: its op's symbol and any folded constant ("" for a leaf)."""
    op = node._op
    return "" if op is None else op.caption_for(node._const, format_number)


def origin_of(node: Value) -> dict[str, Any] | None:
    """Where the user's code made ``node`` (file, line, function), or None.

    Nodes remember it only when made under ``detect_anomaly`` or a jit trace.
    """
    site = node.origin
    if site is None:
        return None
    return {"file": site.file, "line": site.line, "function": site.function}


class UnionFind:
    """Disjoint sets over ``0 .. count - 1``; the smallest member of a set is its root."""

    def __init__(self, count: int) -> None:
        self.root_of = list(range(count))

    def find(self, item: int) -> int:
        """The root of ``item``'s set."""
        root_of = self.root_of
        while root_of[item] != item:
            root_of[item] = root_of[root_of[item]]  # path halving
            item = root_of[item]
        return item

    def join(self, first: int, second: int) -> None:
        """Merge the sets of ``first`` and ``second``; the smaller root stays the root."""
        first, second = self.find(first), self.find(second)
        if first != second:
            self.root_of[max(first, second)] = min(first, second)
