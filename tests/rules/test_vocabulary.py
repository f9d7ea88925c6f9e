"""The rule vocabulary is declared once: every reading answers exactly it, and Value's methods follow the rows."""

from __future__ import annotations

import ast
import inspect
import math
from typing import Any

import pytest

from autograd import Value, value_math
from autograd.rules import VOCABULARY, SourceMath, floats, table
from autograd.rules.vocabulary import NAMES, implemented, reading

READINGS = {
    "FloatMath": floats.FloatMath,
    "IEEE_MATH": floats.IEEE_MATH,
    "SourceMath": SourceMath,
    "ValueMath": value_math.ValueMath,
}


@pytest.mark.parametrize("name", sorted(READINGS))
def test_each_reading_implements_exactly_the_vocabulary(name: str) -> None:
    assert implemented(READINGS[name]) == NAMES


def test_a_reading_that_misses_or_adds_a_function_is_refused_when_made() -> None:
    every = {function.name: function.floats for function in VOCABULARY}
    without_exp = {key: value for key, value in every.items() if key != "exp"}
    with pytest.raises(TypeError, match=r"missing \['exp'\]"):
        reading("Partial", without_exp, "no exp")
    with pytest.raises(TypeError, match=r"not declared \['my_function'\]"):
        reading("Extra", {**every, "my_function": math.atan}, "one too many")


def test_the_vocabulary_names_each_function_once() -> None:
    names = [function.name for function in VOCABULARY]
    assert len(names) == len(set(names))


def test_the_float_readings_agree_where_python_does_not_raise() -> None:
    for function in VOCABULARY:
        if function.operands == 1:
            for x in (-1.5, 0.25, 2.0):
                if function.name in ("log", "sqrt") and x < 0:
                    continue
                assert function.ieee(x) == function.floats(x), function.name


def _declared_methods() -> set[str]:
    """The method names that :class:`~autograd.rules.table.Methods` declares to a type checker."""
    tree = ast.parse(inspect.getsource(table.Methods))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def _made_methods() -> set[str]:
    """The method names the rows and the operator list make."""
    from_operators = {name for name, *_ in table.OPERATORS}
    from_rows = {name for op in table.BUILT_IN for name in op.methods}
    return from_operators | from_rows


def test_the_type_checkers_method_list_matches_the_rows() -> None:
    assert _declared_methods() == _made_methods()


@pytest.mark.parametrize("method", sorted(_made_methods()))
def test_every_method_made_from_a_row_exists_on_value(method: str) -> None:
    assert callable(getattr(Value, method))


@pytest.mark.parametrize("op", table.BUILT_IN, ids=lambda op: op.name)
def test_a_rows_methods_apply_that_row(op: Any) -> None:
    for method in op.methods:
        x = Value(0.5)
        out = getattr(x, method)()
        assert out.op == op.name
