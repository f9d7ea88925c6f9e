"""mkdocs hooks for valuegrad's documentation site (mkdocs.yml names this file under ``hooks:``).

Three jobs, each small:

* the API reference is generated: one page per package, one ``::: name`` entry for every
  name in its ``__all__``, so a public name can never be missing from the reference
  (``tests/project/test_docs.py`` checks the built pages against ``__all__``);
* pages that other parts of the project add (``OPTIONAL_PAGES``) enter the navigation only
  once their file exists, so the navigation never names a page that is not there; any other
  page under docs/ that the navigation does not name goes under "More", and the notebooks'
  section lists every ``notebooks/*.ipynb``, so a new page or notebook needs no edit here;
* the notebooks' pages typeset their TeX with the vendored MathJax (``docs/assets/mathjax``),
  added to those pages only;
* the site opens from ``file://``: Material's offline plugin writes the search index as a
  script, and ``docs/assets/iframe-worker.js`` (a local shim, not the CDN one the plugin
  would add) runs the search worker in a hidden frame, since browsers refuse a Worker there.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

__all__ = ["OPTIONAL_PAGES", "notebook_title", "on_config", "on_files", "on_post_page", "reference_page"]

MATH_SCRIPTS = ("assets/mathjax-config.js", "assets/mathjax/tex-svg.js")

PACKAGES = {
    "autograd": "The engine: `Value`, the transformations (`grad`, `jvp`, `jit`...), the pictures.",
    "nn": "The neural-network package: modules, losses, optimizers, data, training, files.",
}

# (section title in the nav, page title, file under docs/, the page it follows)
OPTIONAL_PAGES = [
    ("Tutorial", "Backends in depth", "jit-backends.md", "jit.md"),
    ("Tutorial", "The live explorer", "explorer.md", "pictures.md"),
    ("Tutorial", "The tiny GPT", "gpt.md", None),
]


def reference_page(package: str) -> str:
    """The Markdown of one package's reference page: every name of its ``__all__``."""
    module = importlib.import_module(package)
    lines = [f"# `{package}`", "", PACKAGES[package], ""]
    for name in module.__all__:
        obj = getattr(module, name)
        # A name the package imports lazily (draw_dot, draw_model) is documented where it lives.
        target = (
            f"{package}.{name}" if name in vars(module) else f"{obj.__module__}.{obj.__qualname__}"
        )
        lines += [f"::: {target}", "    options:", f"      heading: {name}", ""]
    return "\n".join(lines)


def notebook_title(path: Path) -> str:
    """A notebook's first Markdown heading as plain text (the nav shows no code spans), or its name."""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].replace("`", "").strip()
    return path.stem


def _files_named(items: list[Any]) -> list[str]:
    named = []
    for item in items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        named += _files_named(value) if isinstance(value, list) else [value]
    return named


def on_config(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    docs = Path(config.docs_dir)
    nav: list[Any] = config.nav or []
    for entry in nav:
        if isinstance(entry, dict) and "Notebooks" in entry:
            overview = [item for item in entry["Notebooks"] if not str(item).endswith(".ipynb")]
            notebooks = [
                {notebook_title(path): f"notebooks/{path.name}"}
                for path in sorted((docs / "notebooks").glob("*.ipynb"))
            ]
            entry["Notebooks"] = overview + notebooks
    for section, title, page, after in OPTIONAL_PAGES:
        if not (docs / page).is_file():
            continue
        for entry in nav:
            if isinstance(entry, dict) and section in entry:
                items = entry[section]
                files = [next(iter(item.values())) if isinstance(item, dict) else item for item in items]
                at = files.index(after) + 1 if after in files else len(items)
                items.insert(at, {title: page})
    named = set(_files_named(nav))
    more = sorted(path.name for path in docs.glob("*.md") if path.name not in named)
    if more:
        nav.append({"More": more})
    return config


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    for package in PACKAGES:
        files.append(
            File.generated(config, f"reference/{package}.md", content=reference_page(package))
        )
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig, **_: Any) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    tags = "".join(
        f'<script src="{get_relative_url(script, page.url)}"></script>' for script in MATH_SCRIPTS
    )
    head, body_end, tail = output.rpartition("</body>")
    return head + tags + body_end + tail
