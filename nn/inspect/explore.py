"""Networks in the browser explorer: ``explore_model`` and ``write_loss_graph``.

Both run the inputs through the network neuron by neuron, noting which
neuron made which node, so the page boxes each neuron's nodes exactly (the
explorer would otherwise derive the boxes from the parameter names alone).
That bookkeeping happens only here, never while training. As in
``draw_model``, dropout is off (eval mode), and the model's ``.grad`` fields
are left as they were: gradients are computed, read into the page, and the
parameters' previous gradients put back.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd import Value, enable_grad, vsum
from autograd.extend import is_real
from autograd.pictures import ExplorerPage, TrainingView, explore

from ..losses.objective import compute_loss
from ..modules.layers import MLP, Layer, Neuron
from ..modules.module import Module

__all__ = ["explore_model", "trace_batch", "with_gradients", "write_loss_graph"]

_Neurons = list[tuple[str, Neuron]]


def _layers(module: object) -> list[_Neurons]:
    """Each layer's neurons with their module paths, as ``named_parameters`` names them."""
    if isinstance(module, MLP):
        return [
            [(f"layers.{i}.neurons.{j}", neuron) for j, neuron in enumerate(layer.neurons)]
            for i, layer in enumerate(module.layers)
        ]
    if isinstance(module, Layer):
        return [[(f"neurons.{j}", neuron) for j, neuron in enumerate(module.neurons)]]
    if isinstance(module, Neuron):
        return [[("", module)]]
    raise TypeError(
        f"the explorer's network view expects an nn.MLP, nn.Layer or nn.Neuron, "
        f"got {type(module).__name__}"
    )


def _record(out: Value, known: set[Value], path: str, made_by: dict[Value, str]) -> None:
    """Note every node under ``out`` that is not yet known as made by the module at ``path``."""
    stack = [out]
    while stack:
        node = stack.pop()
        if node in known:
            continue
        known.add(node)
        if not node.is_leaf:
            if path:
                made_by[node] = path
            stack.extend(node.parents)


def _check_rows(rows: object, nin: int, what: str) -> list[list[float | Value]]:
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence) or not rows:
        raise TypeError(f"{what} must be a non-empty list of input vectors")
    checked = []
    for index, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence) or len(row) != nin:
            raise ValueError(f"{what}[{index}] must be a list of {nin} numbers, got {row!r}")
        for x in row:
            if not isinstance(x, Value) and not is_real(x):
                raise TypeError(f"{what}[{index}] must hold numbers, got {type(x).__name__}")
        checked.append(list(row))
    return checked


def trace_batch(
    module: MLP | Layer | Neuron, rows: Sequence[Sequence[float | Value]]
) -> tuple[list[list[Value]], dict[Value, str]]:
    """Run each row through ``module``, neuron by neuron, noting which neuron made each node.

    Returns:
        The outputs (one list per row) and node -> module path for every op
        node a neuron made.
    """
    layers = _layers(module)
    nin = layers[0][0][1].nin
    checked = _check_rows(rows, nin, "inputs")
    made_by: dict[Value, str] = {}
    known: set[Value] = set()
    for neurons in layers:
        for _, neuron in neurons:
            known.update(neuron.parameters())
    outputs = []
    with enable_grad():  # a caller's no_grad block would leave nothing to show
        for row in checked:
            h: list[Any] = row
            known.update(x for x in row if isinstance(x, Value))
            for neurons in layers:
                next_h = []
                for path, neuron in neurons:
                    out = neuron(h)
                    _record(out, known, path, made_by)
                    next_h.append(out)
                h = next_h
            outputs.append(h)
    return outputs, made_by


def with_gradients(module: Module, root: Value, build: Any) -> ExplorerPage:
    """Back-propagate from ``root``, let ``build`` read the gradients, then restore the model's."""
    parameters = module.parameters()
    saved = [p.grad for p in parameters]
    for p in parameters:
        p.grad = 0.0
    try:
        root.backward()
        page: ExplorerPage = build()
    finally:
        for p, grad in zip(parameters, saved, strict=True):
            p.grad = grad
    return page


