"""The engine's docstring examples run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import autograd
from autograd import TABLE
from autograd.rules.table import add_row, remove_row

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(autograd.__path__, "autograd.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_print_what_they_show(name: str) -> None:
    rows = dict(TABLE)  # define_op's example adds a row: the other tests keep theirs
    try:
        failed, _ = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    finally:
        for added in set(TABLE) - set(rows):
            remove_row(added)
        for name_, op in rows.items():
            if TABLE[name_] is not op:  # redefined by an example: put the test's row back
                add_row(op)
    assert failed == 0
