"""Drawing computation graphs with Graphviz: ``draw_dot`` and the helpers ``nn`` builds on.

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
* Lines are formatted here rather than through ``Digraph.node``/``Digraph.edge``
  because those calls cost about 7 µs each, which would dominate large drawings.
* Rendering needs Graphviz's ``dot`` program; without it :class:`Drawing`
  raises :class:`GraphvizNotFoundError`, which says how to install it, while
  ``.source`` stays available.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from html import escape
from typing import Any

import graphviz

from .engine import Value
from .ops import TABLE

__all__ = [
    "INSTALL_HINT",
    "Drawing",
    "GraphvizNotFoundError",
    "attributes",
    "draw_dot",
    "format_number",
    "install_hint",
    "make_drawing",
    "quote",
    "record_label",
    "table_label",
]

RANKDIRS = ("LR", "RL", "TB", "BT")



def install_hint(program: str = "dot") -> str:
    """What to do when Graphviz's ``program`` (``dot``, ``unflatten``) is missing."""
    return (
        f"Graphviz's {program!r} program was not found on PATH, so the graph cannot be "
        "rendered. Install Graphviz: 'sudo apt-get install graphviz' (Debian/Ubuntu), "
        "'brew install graphviz' (macOS) or 'conda install -c conda-forge graphviz', "
        "then restart Python. The DOT text is still available as the drawing's .source."
    )


INSTALL_HINT = install_hint()

# Fill colours: parameters (what training changes) stand out from inputs and
# constants; the root is the one node everything flows into.
ROOT_FILL = "#ffd966"
PARAMETER_FILL = "#cfe2ff"
LEAF_FILL = "#eeeeee"
OP_FILL = "#f7f7f7"
SUMMARY_FILL = "#fff2cc"

# Ops whose result does not depend on operand order: their edges need no operand
# index unless an operand repeats (``x * x``).
_COMMUTATIVE = frozenset({"add", "mul", "sum"})
_OP_STYLE = (
    f'shape=ellipse width=0.3 height=0.3 margin="0.04,0.02" style=filled fillcolor="{OP_FILL}"'
)


class GraphvizNotFoundError(RuntimeError):
    """Raised when a drawing is rendered but Graphviz's ``dot`` program is missing."""


@contextmanager
def _explain_missing_graphviz(program: str = "dot") -> Iterator[None]:
    try:
        yield
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError(install_hint(program)) from error


# ---------------------------------------------------------------- the returned graph


