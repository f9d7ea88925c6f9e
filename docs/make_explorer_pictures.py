"""Regenerate the explorer screenshots: ``.venv/bin/python docs/make_explorer_pictures.py``.

Needs headless Chromium (``scripts/ensure_chromium.sh``). Trains the demo's
network (MLP [2, 16, 16, 1], relu, on two moons) for a few epochs, writes the
loss graph of one batch of 32 as ``make demo`` would, and takes two
screenshots: the page as it opens (docs/explorer.png) and with one
example's first layer open (docs/explorer-layer.png). Then two of the page
running the graph: backprop stepped half-way through a small graph, the
panel open on a node used twice (docs/explorer-steps.png), and the training
view after 60 steps of gradient descent on the moons (docs/explorer-training.png).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nn
from autograd import Value, explore
from nn.inspect import write_loss_graph
from tests.support.browser import click_box, open_page, start_chromium

DOCS = Path(__file__).resolve().parent


def main() -> None:
    X, y = nn.moons(n=200, noise=0.2, seed=0)
    X, _, _ = nn.standardize(X)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    nn.fit(model, X, y, loss="bce", optimizer=nn.Adam(model.parameters(), lr=0.02),
           epochs=5, batch_size=32, progress=False, seed=0)
    driver = start_chromium(width=1200, height=760)
    try:
        with tempfile.TemporaryDirectory() as folder:
            page = write_loss_graph(model, X, y, "bce", Path(folder) / "graph.html", batch_size=32)
            open_page(driver, page.as_uri())
            driver.save_screenshot(str(DOCS / "explorer.png"))
            click_box(driver, '.vg-kind-stack[data-collapsed="true"]')
            click_box(driver, '.vg-kind-example[data-group="2"]')
            first_layer = next(
                element.get_attribute("data-group")
                for element in driver.find_elements("css selector", ".vg-kind-module")
                if element.text.startswith("layers.0")
            )
            click_box(driver, f'.vg-node[data-group="{first_layer}"]')
            driver.save_screenshot(str(DOCS / "explorer-layer.png"))
            _steps(driver, Path(folder))
            _training(driver, Path(folder))
    finally:
        driver.quit()


def _steps(driver: object, folder: Path) -> None:
    """A small graph stepped into its backward pass, the panel on ``a`` (used twice)."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    loss = (d * a).tanh() + a
    loss.label = "L"
    loss.backward()
    path = folder / "steps.html"
    explore(loss).save(path)
    open_page(driver, path.as_uri())
    driver.execute_script(  # type: ignore[attr-defined]
        "const a = valuegrad.find('a')[0]; window.vgExplorer.select(a);"
        "valuegrad.seek(valuegrad.steps() - 2);"
    )
    driver.save_screenshot(str(DOCS / "explorer-steps.png"))  # type: ignore[attr-defined]


def _training(driver: object, folder: Path) -> None:
    """The training view after 60 steps on 100 moons points."""
    X, y = nn.moons(n=100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    path = folder / "training.html"
    nn.explore_model(model, data=(X, y), lr=0.1, momentum=0.9).save(path)
    open_page(driver, path.as_uri())
    driver.execute_script("valuegrad.train(60);")  # type: ignore[attr-defined]
    driver.save_screenshot(str(DOCS / "explorer-training.png"))  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
