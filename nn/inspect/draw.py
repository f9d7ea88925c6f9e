"""Drawing a network as layers of neurons: ``draw_model``.

Where :func:`autograd.pictures.dot.draw_dot` draws every scalar operation, this draws
the architecture: one node per input and per neuron, one cluster per layer, one
edge per weight. The DOT text is formatted with ``autograd.pictures.dot``'s helpers, so
it is deterministic and renders, or explains how to install Graphviz, the
same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from autograd import Value, enable_grad, grad, vsum
from autograd.extend import is_real
from autograd.pictures.dot_text import (
    RANKDIRS,
    Drawing,
    attributes,
    format_number,
    make_drawing,
    quote,
    table_label,
)

from ..modules.layers import MLP, Layer, Neuron

__all__ = ["draw_model"]

# Colour carries a weight's sign, width its magnitude.
POSITIVE = "#2b6cb0"
NEGATIVE = "#c53030"
MIN_PENWIDTH = 0.3
MAX_PENWIDTH = 4.0
INPUT_FILL = "#eeeeee"
NEURON_FILL = "#cfe2ff"


def _layers_of(module: object) -> list[list[Neuron]]:
    if isinstance(module, MLP):
        return [list(layer.neurons) for layer in module.layers]
    if isinstance(module, Layer):
        return [list(module.neurons)]
    if isinstance(module, Neuron):
        return [[module]]
    raise TypeError(
        f"draw_model expects an nn.MLP, nn.Layer or nn.Neuron, got {type(module).__name__}"
    )


def _in_order(ids: list[str]) -> str:
    """Invisible same-rank edges that keep nodes in index order, top to bottom.

    Without them Graphviz's crossing minimisation may list x2 above x0.
    (This is why the nodes use HTML-like labels: Graphviz loses flat edges
    between record-shaped nodes.)
    """
    if len(ids) < 2:
        return ""
    return "\t\t{rank=same " + " -> ".join(reversed(ids)) + " [style=invis]}"


def _check_example(example: object, nin: int) -> list[float]:
    if isinstance(example, (str, bytes)) or not isinstance(example, Sequence):
        raise TypeError(
            f"draw_model example must be a list of {nin} numbers, "
            f"got {type(example).__name__}: {example!r}"
        )
    if len(example) != nin:
        raise ValueError(
            f"draw_model example must have one number per input ({nin}), got {len(example)}"
        )
    checked: list[float] = []
    for index, x in enumerate(example):
        if isinstance(x, Value):
            x = x.data
        if not is_real(x):
            raise TypeError(
                f"draw_model example must hold real numbers, "
                f"got {type(x).__name__} at index {index}: {x!r}"
            )
        checked.append(float(x))
    return checked


class _Trace(NamedTuple):
    """One example through the network: values and gradients, per input and per neuron."""

    inputs: list[float]
    input_grads: list[float]
    activations: list[list[float]]
    activation_grads: list[list[float]]


def _trace(layers: list[list[Neuron]], example: list[float]) -> _Trace:
    """Run the example through the layers and differentiate the output.

    Gradients are of the sum of the outputs (or the single output), taken with
    ``autograd.grad`` so no ``.grad`` of the model's parameters changes.
    Neurons are applied one layer after another, so dropout never applies
    (as in eval mode) and no random state is consumed.
    """
    inputs = [Value(x) for x in example]
    activations: list[list[Value]] = []
    h: Sequence[Value] = inputs
    with enable_grad():  # a caller's no_grad block would leave nothing to differentiate
        for neurons in layers:
            h = [neuron(h) for neuron in neurons]
            activations.append(h)
    outputs = activations[-1]
    out = outputs[0] if len(outputs) == 1 else vsum(outputs)
    flat = [value for layer in activations for value in layer]
    grads = [g.data for g in grad(out, [*inputs, *flat])]
    input_grads = grads[: len(inputs)]
    activation_grads: list[list[float]] = []
    position = len(inputs)
    for layer in activations:
        activation_grads.append(grads[position : position + len(layer)])
        position += len(layer)
    return _Trace(
        example,
        input_grads,
        [[value.data for value in layer] for layer in activations],
        activation_grads,
    )


def draw_model(
    module: MLP | Layer | Neuron,
    *,
    example: Sequence[float] | None = None,
    rankdir: str = "LR",
) -> Drawing:
    """Draw a network as layers of neurons, with its weights as coloured edges.

    Inputs and each layer are clusters; each neuron shows its activation's name
    and its bias (``b = 0.1``). An edge per weight runs from an input or neuron
    to the neuron that uses it: blue for a positive weight, red for a negative
    one, thicker for a larger magnitude (relative to the largest weight in the
    model); hovering over an edge in the SVG shows the weight.

    With ``example``, the input is run through the layers in sequence (dropout,
    if any, is off, as in eval mode) and every input and neuron also shows its
    value and its gradient: the derivative of the sum of the outputs (of the
    single output, for one output) with respect to that value. The gradients
    are computed with :func:`autograd.grad`, so the model's ``.grad`` fields
    are left as they were.

    Args:
        module: An ``nn.MLP``, ``nn.Layer`` or ``nn.Neuron``.
        example: One input vector (``nin`` numbers), or None.
        rankdir: Graphviz layout direction ("LR", "RL", "TB" or "BT").

    Returns:
        An :class:`autograd.pictures.dot.Drawing` (a ``graphviz.Digraph``), displayed
        inline in Jupyter; ``.render(path, format="svg")`` writes a file.

    Raises:
        TypeError: If ``module`` is not an MLP, Layer or Neuron, or ``example``
            is not a sequence of real numbers.
        ValueError: If ``example`` does not have one number per input, or
            ``rankdir`` is unknown.

    Examples:
        >>> model = MLP(2, [3, 1], seed=0)
        >>> drawing = draw_model(model, example=[0.5, -1.0])
        >>> drawing.source.count("subgraph cluster_")
        3
    """
    layers = _layers_of(module)
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_model rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    nin = len(layers[0][0].w)
    traced = None if example is None else _trace(layers, _check_example(example, nin))

    weights = [abs(w.data) for neurons in layers for neuron in neurons for w in neuron.w]
    largest = max(weights, default=0.0)

    lines: list[str] = []
    lines.append("\tsubgraph cluster_input {")
    lines.append(f'\t\tlabel={quote(f"input ({nin})")} style=rounded color=gray60')
    for i in range(nin):
        if traced is None:
            label = table_label([[f"x{i}"]], INPUT_FILL)
        else:
            value, slope = traced.inputs[i], traced.input_grads[i]
            label = table_label(
                [[f"x{i} = {format_number(value)}"], [f"grad {format_number(slope)}"]], INPUT_FILL
            )
        lines.append(f"\t\tx{i} [label={label} shape=plain]")
    lines.append(_in_order([f"x{i}" for i in range(nin)]))
    lines.append("\t}")

    previous = [f"x{i}" for i in range(nin)]
    for index, neurons in enumerate(layers):
        last = index == len(layers) - 1
        name = "output" if last else f"layer {index}"
        lines.append(f"\tsubgraph cluster_layer{index} {{")
        lines.append(f"\t\tlabel={quote(f'{name} ({len(neurons)})')} style=rounded color=gray60")
        ids = [f"n{index}_{j}" for j in range(len(neurons))]
        for j, neuron in enumerate(neurons):
            # Rows of two: what the neuron is, then (with an example) what it did.
            rows: list[tuple[str, ...]] = [
                (neuron.activation,)
                if neuron.b is None
                else (neuron.activation, f"b = {format_number(neuron.b.data)}")
            ]
            if traced is not None:
                rows.append(
                    (
                        f"out {format_number(traced.activations[index][j])}",
                        f"grad {format_number(traced.activation_grads[index][j])}",
                    )
                )
            lines.append(f"\t\t{ids[j]} [label={table_label(rows, NEURON_FILL)} shape=plain]")
        lines.append(_in_order(ids))
        lines.append("\t}")
        for j, neuron in enumerate(neurons):
            if len(neuron.w) != len(previous):
                raise ValueError(
                    f"draw_model: layer {index} neuron {j} has {len(neuron.w)} weights "
                    f"but the previous layer has {len(previous)} outputs"
                )
            for source, w in zip(previous, neuron.w, strict=True):
                width = MIN_PENWIDTH + (MAX_PENWIDTH - MIN_PENWIDTH) * (
                    abs(w.data) / largest if largest > 0.0 else 0.0
                )
                edge = {
                    "color": POSITIVE if w.data >= 0.0 else NEGATIVE,
                    "penwidth": f"{width:.2f}",
                    "tooltip": f"w = {format_number(w.data)}",
                }
                # Ports on the facing sides keep steep edges from crossing the
                # neighbouring neurons of a column.
                lines.append(f"\t{source}:e -> {ids[j]}:w{attributes(edge)}")
        previous = ids

    of_what = "the output" if len(layers[-1]) == 1 else "the sum of the outputs"
    return make_drawing(
        lines,
        graph_attr={
            "rankdir": rankdir,
            "splines": "line",
            "nodesep": "0.08",
            "ranksep": "1.2",
            # The final crossing pass would undo the index order the invisible edges set.
            "remincross": "false",
        },
        node_attr={"fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"arrowhead": "none"},
        title=None if traced is None else f"grad: derivative of {of_what} for this input",
    )
