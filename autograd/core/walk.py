"""The one graph walk, iterative so that any depth works at the default recursion limit.

* :func:`depth_first`: every node reachable from some roots, each after all
  of its operands (a post-order), the first operand's part finished before
  the second's. ``backward``'s order, ``ancestors``, the jit's program and
  the explorer's node list are read off it.
* :func:`breadth_first`: nodes by their distance from a root, for drawings
  that keep the nodes nearest the output.

Both follow a node's operands (its ``parents``), or whatever ``operands``
returns for it: the jit walks the recipe of a node made under ``no_grad``,
and stops at its inputs by returning no operands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["breadth_first", "depth_first"]

Operands = Callable[[Any], Sequence[Any]]
"""``operands(node)``: the nodes a walk continues to from ``node`` (``()`` to stop there)."""


def depth_first(roots: Iterable[Any], operands: Operands | None = None, *, leaves: bool = True) -> list[Any]:
    """Every node reachable from ``roots``, each after its operands.

    Args:
        roots: Where to start; each root's part is finished before the next
            root's.
        operands: How to go on from a node; by default its ``_parents``.
        leaves: False to leave out nodes without operands (and not to walk
            into them): the sweep's order holds op nodes only.

    Returns:
        The nodes in post-order, each once.
    """
    order: list[Any] = []
    visited: set[Any] = set()
    for root in roots:
        if root in visited:
            continue
        if operands is None and not leaves:
            _op_nodes_under(root, order, visited)
            continue
        # Nodes to expand, and None markers: a None means "everything under the
        # node below me is finished", so that node goes into the post-order next.
        stack: list[Any] = [root]
        while stack:
            node = stack.pop()
            if node is None:
                order.append(stack.pop())
                continue
            # A node may be pushed twice before it is expanded; expand it only once,
            # and only when popped, so it is finished after everything under it.
            if node in visited:
                continue
            visited.add(node)
            stack.append(node)
            stack.append(None)
            below = node._parents if operands is None else operands(node)
            for parent in reversed(below):  # reversed: the first operand is walked first
                if parent not in visited and (leaves or parent._parents):
                    stack.append(parent)
    return order


def _op_nodes_under(root: Any, order: list[Any], visited: set[Any]) -> None:
    """:func:`depth_first`'s loop for the sweep's order (op nodes, parents), written out.

    Sorting is part of every first ``backward``, and a node's operands are
    mostly leaves (a ``dot`` of 20,000 weights and inputs): testing
    ``_parents`` first skips a leaf without a set lookup.
    """
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            order.append(stack.pop())
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append(node)
        stack.append(None)
        for parent in reversed(node._parents):
            if parent._parents and parent not in visited:
                stack.append(parent)


def breadth_first(roots: Iterable[Any], operands: Operands | None = None,
                  limit: float = float("inf")) -> list[Any]:
    """``roots`` and the nodes under them by distance, each once; at most ``limit`` of them."""
    order = list(dict.fromkeys(roots))
    if len(order) > limit:
        del order[int(limit):]
    seen = set(order)
    for node in order:  # grows while it is walked: a queue without pops
        if len(order) >= limit:
            break
        for parent in node._parents if operands is None else operands(node):
            if parent not in seen:
                seen.add(parent)
                order.append(parent)
                if len(order) >= limit:
                    break
    return order
