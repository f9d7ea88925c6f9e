"""The codebase's shape, checked: rooms and what each may import, no import cycle, a declared surface.

These read the source with ``ast``, so an import inside a function counts as
much as one at the top of a file: a cycle through a function-level import is
still a cycle, only a later one. Imports under ``if TYPE_CHECKING:`` are
annotations only and are left out. The rules are between rooms (the folders
docs/architecture.md names), not per file, so moving a function
within a room never breaks a test.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("autograd", "nn")

# Each room of the engine, and the rooms it may import (besides itself and the standard library).
ROOMS: dict[str, set[str]] = {
    "rules": set(),  # what a row is, the rows, the vocabulary, the readings that need no node
    "core": {"rules"},  # the node, record, the sweep, hooks, modes, interceptors: names no transformation
    "functions": {"rules", "core"},  # grad, jvp, gradcheck, anomaly and forward mode, fused and custom ops
    "compiler": {"rules", "core", "functions"},  # autograd.jit, its program, its backends
    "pictures": {"rules", "core", "functions"},  # draw_dot and the explorer
    "package": {"rules", "core", "functions", "compiler", "pictures"},  # autograd/__init__, __main__
}
# What ``nn`` may use of the engine: its public names and its documented extension API.
# autograd.compiler is the extension API of the jit (backends, programs, C built with its compiler);
# autograd.testing gives check_gradients to the exercises' checks.
ENGINE_API_FOR_NN = {
    "autograd", "autograd.extend", "autograd.compiler", "autograd.pictures", "autograd.pictures.dot_text",
    "autograd.testing",
}
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


def room_of(module: str) -> str:
    """The engine room a module of ``autograd`` lives in."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "package"
    if parts[1] in ("rules", "core", "compiler", "pictures"):
        return parts[1]
    return "functions"


def _type_checking_only(tree: ast.Module) -> set[int]:
    """The ids of import nodes inside ``if TYPE_CHECKING:`` blocks."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            skipped.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return skipped


def _imports(name: str) -> set[str]:
    """Every module ``name`` imports, anywhere in its file (functions included, TYPE_CHECKING not)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # ``from . import table`` imports the module autograd.rules.table.
            found.update(f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in MODULES)
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
    tree = ast.parse("def f():\n    from .layers import MLP\nif TYPE_CHECKING:\n    from .x import Y\n")
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"layers", "x"}
    assert len(_type_checking_only(tree)) == 2  # the ImportFrom and its alias


def test_no_module_takes_part_in_an_import_cycle() -> None:
    graph = _graph()
    assert graph["autograd.core.value"] >= {"autograd.core.sweep", "autograd.rules.table"}  # the parser sees imports
    assert _cycles(graph) == []


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith("autograd")))
def test_each_engine_room_imports_only_the_rooms_beneath_it(name: str) -> None:
    room = room_of(name)
    for target in _graph()[name]:
        if target.startswith("autograd"):
            other = room_of(target)
            assert other == room or other in ROOMS[room], (
                f"{name} (room {room}) imports {target} (room {other}); {room} may import "
                f"{sorted(ROOMS[room]) or 'nothing else'}"
            )


def test_the_room_rules_can_fail() -> None:
    assert room_of("autograd.core.sweep") == "core"
    assert room_of("autograd.anomaly") == "functions"
    assert "functions" not in ROOMS["core"]  # the core names no transformation
    assert "compiler" not in ROOMS["pictures"] and "pictures" not in ROOMS["compiler"]


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith("nn")))
def test_nn_uses_only_the_engines_public_and_extension_api(name: str) -> None:
    engine = {module for module in _imports(name) if module.split(".")[0] == "autograd"}
    assert engine <= ENGINE_API_FOR_NN, f"{name} imports {sorted(engine - ENGINE_API_FOR_NN)}"


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith("autograd")))
def test_the_engine_imports_only_the_standard_library(name: str) -> None:
    allowed = THIRD_PARTY.get(name, set())
    for module in _imports(name):
        top = module.split(".")[0]
        if top in ("autograd", ""):
            continue
        assert top != "nn", f"{name} imports nn: the engine must not depend on the network package"
        assert top in sys.stdlib_module_names or top in allowed, f"{name} imports {module}"


