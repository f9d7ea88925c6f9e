"""DOT-text helpers for Graphviz pictures: ``draw_dot`` and drawings built on it (``nn.draw_model``).

DOT text is formatted here line by line rather than through
``Digraph.node``/``Digraph.edge``, because their per-call cost would dominate the time of
large drawings. Rendering needs Graphviz's ``dot``
program; without it :class:`Drawing` raises :class:`GraphvizNotFoundError`,
which says how to install it, while ``.source`` stays available.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Any

import graphviz

from ..core.numbers import format_number
from ..safe_write import write_file

__all__ = [
    "INSTALL_HINT",
    "LEAF_FILL",
    "MAX_LABEL_CHARACTERS",
    "OP_FILL",
    "PARAMETER_FILL",
    "RANKDIRS",
    "ROOT_FILL",
    "SUMMARY_FILL",
    "Drawing",
    "GraphvizNotFoundError",
    "attributes",
    "format_number",
    "install_hint",
    "make_drawing",
    "quote",
    "record_label",
    "shown",
    "table_label",
]

RANKDIRS = ("LR", "RL", "TB", "BT")


def install_hint(program: str = "dot") -> str:
    """What to do when Graphviz's ``program`` (``dot``, ``unflatten``) is missing."""
    return (
        f"Graphviz's {program!r} program was not found on PATH, so the graph cannot be "
        "rendered. Install Graphviz: 'sudo apt-get install graphviz' (Debian/Ubuntu), "
        "'brew install graphviz' (macOS) or 'conda install -c conda-forge graphviz', "
        "then restart Python. The DOT text is still available as the drawing's .source."
    )


INSTALL_HINT = install_hint()

# Fill colours: parameters (what training changes) stand out from inputs and
# constants; the root is the one node everything flows into.
ROOT_FILL = "#ffd966"
PARAMETER_FILL = "#cfe2ff"
LEAF_FILL = "#eeeeee"
OP_FILL = "#f7f7f7"
SUMMARY_FILL = "#fff2cc"



class GraphvizNotFoundError(RuntimeError):
    """Raised when a drawing is rendered but Graphviz's ``dot`` program is missing."""


@contextmanager
def _explain_missing_graphviz(program: str = "dot") -> Iterator[None]:
    try:
        yield
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFoundError(install_hint(program)) from error


# ---------------------------------------------------------------- the returned graph


