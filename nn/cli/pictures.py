"""The pictures ``python -m nn train`` writes: loss.png, boundary.png, graph.html and graph.svg.

graph.html is one batch's loss graph in the browser explorer (no Graphviz needed).

graph.svg is the computation graph of one example's loss, with gradients, for a
small model (at most ``GRAPH_MAX_VALUES`` Values in that loss); for a larger
one it is the network drawn layer by layer (``nn.draw_model``), because a
loss graph draws every weight as its own node.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from autograd.extend import write_file

from .._figure_file import write_figure
from ..data.scaler import Scaler
from ..inspect.explore import write_loss_graph
from ..losses.objective import compute_loss
from ..losses.registry import LOSSES
from ..modules.layers import MLP
from ..training.evaluate import predict
from ..training.history import History

__all__ = ["GRAPH_MAX_VALUES", "draw_pictures"]

GRID = 90  # boundary.png evaluates the model on GRID x GRID points
# graph.svg: a loss graph lays its Values out about 25 pt apart, so 60 make a picture
# of about 1,300 pt; MLP [2, 16, 16, 1]'s 405 would make one of 15,900 pt.
GRAPH_MAX_VALUES = 60


def draw_pictures(
    out: Path, model: MLP, history: History, scaler: Scaler, loss: str,
    X_train: list[list[float]], y_train: list[int], X_test: list[list[float]], y_test: list[int],
    batch: tuple[list[list[float]], list[int]],
) -> list[tuple[Path, str]]:
    """Write the pictures of a trained model into ``out``; return (path, what it shows) pairs.

    ``batch`` is one training batch, scaled as the model saw it: its first
    example is drawn through the network, and its loss graph is written as an
    interactive page.
    """
    pictures: list[tuple[Path, str]] = []
    history.plot(str(out / "loss.png"))
    pictures.append((out / "loss.png", "loss and accuracy per epoch"))
    if len(X_train[0]) == 2:
        _plot_boundary(out / "boundary.png", model, scaler, loss, X_train, y_train, X_test, y_test)
        pictures.append((out / "boundary.png", "decision regions, train (o) and test (x) points"))
    inputs, labels = batch
    written, note = _draw_graph(out / "graph.svg", model, loss, inputs[0], labels[0])
    pictures.append((out / "graph.svg" if written else Path("(graph.svg not written)"), note))
    write_loss_graph(model, inputs, labels, loss, out / "graph.html")
    pictures.append((out / "graph.html", "one batch's loss graph, interactive: open it in a browser"))
    return pictures


def _plot_boundary(
    path: Path, model: MLP, scaler: Scaler, loss: str,
    X_train: list[list[float]], y_train: list[int], X_test: list[list[float]], y_test: list[int],
) -> None:
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    points = X_train + X_test
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    pad_x = 0.1 * (max(xs) - min(xs)) + 1e-6
    pad_y = 0.1 * (max(ys) - min(ys)) + 1e-6
    grid_x = [min(xs) - pad_x + i * (max(xs) - min(xs) + 2 * pad_x) / (GRID - 1) for i in range(GRID)]
    grid_y = [min(ys) - pad_y + j * (max(ys) - min(ys) + 2 * pad_y) / (GRID - 1) for j in range(GRID)]
    grid = [[gx, gy] for gy in grid_y for gx in grid_x]
    outputs = predict(model, scaler.transform(grid))
    spec = LOSSES[loss]
    labels = [spec.classify(output) for output in outputs]
    classes = max(max(y_train), max(y_test), max(labels)) + 1
    if len(outputs[0]) == 1:
        # Contour the output itself at the class threshold: a smooth boundary, not grid steps.
        threshold = spec.threshold
        values = [output[0] for output in outputs]
        surface = [values[j * GRID:(j + 1) * GRID] for j in range(GRID)]
        levels = [min(min(values), threshold) - 1.0, threshold, max(max(values), threshold) + 1.0]
    else:
        surface = [[float(k) for k in labels[j * GRID:(j + 1) * GRID]] for j in range(GRID)]
        levels = [k - 0.5 for k in range(classes + 1)]
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
              "#7f7f7f", "#bcbd22", "#17becf"]
    palette = [colors[k % len(colors)] for k in range(classes)]

    figure = Figure(figsize=(5.5, 4.5), layout="constrained")
    axis = figure.subplots()
    axis.contourf(grid_x, grid_y, surface, levels=levels,
                  cmap=ListedColormap(palette[:len(levels) - 1]), alpha=0.25)
    for X_part, y_part, marker in ((X_train, y_train, "o"), (X_test, y_test, "x")):
        axis.scatter([p[0] for p in X_part], [p[1] for p in X_part],
                     c=[palette[label] for label in y_part], marker=marker, s=18,
                     linewidths=1.2 if marker == "x" else 0.4,
                     edgecolors="black" if marker == "o" else None)
    axis.set_title(f"decision regions of MLP {[model.nin, *model.nouts]}")
    axis.set_xlabel("x1")
    axis.set_ylabel("x2")
    # Colour is the class; the legend explains the markers only, in neutral grey.
    axis.legend(
        handles=[Line2D([], [], marker="o", linestyle="", color="grey", label="train"),
                 Line2D([], [], marker="x", linestyle="", color="grey", label="test")],
        loc="best",
    )
    write_figure(figure, path)


def _draw_graph(
    path: Path, model: MLP, loss: str, example: list[float], label: int
) -> tuple[bool, str]:
    """Write a picture of the model on one example to ``path``.

    Returns:
        Whether the file was written, and what it shows or why it was not.
    """
    if shutil.which("dot") is None:
        return False, ("skipped: Graphviz's 'dot' program is not installed "
                       "(apt-get install graphviz / brew install graphviz)")
    # Imported where used: of the CLI's work, only this picture needs Graphviz.
    from autograd import draw_dot

    from ..inspect.draw import draw_model

    model.eval()
    value = compute_loss([model(example)], [label], loss)
    if 1 + len(value.ancestors()) <= GRAPH_MAX_VALUES:
        value.backward()
        drawing = draw_dot(value, params=model.parameters(), max_nodes=None)
        what = "the computation graph of one training example's loss, with gradients"
    else:
        drawing = draw_model(model, example=example)
        what = ("the network layer by layer, one training example's activations and "
                "gradients (weights: blue +, red -)")
    try:
        write_file(path, drawing.pipe(format="svg"))
    except (RuntimeError, OSError, ValueError, subprocess.CalledProcessError) as error:
        # The model is already saved: a picture that fails costs only the picture.
        return False, "skipped: Graphviz could not draw graph.svg: " + " ".join(str(error).split())
    finally:
        model.zero_grad()
    return True, what
