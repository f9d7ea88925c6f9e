"""``Registry``: the things of one kind known by name (losses, optimizers, data sets, activations, inits).

Each kind has exactly one registry, in the room that defines its entries; the
command line, ``fit`` and the docs read the names and what each entry carries
from there. A registry reads like the tuple of names it replaces: iterating
it gives the names in registration order, ``name in registry`` asks whether a
name is known, and ``", ".join(registry)`` lists them. ``registry[name]`` is
the entry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

from ._checks import one_of

__all__ = ["Registry"]

Entry = TypeVar("Entry")


class Registry(Mapping[str, Entry], Generic[Entry]):
    """Names of one kind, each with its entry, in registration order.

    Args:
        kind: What a name names, for messages ("loss", "optimizer", "data set").

    Examples:
        >>> sizes = Registry[int]("size")
        >>> sizes.register("small", 1)
        1
        >>> list(sizes), sizes["small"]
        (['small'], 1)
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry] = {}

    def register(self, name: str, entry: Entry) -> Entry:
        """Make ``entry`` known as ``name``; returns the entry.

        Raises:
            TypeError: If ``name`` is not a non-empty str.
            ValueError: If ``name`` is already registered.
        """
        if not isinstance(name, str) or not name:
            raise TypeError(f"a {self.kind} name must be a non-empty str, got {name!r}")
        if name in self._entries:
            raise ValueError(f"a {self.kind} named {name!r} is already registered")
        self._entries[name] = entry
        return entry

    def unregister(self, name: str) -> Entry:
        """Forget ``name``; returns its entry.

        Raises:
            KeyError: If ``name`` is not registered.
        """
        return self._entries.pop(name)

    def lookup(self, name: object, alternative: str = "") -> Entry:
        """The entry of ``name``, or a ValueError listing the known names.

        ``alternative`` extends the list in the message ("or a callable").
        """
        return self._entries[one_of(name, list(self._entries), self.kind, alternative)]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._entries

    def __getitem__(self, name: str) -> Entry:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self._entries)})"
