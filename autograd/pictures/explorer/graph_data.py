"""A computation graph as plain JSON-able data: the explorer page's input.

``graph_data(root, ...)`` walks the graph under ``root`` once (iteratively, so
any depth works) and returns column lists, one entry per node, the output at
position 0 and every node before its operands:

* ``label``, ``data``, ``grad``, ``op`` (the op's name), ``text`` (what the
  node shows: ``relu``, ``* 2``, ``Σ``), ``kind`` (0 op, 1 leaf, 2 parameter,
  3 output: the colours ``draw_dot`` uses);
* ``parents`` (positions, in operand order, repeats kept) and ``local`` (d node
  / d operand, one per operand, or null where undefined);
* ``group`` (the innermost group, -1 for none), with ``groups`` listing each
  group's ``name``, ``title``, ``kind``, ``parent``, ``size``, ``collapsed``
  (its state when the page opens), parents before children: groups by module
  and example when parameters are named, else (for a graph of more than
  ``BOX_LIMIT`` nodes) folded from the graph's shape, see ``folding``;
* ``names`` (parameter positions -> dotted names) and ``origins`` (positions ->
  the user's file, line and function, for graphs built under anomaly mode);
* ``roles`` (positions -> ``loss``, ``loss of example 3``: the title of an
  unlabelled node), and per group ``share``: an example's share of the loss,
  null for other groups (see ``roles``);
* ``const``: the plain number folded into each op node (``2.0`` for
  ``x * 2.0``), a dot's ``{pairs, coefficients, start}``, or null;
* ``program``: per node its kernel, the sweep's order and the frozen nodes,
  with ``script`` the JavaScript that runs the graph (see ``program``);
* ``training``: null, or what the page needs to train the graph (see ``training``);
* ``code``: positions -> what the jit generated for a node. A jitted call is
  unfolded into its program's steps (see ``unfolding``) and each step's node
  gets ``{line, number, backward, iteration, iterations}``: the line of
  generated code that computes it (the Python backend's assignment, the
  native backend's tape entry) and its number in ``Jitted.source``, the
  lines of its backward (``[number, text]`` pairs, Python only), and for a
  step computed by a loop which iteration it is. A call whose code cannot be
  read that way stays one node, with the whole code (at most
  ``CODE_LIMIT`` characters) as a string.

Non-finite numbers are written as the strings ``"nan"``, ``"inf"`` and
``"-inf"``, which JSON has no numbers for. Local derivatives keep 6
significant digits (they are for reading; the file stays small).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from ...core.value import Value
from ...rules.op import DotConst
from ..facts import caption, origin_of
from .folding import BOX_LIMIT, band_crowded, fold_by_structure
from .grouping import Group, derive_groups
from .order import nodes_under
from .program import graph_program
from .roles import example_losses
from .training import TrainingView, training_data
from .unfolding import unfold_jitted

__all__ = ["KIND_LEAF", "KIND_OP", "KIND_OUTPUT", "KIND_PARAMETER", "graph_data"]

KIND_OP, KIND_LEAF, KIND_PARAMETER, KIND_OUTPUT = 0, 1, 2, 3
CODE_LIMIT = 20_000


def _generated_code(node: Value) -> str | None:
    """The source a jitted call ran, for its node (found by shape: the engine names no backend here)."""
    source = getattr(getattr(node.const, "compiled", None), "source", None)
    if not isinstance(source, str):
        return None
    return source if len(source) <= CODE_LIMIT else source[:CODE_LIMIT] + "\n# … (cut)"


def _step_code(lines: Any) -> dict[str, Any]:
    """A step's lines of generated code as JSON (see the module docstring)."""
    number, text = lines.forward
    return {
        "line": text,
        "number": number,
        "backward": [[at, written] for at, written in lines.backward],
        "iteration": lines.iteration,
        "iterations": lines.iterations,
    }


def _code(nodes: list[Value], lines: Mapping[Value, Any]) -> dict[str, Any]:
    """Position -> a step's lines (an unfolded jitted call), or a call's whole code (one that stayed folded)."""
    code: dict[str, Any] = {}
    for index, node in enumerate(nodes):
        if node in lines:
            code[str(index)] = _step_code(lines[node])
        elif node._op is not None:
            whole = _generated_code(node)
            if whole is not None:
                code[str(index)] = whole
    return code


def _number(x: float) -> float | str:
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def _short(x: float) -> float | str:
    return _number(float(f"{x:.6g}")) if math.isfinite(x) else _number(x)


def _constant(const: Any) -> Any:
    """The folded constant as JSON: a number, a dot's parts, or None for anything else."""
    if isinstance(const, DotConst):
        return {
            "pairs": const.pairs,
            "coefficients": [_number(float(c)) for c in const.coefficients],
            "start": _number(float(const.start)),
        }
    if isinstance(const, (int, float)) and not isinstance(const, bool):
        return _number(float(const))
    return None


