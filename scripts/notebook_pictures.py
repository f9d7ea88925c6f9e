"""Screenshots for notebook 07: ``.venv/bin/python scripts/notebook_pictures.py``.

The stored notebook leaves out the explorer's pages (about a megabyte of
inline HTML each) and shows these pictures instead. They are made from the
same graph as the notebook's training step (the loss of 8 two-moons points
through ``MLP(2, [4, 4, 1])``, relu, seed 0) in headless Chromium
(``scripts/ensure_chromium.sh``), and written to ``notebooks/images/``; then
the same page stepped into its backward pass (``07_stepping.png``) and the
training view of the notebook's last cell after 40 steps (``07_training.png``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.support.browser, run from anywhere

import nn  # noqa: E402
from autograd import explore  # noqa: E402
from tests.support.browser import click_box, open_page, start_chromium  # noqa: E402

IMAGES = ROOT / "notebooks" / "images"


def main() -> None:
    model = nn.MLP(2, [4, 4, 1], activation="relu", seed=0)  # as in notebooks/07_explorer.ipynb
    X, labels = nn.moons(n=8, noise=0.1, seed=0)
    loss = nn.compute_loss([model(point) for point in X], labels, "bce")
    loss.backward()
    page = explore(loss, model=model, title="one training step")
    IMAGES.mkdir(exist_ok=True)
    driver = start_chromium(width=1000, height=620)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = page.save(Path(folder) / "step.html")
            open_page(driver, path.as_uri())
            driver.save_screenshot(str(IMAGES / "07_training_step.png"))
            click_box(driver, '.vg-kind-stack[data-collapsed="true"]')
            driver.save_screenshot(str(IMAGES / "07_training_step_open.png"))
            # Stepping: two steps into the backward pass, the sum passing the gradient to each example.
            driver.execute_script(
                "valuegrad.seek(window.vgExplorer.stepper.forwardSteps.length + 2); window.vgExplorer.select(1);"
            )
            driver.save_screenshot(str(IMAGES / "07_stepping.png"))
            trained = nn.MLP(2, [8, 8, 1], activation="relu", seed=0)  # as in the notebook's last cell
            training = nn.explore_model(trained, data=nn.moons(n=60, noise=0.1, seed=0), lr=0.1, momentum=0.9)
            path = training.save(Path(folder) / "training.html")
            open_page(driver, path.as_uri())
            driver.execute_script("valuegrad.train(40);")
            driver.save_screenshot(str(IMAGES / "07_training.png"))
    finally:
        driver.quit()
    for name in ("07_training_step.png", "07_training_step_open.png", "07_stepping.png", "07_training.png"):
        print(f"wrote notebooks/images/{name} ({(IMAGES / name).stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
