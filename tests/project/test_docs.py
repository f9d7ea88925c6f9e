"""The documentation site: built strictly and offline, complete, and working from file://.

``make docs`` runs ``mkdocs build`` with ``strict: true``; these tests build the same site
into a temporary folder, check that the build refuses a broken internal link, that the
API reference has an entry for every public name, and open the built pages in headless
Chromium with every host name unresolvable: each renders, requests nothing but files, logs
no error, and the search box finds pages without a server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support.browser import BrowserUnavailable, console_errors, start_chromium

import autograd
import nn

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

pytestmark = pytest.mark.slow


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project, capture_output=True, text=True, env=ENV,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    built = mkdocs_build(ROOT, out)
    assert built.returncode == 0, built.stderr
    return out


def test_the_strict_build_passes_with_no_warning(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "search" / "search_index.js").is_file()  # search from file://


def test_a_broken_internal_link_fails_the_build(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("mkdocs.yml",):
        shutil.copy(ROOT / name, project / name)
    for folder in ("docs", "scripts", "notebooks", "autograd", "nn", "benchmarks"):
        shutil.copytree(ROOT / folder, project / folder, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    page = project / "docs" / "engine.md"
    page.write_text(page.read_text("utf-8") + "\nSee [a page](no-such-page.md).\n", "utf-8")
    built = mkdocs_build(project, tmp_path / "site")
    assert built.returncode != 0
    assert "no-such-page.md" in built.stderr


@pytest.mark.parametrize("package", [autograd, nn], ids=["autograd", "nn"])
def test_the_reference_has_an_entry_for_every_public_name(site: Path, package: Any) -> None:
    html = (site / "reference" / f"{package.__name__}.html").read_text("utf-8")
    ids = set(re.findall(r'id="([\w.]+)"', html))
    missing = []
    for name in package.__all__:
        obj = getattr(package, name)
        where = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"
        if f"{package.__name__}.{name}" not in ids and where not in ids:
            missing.append(name)
    assert missing == []


def test_every_notebook_is_rendered_with_its_stored_outputs(site: Path) -> None:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        html = (site / "notebooks" / f"{notebook.stem}.html").read_text("utf-8")
        assert "jp-OutputArea" in html, notebook.name
        assert "data:image/png;base64," in html or "<svg" in html, notebook.name


# ---------------------------------------------------------------- in the browser

PAGES = [
    "index.html",
    "getting-started.html",
    "jit.html",
    "reference/autograd.html",
    "reference/nn.html",
    "results.html",
    *(f"notebooks/{path.stem}.html" for path in sorted((ROOT / "notebooks").glob("*.ipynb"))),
]


@pytest.fixture(scope="module")
def driver() -> Any:
    try:
        chromium = start_chromium()
    except BrowserUnavailable as error:
        pytest.skip(str(error))
    yield chromium
    chromium.quit()


def resources(driver: Any) -> list[str]:
    return list(driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    ))


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_offline_and_requests_only_files(site: Path, driver: Any, page: str) -> None:
    console_errors(driver)  # empty the log
    driver.get((site / page).as_uri())
    title = driver.execute_script("return document.querySelector('article h1')?.textContent || ''")
    assert title.strip(), f"{page} shows no title"
    width = driver.execute_script("return document.querySelector('article').getBoundingClientRect().width")
    assert width > 300, "the article is laid out"
    remote = [url for url in resources(driver) if not url.startswith("file://")]
    assert remote == []
    assert console_errors(driver) == []


def test_a_notebooks_formulas_are_typeset_offline(site: Path, driver: Any) -> None:
    console_errors(driver)
    driver.get((site / "notebooks" / "00_backprop_by_hand.html").as_uri())
    deadline = time.monotonic() + 20
    typeset = 0
    while time.monotonic() < deadline and not typeset:
        typeset = driver.execute_script("return document.querySelectorAll('mjx-container svg').length")
        time.sleep(0.1)
    assert typeset > 10
    text = driver.execute_script("return document.querySelector('.jp-MarkdownOutput').textContent")
    assert "$" not in text, "a formula is left as TeX"
    assert [url for url in resources(driver) if not url.startswith("file://")] == []
    assert console_errors(driver) == []


def test_search_finds_pages_from_file_urls(site: Path, driver: Any) -> None:
    driver.get((site / "index.html").as_uri())
    driver.execute_script("document.querySelector('label[for=\"__search\"]').click()")
    box = driver.find_element("css selector", "input.md-search__input")
    box.send_keys("StaleGraphError")
    deadline = time.monotonic() + 20
    links: list[str] = []
    while time.monotonic() < deadline and not links:
        links = driver.execute_script(
            "return [...document.querySelectorAll('.md-search-result__item a')].map(a => a.href)"
        )
        time.sleep(0.1)
    assert any("backward.html" in link for link in links), links
    assert [url for url in resources(driver) if not url.startswith("file://")] == []
    assert console_errors(driver) == []
