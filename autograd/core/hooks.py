"""Gradient hooks: where ``Value.register_hook`` keeps them (the sweep runs them).

A hook is a function of a gradient, ``hook(grad) -> replacement or None``,
run by :func:`autograd.core.sweep.reverse_sweep` once per sweep on each Value that
has hooks and is under the root (see ``Value.register_hook`` for when).

Where hooks live, and why:

* A Value's ``_hooks`` slot holds a :class:`Hooks` (a dict: handle number
  -> hook, in registration order). The slot is set only by ``register_hook``:
  ``record()`` never touches it, so building a node costs nothing more.
* A :class:`RemovableHandle` holds that object weakly, and its key: not the
  Value. Keeping a handle keeps nothing alive, and the library adds no
  reference cycle. (A hook closure that refers to its own Value makes the
  cycle Value -> hooks -> closure -> Value, which the collector frees, as in
  PyTorch; ``remove()`` breaks it.)
* :data:`live` is a weak set of the :class:`Hooks` that are not empty. A sweep
  asks it once whether any hook exists anywhere; when none does, as in
  every ordinary training step, the sweep runs exactly as it would without
  hooks. When some do, :func:`owners` maps the ``id`` of each Value that has
  hooks to them, and the sweep looks nodes up there (a dict lookup, cheaper
  than reading a slot that is usually unset). An id stays unique while its
  :class:`Hooks` is live, because the Value keeps its Hooks alive and the
  Hooks dies with the Value. Hooks on leaves need a look at every operand of
  the graph, hooks on op nodes a look at every op node; each look is made
  only when a live hook is of its kind.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["Hook", "Hooks", "Removable", "RemovableHandle", "live", "owners", "register"]

Hook = Callable[[Any], Any]
"""``hook(grad) -> number, Value or None``: the gradient in, a replacement (or None to keep it) out."""


class Hooks:
    """The hooks of one Value, by handle number, in registration order; false when empty."""

    __slots__ = ("__weakref__", "by_key", "on_leaf", "owner")

    def __init__(self, owner: int, on_leaf: bool) -> None:
        self.by_key: dict[int, Hook] = {}
        self.owner = owner  # the id of the Value whose hooks these are
        self.on_leaf = on_leaf  # whether that Value is a leaf (which never changes)

    def __bool__(self) -> bool:
        return bool(self.by_key)


live: weakref.WeakSet[Hooks] = weakref.WeakSet()
"""Every non-empty :class:`Hooks`: while it is empty, sweeps look for no hooks."""

_numbers = itertools.count()  # handle numbers; next() on a count is atomic in CPython


_Removable = TypeVar("_Removable", bound="Removable")


class Removable:
    """A registration that ``remove()`` undoes, and that a ``with`` block removes at its end."""

    __slots__ = ()

    def remove(self) -> None:
        """Undo the registration."""
        raise NotImplementedError

    def __enter__(self: _Removable) -> _Removable:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.remove()


class RemovableHandle(Removable):
    """What ``register_hook`` returns: ``remove()`` unregisters the hook (a context manager too)."""

    __slots__ = ("_hooks", "_key")

    def __init__(self, hooks: Hooks, key: int) -> None:
        self._hooks = weakref.ref(hooks)
        self._key = key

    def remove(self) -> None:
        """Unregister the hook; removing it again, or after its Value is gone, does nothing."""
        hooks = self._hooks()
        if hooks is None:
            return
        hooks.by_key.pop(self._key, None)
        if not hooks:
            live.discard(hooks)

    def __repr__(self) -> str:
        hooks = self._hooks()
        state_ = "registered" if hooks is not None and self._key in hooks.by_key else "removed"
        return f"<RemovableHandle {self._key}: {state_}>"


def register(node: Any, hook: Hook) -> RemovableHandle:
    """Add ``hook`` to ``node``'s hooks (after any it already has)."""
    if not callable(hook):
        raise TypeError(
            f"register_hook expects a function of the gradient, got {type(hook).__name__}: {hook!r}"
        )
    hooks: Hooks | None = getattr(node, "_hooks", None)  # unset until the first hook
    if hooks is None:
        hooks = node._hooks = Hooks(id(node), node._op is None)
    key = next(_numbers)
    hooks.by_key[key] = hook
    live.add(hooks)
    return RemovableHandle(hooks, key)


def owners() -> dict[int, Hooks]:
    """The hooks of every Value that has some, by the Value's ``id`` (once per sweep)."""
    return {hooks.owner: hooks for hooks in list(live) if hooks}
