"""The C printer: an expression tree of the source reading as C text.

Every function is called by its C spelling (each vocabulary declaration's
``spellings["c"]``): libm's own where it has the function (``exp``, ``tanh``,
``pow``), else one of the helpers in :data:`C_HELPERS`, which compute what
the float reading computes, operation for operation. Compiled without fast
math, without contraction into fused multiply-adds and without excess
precision (:data:`C_FLAGS`), and linked against the libm Python uses, the
printed C gives the same bits as the float reading of the same tree; the
operators are printed in the tree's own order, so a sum is added left to
right as in Python.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .print_chain import print_chain
from .source import Binary, Call, Const, Expr, Maximum, Name, Negate, Pick, Select
from .vocabulary import VOCABULARY

__all__ = ["C_FLAGS", "C_HELPERS", "C_SPELLINGS", "c_text"]

# C's precedences, loosest first (only the levels rules use).
CONDITIONAL, ADD, MULTIPLY, UNARY, ATOM = 3, 12, 13, 14, 16

C_SPELLINGS: dict[str, str] = {
    **{function.name: function.spellings.get("c", function.name) for function in VOCABULARY},
    "abs": "fabs",
}
"""How printed C calls each vocabulary function (and ``abs``)."""

C_FLAGS: tuple[str, ...] = (
    "-std=c11", "-O1", "-fPIC", "-shared",  # -O2 compiles long cases (a 300-term dot) 8x slower for 10% speed
    "-ffp-contract=off",  # a * b + c stays two roundings, as in Python
    "-fno-fast-math", "-fexcess-precision=standard",
    "-fno-builtin",  # pow(x, 2.0) stays libm's pow, as math.pow, not x * x
)
"""The compiler flags printed C needs to give the float reading's bits."""

C_HELPERS = r"""
#include <math.h>
#include <float.h>
#include <stdint.h>

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "valuegrad's C needs double arithmetic without excess precision (FLT_EVAL_METHOD == 0)"
#endif

/* log1p as Python's math.log1p: the sign of a zero is kept on every platform. */
static inline double vg_log1p(double x) { return x == 0.0 ? x : log1p(x); }

/* 1 / (1 + e^-x) without overflow for any input (NaN stays NaN). */
static inline double vg_sigmoid(double x) {
    if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
    double exp_x = exp(x);
    return exp_x / (1.0 + exp_x);
}

/* log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|). */
static inline double vg_softplus(double x) {
    return (x > 0.0 ? x : 0.0) + vg_log1p(exp(-fabs(x)));
}

/* positive where x > 0, other where x <= 0, and x itself (NaN) otherwise. */
static inline double vg_select(double x, double positive, double other) {
    return x > 0.0 ? positive : x <= 0.0 ? other : x;
}

/* 1, -1, or 0 at 0 (x * 0.0 keeps the NaN). */
static inline double vg_sign(double x) {
    if (x > 0.0) return 1.0;
    if (x < 0.0) return -1.0;
    return x * 0.0;
}

/* The largest of xs as Python's max() finds it (the first of equals), NaN if one is. */
static inline double vg_maximum(int64_t count, const double *xs) {
    double largest = xs[0];
    for (int64_t i = 1; i < count; i++) if (xs[i] > largest) largest = xs[i];
    if (largest == largest)
        for (int64_t i = 0; i < count; i++) if (xs[i] != xs[i]) return xs[i];
    return largest;
}

/* The position index names among count items, or -1: the nearest whole number (ties to even, as
   Python's round), a negative one counting from the end. Range first: no cast of NaN or a huge number. */
static inline int64_t vg_position(double index, int64_t count) {
    if (!(index > -(double)count - 1.0 && index < (double)count + 1.0)) return -1;
    int64_t position = (int64_t)nearbyint(index);
    if (position < 0) position += count;
    return position >= 0 && position < count ? position : -1;
}

/* The item index names (NaN if it names none): never a read outside xs. */
static inline double vg_pick(int64_t count, const double *xs, double index) {
    const int64_t position = vg_position(index, count);
    return position < 0 ? NAN : xs[position];
}

/* 1 where index names position at among count items, else 0. */
static inline double vg_picked(double index, double at, double count) {
    return (double)vg_position(index, (int64_t)count) == at ? 1.0 : 0.0;
}
"""
"""The C each printed expression may need: libm, and the helpers for what libm lacks."""


def c_text(expr: Expr) -> str:
    """``expr`` as a C expression of doubles (names are printed as they are)."""
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
        return "NAN", ATOM
    if math.isinf(value):
        return ("INFINITY" if value > 0 else "-INFINITY"), UNARY
    printed = repr(value)  # the shortest decimal that reads back as these bits
    return printed, UNARY if printed[0] == "-" else ATOM


def _binary(expr: Binary) -> tuple[str, int]:
    return print_chain(expr, _printed, _wrapped, ADD, MULTIPLY)


def _printed(expr: Expr) -> tuple[str, int]:
    return _PRINTERS[type(expr)](expr)


def _negate(expr: Negate) -> tuple[str, int]:
    operand = _wrapped(expr.operand, UNARY)
    if operand.startswith("-"):  # "--x" would be C's decrement
        operand = f"({operand})"
    return f"-{operand}", UNARY


def _call(expr: Call) -> tuple[str, int]:
    return f"{C_SPELLINGS[expr.function]}({', '.join(map(c_text, expr.arguments))})", ATOM


def _select(expr: Select) -> tuple[str, int]:
    condition = expr.x
    if type(condition) is not Name:  # a call evaluates the condition once
        arguments = ", ".join(map(c_text, (condition, expr.positive, expr.other)))
        return f"{C_SPELLINGS['select']}({arguments})", ATOM
    x = condition.name
    positive = _wrapped(expr.positive, CONDITIONAL + 1)
    other = _wrapped(expr.other, CONDITIONAL + 1)
    return f"{x} > 0.0 ? {positive} : {x} <= 0.0 ? {other} : {x}", CONDITIONAL


def _maximum(expr: Maximum) -> tuple[str, int]:
    items = ", ".join(map(c_text, expr.items))
    return f"{C_SPELLINGS['maximum']}({len(expr.items)}, (const double[]){{{items}}})", ATOM


def _pick(expr: Pick) -> tuple[str, int]:
    items = ", ".join(map(c_text, expr.items))
    return f"{C_SPELLINGS['pick']}({len(expr.items)}, (const double[]){{{items}}}, {c_text(expr.index)})", ATOM


_PRINTERS: dict[type, Callable[[Any], tuple[str, int]]] = {
    Name: _name, Const: _const, Binary: _binary, Negate: _negate, Call: _call, Select: _select,
    Maximum: _maximum, Pick: _pick,
}
"""The form of each kind of node (a node kind without one is a KeyError: the printer lacks it)."""
