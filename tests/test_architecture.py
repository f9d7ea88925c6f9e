"""The codebase's shape, checked: no import cycle, a declared public surface, small files.

These read the source with ``ast``, so an import inside a function counts as
much as one at the top of a file: a cycle through a function-level import is
still a cycle, only a later one. They keep the layout the README's layout
table describes from eroding.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn")
MAX_LINES = 400
# Engine modules that may import more than the standard library, and what.
THIRD_PARTY = {
    "autograd.pictures.dot_text": {"graphviz"},
    "autograd.pictures.dot": {"graphviz"},
    "autograd.testing": {"hypothesis"},  # an extra: valuegrad[testing]
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()
INITS = sorted(name for name, path in MODULES.items() if path.name == "__init__.py")


def _imports(name: str) -> set[str]:
    """Every module ``name`` imports, anywhere in its file (functions included)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # ``from . import ops`` imports the module autograd.rules.table.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    """Project module -> the project modules it imports.

    A module inside a package has that package imported first, so an edge
    from a module to a package it belongs to is not a cycle.
    """
    return {
        name: {
            target for target in _imports(name)
            if target in MODULES and target != name and not name.startswith(target + ".")
        }
        for name in MODULES
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first search, as the path that closes it."""
    found: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                found.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import() -> None:
    # Guards the test below: it must be able to fail.
    graph = {"nn.a": {"nn.b"}, "nn.b": {"nn.c"}, "nn.c": {"nn.a"}, "nn.d": set()}
    assert _cycles(graph) == [["nn.a", "nn.b", "nn.c", "nn.a"]]
    source = "def f():\n    from .layers import MLP\n"
    assert "layers" in {
        node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)
    }


def test_no_module_takes_part_in_an_import_cycle() -> None:
    graph = _graph()
    assert graph["nn"] >= {"nn.layers", "nn.serialize"}  # the parser sees the imports
    assert graph["autograd.core.value"] >= {"autograd.core.sweep", "autograd.rules.table"}
    assert _cycles(graph) == []


def test_the_base_modules_import_nothing_that_builds_on_them() -> None:
    graph = _graph()
    assert {name for name in graph["nn.module"] if name.startswith("nn")} <= {"nn._checks", "nn.hooks"}
    assert graph["autograd.core.sweep"] <= {
        "autograd.core.numbers", "autograd.anomaly", "autograd.core.hooks", "autograd.core.modes", "autograd.rules.op",
        "autograd.rules.floats",
    }


def _declared_all(name: str) -> list[str] | None:
    for node in ast.parse(MODULES[name].read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
            return list(ast.literal_eval(node.value))  # type: ignore[arg-type]
    return None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_declares_all_and_its_names_exist(name: str) -> None:
    names = _declared_all(name)
    if name.endswith("__main__"):
        assert not names  # importing it runs the program
        return
    assert names is not None, f"{name} has no __all__"
    module = importlib.import_module(name)
    for item in names:
        assert hasattr(module, item), f"{name}.__all__ lists {item!r}, which it lacks"


@pytest.mark.parametrize("name", INITS)
def test_a_package_init_only_reexports(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    kinds = {type(node).__name__ for node in tree.body}
    # A docstring, imports, __all__, and at most a lazy __getattr__ (for what needs graphviz).
    assert kinds <= {"Expr", "ImportFrom", "Import", "FunctionDef", "Assign"}
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert functions in ([], ["__getattr__"])


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith("autograd")))
def test_the_engine_imports_only_the_standard_library(name: str) -> None:
    allowed = THIRD_PARTY.get(name, set())
    for module in _imports(name):
        top = module.split(".")[0]
        if top in ("autograd", ""):
            continue
        assert top != "nn", f"{name} imports nn: the engine must not depend on the network package"
        assert top in sys.stdlib_module_names or top in allowed, f"{name} imports {module}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_file_reads_in_one_sitting(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(ROOT)} has {lines} lines"


def test_code_speaks_of_the_project_not_of_the_tracker() -> None:
    pattern = re.compile(r"\b[Ii]ssue\s+#?\d+")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("autograd", "nn", "tests", "benchmarks", "docs", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
