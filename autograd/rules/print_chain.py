"""A chain of binary operators as text: the one walk the Python, C and JavaScript printers share.

The three languages agree on ``+ - * /``: left-associative, ``*`` and ``/``
binding tighter than ``+`` and ``-``. Each printer gives its own precedence
numbers and how it prints any other expression; this module walks the chain.
"""

from __future__ import annotations

from collections.abc import Callable

from .source import Binary, Expr

__all__ = ["print_chain"]


def print_chain(
    expr: Binary,
    printed: Callable[[Expr], tuple[str, int]],
    wrapped: Callable[[Expr, int], str],
    add: int,
    multiply: int,
) -> tuple[str, int]:
    """``expr`` as text and its precedence, printed without recursing down its left side.

    A sum of many terms (``vsum``, a ``dot``) is a tree as deep as it is long,
    so its left spine is walked in a loop; right operands are shallow. The
    text is collected in parts and joined once (a sum of 100,000 terms prints
    in linear time); wrapping all that is printed so far in parentheses is an
    opening one counted for the front and a closing one in place.

    Args:
        expr: The chain's last operator.
        printed: The printer's text and precedence of any expression.
        wrapped: The printer's text of an expression, in parentheses if it
            binds more loosely than the level given.
        add: The printer's precedence of ``+`` and ``-``.
        multiply: Its precedence of ``*`` and ``/``.
    """
    spine: list[Binary] = []
    node: Expr = expr
    while type(node) is Binary:
        spine.append(node)
        node = node.left
    text, precedence = printed(node)
    parts = [text]
    opened = 0
    for link in reversed(spine):
        level = add if link.operator in "+-" else multiply
        if precedence < level:
            opened += 1
            parts.append(")")
        # Left-associative: the right operand needs parentheses at the same level (a - (b - c)).
        parts.append(f" {link.operator} {wrapped(link.right, level + 1)}")
        precedence = level
    return "(" * opened + "".join(parts), precedence
