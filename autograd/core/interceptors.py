"""Interceptors: how a transformation plugs into the core without the core naming it.

The node (:mod:`autograd.core.value`), ``record`` and the sweep
(:mod:`autograd.core.sweep`) know only this protocol. While an
:class:`Interceptor` is plugged in (:func:`plugged_in`), they tell it what
happens in its thread: a node made, a decision taken on a number, a read of
``.data`` or ``.grad``, a write of ``.data``, a change of grad mode, a sweep
starting (and whether it writes ``.grad``), each node's local derivatives in
a sweep, a hook's result, another interceptor plugged in inside it. Anomaly
mode (:mod:`autograd.anomaly`), forward mode (:mod:`autograd.forward_mode`)
and the jit's tracer (:mod:`autograd.compiler.tracer`) are interceptors,
each in its own module.

Interceptors form a per-thread stack, innermost last, and every event goes to
each in turn, so transformations nest by the stack (anomaly mode inside a
``jvp``, a trace inside anomaly mode) without testing for one another.

With nothing plugged in, node building and the sweep pay one comparison
each, which they make anyway for grad mode. Reads of ``.grad`` are plain
slot reads until an interceptor that watches gradients is plugged in
somewhere; then, and only then, ``Value.grad`` becomes a property that
reports them (see :func:`_watch_gradients`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ContextDecorator, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from .modes import state

if TYPE_CHECKING:
    from ..rules.op import Op
    from .value import Value

__all__ = ["Interceptor", "Plug", "guard_state", "needing_every_op", "plugged", "plugged_in", "side_effect"]

_T = TypeVar("_T")
_I = TypeVar("_I", bound="Interceptor")


class Interceptor:
    """A transformation plugged into the engine; every method is a no-op until overridden.

    Attributes:
        needs_every_op: Whether this transformation must see each op of a
            function as it runs; while one is plugged in, a jit-compiled
            function runs as itself rather than replaying compiled code.
        records_origins: Whether nodes made while it is plugged in remember
            the user's line that made them (``Value.origin``).
        watches_gradients: Whether it wants to hear of reads of ``.grad``
            (which then cost a property call, in every thread, while it is plugged in).
    """

    needs_every_op: ClassVar[bool] = True
    records_origins: ClassVar[bool] = False
    watches_gradients: ClassVar[bool] = False

    def made(self, out: Value, op: Op, operands: tuple[Value, ...], const: Any, recorded: bool) -> None:
        """A node was made: ``out`` is ``op`` of ``operands``; ``recorded`` is False under ``no_grad``."""

    def decided(self, kind: str, node: Any, other: Any, outcome: Any) -> None:
        """A decision was taken on ``node``'s number: a comparison (``<`` ``<=`` ``>`` ``>=``),
        ``bool``, ``float``, ``int`` or ``round``, with the other operand or argument.

        ``outcome`` is what it gave, or :data:`~autograd.core.value.RAISED` for an
        ``int`` or ``round`` that raised (of NaN or inf), told before the error propagates.
        """

    def read_data(self, node: Value) -> None:
        """User code read ``node.data`` (or its ``repr``, which shows it)."""

    def wrote_data(self, node: Value, value: float) -> None:
        """User code is about to assign ``value`` to ``node.data``."""

    def read_grad(self, node: Value) -> None:
        """User code read ``node.grad`` (only told to interceptors that watch gradients)."""

    def wrote_grad(self, node: Value, value: Any) -> None:
        """User code assigned ``node.grad`` (only told to interceptors that watch gradients)."""

    def grad_mode(self, enabled: bool) -> None:
        """Grad mode was switched (``no_grad``, ``enable_grad``, or the end of one)."""

    def sweep_started(self, root: Value, create_graph: bool, writes_grad: bool) -> None:
        """A reverse sweep starts from ``root``: it builds Values (``create_graph``), and it
        writes ``.grad`` (``backward``) or returns the gradients (``grad``)."""

    def swept(self, node: Value, grad: Any, local: Sequence[Any]) -> None:
        """The sweep is about to pass ``grad`` × each local derivative to ``node``'s operands."""

    def hook_returned(self, node: Value, hook: Callable[[Any], Any], grad: Any) -> None:
        """A gradient hook on ``node`` returned ``grad`` (a replacement)."""

    def hooked(self, node: Value) -> None:
        """A gradient hook is being registered on ``node``."""

    def interceptor_plugged(self, interceptor: Interceptor) -> None:
        """``interceptor`` is being plugged in while this one is (inside it, in this thread)."""

    def side_effect(self, what: str, instead: str) -> None:
        """Library code has an effect beyond the values it computes (``what``, such as a
        forward hook running), and says what to do ``instead`` where it cannot be repeated
        (see :func:`side_effect`)."""

    def read_state(self, read: Callable[[], Any], value: Any) -> None:
        """Library code read state that a computation depends on: ``read()`` gave ``value``
        (see :func:`guard_state`)."""

    def detached(self, out: Value, source: Value) -> None:
        """``out`` is a new leaf holding ``source``'s number: made by ``source.detach()``, or
        by ``Value(x)`` of an object standing for ``source`` (a traced number)."""

    def tangent(self, out: Value, op: Op, operands: Sequence[Value], incoming: Sequence[float],
                local: Sequence[float]) -> None:
        """Forward mode is about to give ``out`` the tangent Σ incoming × local."""


