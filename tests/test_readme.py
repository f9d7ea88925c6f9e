"""The README's examples are the real output of the code they show."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_shows_the_code_jit_generates_for_a_1_1_1_network() -> None:
    script = ROOT / "docs" / "examples" / "jit_backprop.py"
    output = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert output.strip() in readme
