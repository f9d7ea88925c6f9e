"""The explorer's only reads of engine details, one small function each.

Everything else in :mod:`autograd.explorer` sees a node through the public API
(``data``, ``grad``, ``label``, ``op``, ``parents``, ``is_leaf``, ``const``,
``local_grads()``) and through the functions here, so a change in the engine's
internals is met by re-pointing one function.
"""

from __future__ import annotations

from typing import Any

from ..engine import Value
from ..ops import TABLE

# Private on purpose: these are the seams to re-point, not API.
__all__: list[str] = []


def _number(x: float) -> str:
    return f"{x:.4g}"


def _op_text(node: Value) -> str:
    """The op's display text: its symbol with any folded constant (``* 2``, ``3-``, ``Σ + 1``).

    The same text ``draw_dot`` shows (``autograd.viz._op_text``), written out
    here because that module imports Graphviz and the explorer imports only
    the standard library. Re-point this to the engine's own op text when it has one.
    """
    if node.is_leaf:
        return ""
    op = TABLE[node.op]
    symbol = op.symbol
    const = node.const
    if isinstance(const, tuple):  # dot: (pairs, coefficients, constant)
        const = const[2]
        return symbol if const == 0.0 else f"{symbol} + {_number(const)}"
    if not isinstance(const, float):
        return symbol
    if op.name == "sum":
        return symbol if const == 0.0 else f"{symbol} + {_number(const)}"
    if op.name == "add_const" and const < 0.0:
        return f"- {_number(-const)}"
    if symbol.startswith("c"):  # c - x, c / x, c ** x: the constant comes first
        return _number(const) + symbol[1:]
    return f"{symbol} {_number(const)}"


def _local_derivatives(node: Value) -> list[float] | None:
    """d node / d parent for each parent, or None where a derivative is undefined (sqrt at 0)."""
    try:
        return [float(local) for local in node.local_grads()]
    except (ArithmeticError, ValueError):
        return None


def _origin(node: Value) -> dict[str, Any] | None:
    """Where the user's code made ``node`` (file, line, function), or None.

    The engine records a creation site only under anomaly mode, as
    ``node.origin``; until that attribute exists this returns None and the
    side panel shows no source line.
    """
    site = getattr(node, "origin", None)
    if site is None:
        return None
    line = getattr(site, "line", None)
    return {
        "file": str(getattr(site, "file", "")),
        "line": line if isinstance(line, int) else None,
        "function": str(getattr(site, "function", "")),
    }
