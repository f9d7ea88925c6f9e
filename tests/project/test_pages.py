"""Every Python example of the README and of the documentation pages runs as written.

A page's ```python blocks run top to bottom in one fresh interpreter (a later block may
use what an earlier one made), in a temporary folder, with the checkout importable. A
block whose first line names a file under ``docs/examples/`` is that file, verbatim; it
runs on its own, and when a ```text block follows it, prints exactly that.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# A fenced block, indented or not (inside a list item), with its language.
BLOCK = re.compile(r"^(?P<indent>[ ]*)```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```$", re.S | re.M)
EXAMPLE_FILE = re.compile(r"# (docs/examples/\S+\.py)\n")


def blocks(page: Path) -> list[tuple[str, str]]:
    """(language, code) of each fenced block of a page, in order, dedented."""
    text = page.read_text(encoding="utf-8")
    return [(m["lang"], textwrap.dedent(m["body"])) for m in BLOCK.finditer(text)]


def examples(page: Path) -> list[tuple[str, str, str | None]]:
    """(path, code, output shown after it or None) for each example-file block of a page."""
    found = []
    listed = blocks(page)
    for at, (lang, code) in enumerate(listed):
        named = EXAMPLE_FILE.match(code)
        if lang == "python" and named:
            after = listed[at + 1] if at + 1 < len(listed) else None
            output = after[1] if after and after[0] == "text" else None
            found.append((named[1], code[named.end():], output))
    return found


def inline_code(page: Path) -> str:
    """The page's other Python blocks, joined in order."""
    return "\n\n".join(
        code for lang, code in blocks(page) if lang == "python" and not EXAMPLE_FILE.match(code)
    )


def env() -> dict[str, str]:
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "MPLBACKEND": "Agg"}


PAGES_WITH_CODE = [page for page in PAGES if inline_code(page)]
ALL_EXAMPLES = [(page, *example) for page in PAGES for example in examples(page)]


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=page_id)
def test_each_pages_python_runs_top_to_bottom_in_a_fresh_interpreter(page: Path, tmp_path: Path) -> None:
    script = tmp_path / "page.py"
    script.write_text(inline_code(page), encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, env=env(),
        timeout=600,
    )
    assert ran.returncode == 0, f"{page_id(page)}:\n{ran.stderr}"


def test_every_example_file_is_shown_on_a_page() -> None:
    shown = {path for _, path, _, _ in ALL_EXAMPLES}
    files = {str(path.relative_to(ROOT)) for path in EXAMPLES.glob("*.py")}
    assert shown == files


@pytest.mark.parametrize(
    ("page", "path", "code", "output"), ALL_EXAMPLES,
    ids=[f"{page_id(page)}:{path}" for page, path, _, _ in ALL_EXAMPLES],
)
def test_each_example_is_its_file_verbatim_and_prints_what_the_page_shows(
    page: Path, path: str, code: str, output: str | None
) -> None:
    file = ROOT / path
    assert file.read_text(encoding="utf-8") == code
    if file.name.startswith("test_"):
        return  # a test file: run by the next test
    assert output, f"{path} is shown on {page_id(page)} without its output"
    result = subprocess.run(
        [sys.executable, file.name], cwd=file.parent, capture_output=True, text=True, check=True,
        env=env(),
    )
    assert result.stdout == output


def test_the_docs_user_test_file_passes_under_pytest() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider",
         "docs/examples/test_my_gradients.py"],
        cwd=ROOT, capture_output=True, text=True, env=env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