def _parameter_names(params: Iterable[Any] | Mapping[str, Value] | None) -> dict[Value, str]:
    """Parameter -> name, from Values, (name, Value) pairs or a name -> Value mapping."""
    if params is None:
        return {}
    items: Iterable[Any] = params.items() if isinstance(params, Mapping) else params
    names: dict[Value, str] = {}
    for index, item in enumerate(items):
        if isinstance(item, Value):
            names.setdefault(item, item.label or f"param {index}")
            continue
        if (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], Value)
        ):
            names.setdefault(item[1], item[0])
            continue
        raise TypeError(
            "explore params must be Values, (name, Value) pairs such as "
            "model.named_parameters() gives, or a {name: Value} mapping; "
            f"got {type(item).__name__} at index {index}"
        )
    return names


def _module_titles(model: Any) -> dict[str, str]:
    """Module path -> ``Layer(2 -> 16, relu)``, walking ``named_children()`` (duck-typed)."""
    titles: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [("", model)]
    while stack:
        prefix, module = stack.pop()
        children = getattr(module, "named_children", None)
        if not callable(children):
            continue
        for name, child in children():
            path = f"{prefix}.{name}" if prefix else str(name)
            extra = getattr(child, "extra_repr", None)
            detail = extra() if callable(extra) else ""
            titles[path] = f"{type(child).__name__}({detail})"
            stack.append((path, child))
    return titles


def _collapsed(groups: list[Group], root_group: int, collapse_above: int) -> list[bool]:
    """Which groups start collapsed: big ones and stacks, but never one around the output."""
    collapsed = [group.kind == "stack" or group.size > collapse_above for group in groups]
    while root_group >= 0:
        collapsed[root_group] = False
        root_group = groups[root_group].parent
    return collapsed


def graph_data(
    root: Value,
    *,
    params: Iterable[Any] | Mapping[str, Value] | None = None,
    model: Any = None,
    groups: Mapping[Value, str] | None = None,
    collapse_above: int = 20,
    title: str = "",
    training: TrainingView | None = None,
) -> dict[str, Any]:
    """The graph under ``root`` as JSON-able columns (see the module docstring).

    Args:
        root: The output.
        params: Parameters, named or not (``model.named_parameters()``).
        model: An object with ``named_parameters()`` (and ``named_children()``
            for module titles), used when ``params`` is None.
        groups: Node -> module path, for nodes whose module is known better
            than the names tell.
        collapse_above: Groups holding more nodes than this start collapsed;
            the stack of examples always does.
        title: Shown in the page's header.
        training: What the page needs to train the graph (see ``training``), or None.
    """
    modules: dict[str, str] | None = None
    if model is not None:
        named = getattr(model, "named_parameters", None)
        if not callable(named):
            raise TypeError(
                f"explore model must have named_parameters() (an nn.Module), "
                f"got {type(model).__name__}"
            )
        if params is None:
            params = named()
        modules = _module_titles(model)
    names = _parameter_names(params)
    unfolded = unfold_jitted(root)
    root = unfolded.root
    nodes = nodes_under(root)
    position = {node: index for index, node in enumerate(nodes)}
    parents = [[position[parent] for parent in node.parents] for node in nodes]
    grouping = derive_groups(nodes, names, modules=modules, explicit=groups)
    if not grouping.groups and len(nodes) > BOX_LIMIT:
        grouping = fold_by_structure(parents, [node.op for node in nodes])
    elif len(nodes) > BOX_LIMIT:
        band_crowded(grouping, parents)

    kinds = []
    for node in nodes:
        if node is root:
            kinds.append(KIND_OUTPUT)
        elif not node.is_leaf:
            kinds.append(KIND_OP)
        elif node in names if names else bool(node.label):
            kinds.append(KIND_PARAMETER)
        else:
            kinds.append(KIND_LEAF)
    exact = [node.local_grads() for node in nodes]
    locals_ = [[_short(d) for d in derivatives] for derivatives in exact]
    origins = {}
    for index, node in enumerate(nodes):
        site = origin_of(node)
        made_at = unfolded.origins.get(node)
        if site is None and made_at is not None:
            site = {"file": made_at.file, "line": made_at.line, "function": made_at.function}
        if site is not None:
            origins[str(index)] = site
    group_list = grouping.groups
    losses = example_losses(grouping, nodes, parents, exact)
    program = graph_program(root, nodes, position)
    script = program.script
    trained = None
    if training is not None:
        trained, probe = training_data(training, position, nodes_under)
        script += probe.script
    return {
        "format": 1,
        "title": title,
        "label": [node.label for node in nodes],
        "data": [_number(node.data) for node in nodes],
        "grad": [_number(node.grad) for node in nodes],
        "op": [node.op for node in nodes],
        "text": [caption(node) for node in nodes],
        "kind": kinds,
        "parents": parents,
        "local": locals_,
        "group": grouping.of_node,
        "names": {str(position[node]): name for node, name in names.items() if node in position},
        "origins": origins,
        "roles": {str(index): role for index, role in losses.roles.items()},
        "const": [_constant(node.const) for node in nodes],
        "program": program.as_data(),
        "script": script,
        "training": trained,
        "code": _code(nodes, unfolded.lines),
        "groups": {
            "name": [group.name for group in group_list],
            "title": [group.title for group in group_list],
            "kind": [group.kind for group in group_list],
            "parent": [group.parent for group in group_list],
            "size": [group.size for group in group_list],
            "collapsed": _collapsed(grouping.groups, grouping.of_node[0], collapse_above),
            "share": [None if share is None else _short(share) for share in losses.share],
        },
    }
