"""The one reverse sweep, serving ``backward`` and ``grad``, and the order it visits.

* :func:`order_under` gives the op nodes under a root, each before its own
  operands (:func:`autograd.core.walk.depth_first`, reversed). A node's
  operands never change, so the order is sorted once and cached on the root
  (without the root itself, so that the cache is not a reference cycle).
* :func:`reverse_sweep` visits the root and that order, asks each node's row
  of the derivative table for its local derivatives, and adds
  ``gradient × local derivative`` to each operand. It has two paths:

  - **floats**, the common case (``backward`` with no hook anywhere and no
    interceptor plugged in): gradients go straight into ``.grad``, the rule
    called with the signature of its arity. The built-in rules never raise
    there (each falls back to IEEE 754 values); once a rule of your own
    exists (``define_op``), which may, the ``.grad`` of every node is saved
    first and put back if the sweep raises;
  - **generic**: gradients gather in a dict, read on floats or on Values
    (``grad(create_graph=True)``), with the hook phases as plain steps
    (op nodes' hooks when the sweep reaches them, leaves' after it) and
    the plugged-in interceptors told of every node. Nothing is written to a
    ``.grad`` until the sweep has finished, so an exception on the way (a
    hook that raises, anomaly mode) leaves every ``.grad`` as it was.

  Both add the same terms in the same order, so they give the same bits.
* Changing a Value's ``.data`` after a graph was built from it would make a
  sweep mix old results with the new value. Every write to ``.data`` ticks
  :data:`clock`, and every node remembers the tick it was built (or written)
  at; a sweep refuses a graph in which an operand is newer than a node made
  from it. When nothing was written since the graph was last checked, that
  check is one comparison.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable
from typing import Any

from ..rules.floats import FloatMath
from ..rules.table import OwnRows
from . import hooks
from .modes import state
from .numbers import as_number, describe
from .walk import depth_first

__all__ = ["StaleGraphError", "clock", "order_under", "reverse_sweep"]


class Clock:
    """Counts writes to ``Value.data``; nodes are stamped with its reading."""

    now = 0


clock = Clock()
"""The one write clock."""


class StaleGraphError(ValueError):
    """A Value's ``.data`` was changed after a graph was built from it."""


# ---------------------------------------------------------------- order

_stamp = operator.attrgetter("_stamp")


def order_under(root: Any) -> tuple[Any, ...]:
    """The op nodes under ``root``, each before its own operands; root and leaves excluded.

    Raises:
        StaleGraphError: If a Value in the graph had its ``.data`` changed
            after a node was built from it.
    """
    cached: tuple[tuple[Any, ...], int] | None = getattr(root, "_order", None)  # unset at first
    if cached is None:
        post_order = depth_first((root,), leaves=False)
        post_order.pop()  # the root, which the post-order puts last
        post_order.reverse()
        order = tuple(post_order)
        # Stamped no later than the oldest node: checked once, now, if anything was written since.
        cached = root._order = (order, min(map(_stamp, order), default=root._stamp))
    order, verified = cached
    if clock.now != verified:  # something was written since: was it in this graph?
        _refuse_changed_operands(root, order)
        root._order = (order, clock.now)
    return order


def _refuse_changed_operands(root: Any, order: tuple[Any, ...]) -> None:
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


def reverse_sweep(root: Any, seed: Any, into: dict[Any, Any] | None = None, F: Any = FloatMath) -> None:
    """Propagate ``seed`` (d output / d root) from ``root`` to every node under it.

    Args:
        root: Where the sweep starts.
        seed: The gradient of the output with respect to ``root``.
        into: None to write each node's gradient to its ``.grad`` (``backward``:
            leaves accumulate, op nodes hold this sweep's gradient); or an
            empty dict that receives them, leaving every ``.grad`` untouched (``grad``).
        F: The reading of the rules: :data:`FloatMath` for floats, or one that
            builds Values (``into`` must then be a dict).

    A node whose gradient is exactly 0 passes nothing on, and its local
    derivatives are not computed: under a relu that is off or a hinge margin
    that is met, nothing flows back, whatever the derivative would be there.

    Gradient hooks (``Value.register_hook``) run on a node's complete gradient
    before it is passed on, and on a leaf's after the sweep.
    """
    interceptors = state.interceptors
    for interceptor in interceptors:
        interceptor.sweep_started(root, F is not FloatMath, into is None)
    hooked = hooks.owners() if hooks.live else None  # id -> hooks, for Values that have some
    if root._op is None:  # a leaf: nothing to propagate
        if hooked and id(root) in hooked:
            seed = run_hooks(root, seed, F is not FloatMath, interceptors)
        if into is None:
            root._grad += seed
        else:
            into[root] = seed
        return
    order = order_under(root)
    if into is None and not hooked and not interceptors and F is FloatMath:
        _sweep_floats(root, order, seed)
    else:
        _sweep_generic(root, order, seed, into, F, hooked or {}, interceptors)


_grad_of = operator.attrgetter("_grad")