@contextmanager
def plugged_in(interceptor: Interceptor) -> Iterator[Interceptor]:
    """Plug ``interceptor`` in for this thread until the block ends (innermost last)."""
    previous = _plug(interceptor)
    try:
        yield interceptor
    finally:
        _unplug(interceptor, previous)


class Plug(ContextDecorator):
    """A context manager and decorator that plugs a new interceptor in for this thread until exit.

    The object holds no state of its own (what exit restores is kept per
    thread), so one instance can be shared by threads, nested and re-entered,
    like ``no_grad``.
    """

    def interceptor(self) -> Interceptor:
        """The interceptor to plug in at each entry."""
        raise NotImplementedError

    def __enter__(self) -> None:
        interceptor = self.interceptor()
        state.plugs.append((interceptor, _plug(interceptor)))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        interceptor, previous = state.plugs.pop()
        _unplug(interceptor, previous)


def _plug(interceptor: Interceptor) -> tuple[Interceptor, ...]:
    previous = state.interceptors
    for outer in previous:
        outer.interceptor_plugged(interceptor)
    state.set_interceptors((*previous, interceptor))
    if type(interceptor).watches_gradients:
        _watch_gradients(+1)
    return previous


def _unplug(interceptor: Interceptor, previous: tuple[Interceptor, ...]) -> None:
    state.set_interceptors(previous)
    if type(interceptor).watches_gradients:
        _watch_gradients(-1)


def guard_state(read: Callable[[], _T]) -> _T:
    """``read()``, told to the plugged-in interceptors: state that what is computed next depends on.

    For library state that a computation depends on but that is neither an
    argument nor a Value (a module's training flag, a setting). Outside any
    transformation it is just ``read()``. Inside a jit trace, every replay
    first checks that ``read()`` still gives the same value (the same object,
    or an equal one of the same type), and traces again otherwise; keep
    ``read`` cheap, it runs before every replay.

    Examples:
        >>> class Settings:
        ...     training = True
        >>> settings = Settings()
        >>> guard_state(lambda: settings.training)
        True
    """
    value = read()
    for interceptor in state.interceptors:
        interceptor.read_state(read, value)
    return value


def side_effect(what: str, instead: str) -> None:
    """Tell the plugged-in interceptors of an effect beyond the values computed (a hook that runs).

    Outside any transformation nothing happens. Inside a jit trace it is
    refused: a replay runs compiled code, not the library's, so the effect
    would happen only while tracing; the trace raises ``JitError`` naming the
    user's line, ``what`` happened and ``instead``.

    Args:
        what: What happens, as a clause: ``"a forward hook of MLP ran"``.
        instead: What the user can do instead, as a sentence.
    """
    for interceptor in state.interceptors:
        interceptor.side_effect(what, instead)


def plugged(kind: type[_I]) -> list[_I]:
    """The interceptors of class ``kind`` plugged in for this thread, innermost last."""
    return [interceptor for interceptor in state.interceptors if isinstance(interceptor, kind)]


def needing_every_op() -> bool:
    """Whether a plugged-in interceptor must see every op (so compiled code must not replay)."""
    return any(type(interceptor).needs_every_op for interceptor in state.interceptors)


# ---------------------------------------------------------------- .grad, watched only when wanted

_gradient_watchers = 0
_watchers_lock = threading.Lock()
_plain_grad: Any = None  # Value's slot descriptor for ``_grad``, once the node module set it
_watched_grad: Any = None  # the property that reports reads and writes
_classes: list[type] = []  # the classes whose ``grad`` is swapped (Value)


def install_grad(value_class: type, slot: Any) -> None:
    """Called once by the node module: ``Value.grad`` reads the ``_grad`` slot directly.

    The slot's descriptor is bound under the name ``grad`` as well, so a read
    costs what a slot read costs; :func:`_watch_gradients` swaps in a property
    while any interceptor that watches gradients is plugged in.
    """
    global _plain_grad, _watched_grad

    def read(node: Value) -> Any:
        for interceptor in state.interceptors:
            if type(interceptor).watches_gradients:
                interceptor.read_grad(node)
        return slot.__get__(node, value_class)

    def write(node: Value, value: Any) -> None:
        for interceptor in state.interceptors:
            if type(interceptor).watches_gradients:
                interceptor.wrote_grad(node, value)
        slot.__set__(node, value)

    _plain_grad = slot
    _watched_grad = property(read, write, doc=slot.__doc__)
    cast(Any, value_class).grad = slot
    _classes.append(value_class)


def _watch_gradients(change: int) -> None:
    global _gradient_watchers
    with _watchers_lock:
        before = _gradient_watchers
        _gradient_watchers += change
        if (before == 0) != (_gradient_watchers == 0):
            descriptor = _watched_grad if _gradient_watchers else _plain_grad
            for value_class in _classes:
                cast(Any, value_class).grad = descriptor
