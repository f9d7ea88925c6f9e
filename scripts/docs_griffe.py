"""A griffe extension for the API reference (mkdocs.yml names it under mkdocstrings' extensions).

The docstrings are Google style, and some name other objects with Sphinx's roles
(:func:`dot`, :class:`Value`), which Markdown would show as typed. Here each role becomes
a code span with the name alone (a leading ``~`` dropped), as the docstring meant it.
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension, Object

__all__ = ["SphinxRoles"]

ROLE = re.compile(r":(?:py:)?(?:func|class|meth|attr|mod|data|exc|obj|const):`~?([^`]+)`")


class SphinxRoles(Extension):
    """Rewrite ``:role:`name``` as ```name``` in every docstring of the reference."""

    def on_object(self, *, obj: Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(r"`\1`", obj.docstring.value)
