"""What a compiled function reads besides its arguments: its globals, closure cells and defaults, guarded.

A replay does not run the function, so whatever the function looks up by
name would be the object found while tracing. :func:`guards_of` lists, for
the function and for every function of the user's it reaches by name (its
globals and closure cells, and theirs), each global name its code reads, each
closure cell, its ``__code__``, ``__defaults__`` and ``__kwdefaults__``, and
the attributes its code may read (a name of its code found in the
``__dict__`` of an object it reaches by name, of a method's ``self``, of a
module of the user's: ``self.scale``, ``config.lr``, ``self.model.scale``, two
levels down), with the object each held while tracing. Before every replay,
:meth:`FunctionGuards.holds` checks that each still holds the same object
(identity: a few comparisons); one that does not makes the jit forget its
traces and trace again, as ``torch.compile`` guards do.

What is not seen: a change *inside* an object that is still the same object
other than those attributes (an item of a list, a dict entry, an attribute
deeper down or read through a property), and the names read by library code
(``autograd``, ``nn``). Such state is either an input
(a Value's ``.data`` is read at every replay), declared with
:func:`~autograd.compiler.tracer.guard_state`, or needs ``clear_cache()``.
"""

from __future__ import annotations

import builtins
import inspect
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..core.origins import is_user_file
from .program import bits_of

__all__ = ["FunctionGuards", "guards_of"]

_MISSING = object()  # a name that was not bound, or an empty cell
_BUILTINS = frozenset(dir(builtins))
_ATTRIBUTES = ("__code__", "__defaults__", "__kwdefaults__")
_ATTRIBUTE_DEPTH = 2  # self.scale and self.model.scale; deeper attribute chains are not guarded


@dataclass(frozen=True, eq=False)
class FunctionGuards:
    """The objects a traced function found by name, checked before every replay.

    Attributes:
        names: ``(namespace, name, object)``: a global name and what it was bound to.
        cells: ``(cell, object)``: a closure cell and what it held.
        attributes: ``(function, attribute, object)``: ``__code__`` and the defaults.
    """

    names: tuple[tuple[Mapping[str, Any], str, Any], ...]
    cells: tuple[tuple[types.CellType, Any], ...]
    attributes: tuple[tuple[Any, str, Any], ...]

    def holds(self) -> bool:
        """Whether every name, cell and attribute still holds what it held while tracing."""
        for namespace, name, held in self.names:
            now = namespace.get(name, _MISSING)
            if now is not held and not _same_scalar(now, held):
                return False
        for cell, held in self.cells:
            now = _contents(cell)
            if now is not held and not _same_scalar(now, held):
                return False
        for function, attribute, held in self.attributes:
            if getattr(function, attribute) is not held:
                return False
        return True

    def changed(self) -> str:
        """What no longer holds, for the record of the next trace."""
        for namespace, name, held in self.names:
            now = namespace.get(name, _MISSING)
            if now is not held and not _same_scalar(now, held):
                return f"{name!r} was rebound"
        for cell, held in self.cells:
            now = _contents(cell)
            if now is not held and not _same_scalar(now, held):
                return "a variable of a closure was rebound"
        for function, attribute, held in self.attributes:
            if getattr(function, attribute) is not held:
                return f"{getattr(function, '__qualname__', 'the function')}.{attribute} was replaced"
        return "nothing"

    def signature(self) -> tuple[Any, ...]:
        """What the guards held, comparable between traces: scalars by value, the rest by identity."""
        held = [h for _, _, h in self.names] + [h for _, h in self.cells] + [h for _, _, h in self.attributes]
        return tuple(bits_of(h) if type(h) in _SCALARS else id(h) for h in held)

    def describe(self) -> list[str]:
        """What the guards watch, for :class:`~autograd.compiler.jitted.TraceRecord`."""
        described = []
        if self.names:
            described.append("the names it reads " + ", ".join(sorted({name for _, name, _ in self.names})))
        if self.cells:
            described.append(f"{len(self.cells)} closure cells")
        return described


