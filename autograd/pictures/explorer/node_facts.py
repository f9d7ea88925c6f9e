"""The explorer's only reads of engine details, one small function each.

Everything else in :mod:`autograd.pictures.explorer` sees a node through the public API
(``data``, ``grad``, ``label``, ``op``, ``parents``, ``is_leaf``, ``const``,
``local_grads()``) and through the functions here, so a change in the engine's
internals is met by re-pointing one function.
"""

from __future__ import annotations

from typing import Any

from ...core.numbers import format_number
from ...core.value import Value

# Private on purpose: these are the seams to re-point, not API.
__all__: list[str] = []


def _op_text(node: Value) -> str:
    """The op's display text, as ``draw_dot`` shows it (``* 2``, ``3-``, ``Σ + 1``)."""
    op = node._op
    return "" if op is None else op.caption_for(node.const, format_number)


def _local_derivatives(node: Value) -> list[float]:
    """d node / d parent for each parent (IEEE values: sqrt at 0 gives inf)."""
    return list(node.local_grads())


def _origin(node: Value) -> dict[str, Any] | None:
    """Where the user's code made ``node`` (file, line, function), or None.

    The engine records it only for nodes made under ``detect_anomaly``.
    """
    site = node.origin
    if site is None:
        return None
    return {"file": site.file, "line": site.line, "function": site.function}
