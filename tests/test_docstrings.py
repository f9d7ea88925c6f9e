"""The engine's docstring examples run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import autograd

MODULES = sorted(
    f"autograd.{info.name}" for info in pkgutil.iter_modules(autograd.__path__) if info.name != "__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_print_what_they_show(name: str) -> None:
    failed, _ = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert failed == 0
