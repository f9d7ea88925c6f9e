"""Argument trees: the one walk over a compiled function's arguments and aux outputs.

A tree is a number, a Value, or a list, tuple or dict of trees; bools,
strings and None are fixed options (part of the structure, like JAX's static
arguments), and so is an int too large to be exactly a float (past 2**53).
Whether a number is an int or a float is part of the structure: a trace
gives the function the number with its type. :func:`flatten` walks a tree once, in a fixed order, into a
hashable *structure* (container types, lengths and keys, which leaves are
Values and which numbers, the fixed options) and its leaves: the numbers,
and the distinct Values. :func:`unflatten` puts leaves back into a structure,
and :func:`number_paths` names each number by its place (``xs_3_1``).

The same walk serves the cache key of a call, the wrapping of numbers while
tracing, the names in generated code, and the aux outputs.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.value import Value
from .traced_number import EXACT_INTEGERS, TracedNumber

__all__ = ["Flat", "bind", "flatten", "number_paths", "refuse", "unflatten"]


@dataclass
class Flat:
    """The leaves of a tree (or of a call's arguments), gathered by :func:`flatten`.

    Attributes:
        numbers: The plain numbers, in order.
        values: The distinct Values, in order of first appearance.
        positions: Each Value's place in ``values``: the same Value twice is
            one leaf, and which places alias is part of the structure.
        integers: The places in ``numbers`` of the ones passed as ints (a
            trace lets an int argument count and index).
    """

    numbers: list[float] = field(default_factory=list)
    integers: list[int] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    positions: dict[Value, int] = field(default_factory=dict)


_FLOATS = {float}


def flatten(tree: Any, flat: Flat) -> Any:
    """The structure of ``tree`` (hashable); its numbers and Values go into ``flat``.

    Runs on every call of a compiled function, so the common cases come first:
    a list of floats (a row of a batch) is taken whole.

    Raises:
        TypeError: If the tree holds something other than numbers, Values,
            lists, tuples, dicts, bools, strings and None (:func:`refuse`
            names the place).
    """
    kind = type(tree)
    if kind is list or kind is tuple:
        if tree and set(map(type, tree)) == _FLOATS:
            flat.numbers.extend(tree)
            return (kind.__name__, len(tree))
        return (kind.__name__, tuple([flatten(item, flat) for item in tree]))
    if kind is float:
        flat.numbers.append(tree)
        return "number"
    if isinstance(tree, Value):
        return ("Value", _position(tree, flat))
    if kind is TracedNumber:  # in an aux output: what it stands for, computed at every replay
        value = tree.__as_value__()
        return ("Value", _position(value, flat), "int" if isinstance(tree, int) else "float")
    if tree is None or isinstance(tree, (bool, str)):
        return ("fixed", tree)
    if isinstance(tree, numbers.Real):
        if isinstance(tree, numbers.Integral):
            if abs(int(tree)) > EXACT_INTEGERS:
                return ("fixed", int(tree))
            flat.integers.append(len(flat.numbers))
            flat.numbers.append(float(tree))
            return "int"
        flat.numbers.append(float(tree))
        return "number"
    if isinstance(tree, (list, tuple)):
        return (type(tree).__name__, tuple([flatten(item, flat) for item in tree]))
    if isinstance(tree, dict):
        keys = tuple(tree)
        if not all(type(key) is str for key in keys):
            raise TypeError("a dict key that is not a str")
        return ("dict", keys, tuple([flatten(tree[key], flat) for key in keys]))
    raise TypeError(f"a {type(tree).__name__}")


def _position(value: Value, flat: Flat) -> int:
    position = flat.positions.setdefault(value, len(flat.values))
    if position == len(flat.values):
        flat.values.append(value)
    return position


def refuse(tree: Any, where: str) -> None:
    """Raise the TypeError that says where ``tree`` holds what :func:`flatten` cannot take.

    Called after :func:`flatten` failed: the walk is made again, slowly, with the path.
    """
    kind = type(tree)
    if tree is None or isinstance(tree, (bool, str, float, Value, numbers.Real)):
        return
    if isinstance(tree, (list, tuple)):
        for index, item in enumerate(tree):
            refuse(item, f"{where}[{index}]")
        return
    if isinstance(tree, dict):
        for key in tree:
            if type(key) is not str:
                raise TypeError(
                    f"jit: {where} is a dict with a key of type {type(key).__name__} ({key!r}); "
                    "expected str keys"
                )
            refuse(tree[key], f"{where}[{key!r}]")
        return
    raise TypeError(
        f"jit: {where} is a {kind.__name__}; expected numbers, Values, or lists, tuples and "
        "dicts of them (bools, strings and None are allowed as fixed options)"
    )


def unflatten(structure: Any, numbers_: Iterator[Any], values: Sequence[Any]) -> Any:
    """The tree of ``structure`` with its numbers taken in order from ``numbers_``, its Values from ``values``.

    ``values[i]`` stands for the i-th distinct Value: pass the Values
    themselves, or what should replace them (their numbers, for aux outputs).
    """
    if structure == "number" or structure == "int":
        return next(numbers_)
    kind = structure[0]
    if kind == "Value":
        value = values[structure[1]]
        return int(value) if structure[2:] == ("int",) else value
    if kind == "fixed":
        return structure[1]
    if kind == "dict":
        return {key: unflatten(child, numbers_, values) for key, child in zip(structure[1], structure[2], strict=True)}
    items = structure[1]
    container = list if kind == "list" else tuple
    if isinstance(items, int):  # a run of floats taken whole
        return container(next(numbers_) for _ in range(items))
    return container(unflatten(child, numbers_, values) for child in items)


def number_paths(structure: Any, path: tuple[Any, ...]) -> Iterator[str]:
    """A readable name for each number of ``structure``, in :func:`flatten`'s order (``xs_3_1``)."""
    if structure == "number" or structure == "int":
        yield "_".join(map(str, path))
        return
    kind = structure[0]
    if kind in ("Value", "fixed"):
        return
    if kind == "dict":
        for key, child in zip(structure[1], structure[2], strict=True):
            yield from number_paths(child, (*path, key))
        return
    items = structure[1]
    if isinstance(items, int):
        for index in range(items):
            yield "_".join(map(str, (*path, index)))
        return
    for index, child in enumerate(items):
        yield from number_paths(child, (*path, index))


def bind(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[list[tuple[str, Any]], Callable[[list[Any]], Any]]:
    """The arguments by name, in the signature's order, and a way to call ``function`` with new ones.

    Returns:
        ``(named, call)``: ``named`` lists (name, argument), positional ones
        first, keywords in the signature's order; ``call(arguments)`` calls
        ``function`` with a list of replacements in that order. Without a
        signature that binds, positions come first (``arg0``...), then
        keywords sorted by name.
    """
    try:
        binding: inspect.BoundArguments | None = inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        binding = None
    if binding is None:
        names = [f"arg{i}" for i in range(len(args))] + sorted(kwargs)
        named = list(zip(names, [*args, *(kwargs[name] for name in sorted(kwargs))], strict=True))

        def call_plain(arguments: list[Any]) -> Any:
            positional = arguments[: len(args)]
            keywords = dict(zip(sorted(kwargs), arguments[len(args):], strict=True))
            return function(*positional, **keywords)

        return named, call_plain
    bound = binding
    named = list(bound.arguments.items())

    def call_bound(arguments: list[Any]) -> Any:
        for (name, _), argument in zip(named, arguments, strict=True):
            bound.arguments[name] = argument
        return function(*bound.args, **bound.kwargs)

    return named, call_bound
