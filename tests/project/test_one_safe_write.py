"""The library writes files one way only: through ``autograd.extend.write_file``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
THE_WRITER = ROOT / "autograd" / "safe_write.py"
LIBRARY = sorted(path for package in ("autograd", "nn") for path in (ROOT / package).rglob("*.py")
                 if path != THE_WRITER)

# Calls that write files themselves, by the module they come from.
WRITERS_OF = {"os": {"replace", "rename"}, "shutil": {"copy", "copyfile", "move"},
              "tempfile": {"mkstemp", "NamedTemporaryFile"}}


def _writes(path: Path) -> list[str]:
    """Where ``path`` writes a file itself, one entry per call."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        owner = getattr(function.value, "id", "") if isinstance(function, ast.Attribute) else ""
        if (name == "open" and _opens_for_writing(node)) \
                or name in ("write_text", "write_bytes") \
                or (name == "savefig" and not _into_buffer(node)) \
                or name in WRITERS_OF.get(owner, ()):
            found.append(f"line {node.lineno}: {owner + '.' if owner else ''}{name}")
    return found


def _opens_for_writing(call: ast.Call) -> bool:
    modes = [arg for arg in call.args[1:2]] + [kw.value for kw in call.keywords if kw.arg == "mode"]
    return any(isinstance(mode, ast.Constant) and isinstance(mode.value, str)
               and re.search(r"[wax+]", mode.value) for mode in modes)


def _into_buffer(call: ast.Call) -> bool:
    return bool(call.args) and isinstance(call.args[0], ast.Name) and call.args[0].id == "buffer"


@pytest.mark.parametrize("path", LIBRARY, ids=[str(path.relative_to(ROOT)) for path in LIBRARY])
def test_no_library_module_writes_a_file_but_through_write_file(path: Path) -> None:
    assert _writes(path) == [], f"{path.relative_to(ROOT)} writes a file itself: use write_file"


def test_the_check_finds_a_direct_write(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nopen(p, 'w')\nos.replace(a, b)\nPath(p).write_text('x')\n"
                      "fig.savefig(path)\n")
    assert len(_writes(sample)) == 4