_SCALARS = (int, float, bool, str, bytes, type(None), complex)


def _same_scalar(now: Any, held: Any) -> bool:
    """Whether two immutable scalars are the same value (floats bit for bit): a rebinding to an
    equal number is no change."""
    return type(now) is type(held) and type(held) in _SCALARS and bits_of(now) == bits_of(held)


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
    if isinstance(obj, types.FunctionType) and is_user_file(obj.__code__.co_filename):
        return obj
    return None


def _namespace(obj: Any) -> Mapping[str, Any] | None:
    """Where ``obj``'s attributes live, if it is the user's state: a module of the user's, a
    class, or an object with a ``__dict__`` (not a function); else None."""
    if isinstance(obj, types.ModuleType):
        return vars(obj) if is_user_file(getattr(obj, "__file__", "") or "") else None
    if isinstance(obj, (types.FunctionType, types.MethodType, types.BuiltinFunctionType)):
        return None
    if isinstance(obj, type):
        return vars(obj) if obj.__module__ != "builtins" else None
    namespace = getattr(obj, "__dict__", None)
    return namespace if isinstance(namespace, dict) else None


def _attribute_guards(
    obj: Any, code_names: tuple[str, ...], depth: int
) -> list[tuple[Mapping[str, Any], str, Any]]:
    """The attributes of ``obj`` the code may read (its names among ``code_names``), ``depth`` levels down."""
    namespace = _namespace(obj)
    if namespace is None:
        return []
    guards = [(namespace, name, namespace[name]) for name in code_names if name in namespace]
    if depth > 1:
        for _, _, held in list(guards):
            guards += _attribute_guards(held, code_names, depth - 1)
    return guards


def _methods(obj: Any, code_names: tuple[str, ...]) -> list[Any]:
    """The user's methods of ``obj`` that the code may call by name (``self.loss(x)``), bound to it."""
    if isinstance(obj, (types.ModuleType, type, types.FunctionType, types.MethodType)) or obj is _MISSING:
        return []
    methods = []
    for name in code_names:
        found = inspect.getattr_static(type(obj), name, None)
        if isinstance(found, types.FunctionType) and is_user_file(found.__code__.co_filename):
            methods.append(types.MethodType(found, obj))
    return methods


def guards_of(function: Callable[..., Any]) -> FunctionGuards:
    """The guards of ``function`` and of the user's functions it reaches by name (see the module docstring)."""
    names: list[tuple[Mapping[str, Any], str, Any]] = []
    cells: list[tuple[types.CellType, Any]] = []
    attributes: list[tuple[Any, str, Any]] = []
    seen: set[int] = set()
    pending: list[Any] = [function]
    while pending:
        obj = pending.pop()
        found = _function_of(obj)
        if found is None or id(found) in seen:
            continue
        seen.add(id(found))
        attributes += [(found, attribute, getattr(found, attribute)) for attribute in _ATTRIBUTES]
        namespace = found.__globals__
        code_names = tuple(dict.fromkeys(_code_names(found.__code__)))
        # The objects the code finds by name (and a method's self): it may read their attributes.
        objects = [obj.__self__] if isinstance(obj, types.MethodType) else []
        if not isinstance(obj, (types.FunctionType, types.MethodType)):
            objects.append(obj)  # a callable object: its __call__ reads it as self
        for name in code_names:
            held = namespace.get(name, _MISSING)
            if held is _MISSING and name not in _BUILTINS:
                continue  # an attribute's name: not looked up in the namespace
            names.append((namespace, name, held))
            pending.append(held)
            objects.append(held)
        for cell in found.__closure__ or ():
            held = _contents(cell)
            cells.append((cell, held))
            pending.append(held)
            objects.append(held)
        for held in objects:
            names += _attribute_guards(held, code_names, _ATTRIBUTE_DEPTH)
            pending += _methods(held, code_names)
    return FunctionGuards(tuple(names), tuple(cells), tuple(attributes))