class Drawing(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no types
    """A ``graphviz.Digraph`` whose rendering explains how to install Graphviz.

    ``render``, ``pipe``, ``view`` and ``unflatten`` raise
    :class:`GraphvizNotFoundError` (a ``RuntimeError``) with installation
    instructions instead of ``graphviz.ExecutableNotFound``. In Jupyter, a
    missing ``dot`` shows the instructions and the DOT source as text instead
    of a traceback. ``save`` and ``render`` write their files as every file of
    the library is written (:func:`autograd.extend.write_file`): to a regular
    file or a new path only, atomically; Graphviz itself writes only into a
    private temporary folder. Everything else is the ordinary ``graphviz.Digraph``.
    """

    def save(self, filename: Any = None, directory: Any = None, *, skip_existing: bool | None = False) -> str:
        """Write the DOT source (see ``graphviz.Digraph.save``), atomically, to a regular file or a new path.

        Raises:
            ValueError: If the path is a device, a FIFO or a socket.
            OSError: If it cannot be written; it is then left as it was.
        """
        if filename is not None:
            self.filename = filename
        if directory is not None:
            self.directory = directory
        path = str(self.filepath)
        if skip_existing and os.path.exists(path):
            return path
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        write_file(path, self.source.encode(self.encoding))
        return path

    def render(self, filename: Any = None, directory: Any = None, view: bool = False,
               cleanup: bool = False, format: str | None = None, *,
               outfile: Any = None, raise_if_result_exists: bool = False, quiet_view: bool = False,
               **kwargs: Any) -> str:
        """Write the source and the rendered file (see ``graphviz.Digraph.render``), each atomically.

        Graphviz renders into a private temporary folder; the files are then
        written where ``graphviz`` would have put them, as :meth:`save` writes.

        Raises:
            GraphvizNotFoundError: If Graphviz's ``dot`` program is not installed.
            ValueError: If a destination is a device, a FIFO or a socket.
        """
        if filename is not None:
            self.filename = filename
        if directory is not None:
            self.directory = directory
        source_path = str(self.filepath) if outfile is None or filename is not None else \
            str(Path(outfile).with_suffix(".gv"))
        user_filename, user_directory = self.filename, self.directory
        with tempfile.TemporaryDirectory() as private:
            inside = os.path.join(private, os.path.basename(source_path))
            try:
                with _explain_missing_graphviz():
                    rendered = str(super().render(
                        inside, directory=None, view=False, cleanup=cleanup, format=format,
                        outfile=None if outfile is None else os.path.join(private, Path(outfile).name),
                        **kwargs,
                    ))
            finally:
                self.filename, self.directory = user_filename, user_directory
            target = str(outfile) if outfile is not None else \
                os.path.join(os.path.dirname(source_path), os.path.basename(rendered))
            if raise_if_result_exists and os.path.exists(target):
                raise graphviz.FileExistsError(f"output file exists: {target!r}")
            for path in (source_path, target):  # graphviz makes the folders it writes into
                if os.path.dirname(path):
                    os.makedirs(os.path.dirname(path), exist_ok=True)
            write_file(target, Path(rendered).read_bytes())
            if not cleanup and os.path.exists(inside):
                write_file(source_path, self.source.encode(self.encoding))
        if view:
            graphviz.view(target, quiet=quiet_view)
        return target

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """The rendered graph as bytes or str (see ``graphviz.Digraph.pipe``).

        Raises:
            GraphvizNotFoundError: If Graphviz's ``dot`` program is not installed.
        """
        with _explain_missing_graphviz():
            return super().pipe(*args, **kwargs)

    def unflatten(self, *args: Any, **kwargs: Any) -> Any:
        """See ``graphviz.Digraph.unflatten``.

        Raises:
            GraphvizNotFoundError: If Graphviz's ``unflatten`` program is not installed.
        """
        with _explain_missing_graphviz("unflatten"):
            return super().unflatten(*args, **kwargs)

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> dict[str, bytes | str]:
        # Jupyter calls this to display the object: SVG when dot is present, and
        # otherwise the instructions and the source as text rather than a traceback.
        try:
            return dict(super()._repr_mimebundle_(include, exclude, **kwargs))
        except GraphvizNotFoundError:
            return {"text/plain": f"{INSTALL_HINT}\n\n{self.source}"}


# ---------------------------------------------------------------- text helpers


MAX_LABEL_CHARACTERS = 200
"""Longer texts are shortened, ending in "…": Graphviz lays out, and may refuse, very long labels."""


def shown(text: str) -> str:
    """``text`` as a drawing shows it: control characters (NUL included) as escapes, at most 200 characters.

    Graphviz cannot take a NUL and mangles other control characters, so
    they are shown as Python writes them (``\\x00``); newlines stay.
    Every label of every drawing goes through this one function.

    Examples:
        >>> shown("a\\x00b")
        'a\\\\x00b'
    """
    text = "".join(
        character if character.isprintable() or character == "\n"
        else repr(character)[1:-1] for character in text
    )
    if len(text) > MAX_LABEL_CHARACTERS:
        text = text[: MAX_LABEL_CHARACTERS - 1] + "…"
    return text


def quote(text: str) -> str:
    """``text`` as a double-quoted DOT string (as :func:`shown` shows it)."""
    text = shown(text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _escape_record_field(text: str) -> str:
    # In a record label these characters delimit fields and ports; a backslash
    # makes them literal. Backslashes are doubled first, before any are added.
    text = shown(text).replace("\\", "\\\\").replace("\n", " ")
    for special in '{}|<>"':
        text = text.replace(special, "\\" + special)
    return text


def record_label(*fields: str | tuple[str, ...], flip: bool = False) -> str:
    """A quoted record label with one field per argument, special characters escaped.

    Args:
        *fields: Field texts; ``{ } | < > "`` and backslashes are shown literally.
            A tuple of texts is a group of sub-fields laid out in the other
            direction (a row of a column, or a column of a row).
        flip: Wrap the fields in braces, which turns Graphviz's field direction
            (across instead of down in a left-to-right graph).

    Returns:
        The label, ready to be used as ``label=...`` in a DOT statement.

    Examples:
        >>> record_label("x", ("a|b", "c"))
        '"x | { a\\\\|b | c }"'
    """
    parts = [
        "{ " + " | ".join(map(_escape_record_field, field)) + " }"
        if isinstance(field, tuple)
        else _escape_record_field(field)
        for field in fields
    ]
    body = " | ".join(parts)
    return '"' + ("{ " + body + " }" if flip else body) + '"'


def table_label(rows: Sequence[Sequence[str]], fill: str) -> str:
    """An HTML-like label: a small table with a row per sequence, a cell per text.

    Use it with ``shape=plain``. Unlike records, such nodes can be ordered by
    invisible same-rank edges (Graphviz loses flat edges between records).

    Args:
        rows: The cells' texts, row by row; a shorter row's last cell spans the rest.
        fill: The background colour.

    Returns:
        The label, ready to be used as ``label=...`` in a DOT statement.
    """
    columns = max((len(row) for row in rows), default=1)
    html = [
        f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="3" '
        f'bgcolor="{escape(fill)}">'
    ]
    for row in rows:
        cells = []
        for position, text in enumerate(row):
            span = columns - len(row) + 1 if position == len(row) - 1 else 1
            colspan = f' colspan="{span}"' if span > 1 else ""
            cells.append(f"<td{colspan}>{escape(shown(text))}</td>")
        html.append("<tr>" + "".join(cells) + "</tr>")
    html.append("</table>>")
    return "".join(html)


def make_drawing(
    lines: Iterable[str],
    *,
    graph_attr: Mapping[str, str],
    node_attr: Mapping[str, str],
    edge_attr: Mapping[str, str],
    title: str | None = None,
) -> Drawing:
    """A :class:`Drawing` of DOT statements, with an optional title on top.

    Args:
        lines: DOT statements, one per item, without the newline; empty ones are skipped.
        graph_attr: Attributes of the whole graph (``rankdir`` and the like).
        node_attr: Default attributes of every node.
        edge_attr: Default attributes of every edge.
        title: Text shown above the graph, in Helvetica, or None for no title.

    Returns:
        The drawing, whose ``.source`` lists the statements in the order given.
    """
    if title is not None:
        graph_attr = {**graph_attr, "label": title, "labelloc": "t", "fontname": "Helvetica"}
    drawing = Drawing(graph_attr=graph_attr, node_attr=node_attr, edge_attr=edge_attr)
    drawing.body.extend(line + "\n" for line in lines if line)
    return drawing


def attributes(attrs: Mapping[str, str]) -> str:
    """`` [key="value" ...]`` for a DOT statement (empty for no attributes), every value quoted."""
    if not attrs:
        return ""
    return " [" + " ".join(f"{key}={quote(value)}" for key, value in attrs.items()) + "]"
