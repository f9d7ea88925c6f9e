"""Grouping a finished graph into module boxes and per-example stacks, after the fact.

Nothing is recorded while a graph is built: the groups are derived here, from
the graph and from the parameters' dotted names (``layers.0.neurons.3.w.1``,
as ``Module.named_parameters()`` gives them), so building graphs for training
costs nothing extra.

The rules, in order:

1. A parameter belongs to the module its name is in (``layers.0.neurons.3``).
2. An op node that reads parameters directly belongs to the deepest module
   holding all of them (a neuron's ``dot`` node); an activation applied to
   such a node, and to nothing else, joins it (the neuron's ``relu``).
3. Examples: the module nodes, with the nodes that feed back into modules
   (dropout, residual sums), fall into connected parts once the shared
   parameters are set aside; each part of the shape most parts share is one
   example of the batch (a part of another shape, such as a penalty on the
   weights, is not). A loss term computed from one example only (its
   ``softplus``) joins that example.
4. What is left under the output (the batch mean) is the loss group. The
   groups around the output start open (see ``graph_data``), so it is always in view.

``explicit`` (node -> module path) replaces rule 2 for callers that know
more: ``nn.explore`` records which neuron made each node while it builds a
graph for the explorer. A recorded path that names no module of the model
(``blocks.0.attn.head 2``, one attention head) is a box of its own, inside the
deepest module its path names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ...core.value import Value
from ...core.walk import breadth_first
from ..facts import UnionFind

__all__ = ["Group", "Grouping", "derive_groups", "module_levels"]


@dataclass
class Group:
    """One box of the explorer: a module, an example, the stack of examples, the loss."""

    name: str
    title: str
    kind: str  # "module", "example", "stack", "params" or "loss"
    parent: int = -1  # index of the enclosing group, -1 for the top level
    size: int = 0  # nodes inside, at any depth


@dataclass
class Grouping:
    """The groups and, per node (by position), the innermost group holding it (-1: none)."""

    groups: list[Group] = field(default_factory=list)
    of_node: list[int] = field(default_factory=list)


def _module_of(name: str) -> str:
    """``layers.0.neurons.3.w.1`` -> ``layers.0.neurons.3``: drop the index, then the attribute."""
    parts = name.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts[:-1])


def module_levels(path: str, known: Mapping[str, str] | None) -> list[str]:
    """The module boxes ``path`` is nested in, outermost first, itself last.

    With the model's module paths (``known``) those are the levels; from names
    alone, a level ends at each position in a list (``layers.0``).
    """
    if not path:
        return []
    parts = path.split(".")
    prefixes = [".".join(parts[: end + 1]) for end in range(len(parts))]
    if known is not None:
        return [prefix for prefix in prefixes if prefix in known]
    return [prefix for prefix in prefixes[:-1] if prefix.split(".")[-1].isdigit()] + [path]


def _common_module(paths: set[str]) -> str:
    split = [path.split(".") for path in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):  # paths differ in length: stop at the shortest
        if any(part != parts[0] for part in parts):
            break
        common.append(parts[0])
    return ".".join(common)


def _homes(
    nodes: Sequence[Value],
    position: Mapping[Value, int],
    param_module: Mapping[Value, str],
    explicit: Mapping[Value, str] | None,
    consumers: Sequence[int],
) -> list[str | None]:
    """Rules 1 and 2: each node's module path, or None."""
    homes: list[str | None] = [None] * len(nodes)
    anchors = [False] * len(nodes)
    derive = explicit is None  # a recorded grouping is the whole truth about op nodes
    explicit = explicit or {}
    # Operands come after their users in ``nodes``, so walking backwards
    # meets an operand before its users.
    for index in range(len(nodes) - 1, -1, -1):
        node = nodes[index]
        if node in explicit:
            homes[index] = explicit[node]
        elif node in param_module:
            homes[index] = param_module[node]
        elif derive and not node.is_leaf:
            used = {param_module[parent] for parent in node.parents if parent in param_module}
            if used:
                homes[index] = _common_module(used) or None
                anchors[index] = True
            elif len(node.parents) == 1:
                operand = position[node.parents[0]]
                if anchors[operand] and consumers[operand] == 1:
                    homes[index] = homes[operand]
    return homes


def derive_groups(
    nodes: Sequence[Value],
    params: Mapping[Value, str],
    *,
    modules: Mapping[str, str] | None = None,
    explicit: Mapping[Value, str] | None = None,
) -> Grouping:
    """Group the nodes of a graph whose output is ``nodes[0]``.

    Args:
        nodes: Every node of the graph, the output first, each node before its
            operands (a topological order).
        params: Parameter -> dotted name.
        modules: Module path -> title, when the model itself is known.
        explicit: Node -> module path, recorded while the graph was built for
            exploring: it replaces rule 2 (op nodes it does not list are in no module).

    Returns:
        The groups, parents before children, and each node's innermost group.
    """
    position = {node: index for index, node in enumerate(nodes)}
    consumers = [0] * len(nodes)
    for node in nodes:
        for parent in node.parents:
            consumers[position[parent]] += 1
    param_module = {node: _module_of(name) for node, name in params.items() if node in position}
    homes = _homes(nodes, position, param_module, explicit, consumers)
    example_of = _examples(nodes, position, homes, param_module)
    return _build(nodes, homes, example_of, param_module, modules, explicit or {})


