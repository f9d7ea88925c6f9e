"""The JavaScript printer: an expression tree of the source reading as JavaScript text.

The explorer page runs a graph's forward and backward in the browser from
this printer's output, so no derivative is written again in JavaScript: the
rows of the derivative table, read as source (:mod:`autograd.rules.source`),
print here as they print as Python and C.

Every function is called by its JavaScript spelling (each vocabulary
declaration's ``spellings["javascript"]``): ``Math``'s own where it has the
function (``Math.exp``, ``Math.tanh``), else one of the helpers in
:data:`JAVASCRIPT_HELPERS`, which compute what the float reading computes.
JavaScript numbers are IEEE doubles and its operators round as Python's do,
so a printed expression gives Python's result up to the last bits of the
``Math`` functions (V8's and libm's can differ by one unit in the last place).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .print_chain import print_chain
from .source import Binary, Call, Const, Expr, Maximum, Name, Negate, Pick, Select
from .vocabulary import VOCABULARY

__all__ = ["JAVASCRIPT_HELPERS", "JAVASCRIPT_SPELLINGS", "javascript_text"]

# JavaScript's precedences, loosest first (only the levels rules use).
CONDITIONAL, ADD, MULTIPLY, UNARY, ATOM = 2, 11, 12, 14, 17

JAVASCRIPT_SPELLINGS: dict[str, str] = {
    **{function.name: function.spellings.get("javascript", function.name) for function in VOCABULARY},
    "abs": "Math.abs",
}
"""How printed JavaScript calls each vocabulary function (and ``abs``)."""

JAVASCRIPT_HELPERS = r"""
// log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|).
function vg_softplus(x) { return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x))); }
// 1 / (1 + e^-x) without overflow for any input (NaN stays NaN).
function vg_sigmoid(x) {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const expX = Math.exp(x);
  return expX / (1 + expX);
}
// positive where x > 0, other where x <= 0, and x itself (NaN) otherwise.
function vg_select(x, positive, other) { return x > 0 ? positive : x <= 0 ? other : x; }
// 1, -1, or 0 at 0 (x * 0 keeps the NaN).
function vg_sign(x) { return x > 0 ? 1 : x < 0 ? -1 : x * 0; }
// x ** y as C99 (and Python's math.pow): 1 ** anything and anything ** 0 are 1, (-1) ** ±inf is 1.
function vg_pow(x, y) {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}
// The largest of xs as Python's max() finds it (the first of equals), NaN if one is.
function vg_maximum(xs) {
  let largest = xs[0];
  for (let i = 1; i < xs.length; i++) if (xs[i] > largest) largest = xs[i];
  if (largest === largest) for (let i = 0; i < xs.length; i++) if (xs[i] !== xs[i]) return xs[i];
  return largest;
}
// The position index names among count items, or -1: the nearest whole number (ties to even, as
// Python's round), a negative one counting from the end.
function vg_position(index, count) {
  if (!(index > -count - 1 && index < count + 1)) return -1;
  let nearest = Math.round(index);  // ties up: moved to the even neighbour below
  if (nearest - index === 0.5 && nearest % 2 !== 0) nearest -= 1;
  if (nearest < 0) nearest += count;
  return nearest >= 0 && nearest < count ? nearest : -1;
}
// The item index names (NaN if it names none).
function vg_pick(xs, index) {
  const position = vg_position(index, xs.length);
  return position < 0 ? NaN : xs[position];
}
// 1 where index names position at among count items, else 0.
function vg_picked(index, at, count) { return vg_position(index, count) === at ? 1 : 0; }
"""
"""The JavaScript each printed expression may need: the helpers for what ``Math`` lacks."""


def javascript_text(expr: Expr) -> str:
    """``expr`` as a JavaScript expression of numbers (names are printed as they are)."""
    return _PRINTERS[type(expr)](expr)[0]


def _wrapped(expr: Expr, level: int) -> str:
    """The text, in parentheses if it binds more loosely than ``level`` needs."""
    if type(expr) is Name:
        return expr.name
    printed, precedence = _PRINTERS[type(expr)](expr)
    return f"({printed})" if precedence < level else printed


def _name(expr: Name) -> tuple[str, int]:
    return expr.name, ATOM


def _const(expr: Const) -> tuple[str, int]:
    value = expr.value
    if value != value:
        return "NaN", ATOM
    if math.isinf(value):
        return ("Infinity" if value > 0 else "-Infinity"), UNARY
    printed = repr(value)  # the shortest decimal that reads back as these bits, in JavaScript too
    return printed, UNARY if printed[0] == "-" else ATOM


def _binary(expr: Binary) -> tuple[str, int]:
    return print_chain(expr, _printed, _wrapped, ADD, MULTIPLY)


def _printed(expr: Expr) -> tuple[str, int]:
    return _PRINTERS[type(expr)](expr)


def _negate(expr: Negate) -> tuple[str, int]:
    operand = _wrapped(expr.operand, UNARY)
    if operand.startswith("-"):  # "--x" would be JavaScript's decrement
        operand = f"({operand})"
    return f"-{operand}", UNARY


def _call(expr: Call) -> tuple[str, int]:
    return f"{JAVASCRIPT_SPELLINGS[expr.function]}({', '.join(map(javascript_text, expr.arguments))})", ATOM


def _select(expr: Select) -> tuple[str, int]:
    condition = expr.x
    if type(condition) is not Name:  # a call evaluates the condition once
        arguments = ", ".join(map(javascript_text, (condition, expr.positive, expr.other)))
        return f"{JAVASCRIPT_SPELLINGS['select']}({arguments})", ATOM
    x = condition.name
    positive = _wrapped(expr.positive, CONDITIONAL + 1)
    other = _wrapped(expr.other, CONDITIONAL + 1)
    return f"{x} > 0 ? {positive} : {x} <= 0 ? {other} : {x}", CONDITIONAL


def _maximum(expr: Maximum) -> tuple[str, int]:
    return f"{JAVASCRIPT_SPELLINGS['maximum']}([{', '.join(map(javascript_text, expr.items))}])", ATOM


def _pick(expr: Pick) -> tuple[str, int]:
    items = ", ".join(map(javascript_text, expr.items))
    return f"{JAVASCRIPT_SPELLINGS['pick']}([{items}], {javascript_text(expr.index)})", ATOM


_PRINTERS: dict[type, Callable[[Any], tuple[str, int]]] = {
    Name: _name, Const: _const, Binary: _binary, Negate: _negate, Call: _call, Select: _select,
    Maximum: _maximum, Pick: _pick,
}
"""The form of each kind of node (a node kind without one is a KeyError: the printer lacks it)."""
