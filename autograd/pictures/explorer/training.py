"""Training in the page: gradient descent on the graph the page runs, with the decision boundary.

The page already runs the graph's forward and backward (see ``program``); a
training view adds what a step of full-batch gradient descent needs: which
leaves are the parameters, the learning rate and momentum of ``nn.SGD``'s
update (``buf = momentum * buf + g; p = p - lr * buf``, the first step
``buf = g``), and for the picture the 2-D points with their labels, the node
whose sign is each point's prediction, and a second, small graph (the model on
one input, sharing the parameters) that the page evaluates over a grid to draw
the decision boundary. That second graph is printed as a program too.

Nothing here knows of ``nn``: ``nn.explore_model(model, data=(X, y))`` builds a
:class:`TrainingView` and hands it to ``explore``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...core.value import Value
from .program import GraphProgram, graph_program

__all__ = ["TrainingView", "training_data"]


@dataclass(frozen=True)
class TrainingView:
    """What the page needs to train the graph it shows (see the module docstring).

    Attributes:
        parameters: The leaves gradient descent updates, with their names.
        points: The 2-D inputs, one per example.
        labels: Each example's class, 0 or 1.
        outputs: Per example, the graph's node whose sign is its prediction
            (> 0: class 1).
        probe_inputs: The two input leaves of the one-input graph.
        probe_output: The one-input graph's output, sharing ``parameters``.
        lr: The learning rate, > 0.
        momentum: ``nn.SGD``'s momentum, >= 0.
        recorded: A recorded run to scrub through: the parameters' numbers
            (in ``parameters``' order) at its start and after each of its
            steps; empty for none.
        recorded_losses: The loss the run recorded for each step (one fewer
            than ``recorded``), drawn as the loss curve.
    """

    parameters: Sequence[tuple[str, Value]]
    points: Sequence[Sequence[float]]
    labels: Sequence[int]
    outputs: Sequence[Value]
    probe_inputs: tuple[Value, Value]
    probe_output: Value
    lr: float = 0.1
    momentum: float = 0.0
    recorded: Sequence[Sequence[float]] = ()
    recorded_losses: Sequence[float] = ()


def _check(view: TrainingView, position: Mapping[Value, int]) -> None:
    if not isinstance(view, TrainingView):
        raise TypeError(f"explore training must be a TrainingView, got {type(view).__name__}")
    for name, number, smallest in (("lr", view.lr, 0.0), ("momentum", view.momentum, 0.0)):
        if not isinstance(number, (int, float)) or isinstance(number, bool) or not math.isfinite(number) \
                or number < smallest or (name == "lr" and number == 0.0):
            raise ValueError(f"explore training {name} must be a finite number {'>' if name == 'lr' else '>='} 0, "
                             f"got {number!r}")
    if len(view.points) != len(view.labels) or len(view.points) != len(view.outputs):
        raise ValueError(
            f"explore training needs one label and one output per point, got {len(view.points)} points, "
            f"{len(view.labels)} labels and {len(view.outputs)} outputs"
        )
    for index, point in enumerate(view.points):
        if len(point) != 2:
            raise ValueError(f"explore training draws 2-D points, got {len(point)} numbers at index {index}")
    for name, parameter in view.parameters:
        if parameter not in position or not parameter.is_leaf:
            raise ValueError(f"explore training: the parameter {name!r} is not a leaf of the graph shown")
    for output in view.outputs:
        if output not in position:
            raise ValueError("explore training: an output is not a node of the graph shown")
    for index, snapshot in enumerate(view.recorded):
        if len(snapshot) != len(view.parameters) or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in snapshot):
            raise ValueError(f"explore training: recorded step {index} must hold {len(view.parameters)} finite "
                             f"numbers, one per parameter, got {len(snapshot)} entries")
    if view.recorded and len(view.recorded_losses) != len(view.recorded) - 1:
        raise ValueError(f"explore training: a run of {len(view.recorded)} recorded states needs "
                         f"{len(view.recorded) - 1} losses, got {len(view.recorded_losses)}")


def training_data(
    view: TrainingView, position: Mapping[Value, int], walk: Callable[[Value], list[Value]]
) -> tuple[dict[str, Any], GraphProgram]:
    """The training view as the page's JSON, and the program of its one-input graph.

    Args:
        view: What to train and draw.
        position: Node -> position in the graph the page shows.
        walk: Lists the nodes under a Value, each before its operands (the
            walk the page's data uses, ``graph_data.nodes_under``).

    Raises:
        TypeError: If ``view`` is not a TrainingView.
        ValueError: If its numbers or nodes do not fit the graph.
    """
    _check(view, position)
    probe_nodes = walk(view.probe_output)
    probe_position = {node: index for index, node in enumerate(probe_nodes)}
    for leaf in view.probe_inputs:
        if leaf not in probe_position:
            raise ValueError("explore training: a probe input is not under the probe output")
    probe = graph_program(view.probe_output, probe_nodes, probe_position, name="vgProbe")
    # The probe's leaves that are parameters read their values from the trained graph.
    shared = [
        [probe_position[node], position[node]]
        for node in probe_nodes
        if node.is_leaf and node in position and node not in view.probe_inputs
    ]
    data = {
        "parameters": [position[parameter] for _, parameter in view.parameters],
        "names": [name for name, _ in view.parameters],
        "lr": float(view.lr),
        "momentum": float(view.momentum),
        "points": [[float(x) for x in point] for point in view.points],
        "labels": [int(label) for label in view.labels],
        "outputs": [position[output] for output in view.outputs],
        "recorded": {
            "snapshots": [[float(x) for x in snapshot] for snapshot in view.recorded],
            # JSON has no NaN: a loss that was not finite is drawn as a gap.
            "losses": [float(x) if math.isfinite(x) else None for x in view.recorded_losses],
        } if view.recorded else None,
        "probe": {
            "parents": [[probe_position[parent] for parent in node.parents] for node in probe_nodes],
            "data": [node.data if math.isfinite(node.data) else 0.0 for node in probe_nodes],
            "inputs": [probe_position[leaf] for leaf in view.probe_inputs],
            "shared": shared,
            **probe.as_data(),
        },
    }
    return data, probe
