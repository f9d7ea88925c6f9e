"""``explore``: the graph under a Value as an interactive page.

The page lays graphs out in the browser with Graphviz compiled to
WebAssembly (``@hpcc-js/wasm-graphviz``, a maintained library from the npm
registry, shipped with the package): it draws clusters natively and lays out
as ``draw_dot`` does. CHANGELOG.md keeps the measurements it was chosen by.

No library lays out the whole training step interactively, so the page lays
out only what is visible: a collapsed group is one box and the edges into it
are merged per pair. With named parameters the groups are modules and
examples; without, the graph is folded from its shape (repeated terms of a
sum, shared nodes, bands of depth; see ``folding``), so every view holds a
few hundred boxes at most, and the page never lays out more than
``MAX_BOXES`` at once (it closes groups instead). Layout runs in a worker, so
the page stays responsive. ``benchmarks/explorer.py`` measures the page itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...core.value import Value
from .graph_data import graph_data
from .page import ExplorerPage, build_page
from .training import TrainingView

__all__ = ["TrainingView", "explore"]


def explore(
    root: Value,
    *,
    params: Iterable[Any] | Mapping[str, Value] | None = None,
    model: Any = None,
    groups: Mapping[Value, str] | None = None,
    title: str | None = None,
    collapse_above: int = 20,
    height: int = 640,
    training: TrainingView | None = None,
) -> ExplorerPage:
    """An interactive, self-contained page of the computation graph under ``root``.

    Every node shows its label, value, gradient and op; edges run from each
    operand to its user in operand order, with the local derivative on hover
    (or on every edge with a toggle). Click a node for a side panel with its
    numbers, local derivatives, operands and users. Nodes made by a module
    (a neuron, a layer) are boxed per module, the copies of the network for
    each example of a batch fold into one stack, and big boxes start
    collapsed; click to open them. Search finds labels and ops and opens
    their boxes. Layout is Graphviz's, run in the browser: no ``dot``
    program is needed.

    The page also runs the graph: its forward and backward are printed as
    JavaScript from the derivative table, so editing a leaf's value in the
    panel recomputes every value and gradient, and a step bar plays the
    forward and backward passes node by node (see docs/explorer.md for the
    page's ``window.valuegrad`` API).

    Groups are derived from the graph after it was built, from the parameter
    names; nothing is recorded while it is built. Without names, a big graph
    is folded by its shape alone: the terms of a sum that share one shape
    (the examples of a batch) into a stack, what they share into one group,
    long stretches into bands of depth. The page opens on the output end.

    Args:
        root: Any Value; call ``backward()`` first to see gradients.
        params: The parameters, ideally named: ``model.named_parameters()``.
            Without names, only the colouring uses them.
        model: A module (anything with ``named_parameters()``); its sub-modules'
            names and descriptions title the boxes. Used for ``params`` when
            those are not given.
        groups: Node -> module path (``"layers.0.neurons.3"``) for nodes whose
            module the names cannot tell. A path that is no module of ``model``
            (``"blocks.0.attn.head 2"``) is a box of its own, inside the
            deepest module the path names.
        title: The page's title; defaults to the root's label.
        collapse_above: Boxes holding more nodes than this start collapsed.
        height: The height of the inline view in Jupyter, in pixels.
        training: A :class:`TrainingView`: the page then trains the graph by
            gradient descent and draws the decision boundary
            (``nn.explore_model(model, data=(X, y))`` makes one).

    Returns:
        An :class:`ExplorerPage`: ``.save("step.html")`` writes one file that
        works offline from ``file://``; in Jupyter it displays inline.

    Raises:
        TypeError: If ``root`` is not a Value, or ``params``/``model`` are not
            what is described above.
        ValueError: If ``collapse_above`` is negative or ``height`` not positive.

    Examples:
        >>> from autograd import Value
        >>> x = Value(2.0, label="x")
        >>> y = (x * x).tanh()
        >>> y.backward()
        >>> page = explore(y)
        >>> page.nodes
        3
    """
    if not isinstance(root, Value):
        raise TypeError(f"explore expects a Value as root, got {type(root).__name__}: {root!r}")
    for name, number, smallest in (("collapse_above", collapse_above, 0), ("height", height, 1)):
        if not isinstance(number, int) or isinstance(number, bool) or number < smallest:
            raise ValueError(f"explore {name} must be an int >= {smallest}, got {number!r}")
    data = graph_data(
        root,
        params=params,
        model=model,
        groups=groups,
        collapse_above=collapse_above,
        title=title if title is not None else (root.label or "computation graph"),
        training=training,
    )
    return ExplorerPage(build_page(data), height=height, nodes=len(data["label"]))
