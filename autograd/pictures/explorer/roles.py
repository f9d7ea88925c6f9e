"""What a node is for in a lesson on a batch: the loss, and each example's share of it.

A training step's output is titled by its op (``+``, ``* 0.0333``) unless it
is labelled, and what each example adds to the loss is often computed nowhere
as one node (``bce`` adds up all the ``softplus`` terms in one sum and the
outputs times their labels in one dot), while a big intermediate (a
``softplus`` of 12.8) reads as a large loss. When the graph holds examples
(found by module names or by shape), the output is the loss, and each
example's share of it is read off the edges by which the example leaves its
box: Σ (the user's grad × the local derivative × the operand's data) over them. That is exact when the loss adds the examples'
terms up (a mean, a sum, a dot with constants), and the first-order share
otherwise. An example that leaves by one node only has that node as its loss.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ...core.value import Value
from .grouping import Grouping

__all__ = ["ExampleLosses", "example_losses"]


class ExampleLosses:
    """Per group: an example's share of the loss (None for other groups); per node: a role."""

    def __init__(self, count: int) -> None:
        self.share: list[float | None] = [None] * count
        self.roles: dict[int, str] = {}


def _example_of_groups(grouping: Grouping) -> list[int]:
    """Per group: the example group it is (or is inside), -1 for none."""
    found: list[int] = []
    for group in grouping.groups:  # parents come before children
        if group.kind == "example":
            found.append(len(found))
        else:
            found.append(found[group.parent] if group.parent >= 0 else -1)
    return found


def example_losses(
    grouping: Grouping,
    nodes: Sequence[Value],
    parents: Sequence[Sequence[int]],
    local: Sequence[Sequence[float]],
) -> ExampleLosses:
    """Each example's share of the loss under ``nodes[0]``, and the roles ``loss``, ``loss of example 3``.

    Args:
        grouping: The groups; those of kind ``example`` are the examples.
        nodes: The graph, the output first, after ``backward``.
        parents: Each node's operands by position.
        local: Each node's local derivatives, one per operand.
    """
    result = ExampleLosses(len(grouping.groups))
    of_group = _example_of_groups(grouping)
    example = [of_group[group] if group >= 0 else -1 for group in grouping.of_node]
    exits: list[set[int]] = [set() for _ in grouping.groups]
    parts: list[list[float]] = [[] for _ in grouping.groups]
    for user, operands in enumerate(parents):
        for k, operand in enumerate(operands):
            home = example[operand]
            if home >= 0 and example[user] != home:
                # Only the gradient that flows along edges out of the example:
                # an output both used outside and inside counts once.
                exits[home].add(operand)
                parts[home].append(nodes[user].grad * local[user][k] * nodes[operand].data)
    for group, edges in enumerate(parts):
        if not edges:
            continue
        share = math.fsum(edges)
        result.share[group] = share if math.isfinite(share) else None
        if len(exits[group]) == 1:
            result.roles[next(iter(exits[group]))] = f"loss of {grouping.groups[group].name}"
    if any(share is not None for share in result.share):
        result.roles[0] = "loss"
    return result
