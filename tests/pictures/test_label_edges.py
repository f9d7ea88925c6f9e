"""Labels Graphviz cannot take (NUL, control characters, very long ones) are shown, not refused by dot."""

from __future__ import annotations

import shutil

import pytest

import nn
from autograd import Value, draw_dot
from autograd.pictures.dot_text import MAX_LABEL_CHARACTERS, shown

LABELS = {"NUL": "w\x00b", "bell and tab": "a\x07\tb", "escape": "\x1b[31mred", "long": "x" * 20_000,
          "long with quotes": '"{|}<>' * 5_000, "backslash at the cut": "a" * 198 + "\\\\\\"}


@pytest.mark.parametrize("label", LABELS.values(), ids=LABELS.keys())
def test_every_label_is_printable_and_at_most_the_limit(label: str) -> None:
    text = shown(label)
    assert all(character.isprintable() or character == "\n" for character in text)
    assert len(text) <= MAX_LABEL_CHARACTERS


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
@pytest.mark.parametrize("label", LABELS.values(), ids=LABELS.keys())
def test_dot_renders_a_value_drawing_with_any_label(label: str) -> None:
    x = Value(2.0, label=label)
    svg = draw_dot((x * x).tanh()).pipe(format="svg")
    assert b"<svg" in svg


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
@pytest.mark.parametrize("label", LABELS.values(), ids=LABELS.keys())
def test_dot_renders_a_model_drawing_with_any_parameter_label(label: str) -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    model.parameters()[0].label = label
    svg = nn.draw_model(model, example=[0.5, -0.5]).pipe(format="svg")
    assert b"<svg" in svg
