"""Graph order and the one reverse sweep that serves ``backward`` and ``grad``.

* :func:`order_under` sorts the op nodes under a root, each before its own
  operands: an iterative depth-first post-order, so any depth works at the
  default recursion limit. A node's operands never change, so the order is
  sorted once and cached on the root (without the root itself, so the cache
  is not a reference cycle).
* :func:`reverse_sweep` visits the root and that order, asks each node's row
  of the derivative table for its local derivatives, and adds
  ``gradient × local derivative`` to each operand: into ``.grad`` (for
  ``backward``) or into a dict (for ``grad``), on floats or, to build a
  differentiable graph of the gradient, on Values.
* Gradient hooks (:mod:`autograd.core.hooks`) run as the sweep reaches each node
  that has some; when none is registered anywhere, the sweep does not look.
* Changing a Value's ``.data`` after a graph was built from it would make a
  sweep mix old results with the new value. Every write to ``.data`` ticks
  :data:`clock`, and every node remembers the tick it was built (or written)
  at; a sweep refuses a graph in which an operand is newer than a node made
  from it. When nothing was written since the graph's oldest node was built,
  that check is one comparison.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any, Protocol

from ..anomaly import check_backward
from ..rules.floats import FloatMath
from ..rules.op import Op
from . import hooks
from .modes import state
from .numbers import describe

__all__ = ["Node", "StaleGraphError", "clock", "order_under", "reverse_sweep"]


class Node(Protocol):
    """What the sweep reads and writes on a node (a :class:`autograd.Value`)."""

    grad: Any
    _order: Any  # unset, or (the order under this node, the clock reading it was checked at)

    @property
    def _data(self) -> float: ...

    @property
    def data(self) -> float: ...

    @property
    def label(self) -> str: ...

    @property
    def _op(self) -> Op | None: ...

    @property
    def _parents(self) -> tuple[Node, ...]: ...

    @property
    def _const(self) -> Any: ...

    @property
    def _stamp(self) -> int: ...


class Clock:
    """Counts writes to ``Value.data``; nodes are stamped with its reading."""

    now = 0


clock = Clock()
"""The one write clock."""


class StaleGraphError(ValueError):
    """A Value's ``.data`` was changed after a graph was built from it."""


# ---------------------------------------------------------------- order


def _sort(root: Node) -> tuple[tuple[Node, ...], int]:
    """The op nodes under ``root`` in reverse topological order (root excluded), and their oldest stamp."""
    order: list[Node] = []  # post-order: every node after its operands
    visited: set[Node] = set()
    oldest = root._stamp
    # Nodes to expand, and None markers: a None means "everything under the
    # node below me is finished", so that node goes into the post-order next.
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            node = stack.pop()
            order.append(node)
            if node._stamp < oldest:
                oldest = node._stamp
            continue
        # A node may be pushed twice before it is expanded; expand it only once,
        # and only when popped, so it is finished after everything under it.
        if node in visited:
            continue
        visited.add(node)
        stack.append(node)
        stack.append(None)
        for parent in reversed(node._parents):  # reversed: the first operand is walked first
            if parent._parents and parent not in visited:
                stack.append(parent)
    order.pop()  # the root, which the post-order puts last
    order.reverse()
    return tuple(order), oldest


def order_under(root: Node) -> tuple[Node, ...]:
    """The op nodes under ``root``, each before its own operands; root and leaves excluded.

    Raises:
        StaleGraphError: If a Value in the graph had its ``.data`` changed
            after a node was built from it.
    """
    cached: tuple[tuple[Node, ...], int] | None = getattr(root, "_order", None)  # unset at first
    if cached is None:
        cached = root._order = _sort(root)
    order, verified = cached
    if clock.now != verified:  # something was written since: was it in this graph?
        _refuse_changed_operands(root, order)
        root._order = (order, clock.now)
    return order


def _refuse_changed_operands(root: Node, order: tuple[Node, ...]) -> None:
    for node in itertools.chain((root,), order):
        for parent in node._parents:
            if parent._stamp > node._stamp:
                raise StaleGraphError(
                    f"the .data of {describe(parent)} was changed after the graph that uses it "
                    f"was built (it is an operand of {node._op.name if node._op else 'a node'}), "
                    "so backward would mix old and new values; run the forward pass again "
                    "after changing .data"
                )


