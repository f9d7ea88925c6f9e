"""The package as users get it: the sdist and the wheel built from the checkout.

``python -m build`` makes the sdist and, from it, the wheel (so the sdist is
known to be complete). Their contents, their metadata and licence files are
checked; the wheel is installed (not the checkout) into a fresh virtual
environment, runs the README's first example, and writes an explorer page,
which is opened in headless Chromium when it is available.
"""

from __future__ import annotations

import email.parser
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from support.browser import BrowserUnavailable, open_page, start_chromium

import autograd
import nn

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
VERSION = autograd.__version__

PAGE = """
import sys
import autograd
from autograd import Value, explore
assert autograd.__file__.startswith(sys.prefix), autograd.__file__
x = Value(2.0, label="x")
y = (x * x).tanh()
y.label = "y"
y.backward()
explore(y).save(sys.argv[1])
print(autograd.__file__, autograd.__version__)
"""

pytestmark = pytest.mark.slow
# The fresh venv must import what the wheel installed, never a checkout named by PYTHONPATH.
CLEAN = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    return out


def wheel_of(dist: Path) -> Path:
    (wheel,) = dist.glob("valuegrad-*.whl")
    return wheel


def test_one_version_everywhere() -> None:
    assert nn.__version__ == autograd.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+|rc\d+)?", VERSION), VERSION


def test_the_wheel_holds_the_packages_their_assets_and_the_licence(dist: Path) -> None:
    wheel = wheel_of(dist)
    assert wheel.name == f"valuegrad-{VERSION}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    for asset in ("template.html", "main.js", "graphviz/index.js", "graphviz/LICENSE"):
        assert f"autograd/pictures/explorer/assets/{asset}" in names, asset
    assert "autograd/_version.py" in names and "nn/__main__.py" in names
    assert f"valuegrad-{VERSION}.dist-info/licenses/LICENSE" in names
    # Only the two packages: no tests, docs, notebooks or benchmarks inside a wheel.
    assert {name.split("/")[0] for name in names} == {"autograd", "nn", f"valuegrad-{VERSION}.dist-info"}


def test_the_metadata_says_what_users_need(dist: Path) -> None:
    wheel = wheel_of(dist)
    text = zipfile.ZipFile(wheel).read(f"valuegrad-{VERSION}.dist-info/METADATA").decode()
    meta = email.parser.Parser().parsestr(text)
    assert meta["Name"] == "valuegrad"
    assert meta["Version"] == VERSION
    assert meta["Requires-Python"] == ">=3.10"
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    extras = set(meta.get_all("Provides-Extra"))
    assert {"torch", "notebooks", "docs", "testing", "data", "dev"} <= extras
    requires = meta.get_all("Requires-Dist")
    # A lower bound for users; the exact CPU pin lives in constraints.txt.
    assert "torch>=2.4; extra == 'torch'" in requires
    assert not [line for line in requires if line.startswith("torch==")]
    assert any(line.startswith("jupyterlab") and "extra == 'notebooks'" in line for line in requires)
    assert any(line.startswith("mkdocs-material") and "extra == 'docs'" in line for line in requires)
    versions = {c.split(" :: ")[-1] for c in meta.get_all("Classifier") if "Python :: 3." in c}
    assert versions == {"3.10", "3.11", "3.12", "3.13"}
    assert meta.get_payload().startswith("# valuegrad")  # the README is the long description


def test_the_sdist_holds_the_source_and_builds_the_wheel(dist: Path) -> None:
    (sdist,) = dist.glob("valuegrad-*.tar.gz")
    assert sdist.name == f"valuegrad-{VERSION}.tar.gz"
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for path in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "constraints.txt",
                 "mkdocs.yml", "autograd/_version.py", "tests/project/test_wheel.py", "PKG-INFO"):
        assert path in names, path
    assert not [name for name in names if name.startswith((".venv", "build/", ".git/"))]


def test_the_wheel_in_a_fresh_venv_runs_the_readme_example_and_writes_a_working_page(
    dist: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The engine and the explorer need the standard library only: no dependencies.
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "--no-deps", "--no-index", str(wheel_of(dist))],
        check=True,
    )
    (example, *_) = re.findall(r"```python\n(.*?)```", README, re.S)
    assert "from autograd import" in example, "the README's first example is the engine's"
    ran = subprocess.run(
        [str(python), "-c", example], cwd=tmp_path, capture_output=True, text=True, env=CLEAN
    )
    assert ran.returncode == 0, ran.stderr

    page = tmp_path / "step.html"
    done = subprocess.run(
        [str(python), "-c", PAGE, str(page)], cwd=tmp_path, check=True,
        capture_output=True, text=True, env=CLEAN,
    )
    assert str(venv) in done.stdout and VERSION in done.stdout
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