def explore_model(
    model: MLP | Layer | Neuron,
    example: Sequence[float] | None = None,
    *,
    data: tuple[Sequence[Sequence[float]], Sequence[Any]] | None = None,
    loss: str = "bce",
    lr: float = 0.1,
    momentum: float = 0.0,
    history: Any = None,
    title: str | None = None,
    height: int = 640,
) -> ExplorerPage:
    """The network in the explorer: on one input, or training on 2-D data in the page.

    On one input (``example``), inputs are leaves ``x0``, ``x1``… and each
    layer and neuron is a box (big ones start collapsed: click to open).
    Every value shows its gradient: the derivative of the output (of the sum
    of the outputs, for several) with respect to it.

    With ``data=(X, y)`` the page shows the loss graph of the whole batch and
    a training view: gradient descent runs in the page (play, pause, one
    step, the learning rate, steps per second), as ``nn.fit`` with
    ``nn.SGD(model.parameters(), lr, momentum)``, ``batch_size=None`` and
    ``shuffle=False`` would run it, with the decision boundary, the loss curve
    and the graph's numbers updating live; every step is kept, and a slider
    goes back to any of them. The model itself is not changed.

    Args:
        model: An ``nn.MLP``, ``nn.Layer`` or ``nn.Neuron``.
        example: One input vector; None uses zeros.
        data: ``(X, y)``: 2-D points and their classes, 0 or 1 (a model with
            two inputs and one output).
        loss: With ``data``: ``"bce"`` or ``"hinge"`` (class 1 where the output is > 0).
        lr: With ``data``: the learning rate of the in-page gradient descent.
        momentum: With ``data``: its momentum, as ``nn.SGD``'s.
        history: With ``data``: a :class:`nn.History` from
            ``nn.fit(..., record=True)`` (or ``nn.History.load`` of a saved
            one) to scrub through: the slider goes to the parameters as
            ``fit`` found them and after each epoch, the graph's values and
            gradients (on ``data``) recomputed in the page, the loss curve
            drawn from the History's losses. The page opens at the run's last
            epoch; steps trained in the page go on from the step shown.
        title: The page's title.
        height: The inline view's height in Jupyter, in pixels.

    Returns:
        An :class:`autograd.pictures.explorer.ExplorerPage` (``.save(path)``; inline in Jupyter).

    Raises:
        TypeError: If ``model`` is not an MLP, Layer or Neuron, or the example
            or data hold something other than numbers.
        ValueError: If the example does not have one number per input, or
            ``data`` does not fit a 2-input, 1-output model and ``loss``.
    """
    nin = _layers(model)[0][0][1].nin
    if data is not None:
        return _training_page(model, data, loss, lr, momentum, history, title, height)
    if history is not None:
        raise ValueError("explore_model scrubs a recorded run in its training view: pass data=(X, y) with history")
    values = [0.0] * nin if example is None else example
    (row,) = _check_rows([values], nin, "example")
    inputs = [Value(x.data if isinstance(x, Value) else x, label=f"x{i}") for i, x in enumerate(row)]
    (outputs,), made_by = trace_batch(model, [inputs])
    with enable_grad():
        out = outputs[0] if len(outputs) == 1 else vsum(outputs)
    if not out.label:
        out.label = "output" if len(outputs) == 1 else "sum of outputs"
    shown = title or f"{type(model).__name__} on one example"
    return with_gradients(
        model,
        out,
        lambda: explore(out, model=model, groups=made_by, title=shown, height=height),
    )


_TRAINED_LOSSES = ("bce", "hinge")


