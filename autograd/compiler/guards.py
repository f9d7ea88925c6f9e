"""What a compiled function reads besides its arguments: its globals, closure cells and defaults, guarded.

A replay does not run the function, so whatever the function looks up by
name would be the object found while tracing. :func:`guards_of` lists, for
the function and for every function of the user's it reaches by name (its
globals and closure cells, and theirs), each global name its code reads, each
name its code may read from a module of the user's (``config.lr``), each
closure cell, and its ``__code__``, ``__defaults__`` and ``__kwdefaults__``,
with the object each held while tracing. Before every replay,
:meth:`FunctionGuards.holds` checks that each still holds the same object
(identity: a few comparisons); one that does not makes the jit forget its
traces and trace again, as ``torch.compile`` guards do.

What is not seen: a change *inside* an object that is still the same object
(an item of a list, an attribute of a module, a dict entry), and the names
read by library code (``autograd``, ``nn``). Such state is either an input
(a Value's ``.data`` is read at every replay), declared with
:func:`~autograd.compiler.tracer.guard_state`, or needs ``clear_cache()``.
"""

from __future__ import annotations

import builtins
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..core.origins import is_library_file

__all__ = ["FunctionGuards", "guards_of"]

_MISSING = object()  # a name that was not bound, or an empty cell
_BUILTINS = frozenset(dir(builtins))
_ATTRIBUTES = ("__code__", "__defaults__", "__kwdefaults__")


@dataclass(frozen=True, eq=False)
class FunctionGuards:
    """The objects a traced function found by name, checked before every replay.

    Attributes:
        names: ``(namespace, name, object)``: a global name and what it was bound to.
        cells: ``(cell, object)``: a closure cell and what it held.
        attributes: ``(function, attribute, object)``: ``__code__`` and the defaults.
    """

    names: tuple[tuple[dict[str, Any], str, Any], ...]
    cells: tuple[tuple[types.CellType, Any], ...]
    attributes: tuple[tuple[Any, str, Any], ...]

    def holds(self) -> bool:
        """Whether every name, cell and attribute still holds the object it held while tracing."""
        for namespace, name, held in self.names:
            if namespace.get(name, _MISSING) is not held:
                return False
        for cell, held in self.cells:
            if _contents(cell) is not held:
                return False
        for function, attribute, held in self.attributes:
            if getattr(function, attribute) is not held:
                return False
        return True

    def changed(self) -> str:
        """What no longer holds, for the record of the next trace."""
        for namespace, name, held in self.names:
            if namespace.get(name, _MISSING) is not held:
                return f"the global {name!r} was rebound"
        for cell, held in self.cells:
            if _contents(cell) is not held:
                return "a variable of a closure was rebound"
        for function, attribute, held in self.attributes:
            if getattr(function, attribute) is not held:
                return f"{getattr(function, '__qualname__', 'the function')}.{attribute} was replaced"
        return "nothing"

    def describe(self) -> list[str]:
        """What the guards watch, for :class:`~autograd.compiler.jitted.TraceRecord`."""
        described = []
        if self.names:
            described.append("globals " + ", ".join(sorted({name for _, name, _ in self.names})))
        if self.cells:
            described.append(f"{len(self.cells)} closure cells")
        return described


def _contents(cell: types.CellType) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return _MISSING


def _code_names(code: types.CodeType) -> Iterator[str]:
    """The names a code object (and the functions and comprehensions it defines) may look up globally."""
    yield from code.co_names
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _code_names(constant)


def _function_of(obj: Any) -> types.FunctionType | None:
    """The Python function behind ``obj`` (a function, a bound method, a callable object), or None."""
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    elif not isinstance(obj, (types.FunctionType, type)) and callable(obj):
        obj = type(obj).__call__
    if isinstance(obj, types.FunctionType) and not is_library_file(obj.__code__.co_filename):
        return obj
    return None


def guards_of(function: Callable[..., Any]) -> FunctionGuards:
    """The guards of ``function`` and of the user's functions it reaches by name (see the module docstring)."""
    names: list[tuple[dict[str, Any], str, Any]] = []
    cells: list[tuple[types.CellType, Any]] = []
    attributes: list[tuple[Any, str, Any]] = []
    seen: set[int] = set()
    pending = [function]
    while pending:
        found = _function_of(pending.pop())
        if found is None or id(found) in seen:
            continue
        seen.add(id(found))
        attributes += [(found, attribute, getattr(found, attribute)) for attribute in _ATTRIBUTES]
        namespace = found.__globals__
        code_names = tuple(dict.fromkeys(_code_names(found.__code__)))
        for name in code_names:
            held = namespace.get(name, _MISSING)
            if held is _MISSING and name not in _BUILTINS:
                continue  # an attribute's name: not looked up in the namespace
            names.append((namespace, name, held))
            pending.append(held)
            if isinstance(held, types.ModuleType) and not is_library_file(getattr(held, "__file__", "") or ""):
                # A module of the user's (a config): its names the code may read as attributes.
                module_names = vars(held)
                names += [(module_names, attribute, module_names[attribute])
                          for attribute in code_names if attribute in module_names]
        for cell in found.__closure__ or ():
            held = _contents(cell)
            cells.append((cell, held))
            pending.append(held)
    return FunctionGuards(tuple(names), tuple(cells), tuple(attributes))
