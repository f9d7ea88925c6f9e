"""A compiled function's arguments: their structure (part of the cache key) and their numbers.

Arguments may be numbers, Values, or lists and tuples of them, nested; bools,
strings and None are fixed options (part of the key, like JAX's static
arguments). Flattening walks them in a fixed order, so that the n-th number of
one call is the n-th input of the program traced for that structure.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.value import Value

__all__ = ["Flat", "aux_values", "call_wrapped", "flatten", "names_of", "with_numbers", "wrapped"]


@dataclass
class Flat:
    """One call's arguments, flattened.

    Attributes:
        key: Their structure, hashable: container types and lengths, which
            leaves are Values and which numbers, and the fixed options.
        numbers: The plain numbers, in order.
        values: The distinct Values, in order of first appearance.
    """

    key: Any = None
    numbers: list[float] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    positions: dict[Value, int] = field(default_factory=dict)  # each Value's place in ``values``


def _binding(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> inspect.BoundArguments | None:
    """The arguments bound to the signature's names, in its order; None without a signature that binds."""
    try:
        return inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None


def _bound(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
    binding = _binding(function, args, kwargs)
    if binding is None:  # positions will do, then keywords by name
        return [(f"arg{i}", value) for i, value in enumerate(args)] + sorted(kwargs.items())
    return list(binding.arguments.items())


def call_wrapped(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], wrap: Callable[[Any], Value]
) -> Any:
    """Call ``function`` with every plain number of its arguments replaced by ``wrap(number)``.

    Numbers are wrapped in :func:`flatten`'s order (the signature's, keyword
    arguments included), so that the n-th wrapped number is the n-th number of
    every later call with the same structure.
    """
    binding = _binding(function, args, kwargs)
    if binding is None:  # _bound's order: positions, then keywords by name
        positional = [wrapped(value, wrap) for value in args]
        keywords = {name: wrapped(kwargs[name], wrap) for name in sorted(kwargs)}
        return function(*positional, **keywords)
    for name, value in binding.arguments.items():
        binding.arguments[name] = wrapped(value, wrap)
    return function(*binding.args, **binding.kwargs)


def flatten(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Flat:
    """Flatten one call's arguments (see :class:`Flat`); ``names`` is left empty (see :func:`names_of`).

    Raises:
        TypeError: If an argument holds something other than numbers, Values,
            lists, tuples, bools, strings and None.
    """
    flat = Flat()
    bound = _bound(function, args, kwargs)
    try:
        flat.key = tuple((name, _walk(value, flat)) for name, value in bound)
    except TypeError:
        for name, value in bound:  # again, slowly, to say where
            _walk_named(value, (name,), [])
        raise
    return flat


_FLOATS = {float}


def _walk(obj: Any, flat: Flat) -> Any:
    """The structure of ``obj`` for the cache key; its numbers and Values go into ``flat``.

    Runs on every call, so the common cases come first: a list of floats (a row
    of a batch) is taken whole.
    """
    kind = type(obj)
    if kind is list or kind is tuple:
        if obj and set(map(type, obj)) == _FLOATS:
            flat.numbers.extend(obj)
            return (kind.__name__, len(obj))
        return (kind.__name__, tuple([_walk(item, flat) for item in obj]))
    if kind is float:
        flat.numbers.append(obj)
        return "number"
    if isinstance(obj, Value):
        # The same Value twice is one input: which arguments alias is part of the key.
        position = flat.positions.setdefault(obj, len(flat.values))
        if position == len(flat.values):
            flat.values.append(obj)
        return ("Value", position)
    if obj is None or isinstance(obj, (bool, str)):
        return ("fixed", obj)
    if isinstance(obj, numbers.Real):
        flat.numbers.append(float(obj))
        return "number"
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, tuple([_walk(item, flat) for item in obj]))
    raise TypeError(f"jit: unsupported argument of type {type(obj).__name__}")


def names_of(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[str]:
    """A readable name for each number of the arguments, in :func:`flatten`'s order (``xs_3_1``)."""
    names: list[str] = []
    for name, value in _bound(function, args, kwargs):
        _walk_named(value, (name,), names)
    return names


def _walk_named(obj: Any, path: tuple[Any, ...], names: list[str]) -> None:
    if isinstance(obj, Value) or obj is None or isinstance(obj, (bool, str)):
        return
    if isinstance(obj, numbers.Real):
        names.append("_".join(map(str, path)))
        return
    if isinstance(obj, (list, tuple)):
        for index, item in enumerate(obj):
            _walk_named(item, (*path, index), names)
        return
    where = str(path[0]) + "".join(f"[{index}]" for index in path[1:])
    raise TypeError(
        f"jit: argument {where} is a {type(obj).__name__}; expected numbers, Values, or lists "
        "and tuples of them (bools, strings and None are allowed as fixed options)"
    )


def wrapped(obj: Any, wrap: Callable[[Any], Value]) -> Any:
    """``obj`` with every plain number replaced by ``wrap(number)``, containers rebuilt."""
    if isinstance(obj, Value) or obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, numbers.Real):
        return wrap(obj)
    if isinstance(obj, list):
        return [wrapped(item, wrap) for item in obj]
    if isinstance(obj, tuple):
        return tuple(wrapped(item, wrap) for item in obj)
    return obj


def aux_values(aux: Any) -> list[Value]:
    """The Values in ``aux`` (nested lists and tuples), in order."""
    if isinstance(aux, Value):
        return [aux]
    if isinstance(aux, (list, tuple)):
        return [value for item in aux for value in aux_values(item)]
    return []


def with_numbers(aux: Any, numbers: Any) -> Any:
    """``aux`` with its Values replaced, in order, by the floats ``numbers`` yields."""
    if isinstance(aux, Value):
        return next(numbers)
    if isinstance(aux, list):
        return [with_numbers(item, numbers) for item in aux]
    if isinstance(aux, tuple):
        return tuple(with_numbers(item, numbers) for item in aux)
    return aux