def _training_page(
    model: MLP | Layer | Neuron,
    data: tuple[Sequence[Sequence[float]], Sequence[Any]],
    loss: str,
    lr: float,
    momentum: float,
    history: Any,
    title: str | None,
    height: int,
) -> ExplorerPage:
    """``explore_model(model, data=(X, y))``: the batch's loss graph with a training view."""
    if not isinstance(data, tuple) or len(data) != 2:
        raise TypeError(f"explore_model data must be a pair (X, y), got {type(data).__name__}")
    X, y = data
    if loss not in _TRAINED_LOSSES:
        raise ValueError(f"explore_model trains with loss 'bce' or 'hinge' (one output), got {loss!r}")
    nin = _layers(model)[0][0][1].nin
    if nin != 2:
        raise ValueError(f"explore_model's training view draws 2-D data: the model has {nin} inputs, not 2")
    rows = _check_rows(X, nin, "data X")
    if isinstance(y, (str, bytes)) or not isinstance(y, Sequence) or len(y) != len(rows):
        raise ValueError(f"explore_model data needs one label per point: {len(rows)} points, y {y!r:.60}")
    labels = []
    for index, label in enumerate(y):
        if label not in (0, 1) or isinstance(label, bool):
            raise ValueError(f"explore_model data labels must be 0 or 1, got {label!r} at index {index}")
        labels.append(int(label))
    outputs, made_by = trace_batch(model, rows)
    if any(len(out) != 1 for out in outputs):
        raise ValueError(f"explore_model's training view needs one output, the model gives {len(outputs[0])}")
    probe_inputs = (Value(0.0, label="x0"), Value(0.0, label="x1"))
    ((probe_output,),), _ = trace_batch(model, [list(probe_inputs)])
    with enable_grad():
        value = compute_loss(outputs, labels, loss)
    value.label = value.label or "loss"
    named = model.named_parameters()
    recorded, recorded_losses = _recorded_run(history, [name for name, _ in named])
    view = TrainingView(
        parameters=named,
        points=[[float(x.data if isinstance(x, Value) else x) for x in row] for row in rows],
        labels=labels,
        outputs=[out[0] for out in outputs],
        probe_inputs=probe_inputs,
        probe_output=probe_output,
        lr=lr,
        momentum=momentum,
        recorded=recorded,
        recorded_losses=recorded_losses,
    )
    shown = title or f"training {type(model).__name__} on {len(rows)} points ({loss})"
    return with_gradients(
        model,
        value,
        lambda: explore(value, model=model, groups=made_by, title=shown, height=height, training=view),
    )


def _recorded_run(history: Any, names: list[str]) -> tuple[list[list[float]], list[float]]:
    """A History's recorded parameters, in the model's parameter order, and its per-epoch losses."""
    if history is None:
        return [], []
    entries = getattr(history, "parameters", None)
    if not isinstance(entries, list) or not isinstance(getattr(history, "train_loss", None), list):
        raise TypeError(f"explore_model history must be an nn.History, got {type(history).__name__}")
    if not entries:
        raise ValueError("explore_model history has no recorded parameters: train with nn.fit(..., record=True)")
    expected = set(names)
    snapshots = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != expected:
            missing = sorted(expected - set(entry)) if isinstance(entry, dict) else names
            raise ValueError(f"explore_model history entry {index} does not name this model's {len(names)} "
                             f"parameters (missing {', '.join(missing[:3]) or 'none'}; a run of another model?)")
        snapshots.append([entry[name] for name in names])
    # One loss per epoch after the start: TrainingView checks the counts agree.
    return snapshots, [float(x) for x in history.train_loss]


def write_loss_graph(
    model: MLP | Layer | Neuron,
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    loss: str,
    path: str | os.PathLike[str],
    *,
    batch_size: int | None = None,
) -> Path:
    """Write the loss graph of one batch (the first ``batch_size`` rows) as an explorer page.

    This is ``python -m nn train --out DIR``'s ``DIR/graph.html``: the graph of
    one training step's loss, with every gradient, grouped by example, layer
    and neuron.

    Args:
        model: The network.
        X: Inputs, one row per example (scaled as the model was trained).
        y: Labels or targets, as for :func:`nn.fit`.
        loss: One of :data:`nn.LOSSES`.
        path: Where to write the page (``graph.html``).
        batch_size: How many rows make the batch; None takes them all.

    Returns:
        The path written.
    """
    count = len(X) if batch_size is None else max(1, min(batch_size, len(X)))
    outputs, made_by = trace_batch(model, X[:count])
    with enable_grad():
        value = compute_loss(outputs, list(y[:count]), loss)
    shown = f"{loss} loss of one batch ({count} examples)"
    page = with_gradients(
        model,
        value,
        lambda: explore(value, model=model, groups=made_by, title=shown),
    )
    return page.save(path)
