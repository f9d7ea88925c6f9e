"""Argument checks for every nn module, each written once.

Every check returns the value in its normal form (an ``int``, a ``float``, a
``list``) or raises a one-line ``TypeError`` (wrong kind of thing) or
``ValueError`` (right kind, wrong value) that names the argument (``what``),
says what would work and shows what was received.

Sequences: a ``str``, ``bytes``, mapping or set is never taken for a sequence,
even where ``len`` and iteration would work, because reading a dict's keys or
a set's arbitrary order as data is a silent error.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Any, cast

from autograd import Value
from autograd.extend import as_number, is_real

__all__ = [
    "describe",
    "finite_examples",
    "finite_real",
    "finite_targets",
    "is_finite_real",
    "is_int",
    "model_input",
    "non_negative",
    "one_of",
    "optional_positive_int",
    "ordered_items",
    "pair",
    "paired",
    "plain",
    "positive_int",
    "positive_real",
    "probability",
    "rng_or_none",
    "seed_or_none",
    "sequence",
    "short_repr",
    "strict_bool",
    "unit_interval",
    "whole_number",
]

# ---------------------------------------------------------------- how things are shown


def short_repr(obj: object, limit: int = 60) -> str:
    """``repr(obj)`` cut to ``limit`` characters; a huge int is shown by its number of digits."""
    if isinstance(obj, int) and not isinstance(obj, bool) and obj.bit_length() > 4 * limit:
        # str() of a very long int is slow, and refused past 4,300 digits.
        return f"<an int of about {round(obj.bit_length() * math.log10(2)):,} digits>"
    text = repr(obj)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(obj: object) -> str:
    """``type: repr`` for messages, the repr kept short."""
    return f"{type(obj).__name__}: {short_repr(obj)}"


# ---------------------------------------------------------------- numbers


def is_int(obj: object) -> bool:
    """True for ints and whatever Python accepts as one (``__index__``: numpy's, a jit trace's), not for bool."""
    if isinstance(obj, bool):
        return False
    return isinstance(obj, numbers.Integral) or hasattr(type(obj), "__index__")


def is_finite_real(obj: object) -> bool:
    """True for a real number that is neither NaN nor infinite (an int too large for a float is not)."""
    try:
        number = as_number(obj)
    except ValueError:  # an int too large for a float
        return False
    return number is not None and math.isfinite(number)


def whole_number(value: object, what: str, smallest: int, expected: str) -> int:
    """``value`` as an int if it is a whole number >= ``smallest`` (bool refused).

    ``expected`` completes "``what`` must be ...", e.g. "a positive int".
    """
    if not is_int(value):
        raise TypeError(f"{what} must be {expected}, got {describe(value)}")
    number = int(cast(int, value))
    if number < smallest:
        raise ValueError(f"{what} must be {expected}, got {short_repr(value)}")
    return number


def positive_int(value: object, what: str) -> int:
    """``value`` as an int if it is a whole number >= 1 (bool refused)."""
    return whole_number(value, what, 1, "a positive int")


def optional_positive_int(value: object, what: str) -> int | None:
    """None, or ``value`` as an int >= 1."""
    if value is None:
        return None
    return whole_number(value, what, 1, "a positive int or None")


def finite_real(value: object, what: str) -> float:
    """``value`` as a float if it is a finite real number (bool refused)."""
    if not is_real(value):
        raise TypeError(f"{what} must be a real number, got {describe(value)}")
    if not is_finite_real(value):
        raise ValueError(f"{what} must be finite, got {short_repr(value)}")
    return float(value)  # type: ignore[arg-type]


def non_negative(value: object, what: str) -> float:
    """``value`` as a float if it is a finite real number >= 0."""
    number = finite_real(value, what)
    if number < 0.0:
        raise ValueError(f"{what} must be >= 0, got {number!r}")
    return number


def positive_real(value: object, what: str) -> float:
    """``value`` as a float if it is a finite real number > 0."""
    number = finite_real(value, what)
    if number <= 0.0:
        raise ValueError(f"{what} must be > 0, got {number!r}")
    return number


def probability(value: object, what: str) -> float:
    """``value`` as a float in [0, 1): a dropout rate, a decay factor."""
    number = finite_real(value, what)
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {number!r}")
    return number


def unit_interval(value: object, what: str) -> float:
    """``value`` as a float strictly between 0 and 1: a fraction that leaves both sides non-empty."""
    number = finite_real(value, what)
    if not 0.0 < number < 1.0:
        raise ValueError(f"{what} must be in (0, 1), got {number!r}")
    return number


# ---------------------------------------------------------------- flags, names, randomness


def strict_bool(value: object, what: str) -> bool:
    """``value`` if it is a bool (1 and "yes" are refused: they hide mistakes)."""
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be a bool, got {describe(value)}")
    return value


def one_of(value: object, choices: Sequence[str], what: str, alternative: str = "") -> str:
    """``value`` if it is one of the names ``choices``; ``alternative`` extends the list ("or a callable")."""
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(choices) + (f" or {alternative}" if alternative else "")
        raise ValueError(f"unknown {what} {value!r}; expected one of {listed}")
    return value


def seed_or_none(value: object, what: str) -> int | None:
    """``value`` if it is an int seed or None."""
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        # Exactly int: random.Random hashes other kinds of seed, a silent surprise.
        raise TypeError(f"{what} seed must be an int or None, got {describe(value)}")
    return value


def pair(value: object, what: str, names: str) -> tuple[Any, Any]:
    """``value`` as a 2-tuple if it is a tuple or list of two; ``names`` shows the form, e.g. "(X_val, y_val)"."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{what} must be a pair {names}, got {describe(value)}")
    return value[0], value[1]