class Drawing(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no types
    """A ``graphviz.Digraph`` whose rendering explains how to install Graphviz.

    ``render``, ``pipe``, ``view`` and ``unflatten`` raise
    :class:`GraphvizNotFoundError` (a ``RuntimeError``) with installation
    instructions instead of ``graphviz.ExecutableNotFound``. In Jupyter, a
    missing ``dot`` shows the instructions and the DOT source as text instead
    of a traceback. Everything else is the ordinary ``graphviz.Digraph``.
    """

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Write the source and the rendered file (see ``graphviz.Digraph.render``).

        Raises:
            GraphvizNotFoundError: If Graphviz's ``dot`` program is not installed.
        """
        with _explain_missing_graphviz():
            return str(super().render(*args, **kwargs))

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """The rendered graph as bytes or str (see ``graphviz.Digraph.pipe``).

        Raises:
            GraphvizNotFoundError: If Graphviz's ``dot`` program is not installed.
        """
        with _explain_missing_graphviz():
            return super().pipe(*args, **kwargs)

    def unflatten(self, *args: Any, **kwargs: Any) -> Any:
        """See ``graphviz.Digraph.unflatten``.

        Raises:
            GraphvizNotFoundError: If Graphviz's ``unflatten`` program is not installed.
        """
        with _explain_missing_graphviz("unflatten"):
            return super().unflatten(*args, **kwargs)

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> dict[str, bytes | str]:
        # Jupyter calls this to display the object: SVG when dot is present, and
        # otherwise the instructions and the source as text rather than a traceback.
        try:
            return dict(super()._repr_mimebundle_(include, exclude, **kwargs))
        except GraphvizNotFoundError:
            return {"text/plain": f"{INSTALL_HINT}\n\n{self.source}"}


# ---------------------------------------------------------------- text helpers


def format_number(x: float) -> str:
    """``x`` with 4 significant digits, compactly (``0.5``, ``-1.235``, ``1.2e+06``, ``nan``)."""
    return f"{x:.4g}"


def quote(text: str) -> str:
    """``text`` as a double-quoted DOT string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _escape_record_field(text: str) -> str:
    # In a record label these characters delimit fields and ports; a backslash
    # makes them literal. Backslashes are doubled first, before any are added.
    text = text.replace("\\", "\\\\").replace("\n", " ")
    for special in '{}|<>"':
        text = text.replace(special, "\\" + special)
    return text


def record_label(*fields: str | tuple[str, ...], flip: bool = False) -> str:
    """A quoted record label with one field per argument, special characters escaped.

    Args:
        *fields: Field texts; ``{ } | < > "`` and backslashes are shown literally.
            A tuple of texts is a group of sub-fields laid out in the other
            direction (a row of a column, or a column of a row).
        flip: Wrap the fields in braces, which turns Graphviz's field direction
            (across instead of down in a left-to-right graph).

    Returns:
        The label, ready to be used as ``label=...`` in a DOT statement.

    Example:
        >>> record_label("x", ("a|b", "c"))
        '"x | { a\\\\|b | c }"'
    """
    parts = [
        "{ " + " | ".join(map(_escape_record_field, field)) + " }"
        if isinstance(field, tuple)
        else _escape_record_field(field)
        for field in fields
    ]
    body = " | ".join(parts)
    return '"' + ("{ " + body + " }" if flip else body) + '"'


def table_label(rows: Sequence[Sequence[str]], fill: str) -> str:
    """An HTML-like label: a small table with a row per sequence, a cell per text.

    Use it with ``shape=plain``. Unlike records, such nodes can be ordered by
    invisible same-rank edges (Graphviz loses flat edges between records).

    Args:
        rows: The cells' texts, row by row; a shorter row's last cell spans the rest.
        fill: The background colour.

    Returns:
        The label, ready to be used as ``label=...`` in a DOT statement.
    """
    columns = max((len(row) for row in rows), default=1)
    html = [
        f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="3" '
        f'bgcolor="{escape(fill)}">'
    ]
    for row in rows:
        cells = []
        for position, text in enumerate(row):
            span = columns - len(row) + 1 if position == len(row) - 1 else 1
            colspan = f' colspan="{span}"' if span > 1 else ""
            cells.append(f"<td{colspan}>{escape(text)}</td>")
        html.append("<tr>" + "".join(cells) + "</tr>")
    html.append("</table>>")
    return "".join(html)


def make_drawing(
    lines: Iterable[str],
    *,
    graph_attr: Mapping[str, str],
    node_attr: Mapping[str, str],
    edge_attr: Mapping[str, str],
    title: str | None = None,
) -> Drawing:
    """A :class:`Drawing` of DOT statements, with an optional title on top.

    Args:
        lines: DOT statements, one per item, without the newline; empty ones are skipped.
        graph_attr: Attributes of the whole graph (``rankdir`` and the like).
        node_attr: Default attributes of every node.
        edge_attr: Default attributes of every edge.
        title: Text shown above the graph, in Helvetica, or None for no title.

    Returns:
        The drawing, whose ``.source`` lists the statements in the order given.
    """
    if title is not None:
        graph_attr = {**graph_attr, "label": title, "labelloc": "t", "fontname": "Helvetica"}
    drawing = Drawing(graph_attr=graph_attr, node_attr=node_attr, edge_attr=edge_attr)
    drawing.body.extend(line + "\n" for line in lines if line)
    return drawing


def attributes(attrs: Mapping[str, str]) -> str:
    """`` [key="value" ...]`` for a DOT statement (empty for no attributes), every value quoted."""
    if not attrs:
        return ""
    return " [" + " ".join(f"{key}={quote(value)}" for key, value in attrs.items()) + "]"


# ---------------------------------------------------------------- draw_dot


def _op_text(node: Value) -> str:
    """The op node's text: the op's symbol with any folded constant (``* 2``, ``3-``)."""
    op = TABLE[node.op]
    const = node.const
    symbol = op.symbol
    if isinstance(const, tuple):  # dot: (pairs, coefficients, constant)
        const = const[2]
        if const == 0.0:
            return symbol
        return f"{symbol} + {format_number(const)}"
    if not isinstance(const, float):
        return symbol
    if op.name == "sum":
        return symbol if const == 0.0 else f"{symbol} + {format_number(const)}"
    if op.name == "add_const" and const < 0.0:
        return f"- {format_number(-const)}"
    if symbol.startswith("c"):  # c - x, c / x, c ** x: the constant comes first
        return format_number(const) + symbol[1:]
    return f"{symbol} {format_number(const)}"


def _local_texts(node: Value) -> list[str]:
    try:
        return [format_number(local) for local in node.local_grads()]
    except (ArithmeticError, ValueError):
        # e.g. sqrt at 0: the drawing should still appear, marking what is undefined.
        return ["undefined"] * len(node.parents)


def _check_arguments(
    root: object, rankdir: object, max_nodes: object, params: object
) -> set[Value] | None:
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot expects a Value as root, got {type(root).__name__}: {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_dot rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if max_nodes is not None and (
        not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1
    ):
        raise ValueError(f"draw_dot max_nodes must be an int >= 1 or None, got {max_nodes!r}")
    if params is None:
        return None
    if not isinstance(params, Iterable):
        raise TypeError(
            f"draw_dot params must be an iterable of Values, got {type(params).__name__}"
        )
    chosen = set()
    for index, param in enumerate(params):
        if not isinstance(param, Value):
            raise TypeError(
                f"draw_dot params must contain Values, got {type(param).__name__} at index {index}"
            )
        chosen.add(param)
    return chosen


def draw_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local: bool = False,
    max_nodes: int | None = 400,
    params: Iterable[Value] | None = None,
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
        params: The Values to draw as parameters. By default, a leaf with a
            label is drawn as a parameter; pass ``model.parameters()`` to mark
            exactly a model's weights.

    Returns:
        A :class:`Drawing` (a ``graphviz.Digraph``): displayed inline in
        Jupyter, ``.render(path, format="svg")`` to write a file, ``.source``
        for the DOT text.

    Raises:
        TypeError: If ``root`` is not a Value or ``params`` holds a non-Value.
        ValueError: If ``rankdir`` or ``max_nodes`` is invalid.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = x * x
        >>> y.backward()
        >>> print(draw_dot(y).source)  # doctest: +ELLIPSIS
        digraph {
        ...
    """
    param_set = _check_arguments(root, rankdir, max_nodes, params)
    show_grad = bool(show_grad)
    show_local = bool(show_local)
    limit = math.inf if max_nodes is None else max_nodes

    lines: list[str] = []
    # Index in breadth-first order, which is also the drawing order and the id.
    kept: dict[Value, int] = {root: 0}
    order: list[Value] = [root]
    # Hidden Values, each with the provisional summary of the drawn node that
    # reached it first; overlapping summaries are merged afterwards.
    owner: dict[Value, int] = {}
    hidden: list[Value] = []
    provisional = 0
    summary_edges: list[tuple[int, str]] = []  # (provisional summary, op node)

    head = 0
    while head < len(order):
        node = order[head]
        index = head
        head += 1
        lines.append(_value_line(node, index, root, param_set, show_grad))
        if node.is_leaf:
            continue
        op_id = f"o{index}"
        lines.append(f"\t{op_id} [label={quote(_op_text(node))} {_OP_STYLE}]")
        lines.append(f"\t{op_id} -> v{index}")
        parents = node.parents
        ordered = len(parents) > 1 and (
            node.op not in _COMMUTATIVE or len(set(parents)) < len(parents)
        )
        locals_ = _local_texts(node) if show_local else None
        own_summary = -1
        summaries_linked: set[int] = set()
        for position, parent in enumerate(parents):
            parent_index = kept.get(parent)
            if parent_index is None and parent not in owner and len(order) < limit:
                parent_index = kept[parent] = len(order)
                order.append(parent)
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

    ``hidden`` starts with the hidden operands of drawn nodes and grows to every
    hidden Value (``owner`` with it). Each final summary is one connected part
    of the hidden graph, so a network whose examples share weights gets one
    "… N more nodes" rather than one per cut edge, and every hidden Value is
    counted exactly once.

    Returns:
        The final summary of each provisional one, and each final summary's size.
    """
    root_of = list(range(provisional))  # union-find over provisional summaries

    def find(summary: int) -> int:
        while root_of[summary] != summary:
            root_of[summary] = root_of[root_of[summary]]  # path halving
            summary = root_of[summary]
        return summary

    for node in _breadth_first(hidden):
        summary = owner[node]
        for parent in node.parents:
            other = owner.get(parent)
            if other is None:
                if parent not in kept:
                    owner[parent] = summary
                    hidden.append(parent)
            elif other != summary:
                first, second = find(other), find(summary)
                # The smaller index stays the root, so numbering follows the walk.
                root_of[max(first, second)] = min(first, second)
    final: dict[int, int] = {}
    groups = []
    for summary in range(provisional):
        groups.append(final.setdefault(find(summary), len(final)))
    sizes = [0] * len(final)
    for summary in owner.values():
        sizes[groups[summary]] += 1
    return groups, sizes


def _breadth_first(queue: list[Value]) -> Iterator[Value]:
    # Iterates over a list that grows while it is walked: a queue without pops.
    position = 0
    while position < len(queue):
        yield queue[position]
        position += 1


def _value_line(
    node: Value, index: int, root: Value, param_set: set[Value] | None, show_grad: bool
) -> str:
    fields = [node.label] if node.label else []
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
