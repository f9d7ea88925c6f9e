"""The built wheel carries the explorer's page template and layout library.

A wheel is built from the checkout with ``pip wheel .``, installed (not the
checkout) into a fresh virtual environment, and asked for a page, which is
then opened in headless Chromium when it is available.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.browser import BrowserUnavailable, open_page, start_chromium

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
import autograd
from autograd import Value, explore
assert autograd.__file__.startswith(sys.prefix), autograd.__file__
x = Value(2.0, label="x")
y = (x * x).tanh()
y.label = "y"
y.backward()
explore(y).save(sys.argv[1])
print(autograd.__file__)
"""


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_venv_writes_a_working_page(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
         "--disable-pip-version-check", "-w", str(wheels)],
        check=True,
    )
    (wheel,) = wheels.glob("valuegrad-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for asset in ("template.html", "main.js", "graphviz/index.js", "graphviz/LICENSE"):
        assert f"autograd/pictures/explorer/assets/{asset}" in names, asset

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The engine and the explorer need the standard library only: no dependencies.
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    page = tmp_path / "step.html"
    done = subprocess.run(
        [str(python), "-c", SCRIPT, str(page)], cwd=tmp_path, check=True,
        capture_output=True, text=True,
    )
    assert str(venv) in done.stdout
    assert "vgGraphvizLibrary" in page.read_text("utf-8")

    try:
        driver = start_chromium()
    except BrowserUnavailable as error:
        pytest.skip(f"the page was written; opening it needs headless Chromium: {error}")
    try:
        open_page(driver, page.as_uri())
        drawn = driver.execute_script("return document.querySelectorAll('.vg-node').length")
        assert drawn == 3
    finally:
        driver.quit()