def rng_or_none(value: object) -> random.Random | None:
    """``value`` if it is a ``random.Random`` or None."""
    if value is not None and not isinstance(value, random.Random):
        raise TypeError(f"rng must be a random.Random or None, got {type(value).__name__}")
    return value


# ---------------------------------------------------------------- sequences


def _why_not_a_sequence(obj: object) -> str | None:
    """Why ``obj`` cannot be read as a sequence of items, or None if it can."""
    if isinstance(obj, (str, bytes)):
        return "text, not a list"
    if isinstance(obj, Mapping):
        return "a mapping: its keys would be read as the items"
    if isinstance(obj, Set):
        return "a set: it has no order"
    return None


def plain(obj: Any) -> Any:
    """An array-like (a NumPy array, a PyTorch tensor, a pandas object: anything with ``tolist()``)
    as nested Python lists of Python numbers; anything else as given.

    The one place data from other libraries is accepted: ``fit``, ``evaluate``,
    ``predict``, the scaler, the splits and the losses' targets all read it.
    """
    if isinstance(obj, (list, tuple, str, bytes)):
        return obj
    tolist = getattr(obj, "tolist", None)
    if callable(tolist):
        return tolist()
    return obj


def sequence(obj: object, message: str) -> Sequence[Any]:
    """``obj`` if it is a sequence, else TypeError: ``message``, then what ``obj`` is.

    ``message`` is the start of the error, e.g. "fit expects X to be a list".
    """
    reason = _why_not_a_sequence(obj)
    if reason is None and not isinstance(obj, Sequence):
        reason = "not a sequence"
    if reason is not None:
        raise TypeError(f"{message}, got {type(obj).__name__} ({reason})")
    return obj  # type: ignore[return-value]


def ordered_items(obj: object, message: str) -> list[Any]:
    """The items of ``obj`` (a sequence, or an iterator such as a generator) as a list.

    Raises TypeError (``message``, then what ``obj`` is) for text, mappings, sets
    and things that cannot be iterated.
    """
    reason = _why_not_a_sequence(obj)
    if reason is None and not isinstance(obj, Iterable):
        reason = "not a sequence"
    if reason is not None:
        raise TypeError(f"{message}, got {type(obj).__name__} ({reason})")
    items: Iterable[Any] = obj  # type: ignore[assignment]
    return list(items)


