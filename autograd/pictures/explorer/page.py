"""The explorer page: one self-contained HTML file, and its inline form for Jupyter.

The page carries everything it needs: the graph as JSON in a
``<script type="application/json">`` element, the Graphviz layout library
(WebAssembly inside its script), the graph's program (its forward and backward,
printed from the derivative table, see ``program``), the page's script and
style. It loads nothing and sends nothing: its Content-Security-Policy allows no
network source at all, only its own three inline scripts (by hash),
WebAssembly, and a worker made from a ``blob:`` URL.

Labels are user data. In the page they are read with ``JSON.parse`` and shown
with ``textContent``, never as markup; in the JSON, ``<``, ``>`` and ``&`` are
written as ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no label can close the
script element that holds it. Inline in Jupyter the page is the ``srcdoc`` of a
sandboxed ``<iframe>`` (scripts only, opaque origin): several explorers in one
notebook cannot clash, and none can reach the notebook's own page.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ...safe_write import write_file

__all__ = ["ExplorerPage", "build_page", "script_json"]

_APP_SCRIPTS = ("graph_model.js", "runtime.js", "view.js", "panel.js", "stepper.js", "training.js", "main.js")
_LIBRARY = "graphviz/index.js"
# The library is an ES module ending in ``export{It as Graphviz,...};``: it is
# turned into a classic script (usable inline and in a worker made from its
# text) by making that export list a global object instead.
_EXPORTS = re.compile(r"export\s*\{([^{}]*)\};?\s*(//# sourceMappingURL=\S*\s*)?$")
_PLACEHOLDER = re.compile(r"@(CSP|TITLE|STYLE|DATA|LIBRARY|WORKER|PROGRAM|APP)@")


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", *name.split("/")).read_text("utf-8")


@lru_cache(maxsize=1)
def _library() -> str:
    """The vendored Graphviz module as a classic script defining ``vgGraphvizLibrary``."""
    source = _asset(_LIBRARY)
    match = _EXPORTS.search(source)
    if match is None:
        raise RuntimeError(
            f"the vendored layout library ({_LIBRARY}) no longer ends with an export "
            "list; see assets/graphviz/README.txt"
        )
    pairs = []
    for item in match.group(1).split(","):
        local, _, exported = item.strip().partition(" as ")
        pairs.append(f"{exported or local}:{local}")
    return source[: match.start()] + "globalThis.vgGraphvizLibrary={" + ",".join(pairs) + "};"


@lru_cache(maxsize=1)
def _app() -> str:
    parts = [_asset(name) for name in _APP_SCRIPTS]
    return "(function () {\n'use strict';\n" + "\n".join(parts) + "\n})();\n"


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (so no
    ``</script>`` or ``<!--`` can appear), and the line separators U+2028 and
    U+2029 are escaped too. ``JSON.parse`` reads the same values back.
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def build_page(data: dict[str, Any]) -> str:
    """The complete HTML of an explorer page for ``graph_data``'s output.

    ``data["script"]``, the graph's program (printed from the derivative
    table, see ``program``), becomes a script of its own, allowed by its hash.
    """
    data = dict(data)
    program = str(data.pop("script", "globalThis.vgProgram = null;\n"))
    library = _library()
    app = _app()
    policy = (
        "default-src 'none'; "
        f"script-src {_hash(library)} {_hash(program)} {_hash(app)} 'wasm-unsafe-eval'; "
        "worker-src blob:; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    title = str(data.get("title") or "computation graph")
    values = {
        "CSP": html.escape(policy),
        "TITLE": html.escape(title),
        "STYLE": _asset("explorer.css"),
        "DATA": script_json(data),
        "LIBRARY": library,
        "WORKER": _asset("layout_worker.js"),
        "PROGRAM": program,
        "APP": app,
    }
    # One pass over the template: inserted text is never searched again.
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], _asset("template.html"))


class ExplorerPage:
    """An interactive graph explorer: save it as a file, or display it in Jupyter.

    Args:
        html_text: The page, as :func:`build_page` makes it.
        height: The height of the inline view in Jupyter, in pixels.
        nodes: How many nodes the graph has (for the ``repr``).
    """

    def __init__(self, html_text: str, *, height: int = 640, nodes: int = 0) -> None:
        self.html = html_text
        self.height = height
        self.nodes = nodes

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (UTF-8): it opens from ``file://``, offline.

        Written as every file of the library is (:func:`autograd.extend.write_file`):
        to a regular file or a new path only, atomically.

        Returns:
            The path written.

        Raises:
            ValueError: If ``path`` is a device, a FIFO or a socket.
            OSError: If the page cannot be written; ``path`` is then left as it was.
        """
        write_file(path, self.html)
        return Path(path)

    def iframe(self) -> str:
        """The page as a sandboxed ``<iframe srcdoc=...>``: what Jupyter shows."""
        return (
            f'<iframe class="vg-explorer" srcdoc="{html.escape(self.html, quote=True)}" '
            'sandbox="allow-scripts" title="computation graph explorer" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ddd; '
            'border-radius: 4px;"></iframe>'
        )

    def _repr_html_(self) -> str:
        return self.iframe()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self.iframe(), "text/plain": repr(self)}

    def __repr__(self) -> str:
        # The size to a tenth of a MB: the page carries the explorer's scripts, whose exact
        # length changes from version to version; a notebook that prints a page stays the same.
        return f"<ExplorerPage: {self.nodes:,} nodes, {len(self.html) / 1e6:.1f} MB of HTML>"
