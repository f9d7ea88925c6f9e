"""The command line's argument types and bounds: text in, a checked value out.

Each ``*_arg`` function is an argparse ``type=``: argparse turns its
``ArgumentTypeError`` into "error: argument --x: ..." and exit status 2, never
a traceback. The checks themselves are :mod:`nn._checks`'s, so the library
and the command line accept the same values; only the wording is the command
line's own ("expected a positive integer, got '0'").

The bounds keep every run within what one machine holds: a scalar engine
spends about 200 bytes per parameter and per graph node, so half a million
parameters or a million points are already far past a useful run, and a
mistyped ``--hidden 99999999999999999999`` is refused at once instead of
allocating until the machine gives up.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

from .._checks import (
    non_negative,
    positive_int,
    positive_real,
    probability,
    short_repr,
    unit_interval,
    whole_number,
)

__all__ = [
    "MAX_CLASSES",
    "MAX_COUNT",
    "MAX_NOISE",
    "MAX_PARAMETERS",
    "finite_float_arg",
    "hidden_sizes_arg",
    "inputs_after_options",
    "noise_arg",
    "non_negative_float_arg",
    "non_negative_int_arg",
    "path_arg",
    "positive_float_arg",
    "positive_int_arg",
    "probability_arg",
    "seed_arg",
    "unit_interval_arg",
]

MAX_COUNT = 1_000_000
"""The largest ``--n``, ``--epochs``, ``--batch-size`` and ``--patience``."""
MAX_CLASSES = 100
"""The most classes of a data set whose number of classes is an option (spiral's arms)."""
MAX_NOISE = 100.0
"""Beyond this the toy data sets are noise alone (and 1e308 overflows the scaling)."""
MAX_PARAMETERS = 500_000
"""The largest MLP ``train`` builds; its model.json stays well under ``nn.files.serialize.MAX_FILE_BYTES``."""
SEED_BOUND = 2**63
"""Seeds are ints in [-SEED_BOUND, SEED_BOUND)."""


def _refuse(expected: str, text: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f"expected {expected}, got {short_repr(text)}")


def _passes(value: object, check: Callable[[object], object]) -> bool:
    try:
        check(value)
    except (TypeError, ValueError):
        return False
    return True


def _int_arg(text: str, smallest: int, largest: int, expected: str) -> int:
    try:
        value = int(text)
    except ValueError:  # also for more digits than int() reads
        raise _refuse(expected, text) from None
    if not _passes(value, lambda v: whole_number(v, "value", smallest, expected)):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
    if value > largest:
        raise argparse.ArgumentTypeError(f"expected at most {largest:,}, got {short_repr(text)}")
    return value


def positive_int_arg(text: str) -> int:
    """An int in [1, MAX_COUNT]: --n, --epochs, --classes (further bounded by the command)."""
    return _int_arg(text, 1, MAX_COUNT, "a positive integer")


def non_negative_int_arg(text: str) -> int:
    """An int in [0, MAX_COUNT]: --batch-size, --patience."""
    return _int_arg(text, 0, MAX_COUNT, "an integer >= 0")


def seed_arg(text: str) -> int:
    """An int seed in [-2**63, 2**63)."""
    return _int_arg(text, -SEED_BOUND, SEED_BOUND - 1, "an integer seed")


def finite_float_arg(text: str) -> float:
    """A finite float (no nan, no inf); ``-1e-3`` and ``.5`` work."""
    try:
        value = float(text)
    except ValueError:
        raise _refuse("a number", text) from None
    if not math.isfinite(value):
        raise _refuse("a finite number", text)
    return value


def _float_arg(text: str, check: Callable[[object], object], expected: str) -> float:
    value = finite_float_arg(text)
    if not _passes(value, check):
        raise _refuse(expected, text)
    return value


def non_negative_float_arg(text: str) -> float:
    """A finite float >= 0: --l2."""
    return _float_arg(text, lambda v: non_negative(v, "value"), "a number >= 0")


def positive_float_arg(text: str) -> float:
    """A finite float > 0: --lr."""
    return _float_arg(text, lambda v: positive_real(v, "value"), "a number > 0")


def noise_arg(text: str) -> float:
    """A noise level in [0, MAX_NOISE]."""
    value = non_negative_float_arg(text)
    if value > MAX_NOISE:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_NOISE:g}, got {short_repr(text)}")
    return value


def unit_interval_arg(text: str) -> float:
    """A number strictly between 0 and 1: --test-size."""
    return _float_arg(text, lambda v: unit_interval(v, "value"), "a fraction between 0 and 1")


def probability_arg(text: str) -> float:
    """A probability in [0, 1): --dropout."""
    return _float_arg(text, lambda v: probability(v, "value"), "a probability in [0, 1)")


def hidden_sizes_arg(text: str) -> list[int]:
    """Comma-separated positive layer sizes, e.g. ``16,16``; ``none`` for no hidden layer."""
    if text.strip().lower() in ("", "none"):
        return []
    sizes = []
    for part in text.split(","):
        try:
            size = int(part.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected comma-separated layer sizes such as 16,16, got {short_repr(text)}"
            ) from None
        if not _passes(size, lambda v: positive_int(v, "size")):
            raise argparse.ArgumentTypeError(
                f"layer sizes must be positive, got {size} in {short_repr(text)}"
            )
        if size > MAX_PARAMETERS:
            raise argparse.ArgumentTypeError(
                f"layer sizes must be at most {MAX_PARAMETERS:,}, got {size:,}"
            )
        sizes.append(size)
    return sizes


def path_arg(text: str) -> Path:
    """A path that is not empty (``Path("")`` would quietly mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a path, got an empty one")
    return Path(text)


def inputs_after_options(arguments: list[str], value_options: tuple[str, ...]) -> list[str]:
    """``arguments`` with every positional moved after ``--``, so ``-1e-3`` reads as a number.

    argparse takes ``-1e-3`` for an option (it knows negative numbers only in
    the forms ``-2`` and ``-.5``); after ``--`` everything is positional.
    ``value_options`` are the options that take a value (``--model``).
    """
    options: list[str] = []
    positionals: list[str] = []
    expects_value = False
    for index, argument in enumerate(arguments):
        if expects_value:
            options.append(argument)
            expects_value = False
        elif argument == "--":
            positionals.extend(arguments[index + 1 :])
            break
        elif argument.startswith("-") and not _is_number(argument):
            options.append(argument)
            expects_value = "=" not in argument and any(
                option.startswith(argument) for option in value_options if len(argument) > 2
            )
        else:
            positionals.append(argument)
    return [*options, "--", *positionals] if positionals else options


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
