"""Regenerate the docs' pictures: ``.venv/bin/python docs/make_pictures.py``.

Needs Graphviz's ``dot`` program. Writes docs/graph.svg, docs/graph.png and
docs/mlp.svg; the output is deterministic, so an unchanged drawing gives an
unchanged file.
"""

from __future__ import annotations

from pathlib import Path

import nn
from autograd import Value
from autograd.pictures.dot import draw_dot
from nn import draw_model

DOCS = Path(__file__).resolve().parent


def neuron_graph() -> None:
    """tanh(x1*w1 + x2*w2 + b) after backward, with local derivatives on the edges."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    out = n.tanh()
    out.label = "out"
    out.backward()
    drawing = draw_dot(out, show_local=True, params=[w1, w2, b])
    for file_format in ("svg", "png"):
        # outfile writes the picture only (no .gv source next to it).
        drawing.render(outfile=DOCS / f"graph.{file_format}", cleanup=True)


def mlp_graph() -> None:
    """An MLP trained on XOR: its weights, and its activations and gradients for one input."""
    model = nn.MLP(2, [4, 4, 1], seed=0)
    inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    targets = [[-1.0], [1.0], [1.0], [-1.0]]
    optimizer = nn.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(100):
        optimizer.zero_grad()
        loss = nn.mse([model(x) for x in inputs], targets)
        loss.backward()
        optimizer.step()
    draw_model(model, example=[1.0, 0.0]).render(outfile=DOCS / "mlp.svg", cleanup=True)


if __name__ == "__main__":
    neuron_graph()
    mlp_graph()
    for name in ("graph.svg", "graph.png", "mlp.svg"):
        print(f"wrote docs/{name} ({(DOCS / name).stat().st_size:,} bytes)")