# ---------------------------------------------------------------- the sweep


def reverse_sweep(root: Node, seed: Any, into: dict[Any, Any] | None = None, F: Any = FloatMath) -> None:
    """Propagate ``seed`` (d output / d root) from ``root`` to every node under it.

    Args:
        root: Where the sweep starts.
        seed: The gradient of the output with respect to ``root``.
        into: None to write each node's gradient to its ``.grad`` (``backward``:
            leaves accumulate, op nodes are reset first); or an empty dict that receives
            them, leaving every ``.grad`` untouched (``grad``).
        F: The reading of the rules: :class:`FloatMath` for floats, or one that
            builds Values (``into`` must then be a dict).

    A node whose gradient is exactly 0 passes nothing on, and its local
    derivatives are not computed: under a relu that is off or a hinge margin
    that is met, nothing flows back, whatever the derivative would be there.

    Gradient hooks (``Value.register_hook``) run on a node's complete gradient
    before it is passed on, and on a leaf's after the sweep. When no hook is
    registered anywhere, the loop runs exactly as it would without hooks.
    """
    hooked = hooks.owners() if hooks.live else None  # id -> hooks, for Values that have some
    on_values = F is not FloatMath
    if root._op is None:  # a leaf: nothing to propagate
        if hooked and id(root) in hooked:
            seed = hooks.run_hooks(root, seed, on_values)
        if into is None:
            root.grad += seed
        else:
            into[root] = seed
        return
    order = order_under(root)
    watch = state.anomaly
    if into is None:
        for node in order:
            node.grad = 0.0
        root.grad = seed
    else:
        into[root] = seed
    nodes: Iterable[Node] = itertools.chain((root,), order)
    leaves: list[tuple[Any, Any]] = []  # hooked leaves, with their .grad before the sweep
    if hooked:  # the loop below stays as it is: hooks run as each node is handed to it
        nodes, leaves = hooks.prepare_sweep(root, order, into, on_values, hooked)
    for node in nodes:
        grad_out = node.grad if into is None else into.get(node, 0.0)
        if grad_out == 0.0:  # a Value is never == 0.0: Values compare by identity
            continue
        op: Op = node._op  # type: ignore[assignment]  # the order holds op nodes only
        parents = node._parents
        local: Any
        if on_values:
            local = op.local(F, parents, node, node._const)
            if watch:
                check_backward(node, grad_out, local)
            _accumulate(into, parents, local, grad_out)  # type: ignore[arg-type]
            continue
        # On floats: one- and two-operand nodes are most nodes, and a tuple
        # display with unpacking is about twice as fast as a comprehension and a zip.
        arity = op.arity
        try:
            if arity == 1:
                (x,) = parents
                local = op.rule(F, x._data, node._data, node._const)
            elif arity == 2:
                x, y = parents
                local = op.rule(F, x._data, y._data, node._data)
            else:
                local = op.rule(F, [parent._data for parent in parents], node._data, node._const)
        except (ArithmeticError, ValueError):
            local = op.float_local([parent._data for parent in parents], node._data, node._const)
            if arity == 1:
                (local,) = local
        if watch:
            check_backward(node, grad_out, (local,) if arity == 1 else local)
        if into is not None:
            _accumulate(into, parents, (local,) if arity == 1 else local, grad_out)
        elif arity == 1:
            x.grad += grad_out * local
        elif arity == 2:
            dx, dy = local
            x.grad += grad_out * dx
            y.grad += grad_out * dy
        else:
            for parent, derivative in zip(parents, local, strict=True):
                parent.grad += grad_out * derivative
    if leaves:
        hooks.finish_leaves(leaves, into, on_values)


def _accumulate(into: dict[Any, Any], parents: Iterable[Node], local: Iterable[Any], grad_out: Any) -> None:
    for parent, derivative in zip(parents, local, strict=True):
        # Skip multiplying by a plain 1.0, so graphs of gradients stay small.
        term = grad_out if derivative == 1.0 else grad_out * derivative
        previous = into.get(parent)
        into[parent] = term if previous is None else previous + term
