"""Drawing computation graphs with Graphviz: ``draw_dot``.

``draw_dot(root)`` returns a :class:`Drawing` (a ``graphviz.Digraph``) of every
node under ``root``: one record per Value (label, data, grad), one small node
per operation, edges in operand order. In Jupyter it displays inline as SVG;
``.render("graph", format="svg")`` writes a file; ``.source`` is the DOT text.

Design notes:

* Node ids are given in breadth-first order from the root (``v0`` is the root),
  never from ``id()``, and the DOT text is written line by line in that order,
  so the same graph always gives byte-identical source that can be diffed.
* The walk is iterative (no recursion limit) and, past ``max_nodes``, keeps the
  nodes nearest the root. The rest is drawn as summary nodes, one per
  connected part of the hidden graph, which count every hidden node once.
* What an op node says and whether its edges are numbered come from the op's
  row of the derivative table (``caption``, ``commutes``): nothing here knows
  an op by name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..core.value import Value
from ..core.walk import breadth_first
from .dot_text import (
    LEAF_FILL,
    OP_FILL,
    PARAMETER_FILL,
    RANKDIRS,
    ROOT_FILL,
    SUMMARY_FILL,
    Drawing,
    GraphvizNotFoundError,
    attributes,
    format_number,
    make_drawing,
    quote,
    record_label,
)
from .facts import UnionFind, caption

__all__ = ["Drawing", "GraphvizNotFoundError", "draw_dot"]

_OP_STYLE = (
    f'shape=ellipse width=0.3 height=0.3 margin="0.04,0.02" style=filled fillcolor="{OP_FILL}"'
)


def _local_texts(node: Value) -> list[str]:
    return [format_number(local) for local in node.local_grads()]


def _check_arguments(
    root: object, rankdir: object, max_nodes: object, params: object, model: object = None
) -> dict[Value, str] | None:
    """The parameters to colour, each with its name ("" for none), or None to colour labelled leaves."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot expects a Value as root, got {type(root).__name__}: {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_dot rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if max_nodes is not None and (
        not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1
    ):
        raise ValueError(f"draw_dot max_nodes must be an int >= 1 or None, got {max_nodes!r}")
    if params is None and model is not None:
        named = getattr(model, "named_parameters", None)
        if not callable(named):
            raise TypeError(
                f"draw_dot model must have named_parameters() (an nn.Module), got {type(model).__name__}"
            )
        params = named()
    if params is None:
        return None
    if isinstance(params, Mapping):
        params = list(params.items())
    if not isinstance(params, Iterable):
        raise TypeError(
            f"draw_dot params must be an iterable of Values or (name, Value) pairs, got {type(params).__name__}"
        )
    chosen: dict[Value, str] = {}
    for index, param in enumerate(params):
        if isinstance(param, Value):
            chosen.setdefault(param, "")
        elif (
            isinstance(param, tuple) and len(param) == 2
            and isinstance(param[0], str) and isinstance(param[1], Value)
        ):
            chosen[param[1]] = param[0]
        else:
            raise TypeError(
                "draw_dot params must contain Values or (name, Value) pairs such as "
                f"model.named_parameters() gives, got {type(param).__name__} at index {index}"
            )
    return chosen


