"""JSON that reads back exactly as it was written, with bounds a hostile file cannot pass.

``check`` decides, before anything is written, whether a value survives
``json.dumps`` then ``parse`` unchanged; ``parse`` refuses what ``check``
would have refused (NaN and Infinity, repeated keys, absurdly long integers,
deep nesting), so a file either loads as written or is refused with a
ValueError that says why, fast and without recursion or memory blow-ups.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .._checks import describe, short_repr

__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "check", "parse"]

MAX_DEPTH = 32
"""How deeply lists and objects may nest inside one value (``metadata``)."""

MAX_INT_DIGITS = 1000
"""The longest integer a file may hold (a trained weight is a float; this bounds parsing time)."""

_INT_LIMIT = 10**MAX_INT_DIGITS


def check(value: object, where: str, depth: int = 0) -> None:
    """Refuse what would not load back identically from JSON; ``where`` names the value in messages.

    Accepted: dicts with str keys, lists, str, int (up to :data:`MAX_INT_DIGITS`
    digits), finite float, bool and None, nested at most :data:`MAX_DEPTH` deep.

    Raises:
        ValueError: Naming the first offending item by its path, e.g.
            ``metadata['runs'][2]``, and what would work instead.
    """
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, int):
        if abs(value) >= _INT_LIMIT:
            raise ValueError(f"{where} has more than {MAX_INT_DIGITS} digits")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} is {value}, which JSON cannot hold; store a finite number")
        return
    if depth >= MAX_DEPTH and isinstance(value, (dict, list)):
        raise ValueError(f"{where} is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(
                    f"{where} has the key {short_repr(key)} ({type(key).__name__}); "
                    "JSON keys are strings, so it would load back as a different key"
                )
            check(item, f"{where}[{key!r}]", depth + 1)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            check(item, f"{where}[{index}]", depth + 1)
        return
    hint = "; use a list, it would load back as one" if isinstance(value, tuple) else ""
    raise ValueError(
        f"{where} is {describe(value)}, which JSON cannot hold as it is (it holds dicts "
        f"with string keys, lists, strings, numbers, booleans and None){hint}"
    )


def parse(text: str) -> Any:
    """``json.loads(text)``, refusing what :func:`check` refuses.

    Raises:
        json.JSONDecodeError: If ``text`` is not JSON (it has ``lineno``, ``colno``).
        ValueError: For NaN or Infinity, a number too large for a float, an
            integer over :data:`MAX_INT_DIGITS` digits, a repeated key in one
            object, or nesting deeper than Python's parser can follow.
    """
    try:
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
            object_pairs_hook=_unique_keys,
        )
    except RecursionError:
        raise ValueError("lists or objects nested too deeply to be a model file") from None


def _refuse_constant(constant: str) -> Any:
    # Python's json accepts NaN and Infinity, which are not JSON and not a trained weight.
    raise ValueError(f"non-finite number {constant} in the file (NaN or Infinity is not allowed)")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # e.g. 1e999, which float() turns into inf
        raise ValueError(f"non-finite number {text[:40]} in the file")
    return number


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(text.lstrip('-'))} digits in the file "
                         f"(at most {MAX_INT_DIGITS} are allowed)")
    return int(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would silently keep the last of two equal keys; a repeated
    # parameter name means the file was damaged or hand-edited.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {short_repr(key)} appears twice in one object")
        result[key] = value
    return result