def _sweep_floats(root: Any, order: tuple[Any, ...], seed: float) -> None:
    """The common case: floats, straight into ``.grad``, nothing plugged in.

    An exception raised by a rule of your own puts back the ``.grad`` every
    node had before, so that no sweep leaves gradients half accumulated.
    """
    if not OwnRows.defined:
        _accumulate_floats(root, order, seed)
        return
    written = (root, *_operands_under(root, order))
    saved = list(map(_grad_of, written))
    try:
        _accumulate_floats(root, order, seed)
    except BaseException:
        for node, previous in zip(written, saved, strict=True):
            node._grad = previous
        raise


def _operands_under(root: Any, order: tuple[Any, ...]) -> Iterable[Any]:
    """Every node under ``root``, each once: the distinct operands of it and of its op nodes."""
    # dict.fromkeys collects the distinct operands in C (a Value hashes by identity).
    return dict.fromkeys(itertools.chain.from_iterable(
        node._parents for node in itertools.chain((root,), order)))


def _accumulate_floats(root: Any, order: tuple[Any, ...], seed: float) -> None:
    for node in order:
        node._grad = 0.0
    root._grad = seed
    F = FloatMath
    for node in itertools.chain((root,), order):
        grad = node._grad
        if grad == 0.0:
            continue
        op = node._op
        parents = node._parents
        # One- and two-operand nodes are most nodes: calling the rule with the
        # signature of its arity and unpacking a tuple display is about twice
        # as fast as the uniform shape with a comprehension and a zip.
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
        if arity == 1:
            x._grad += grad * local
        elif arity == 2:
            local_x, local_y = local
            x._grad += grad * local_x
            y._grad += grad * local_y
        else:
            for parent, derivative in zip(parents, local, strict=True):
                parent._grad += grad * derivative


def _sweep_generic(
    root: Any,
    order: tuple[Any, ...],
    seed: Any,
    into: dict[Any, Any] | None,
    F: Any,
    hooked: dict[int, hooks.Hooks],
    interceptors: tuple[Any, ...],
) -> None:
    """Values, hooks or interceptors: gradients gather in a dict and are written at the end."""
    on_values = F is not FloatMath
    backward = into is None
    grads: dict[Any, Any] = {root: seed}
    hooked_leaves = _hooked_leaves(root, order, hooked) if hooked else []
    set_aside = {id(leaf) for leaf in hooked_leaves}
    nodes: Iterable[Any] = itertools.chain((root,), order)
    for node in nodes:
        grad = grads.get(node, 0.0)
        # Phase 1: an op node's hooks, on its complete gradient, before it is passed on.
        if id(node) in hooked:
            grad = grads[node] = run_hooks(node, grad, on_values, interceptors)
        if grad == 0.0:  # a Value is never == 0.0: Values compare by identity
            continue
        op = node._op
        parents = node._parents
        if on_values:
            local = op.local(F, parents, node, node._const)
        else:
            local = op.float_local([parent._data for parent in parents], node._data, node._const)
        for interceptor in interceptors:
            interceptor.swept(node, grad, local)
        for parent, derivative in zip(parents, local, strict=True):
            # Skip multiplying by a plain 1.0 (the same bits), so graphs of gradients stay small.
            term = grad if derivative == 1.0 else grad * derivative
            previous = grads.get(parent)
            if previous is None:
                if not backward:
                    grads[parent] = term
                    continue
                # As on the float path: an op node starts from 0.0 and a leaf from its
                # .grad (a leaf with hooks from 0.0: its hooks see this sweep's gradient).
                previous = 0.0 if parent._op is not None or id(parent) in set_aside else parent._grad
            grads[parent] = previous + term
    # Phase 2: the leaves' hooks, on this sweep's gradient alone.
    finished = {leaf: run_hooks(leaf, grads.get(leaf, 0.0), on_values, interceptors)
                for leaf in hooked_leaves}
    if not backward:
        into.update(grads)  # type: ignore[union-attr]
        into.update(finished)  # type: ignore[union-attr]
        return
    for node in order:
        node._grad = grads.get(node, 0.0)
    for node, grad in grads.items():
        if node._op is None and id(node) not in set_aside:
            node._grad = grad
    for leaf, grad in finished.items():
        leaf._grad = leaf._grad + grad
    root._grad = grads[root]


def run_hooks(node: Any, grad: Any, on_values: bool, interceptors: tuple[Any, ...]) -> Any:
    """``node``'s hooks applied in turn to ``grad``: each sees the previous one's replacement."""
    for hook in tuple(node._hooks.by_key.values()):  # a snapshot: a hook may remove itself
        result = hook(grad)
        if result is None:
            continue
        grad = _replacement(result, hook, node, on_values)
        for interceptor in interceptors:
            interceptor.hook_returned(node, hook, grad)
    return grad


def _replacement(result: Any, hook: Any, node: Any, on_values: bool) -> Any:
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


def _hooked_leaves(root: Any, order: tuple[Any, ...], hooked: dict[int, hooks.Hooks]) -> list[Any]:
    """The leaves under ``root`` that have hooks, in the order they are first reached."""
    if not any(entry.on_leaf for entry in hooked.values()):
        return []
    # dict.fromkeys collects the distinct operands in C (a Value hashes by identity)
    # and keeps their order; only those are tested in Python.
    operands = dict.fromkeys(itertools.chain.from_iterable(
        node._parents for node in itertools.chain((root,), order)))
    return [leaf for leaf in operands if leaf._op is None and id(leaf) in hooked]
