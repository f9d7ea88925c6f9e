"""Screenshots for notebooks 07 and 08: ``.venv/bin/python scripts/notebook_pictures.py [07] [08]``.

The stored notebook leaves out the explorer's pages (about a megabyte of
inline HTML each) and shows these pictures instead. They are made from the
same graph as the notebook's training step (the loss of 8 two-moons points
through ``MLP(2, [4, 4, 1])``, relu, seed 0) in headless Chromium
(``scripts/ensure_chromium.sh``), and written to ``notebooks/images/``; then
the same page stepped into its backward pass (``07_stepping.png``) and the
training view of the notebook's training cell after 40 steps (``07_training.png``),
its recorded fit run scrubbed back to epoch 8 (``07_recorded.png``), and the
training step's loss returned by a jitted function, stepped to the first
example's output with its line of generated code under the step bar
(``07_jit_lines.png``).

For notebook 08, the tiny GPT trained as the notebook trains it (2,000 names,
one per step), one position of its longest sample in ``nn.explore_gpt``,
with the block, its attention and head 1 opened (``08_position.png``).
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.support.browser, run from anywhere

import autograd  # noqa: E402
import nn  # noqa: E402
from autograd import explore  # noqa: E402
from tests.support.browser import click_box, open_page, start_chromium  # noqa: E402

IMAGES = ROOT / "notebooks" / "images"


def jitted_step() -> autograd.Value:
    """The training step's loss as a jitted function returns it (the notebook's jit cell), after backward."""
    model = nn.MLP(2, [4, 4, 1], activation="relu", seed=0)
    X, labels = nn.moons(n=8, noise=0.1, seed=0)

    def batch_loss(points: list[list[float]], targets: list[int]) -> autograd.Value:
        outputs = [model(point) for point in points]
        outputs[0][0].label = "output_0"
        return nn.compute_loss(outputs, targets, "bce")

    step = autograd.jit(batch_loss, backend="python")
    for _ in range(3):  # two calls trace, the third replays
        loss = step(X, labels)
    loss.backward()
    return loss


# Step the bar forward to the node labelled output_0 and open its panel.
_SEEK_OUTPUT_0 = """
const api = window.valuegrad;
const node = api.find('output_0')[0];
for (let n = 1; n <= api.steps(); n++) {
  const now = api.seek(n);
  if (now.node === node && now.phase === 'forward') break;
}
window.vgExplorer.select(node);
"""


def notebook_07() -> None:
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
            # A recorded fit run, as the notebook's cell records it, scrubbed back to epoch 8 of 30.
            recorded = nn.MLP(2, [8, 8, 1], activation="relu", seed=0)
            X_run, y_run = nn.moons(n=60, noise=0.1, seed=0)
            history = nn.fit(recorded, X_run, y_run, loss="bce", optimizer=nn.Adam(recorded.parameters(), lr=0.02),
                             epochs=30, batch_size=16, seed=0, progress=False, record=True)
            run_page = nn.explore_model(recorded, data=(X_run, y_run), history=history)
            path = run_page.save(Path(folder) / "recorded.html")
            open_page(driver, path.as_uri())
            driver.execute_script("valuegrad.rewind(8);")
            driver.save_screenshot(str(IMAGES / "07_recorded.png"))
            # The same training step returned by a jitted function (as the notebook's cell builds it), stepped
            # to the first example's output: its line of generated code shows under the step bar.
            jitted = jitted_step()
            path = explore(jitted, title="the jitted training step").save(Path(folder) / "jitted.html")
            open_page(driver, path.as_uri())
            driver.execute_script(_SEEK_OUTPUT_0)
            driver.save_screenshot(str(IMAGES / "07_jit_lines.png"))
    finally:
        driver.quit()
    for name in ("07_training_step.png", "07_training_step_open.png", "07_stepping.png", "07_training.png",
                 "07_recorded.png", "07_jit_lines.png"):
        print(f"wrote notebooks/images/{name} ({(IMAGES / name).stat().st_size / 1e3:.0f} kB)")


def trained_gpt() -> tuple[nn.GPT, nn.CharTokenizer, list[str]]:
    """The GPT of notebooks/08_tiny_gpt.ipynb, trained the same way, and its 20 samples."""
    docs = nn.names()
    random.Random(0).shuffle(docs)
    tok = nn.CharTokenizer(docs)
    model = nn.GPT(tok.vocab_size, seed=0)
    steps = 2000
    optimizer = nn.Adam(model.parameters(), lr=nn.linear_decay(0.01, steps), betas=(0.85, 0.99), eps=1e-8)
    step = autograd.jit(model.loss)
    for i in range(steps):
        loss = step(tok.encode(docs[i]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    samples = [tok.decode(model.generate(temperature=0.5, seed=seed)) for seed in range(20)]
    return model, tok, samples


def notebook_08() -> None:
    model, tok, samples = trained_gpt()
    chosen = max(samples, key=len)  # as in the notebook
    page = nn.explore_gpt(model, tok.encode(chosen), 3)
    driver = start_chromium(width=1200, height=720)
    closed = "Array.from(document.querySelectorAll('[data-group][data-collapsed=\"true\"]'))"
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = page.save(Path(folder) / "position.html")
            open_page(driver, path.as_uri(), timeout=60)
            for box in ("blocks.0", "attn", "head 1"):  # a box's title starts with its name
                element = driver.execute_script(
                    f"return {closed}.find(e => e.textContent.startsWith(arguments[0]))", box
                )
                click_box(driver, element)
            driver.save_screenshot(str(IMAGES / "08_position.png"))
    finally:
        driver.quit()
    print(f"wrote notebooks/images/08_position.png ({(IMAGES / '08_position.png').stat().st_size / 1e3:.0f} kB)")


def main(argv: list[str]) -> None:
    chosen = argv or ["07", "08"]
    unknown = sorted(set(chosen) - {"07", "08"})
    if unknown:
        raise SystemExit(f"notebook_pictures.py makes the pictures of notebooks 07 and 08, got {unknown}")
    if "07" in chosen:
        notebook_07()
    if "08" in chosen:
        notebook_08()


if __name__ == "__main__":
    main(sys.argv[1:])
