"""The README's examples are real: each is a file under docs/examples, shown verbatim with its output."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# A ```python block whose first line names its file, and the ```text block of its output if one follows.
EXAMPLE = re.compile(r"```python\n# (docs/examples/\S+\.py)\n(.*?)```\n(?:\n```text\n(.*?)```)?", re.S)
EXAMPLES = EXAMPLE.findall(README)


def test_every_example_file_is_shown_in_the_readme() -> None:
    shown = {path for path, _, _ in EXAMPLES}
    files = {str(path.relative_to(ROOT)) for path in (ROOT / "docs" / "examples").glob("*.py")}
    assert shown == files


@pytest.mark.parametrize(("path", "code", "output"), EXAMPLES, ids=[path for path, _, _ in EXAMPLES])
def test_each_readme_example_is_its_file_verbatim_and_prints_what_the_readme_shows(
    path: str, code: str, output: str
) -> None:
    file = ROOT / path
    assert file.read_text(encoding="utf-8") == code
    if file.name.startswith("test_"):
        return  # a test file: run by the next test
    assert output, f"{path} is shown without its output"
    result = subprocess.run(
        [sys.executable, file.name], cwd=file.parent, capture_output=True, text=True, check=True
    )
    assert result.stdout == output


def test_the_readmes_user_test_file_passes_under_pytest() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "docs/examples/test_my_gradients.py"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout

