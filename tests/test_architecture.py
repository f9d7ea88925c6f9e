"""The codebase's shape, checked: no import cycle, a declared public surface, small files.

These read the source files, not the behaviour: they keep the layout that the
README's layout table describes from eroding.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd",)
# Modules that may import more than the standard library, and what.
THIRD_PARTY = {
    "autograd._drawing": {"graphviz"},
    "autograd.viz": {"graphviz"},
    "autograd.testing": {"hypothesis"},  # an extra: valuegrad[testing]
}


def _modules(package: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = {name: path for package in PACKAGES for name, path in _modules(package).items()}


def _imports(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports, at any depth in the file (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # "from . import ops" imports the module autograd.ops.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _project_imports(name: str) -> set[str]:
    return {module for module in _imports(name, MODULES[name]) if module in MODULES and module != name}


def test_no_module_is_part_of_an_import_cycle() -> None:
    graph = {name: _project_imports(name) for name in MODULES}
    # A package's __init__ re-exports its modules: an edge into a package means
    # "one of its modules", which is not a cycle through the __init__ itself.
    for name in graph:
        graph[name] = {target for target in graph[name] if target not in PACKAGES}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        assert name not in visiting, "import cycle: " + " -> ".join(
            [*visiting[visiting.index(name):], name]
        )
        visiting.append(name)
        for target in sorted(graph[name]):
            visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_declares_its_public_surface(name: str) -> None:
    if name.endswith("__main__"):
        return
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    declared = [
        node for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in getattr(node, "targets", [getattr(node, "target", None)]))
    ]
    assert declared, f"{name} has no __all__"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_the_engine_imports_only_the_standard_library(name: str) -> None:
    allowed = THIRD_PARTY.get(name, set())
    for module in _imports(name, MODULES[name]):
        top = module.split(".")[0]
        if top in PACKAGES or top == "":
            continue
        assert top != "nn", f"{name} imports nn: the engine must not depend on the network package"
        assert top in sys.stdlib_module_names or top in allowed, f"{name} imports {module}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_file_reads_in_one_sitting(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"{MODULES[name].relative_to(ROOT)} has {lines} lines"


def test_code_speaks_of_the_project_not_of_the_tracker() -> None:
    pattern = re.compile(r"\b[Ii]ssue\s+#?\d+")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("autograd", "nn", "tests", "docs", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