def draw_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local: bool = False,
    max_nodes: int | None = 400,
    params: Iterable[Value] | Iterable[tuple[str, Value]] | Mapping[str, Value] | None = None,
    model: Any = None,
) -> Drawing:
    """Draw the computation graph under ``root``.

    Each Value is a record (its label if set, ``data``, and ``grad``, to 4
    significant digits); each operation is a small ellipse with the op's
    symbol and any folded constant (``* 2``, ``Σ``, ``·`` for ``dot``). Edges
    run from operands to the op in operand order; where order matters (``-``,
    ``/``, ``**``, ``dot``) or an operand repeats (``x * x``) each edge carries
    the operand's index. The root is gold, parameters light blue, other leaves
    (inputs, constants) grey.

    Args:
        root: The Value to draw, usually a loss after ``backward()``.
        rankdir: Graphviz layout direction: "LR", "RL", "TB" or "BT".
        show_grad: Show each Value's ``grad``.
        show_local: Label each edge with the local derivative
            d(node)/d(operand) (see :meth:`Value.local_grads`).
        max_nodes: Draw at most this many Values (op nodes are not counted),
            the ones nearest the root breadth-first. The operands left out are
            replaced by summary nodes ("… 3,412 more nodes"), one per connected
            part of what is hidden; together they count every hidden Value
            exactly once. None draws everything.
        params: The Values to draw as parameters, or (name, Value) pairs
            (``model.named_parameters()``): a parameter without a label is
            then titled by its name (its module path, ``layers.0.neurons.3.w.1``).
            By default, a leaf with a label is drawn as a parameter.
        model: A module (anything with ``named_parameters()``): its parameters
            are drawn as such, titled by their module paths, when ``params``
            is not given.

    Returns:
        A :class:`Drawing` (a ``graphviz.Digraph``): displayed inline in
        Jupyter, ``.render(path, format="svg")`` to write a file, ``.source``
        for the DOT text.

    Raises:
        TypeError: If ``root`` is not a Value, ``params`` holds what is not a
            Value or a (name, Value) pair, or ``model`` has no ``named_parameters()``.
        ValueError: If ``rankdir`` or ``max_nodes`` is invalid.

    Examples:
        >>> x = Value(2.0, label="x")
        >>> y = x * x
        >>> y.backward()
        >>> print(draw_dot(y).source)  # doctest: +ELLIPSIS
        digraph {
        ...
    """
    param_set = _check_arguments(root, rankdir, max_nodes, params, model)
    show_grad = bool(show_grad)
    show_local = bool(show_local)
    # The nodes nearest the root, breadth-first: their index is their id and the drawing order.
    order = breadth_first((root,), limit=math.inf if max_nodes is None else max_nodes)
    kept = {node: index for index, node in enumerate(order)}
    lines: list[str] = []
    # Hidden Values, each with the provisional summary of the drawn node that
    # reached it first; summaries whose hidden parts touch are merged afterwards.
    owner: dict[Value, int] = {}
    hidden: list[Value] = []
    summary_edges: list[tuple[int, str]] = []  # (provisional summary, op node)
    provisional = 0
    for index, node in enumerate(order):
        lines.append(_value_line(node, index, root, param_set, show_grad))
        if node.is_leaf:
            continue
        op_id = f"o{index}"
        lines.append(f"\t{op_id} [label={quote(caption(node))} {_OP_STYLE}]")
        lines.append(f"\t{op_id} -> v{index}")
        parents = node.parents
        ordered = len(parents) > 1 and (
            not node._op.commutes or len(set(parents)) < len(parents)
        )
        locals_ = _local_texts(node) if show_local else None
        own_summary = -1
        summaries_linked: set[int] = set()
        for position, parent in enumerate(parents):
            parent_index = kept.get(parent)
            if parent_index is not None:
                edge: dict[str, str] = {}
                if locals_ is not None:
                    edge["label"] = locals_[position]
                if ordered:
                    edge["headlabel"] = str(position)
                lines.append(f"\tv{parent_index} -> {op_id}{attributes(edge)}")
                continue
            if parent not in owner:
                if own_summary < 0:
                    own_summary = provisional
                    provisional += 1
                owner[parent] = own_summary
                hidden.append(parent)
            summary = owner[parent]
            if summary not in summaries_linked:
                summaries_linked.add(summary)
                summary_edges.append((summary, op_id))

    groups, sizes = _group_hidden(hidden, owner, kept, provisional)
    for summary, size in enumerate(sizes):
        noun = "node" if size == 1 else "nodes"
        lines.append(
            f"\ts{summary} [label={quote(f'… {size:,} more {noun}')} shape=note "
            f"style=filled fillcolor={quote(SUMMARY_FILL)}]"
        )
    linked: set[tuple[int, str]] = set()
    for summary, op_id in summary_edges:
        key = (groups[summary], op_id)
        if key not in linked:
            linked.add(key)
            lines.append(f"\ts{key[0]} -> {op_id} [style=dashed color=gray50]")

    total = len(order) + len(owner)
    return make_drawing(
        lines,
        graph_attr={"rankdir": rankdir},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6"},
        title=f"showing {len(order):,} of {total:,} values" if sizes else None,
    )


def _group_hidden(
    hidden: list[Value], owner: dict[Value, int], kept: Mapping[Value, int], provisional: int
) -> tuple[list[int], list[int]]:
    """Walk the rest of the graph and merge summaries whose hidden parts touch.

    Each final summary is one connected part of the hidden graph, so a network
    whose examples share weights gets one "… N more nodes" rather than one per
    cut edge, and every hidden Value is counted exactly once (``owner`` grows
    to every hidden Value).

    Returns:
        The final summary of each provisional one, and each final summary's size.
    """
    parts = UnionFind(provisional)
    beyond = breadth_first(hidden, lambda node: [p for p in node.parents if p not in kept])
    for node in beyond:
        summary = owner[node]
        for parent in node.parents:
            if parent in kept:
                continue
            other = owner.get(parent)
            if other is None:
                owner[parent] = summary
            elif other != summary:
                # The smaller index stays the root, so numbering follows the walk.
                parts.join(other, summary)
    final: dict[int, int] = {}
    groups = [final.setdefault(parts.find(summary), len(final)) for summary in range(provisional)]
    sizes = [0] * len(final)
    for summary in owner.values():
        sizes[groups[summary]] += 1
    return groups, sizes


def _value_line(
    node: Value, index: int, root: Value, param_set: dict[Value, str] | None, show_grad: bool
) -> str:
    title = node.label or (param_set.get(node, "") if param_set is not None else "")
    fields = [title] if title else []
    fields.append(f"data {format_number(node.data)}")
    if show_grad:
        fields.append(f"grad {format_number(node.grad)}")
    style = ""
    if node is root:
        style = f" style=\"filled,bold\" fillcolor={quote(ROOT_FILL)}"
    elif node.is_leaf:
        is_param = node in param_set if param_set is not None else bool(node.label)
        fill = PARAMETER_FILL if is_param else LEAF_FILL
        style = f" style=filled fillcolor={quote(fill)}"
    return f"\tv{index} [label={record_label(*fields, flip=True)} shape=record{style}]"
