"""Gradient hooks: where ``Value.register_hook`` keeps them, and how the sweep runs them.

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
import operator
import weakref
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

from ..anomaly import check_hook
from .modes import state
from .numbers import as_number

__all__ = [
    "Hook",
    "Hooks",
    "Removable",
    "RemovableHandle",
    "finish_leaves",
    "live",
    "owners",
    "prepare_sweep",
    "register",
    "run_hooks",
    "running_hooks",
    "set_aside_leaves",
]

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
_operands = operator.attrgetter("_parents")


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


def prepare_sweep(
    root: Any, order: Iterable[Any], into: dict[Any, Any] | None, on_values: bool, hooked: dict[int, Hooks]
) -> tuple[Iterable[Any], list[tuple[Any, Any]]]:
    """The nodes for the sweep to visit, with op nodes' hooks run on the way, and the leaves set aside.

    Each part is skipped when no live hook is of its kind (hooks on parameters
    only, for clipping, need no look at op nodes).
    """
    nodes: Iterable[Any] = itertools.chain((root,), order)
    leaves: list[tuple[Any, Any]] = []
    if any(hooks.on_leaf for hooks in hooked.values()):
        leaves = set_aside_leaves(itertools.chain((root,), order), into, hooked)
    if not all(hooks.on_leaf for hooks in hooked.values()):
        nodes = running_hooks(nodes, into, on_values, hooked)
    return nodes, leaves


def running_hooks(
    nodes: Iterable[Any], into: dict[Any, Any] | None, on_values: bool, hooked: dict[int, Hooks]
) -> Iterator[Any]:
    """``nodes`` in order, each handed on after its hooks ran on its (complete) gradient.

    The sweep asks for the next node only when it has finished the previous
    ones, so every contribution to a node's gradient is in when its hooks run;
    the replacement is stored where the sweep then reads the gradient.
    """
    for node in nodes:
        if id(node) in hooked:
            grad = run_hooks(node, node.grad if into is None else into.get(node, 0.0), on_values)
            if into is None:
                node.grad = grad
            else:
                into[node] = grad
        yield node


def run_hooks(node: Any, grad: Any, on_values: bool) -> Any:
    """``node``'s hooks applied in turn to ``grad``: each sees the previous one's replacement."""
    for hook in tuple(node._hooks.by_key.values()):  # a snapshot: a hook may remove itself
        result = hook(grad)
        if result is None:
            continue
        grad = _replacement(result, hook, node, on_values)
        if state.anomaly:
            check_hook(node, hook, grad)
    return grad


def _replacement(result: Any, hook: Hook, node: Any, on_values: bool) -> Any:
    if isinstance(result, type(node)):  # a Value: kept on Values; on floats, its data
        return result if on_values else result._data
    number = as_number(result)
    if number is None:
        name = getattr(hook, "__qualname__", repr(hook))
        raise TypeError(
            f"hook {name} returned {type(result).__name__}: {result!r}; "
            "expected a number, a Value or None"
        )
    return number


# ---------------------------------------------------------------- leaves


def set_aside_leaves(
    nodes: Iterable[Any], into: dict[Any, Any] | None, hooked: dict[int, Hooks]
) -> list[tuple[Any, Any]]:
    """The leaves with hooks under ``nodes`` (the root and its order), each with its ``.grad``.

    For ``backward`` (``into`` None) their ``.grad`` is set to 0.0 for the
    sweep, so that afterwards it holds exactly this sweep's gradient, which
    the hooks see before it is added to the saved value.
    """
    # Every edge is looked at while hooks exist. dict.fromkeys collects the
    # distinct operands in C (a Value hashes by identity) and keeps their order;
    # only those few thousand are tested in Python: twice as fast as testing each edge.
    operands = dict.fromkeys(itertools.chain.from_iterable(map(_operands, nodes)))
    leaves = [(leaf, leaf.grad) for leaf in operands if id(leaf) in hooked and leaf._op is None]
    if into is None:
        for leaf, _ in leaves:
            leaf.grad = 0.0
    return leaves


def finish_leaves(leaves: list[tuple[Any, Any]], into: dict[Any, Any] | None, on_values: bool) -> None:
    """Run each set-aside leaf's hooks on its gradient from this sweep, then store it."""
    for leaf, saved in leaves:
        if into is None:
            leaf.grad = saved + run_hooks(leaf, leaf.grad, on_values)
        else:
            into[leaf] = run_hooks(leaf, into.get(leaf, 0.0), on_values)
