"""Folding a graph by its structure alone, when no parameter names group it.

``explore(loss)`` without ``model=`` or ``params=`` knows nothing of modules,
yet the page must open on a readable view of any graph, however big: the
layout library lays out a few hundred boxes quickly, and fails (or takes
minutes) on thousands. So the graph is folded here, from its shape:

1. Fan-in and repeated subgraphs: near the output, a node that adds up many
   terms (a ``Σ``, or a chain of ``+``) is looked for. The nodes only one
   term uses belong to that term; terms of the one shape most of them share
   are the examples of a batch, and fold into a stack. What several terms use
   (the weights) folds into one group of shared nodes.
2. Depth: any group (or the top level) holding more than ``limit`` nodes
   directly is cut into bands (groups by module names too: ``band_crowded``) of consecutive depth (the longest distance from
   the output), bands of bands when they are many: a chain of 100,000 nodes
   becomes a few dozen boxes at each level.

Every group, opened, shows at most about ``limit`` boxes; the groups around
the output start open (see ``graph_data``), so the page opens on the output end.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from .grouping import Group, Grouping

__all__ = ["BOX_LIMIT", "FAN_OUT", "band_crowded", "fold_by_structure", "levels"]

# Boxes one opened group shows at most, and bands cut at once: Graphviz lays
# out a few hundred boxes well within a second.
BOX_LIMIT = 200
FAN_OUT = 24
# A fan-in is taken for a batch when at least this many terms share a shape.
_MIN_TERMS = 3
# How far below the output a fan-in is looked for, and how many are compared.
_SEARCH_DEPTH = 6
_CANDIDATES = 3


def levels(parents: Sequence[Sequence[int]]) -> list[int]:
    """Each node's longest distance from the output (position 0), in operand steps.

    ``parents`` lists each node's operands by position, every node before its
    operands, so one pass in order settles each node before its operands.
    """
    level = [0] * len(parents)
    for index, operands in enumerate(parents):
        below = level[index] + 1
        for operand in operands:
            if level[operand] < below:
                level[operand] = below
    return level


def _terms(head: int, parents: Sequence[Sequence[int]], ops: Sequence[str], users: Sequence[int]) -> list[int]:
    """The terms ``head`` adds up: its operands, looking through single-use nodes of its own op."""
    terms: list[int] = []
    stack = list(reversed(parents[head]))
    while stack:
        operand = stack.pop()
        if ops[operand] == ops[head] and users[operand] == 1 and len(parents[operand]) >= 2:
            stack.extend(reversed(parents[operand]))
        else:
            terms.append(operand)
    return terms


def _owners(terms: Sequence[int], parents: Sequence[Sequence[int]]) -> list[int]:
    """Per node: the index of the one term whose part holds it, -1 if several, -2 if none."""
    unreached, shared = -2, -1
    owner = [unreached] * len(parents)
    for number, term in enumerate(terms):
        owner[term] = number if owner[term] == unreached else shared
    # Users come before their operands: a node's owner is settled when it is met.
    for index in range(min(terms), len(parents)):
        mine = owner[index]
        if mine == unreached:
            continue
        for operand in parents[index]:
            if owner[operand] == unreached:
                owner[operand] = mine
            elif owner[operand] != mine:
                owner[operand] = shared
    return owner


class _Batch:
    """A fan-in taken for a batch: its examples' terms and each node's owner."""

    def __init__(self, terms: list[int], owner: list[int], examples: list[int]) -> None:
        self.terms = terms
        self.owner = owner
        self.examples = examples  # term numbers of the common shape, in operand order
        self.covered = 0


def _find_batch(
    parents: Sequence[Sequence[int]], ops: Sequence[str], level: Sequence[int]
) -> _Batch | None:
    """The fan-in near the output whose repeated terms hold the most nodes, if any."""
    users = [0] * len(parents)
    for operands in parents:
        for operand in operands:
            users[operand] += 1
    candidates: list[tuple[int, int]] = []
    for index, operands in enumerate(parents):
        if level[index] <= _SEARCH_DEPTH and len(operands) >= 2:
            terms = _terms(index, parents, ops, users)
            if len(set(terms)) >= _MIN_TERMS:
                candidates.append((len(terms), index))
    best: _Batch | None = None
    for _, head in sorted(candidates, reverse=True)[:_CANDIDATES]:
        terms = _terms(head, parents, ops, users)
        owner = _owners(terms, parents)
        shapes: list[Counter[str]] = [Counter() for _ in terms]
        for index, number in enumerate(owner):
            if number >= 0:
                shapes[number][ops[index]] += 1
        frozen = [tuple(sorted(shape.items())) for shape in shapes]
        common, repeats = Counter(frozen).most_common(1)[0]
        size = sum(count for _, count in common)
        if repeats < _MIN_TERMS or size < 2:
            continue
        batch = _Batch(terms, owner, [n for n, shape in enumerate(frozen) if shape == common])
        batch.covered = repeats * size
        if best is None or batch.covered > best.covered:
            best = batch
    return best


def fold_by_structure(
    parents: Sequence[Sequence[int]], ops: Sequence[str], limit: int = BOX_LIMIT
) -> Grouping:
    """Groups for a graph from its shape alone (see the module docstring).

    Args:
        parents: Each node's operands by position; the output is position 0
            and every node comes before its operands.
        ops: Each node's op name ("" for a leaf).
        limit: The most nodes a group holds directly before it is cut into bands.

    Returns:
        The groups, parents before children, and each node's innermost group.
    """
    count = len(parents)
    level = levels(parents)
    grouping = Grouping(of_node=[-1] * count)
    groups = grouping.groups

    def add(name: str, kind: str, parent: int, title: str = "") -> int:
        groups.append(Group(name, title, kind, parent))
        return len(groups) - 1

    batch = _find_batch(parents, ops, level)
    if batch is not None:
        stack = add("examples", "stack", -1)
        # More examples than a group shows: the stack holds stacks of them.
        per = max(limit, math.ceil(len(batch.examples) / FAN_OUT))
        owned: dict[int, int] = {}
        for start in range(0, len(batch.examples), per):
            chunk = batch.examples[start : start + per]
            holder = stack
            if len(batch.examples) > limit:
                holder = add(f"examples {start}–{start + len(chunk) - 1}", "stack", stack)
            for k, number in enumerate(chunk, start):
                owned[number] = add(f"example {k}", "example", holder)
        shared = add("shared", "params", -1, "used by several examples")
        for index, number in enumerate(batch.owner):
            if number in owned:
                grouping.of_node[index] = owned[number]
            elif number == -1:
                grouping.of_node[index] = shared
    band_crowded(grouping, parents, limit, level)
    return grouping


def band_crowded(
    grouping: Grouping,
    parents: Sequence[Sequence[int]],
    limit: int = BOX_LIMIT,
    level: Sequence[int] | None = None,
) -> None:
    """Cut the nodes of any group (or of the top level) holding more than ``limit`` directly into bands.

    Works on any grouping (by module names or by shape), in place, and counts
    every group's size afresh.
    """
    if level is None:
        level = levels(parents)
    groups = grouping.groups
    members: dict[int, list[int]] = {group: [] for group in range(-1, len(groups))}
    for index, group in enumerate(grouping.of_node):
        members[group].append(index)
    for group, nodes in list(members.items()):
        if len(nodes) > limit:
            _band(groups, members, group, nodes, level, limit)
    for group, nodes in members.items():
        for index in nodes:
            grouping.of_node[index] = group
    for box in groups:
        box.size = 0
    for inner in grouping.of_node:
        while inner >= 0:
            groups[inner].size += 1
            inner = groups[inner].parent


def _band(
    groups: list[Group],
    members: dict[int, list[int]],
    group: int,
    nodes: list[int],
    level: Sequence[int],
    limit: int,
) -> None:
    """Cut the nodes directly in ``group`` into bands of depth while they are more than ``limit``."""
    pending = [(group, nodes)]
    while pending:
        owner, inside = pending.pop()
        if len(inside) <= limit:
            members[owner] = inside
            continue
        members[owner] = []
        inside = sorted(inside, key=lambda index: (level[index], index))
        bands = min(FAN_OUT, math.ceil(len(inside) / limit))
        per = math.ceil(len(inside) / bands)
        for start in range(0, len(inside), per):
            chunk = inside[start : start + per]
            low, high = level[chunk[0]], level[chunk[-1]]
            name = f"depth {low}" if low == high else f"depth {low}–{high}"
            groups.append(Group(name, "steps from the output", "band", owner))
            members[len(groups) - 1] = []
            pending.append((len(groups) - 1, chunk))
