"""Pictures of a graph: static Graphviz drawings (``draw_dot``) and the interactive explorer.

``explore`` and :class:`ExplorerPage` need only the standard library. ``draw_dot``,
:class:`Drawing` and :class:`GraphvizNotFoundError` need the ``graphviz`` package
and are imported on first use. :mod:`autograd.pictures.dot_text` holds the
DOT-text helpers that drawings built on these use (``nn.draw_model`` does).
"""

from typing import Any

from .explorer import ExplorerPage, TrainingView, explore
from .facts import caption


def __getattr__(name: str) -> Any:
    # The Graphviz drawings need the graphviz package: imported on first use,
    # so that ``import autograd`` stays standard-library only.
    if name in ("draw_dot", "Drawing", "GraphvizNotFoundError"):
        from . import dot

        return getattr(dot, name)
    raise AttributeError(f"module 'autograd.pictures' has no attribute {name!r}")


__all__ = [
    "Drawing", "ExplorerPage", "GraphvizNotFoundError", "TrainingView", "caption", "draw_dot", "explore",
]