def _examples(
    nodes: Sequence[Value],
    position: Mapping[Value, int],
    homes: Sequence[str | None],
    param_module: Mapping[Value, str],
) -> list[int]:
    """Rule 3: each node's example (numbered in breadth-first order), or -1."""
    count = len(nodes)
    # Nodes that feed a module node, found walking from users to operands.
    feeds_module = [False] * count
    for index in range(count):
        node = nodes[index]
        if node.is_leaf or node in param_module:
            continue
        if homes[index] is not None or feeds_module[index]:
            for parent in node.parents:
                feeds_module[position[parent]] = True
    inner = [
        not nodes[index].is_leaf and (homes[index] is not None or feeds_module[index])
        for index in range(count)
    ]
    parts = UnionFind(count)
    for index in range(count):
        if inner[index]:
            for parent in nodes[index].parents:
                other = position[parent]
                if inner[other]:
                    parts.join(index, other)
    # The examples are the parts of the one shape most of them share: a part
    # of another shape (a penalty on the weights, read straight from the
    # parameters) is no example, and joins the loss.
    shapes: dict[int, Counter[str]] = {}
    for index in range(count):
        if inner[index]:
            shapes.setdefault(parts.find(index), Counter())[nodes[index].op] += 1
    frozen = {part: tuple(sorted(shape.items())) for part, shape in shapes.items()}
    common = Counter(frozen.values()).most_common(1)
    if common and common[0][1] >= 2:
        for index in range(count):
            if inner[index] and frozen[parts.find(index)] != common[0][0]:
                inner[index] = False
    numbering: dict[int, int] = {}
    example_of = [-1] * count
    # Examples are numbered as the output's operands list them (breadth-first).
    for index in (position[node] for node in breadth_first((nodes[0],))):
        if inner[index]:
            numbering.setdefault(parts.find(index), len(numbering))
    for index in range(count):
        if inner[index]:
            example_of[index] = numbering[parts.find(index)]
    if len(numbering) < 2:
        return [-1] * count
    # Loss terms and input leaves that belong to one example only join it.
    for index in range(count - 1, 0, -1):
        node = nodes[index]
        if inner[index] or node in param_module or node.is_leaf:
            continue
        seen = {example_of[position[parent]] for parent in node.parents if not parent.is_leaf}
        if len(seen) == 1 and -1 not in seen:
            example_of[index] = seen.pop()
    users: list[set[int]] = [set() for _ in range(count)]
    for index, node in enumerate(nodes):
        for parent in node.parents:
            users[position[parent]].add(example_of[index])
    for index, node in enumerate(nodes):
        if node.is_leaf and node not in param_module and len(users[index]) == 1:
            example_of[index] = next(iter(users[index]))
    example_of[0] = -1
    return example_of


def _build(
    nodes: Sequence[Value],
    homes: Sequence[str | None],
    example_of: Sequence[int],
    param_module: Mapping[Value, str],
    modules: Mapping[str, str] | None,
    explicit: Mapping[Value, str],
) -> Grouping:
    grouping = Grouping(of_node=[-1] * len(nodes))
    groups = grouping.groups
    made: dict[tuple[str, int | str], int] = {}

    def group(key: tuple[str, int | str], name: str, title: str, kind: str, parent: int) -> int:
        index = made.get(key)
        if index is None:
            index = made[key] = len(groups)
            groups.append(Group(name, title, kind, parent))
        return index

    def module_box(path: str, scope: int, scope_key: str, recorded: bool) -> int:
        box = scope
        levels = module_levels(path, modules)
        if recorded and modules is not None and path not in modules:
            levels.append(path)
        for level in levels:
            title = modules.get(level, "") if modules is not None else ""
            box = group((f"{scope_key}/module", level), level, title, "module", box)
        return box

    examples = max(example_of, default=-1) + 1
    batched = examples > 0
    stack = group(("stack", 0), "examples", "", "stack", -1) if batched else -1
    params_box = group(("params", 0), "parameters", "", "params", -1) if batched else -1
    for example in range(examples):  # made in order, so they are listed in order
        group(("example", example), f"example {example}", "", "example", stack)
    for index, node in enumerate(nodes):
        home = homes[index]
        example = example_of[index]
        if node in param_module and node not in explicit:
            scope, scope_key = (params_box, "params") if batched else (-1, "")
        elif example >= 0:
            scope = group(("example", example), f"example {example}", "", "example", stack)
            scope_key = f"example {example}"
        elif batched and not node.is_leaf:
            grouping.of_node[index] = group(("loss", 0), "loss", "", "loss", -1)
            continue
        else:
            scope, scope_key = -1, ""
        grouping.of_node[index] = module_box(home, scope, scope_key, node in explicit) if home else scope
    for inner in grouping.of_node:
        while inner >= 0:
            groups[inner].size += 1
            inner = groups[inner].parent
    return grouping