# Each room of nn, and the rooms it may import (besides itself, the standard library and the engine's API).
# "base" is nn's own foundation (argument checks, the registry type); "package" is nn/__init__ and __main__.
NN_ROOMS: dict[str, set[str]] = {
    "base": set(),
    "modules": {"base"},  # Module, Neuron/Layer/MLP, Dropout, activations, inits
    "losses": {"base", "modules"},  # the loss functions and the losses by name
    "optim": {"base", "modules"},  # optimizers and schedules
    "data": {"base"},  # data sets, splits, scaling
    "training": {"base", "modules", "losses"},  # fit, History, the guard, evaluate
    "files": {"base", "modules", "data"},  # save and load
    "inspect": {"base", "modules", "losses"},  # draw_model, the explorer, grad norms, torch bridge
    "exercises": {"base", "modules", "optim"},  # the notebooks' exercises and their checks; `import nn` leaves it out
    "cli": {"base", "modules", "losses", "optim", "data", "training", "files", "inspect"},
    "package": {"base", "modules", "losses", "optim", "data", "training", "files", "inspect", "cli"},
}


def nn_room_of(module: str) -> str:
    """The room of nn a module lives in."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "package"
    if parts[1] in NN_ROOMS:
        return parts[1]
    return "base"  # nn._checks, nn._registry


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith("nn")))
def test_each_nn_room_imports_only_the_rooms_it_builds_on(name: str) -> None:
    room = nn_room_of(name)
    for target in _graph()[name]:
        if target.startswith("nn"):
            other = nn_room_of(target)
            assert other == room or other in NN_ROOMS[room], (
                f"{name} (room {room}) imports {target} (room {other}); {room} may import "
                f"{sorted(NN_ROOMS[room]) or 'nothing else'}"
            )


def test_only_python_dash_m_nn_imports_the_command_line() -> None:
    graph = _graph()
    importers = sorted(
        name for name, targets in graph.items()
        if nn_room_of(name) != "cli" and any(nn_room_of(t) == "cli" for t in targets if t.startswith("nn"))
    )
    assert importers == ["nn.__main__"]


def test_the_nn_room_rules_can_fail() -> None:
    assert nn_room_of("nn.losses.objective") == "losses"
    assert nn_room_of("nn._checks") == "base"
    assert nn_room_of("nn.__main__") == "package"
    assert "cli" not in NN_ROOMS["training"] and "training" not in NN_ROOMS["losses"]


def _declared_all(name: str) -> list[str] | None:
    for node in ast.parse(MODULES[name].read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
            return list(ast.literal_eval(node.value))  # type: ignore[arg-type]
    return None


@pytest.mark.parametrize("name", INITS)
def test_a_package_init_declares_its_public_names_and_they_are_documented(name: str) -> None:
    names = _declared_all(name)
    assert names is not None, f"{name} has no __all__"
    module = importlib.import_module(name)
    for item in names:
        assert hasattr(module, item), f"{name}.__all__ lists {item!r}, which it lacks"
        value = getattr(module, item)
        if callable(value) or isinstance(value, type):
            assert (getattr(value, "__doc__", None) or "").strip(), f"{name}.{item} has no docstring"


@pytest.mark.parametrize("name", INITS)
def test_a_package_init_only_reexports(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    kinds = {type(node).__name__ for node in tree.body}
    # A docstring, imports, __all__, and at most a lazy __getattr__ (for what needs graphviz).
    assert kinds <= {"Expr", "ImportFrom", "Import", "FunctionDef", "Assign"}
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert functions in ([], ["__getattr__"])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_module_that_declares_names_has_them(name: str) -> None:
    names = _declared_all(name) or []
    if name.endswith("__main__"):
        assert not names  # importing it runs the program
        return
    module = importlib.import_module(name)
    for item in names:
        assert hasattr(module, item), f"{name}.__all__ lists {item!r}, which it lacks"


def test_code_speaks_of_the_project_not_of_the_tracker() -> None:
    pattern = re.compile(r"\b[Ii]ssue\s+#?\d+")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("autograd", "nn", "tests", "benchmarks", "docs", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
