"""The graph as a program the page runs: its forward and backward, printed as JavaScript.

Every op node's forward and local derivatives are its row of the derivative
table read as source (:data:`autograd.rules.source.SourceMath`) and printed
by :mod:`autograd.rules.print_javascript`, as the jit prints them as Python
and C: no derivative is written again in JavaScript. Nodes of one op, one
number of operands and one folded constant share one pair of functions (a
*kernel*): ``forward[k](v, p)`` gives the node's value from the values ``v``
at its operands' positions ``p``, ``local[k](v, p, o)`` its local
derivatives given its value ``o``.

Only the table's readings and numbers (``repr`` of floats) are printed: no
label, op name or file name reaches the program's text. A node whose row
cannot be read as source (an op of one's own whose rule decides with
Python's ``if``) gets no kernel: the page keeps its value and uses its local
derivatives as recorded (``frozen``).

The backward follows the engine's sweep (:func:`autograd.core.sweep.order_under`):
the same nodes in the same order, skipping a node whose gradient is 0, each
adding ``grad * local`` to its operands, so the page's gradients are the
engine's up to the last bits of the ``Math`` functions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ...core.sweep import order_under
from ...core.value import Value
from ...rules.print_javascript import JAVASCRIPT_HELPERS, javascript_text
from ...rules.source import Name, SourceMath, as_expr

__all__ = ["GraphProgram", "graph_program"]


class GraphProgram:
    """The page's program: its script, and per node the kernel it runs (-1: none).

    Attributes:
        script: JavaScript defining ``globalThis.vgProgram = {forward, local}``
            (or ``vgProbe``).
        kernel: Per node (by position), the index of its kernel, -1 for a leaf
            or a node without one.
        sweep: The positions of the op nodes in the engine's backward order,
            the output first.
        frozen: Position -> the local derivatives of an op node without a kernel.
    """

    def __init__(self, script: str, kernel: list[int], sweep: list[int], frozen: dict[str, list[Any]]) -> None:
        self.script = script
        self.kernel = kernel
        self.sweep = sweep
        self.frozen = frozen

    def as_data(self) -> dict[str, Any]:
        """What the page reads beside the script: kernels per node, the sweep, frozen nodes."""
        return {"kernel": self.kernel, "sweep": self.sweep, "frozen": self.frozen}


def _number(x: float) -> float | str:
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def _kernel_text(node: Value) -> tuple[str, str]:
    """The node's forward and local derivatives as JavaScript function texts."""
    operands = [Name(f"v[p[{k}]]") for k in range(len(node.parents))]
    op = node._op
    if op is None:
        raise ValueError("a leaf has no kernel")
    forward = javascript_text(as_expr(op.call_forward(SourceMath, operands, node.const)))
    local = op.local(SourceMath, operands, Name("o"), node.const)
    if len(local) != len(operands):
        raise ValueError("a rule gave a local derivative per operand count that does not match")
    locals_ = ", ".join(javascript_text(as_expr(derivative)) for derivative in local)
    return f"function (v, p) {{ return {forward}; }}", f"function (v, p, o) {{ return [{locals_}]; }}"


_NAMES = frozenset({"vgProgram", "vgProbe"})


def graph_program(
    root: Value, nodes: Sequence[Value], position: Mapping[Value, int], name: str = "vgProgram"
) -> GraphProgram:
    """The forward and backward of the graph under ``root`` (listed as ``nodes``) as a page program.

    Args:
        root: The output, ``nodes[0]``.
        nodes: Every node, each before its operands.
        position: Node -> its index in ``nodes``.
        name: The global the script defines: ``vgProgram`` (the graph shown)
            or ``vgProbe`` (a training view's one-input graph).
    """
    if name not in _NAMES:
        raise ValueError(f"graph_program name must be one of {sorted(_NAMES)}, got {name!r}")
    kernels: dict[tuple[int, int, str], int] = {}
    forwards: list[str] = []
    locals_: list[str] = []
    kernel = [-1] * len(nodes)
    frozen: dict[str, list[Any]] = {}
    for index, node in enumerate(nodes):
        op = node._op
        if op is None:
            continue
        key = (id(op), len(node.parents), repr(node.const))
        found = kernels.get(key)
        if found is None:
            try:
                forward, local = _kernel_text(node)
            except Exception:  # a row that cannot be read as source runs frozen, as recorded
                frozen[str(index)] = [_number(d) for d in node.local_grads()]
                continue
            found = kernels[key] = len(forwards)
            forwards.append(forward)
            locals_.append(local)
        kernel[index] = found
    sweep = [0] if root._op is not None else []
    sweep += [position[node] for node in order_under(root)] if root._op is not None else []
    script = (
        f"globalThis.{name} = (function () {{\n'use strict';\n" + JAVASCRIPT_HELPERS
        + "const forward = [\n" + ",\n".join(forwards) + "\n];\n"
        + "const local = [\n" + ",\n".join(locals_) + "\n];\n"
        + "return { forward: forward, local: local };\n})();\n"
    )
    return GraphProgram(script, kernel, sweep, frozen)
