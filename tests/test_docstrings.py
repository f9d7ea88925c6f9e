"""The engine's docstring examples run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import autograd
from autograd import TABLE

MODULES = sorted(
    f"autograd.{info.name}" for info in pkgutil.iter_modules(autograd.__path__) if info.name != "__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_print_what_they_show(name: str) -> None:
    rows = dict(TABLE)  # define_op's example adds a row: the other tests keep theirs
    try:
        failed, _ = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    finally:
        TABLE.clear()
        TABLE.update(rows)
    assert failed == 0
