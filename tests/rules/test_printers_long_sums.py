"""Each printer writes a chain of binary operators in time linear in its length.

A sum of many terms (``vsum``, a ``dot``, a fused training step) is one long
left spine; printing it by re-joining the growing text at every link would copy
the text once per term. Here the spine is 400,000 links long: its text is about
2.4 MB, so a printer that re-copied it per link would move about 5e11 bytes and
not finish; one that joins its parts once prints it in well under a second.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from autograd.rules.print_c import c_text
from autograd.rules.print_javascript import javascript_text
from autograd.rules.print_python import python_text
from autograd.rules.source import Binary, Name

PRINTERS: dict[str, Callable[[Any], str]] = {"python": python_text, "c": c_text, "javascript": javascript_text}
LINKS = 400_000


@pytest.mark.parametrize("language", sorted(PRINTERS))
def test_a_long_sum_prints_in_full_left_to_right(language: str) -> None:
    x, y = Name("x"), Name("y")
    terms: Any = x
    for _ in range(LINKS):
        terms = Binary("+", terms, y)
    assert PRINTERS[language](terms) == "x" + " + y" * LINKS


@pytest.mark.parametrize("language", sorted(PRINTERS))
def test_a_long_alternation_of_sums_and_products_keeps_every_parenthesis(language: str) -> None:
    x, y, z = Name("x"), Name("y"), Name("z")
    chain: Any = x
    for _ in range(LINKS // 2):
        chain = Binary("*", Binary("+", chain, y), z)
    printed = PRINTERS[language](chain)
    assert printed == "(" * (LINKS // 2) + "x" + " + y) * z" * (LINKS // 2)


@pytest.mark.parametrize("language", sorted(PRINTERS))
def test_a_right_operand_at_the_same_level_is_wrapped(language: str) -> None:
    a, b, c = Name("a"), Name("b"), Name("c")
    assert PRINTERS[language](Binary("-", a, Binary("-", b, c))) == "a - (b - c)"
    assert PRINTERS[language](Binary("-", Binary("-", a, b), c)) == "a - b - c"
    assert PRINTERS[language](Binary("/", Binary("*", a, b), Binary("+", b, c))) == "a * b / (b + c)"
