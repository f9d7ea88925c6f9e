"""The shape of the nn package: no import cycles, __all__ everywhere, files of one idea.

These tests read the source (with ``ast``), so an import inside a function
counts as much as one at the top of a file: a cycle through a function-level
import is still a cycle, only a later one.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "nn"
MODULES = sorted(path.stem for path in PACKAGE.glob("*.py"))
MAX_LINES = 400


def _module_name(stem: str) -> str:
    return "nn" if stem == "__init__" else f"nn.{stem}"


def _imports(stem: str) -> set[str]:
    """The nn modules that ``nn/<stem>.py`` imports, anywhere in the file."""
    tree = ast.parse((PACKAGE / f"{stem}.py").read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "nn")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 1:
                base = f"nn.{base}" if base else "nn"
            elif node.level > 1 or base.split(".")[0] != "nn":
                continue
            for alias in node.names:
                # `from . import data` imports the module nn.data, not the package.
                candidate = f"{base}.{alias.name}"
                found.add(candidate if (PACKAGE / f"{candidate[3:]}.py").exists() else base)
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(stem): _imports(stem) for stem in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle, as the path that closes it (depth-first search)."""
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
    assert "nn.layers" in {
        f"nn.{node.module}" for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)
    }


def test_no_nn_module_takes_part_in_an_import_cycle() -> None:
    graph = _graph()
    assert graph["nn"] >= {"nn.layers", "nn.serialize"}  # the parser sees the imports
    assert _cycles(graph) == []


def test_the_base_module_imports_nothing_that_builds_on_it() -> None:
    assert _graph()["nn.module"] <= {"nn._checks"}


def _declared_all(stem: str) -> list[str] | None:
    for node in ast.parse((PACKAGE / f"{stem}.py").read_text()).body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
            return list(ast.literal_eval(node.value))  # type: ignore[arg-type]
    return None


@pytest.mark.parametrize("stem", MODULES)
def test_every_module_declares_all_and_its_names_exist(stem: str) -> None:
    names = _declared_all(stem)
    assert names is not None, f"nn/{stem}.py has no __all__"
    if stem == "__main__":
        assert names == []  # importing it runs the program
        return
    module = importlib.import_module(_module_name(stem))
    for name in names:
        assert hasattr(module, name), f"{module.__name__}.__all__ lists {name!r}, which it lacks"


def test_the_package_init_only_reexports() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    kinds = {type(node).__name__ for node in tree.body}
    # A docstring, imports, the lazy __getattr__ for draw_model, and __all__.
    assert kinds <= {"Expr", "ImportFrom", "Import", "FunctionDef", "Assign"}
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert functions == ["__getattr__"]


@pytest.mark.parametrize("stem", MODULES)
def test_every_module_fits_in_one_sitting(stem: str) -> None:
    lines = len((PACKAGE / f"{stem}.py").read_text().splitlines())
    assert lines <= MAX_LINES, f"nn/{stem}.py has {lines} lines"
