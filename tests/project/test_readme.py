"""The README is a front page: short, and every link on it leads somewhere.

Its examples are run by ``tests/project/test_pages.py``, like every page of the docs.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_the_readme_is_a_front_page_of_at_most_250_lines() -> None:
    assert len(README.splitlines()) <= 250


def test_the_readme_says_how_to_set_up_run_python_and_open_the_notebooks() -> None:
    for needed in ("make demo", "make test", ".venv/bin/python", "make lab", "make docs"):
        assert needed in README, needed


def test_every_link_on_the_readme_resolves() -> None:
    links = LINK.findall(README)
    assert links
    for link in links:
        if link.startswith(("http://", "https://")):
            continue
        path, _, anchor = link.partition("#")
        target = ROOT / path
        assert target.exists(), link
        if anchor and target.suffix == ".md":
            headings = re.findall(r"^#+ (.*)$", target.read_text("utf-8"), re.M)
            slugs = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}
            assert anchor in slugs, link


def test_the_readme_links_into_every_tutorial_page() -> None:
    for page in ("getting-started", "engine", "backward", "nn", "jit", "debugging", "pictures",
                 "notebooks", "results", "architecture"):
        assert f"(docs/{page}.md)" in README, page