def model_input(x: object, owner: str, nin: int) -> None:
    """Check one example for a Neuron, Layer or MLP: ``nin`` real numbers or Values.

    Anything with a length whose items are numbers passes (a list, a tuple, a
    numpy row); the common all-float or all-Value list costs one set of types.

    Raises:
        TypeError: If ``x`` is not a sequence, or an item is not a number or Value.
        ValueError: If ``len(x) != nin``.
    """
    if type(x) is list or type(x) is tuple:
        kinds = set(map(type, x))
        simple = kinds <= {float, Value, int}
    else:
        simple = False
    if not simple:
        expected = f"{owner} expected a sequence of {nin} floats or Values"
        reason = _why_not_a_sequence(x)
        if reason is None and not hasattr(x, "__len__"):
            reason = "not a sequence"
        if reason is not None:
            raise TypeError(f"{expected}, got {type(x).__name__}: {short_repr(x)} ({reason})")
        items: Iterable[Any] = x  # type: ignore[assignment]
        for index, item in enumerate(items):
            if not (isinstance(item, Value) or is_real(item)):
                raise TypeError(
                    f"{expected}, got a {type(x).__name__} whose item {index} is {describe(item)}"
                )
    size = len(x)  # type: ignore[arg-type]
    if size != nin:
        raise ValueError(f"{owner} expected {nin} inputs, got {size}")


def _finite_item(item: object) -> bool:
    return is_finite_real(item.data if isinstance(item, Value) else item)


def _all_finite_floats(row: Any) -> bool:
    """The common case, decided at C speed: every item a float (exactly) and their sum finite.

    A NaN or an infinity makes the sum NaN or infinite; finite numbers whose sum
    overflows, and anything that is not all floats, go the item-by-item way.
    """
    return all([type(item) is float for item in row]) and math.isfinite(sum(row))


def finite_examples(X: object, what: str) -> list[Sequence[Any]]:
    """Rows of numbers (or Values), all as long as the first, every one finite.

    ``what`` names the reader in messages ("fit", "Scaler.fit").

    Raises:
        TypeError: If ``X`` or a row is not a sequence, or an item not a number.
        ValueError: If ``X`` is empty, rows differ in length, or an item is NaN or inf;
            the message gives the example's index.
    """
    rows = sequence(X, f"{what} expects a list of examples")
    if len(rows) == 0:
        raise ValueError(f"{what} expects at least one example, got an empty list")
    width: int | None = None
    for index, row in enumerate(rows):
        sequence(row, f"{what} expects each example to be a list of numbers, example {index} is")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ValueError(
                f"{what} expects every example to have {width} features, "
                f"example {index} has {len(row)}"
            )
        if _all_finite_floats(row):
            continue
        for position, item in enumerate(row):
            if not _finite_item(item):
                where = f"at example {index}, feature {position}"
                if not (isinstance(item, Value) or is_real(item)):
                    raise TypeError(f"{what} expects numbers, got {describe(item)} {where}")
                raise ValueError(f"{what} expects finite numbers, got {short_repr(item)} {where}")
    return list(rows)


def paired(X: object, y: object, what: str) -> None:
    """Check that ``X`` and ``y`` are lists with one label (or target) per example."""
    sequence(X, f"{what} expects X to be a list")
    sequence(y, f"{what} expects y to be a list")
    if len(X) != len(y):  # type: ignore[arg-type]
        raise ValueError(
            f"{what} expects one label per example, got {len(X)} examples and "  # type: ignore[arg-type]
            f"{len(y)} labels"  # type: ignore[arg-type]
        )


def finite_targets(y: Iterable[Any], what: str) -> None:
    """Refuse NaN and inf among numeric targets (numbers or lists of numbers), naming the example."""
    for index, target in enumerate(y):
        items = target if isinstance(target, (list, tuple)) else (target,)
        for item in items:
            if (isinstance(item, Value) or is_real(item)) and not _finite_item(item):
                raise ValueError(
                    f"{what} expects finite targets, got {short_repr(item)} at example {index}"
                )
