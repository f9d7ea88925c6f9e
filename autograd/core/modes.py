"""Per-thread state: whether ops record the graph (``no_grad``, ``enable_grad``), and what is plugged in.

The state lives in a ``threading.local``, and so does the stack of states
that a context manager restores on exit. A context-manager object therefore
holds no state of its own: one instance can be shared by several threads (a
module-level ``NO_GRAD = no_grad()`` used in each), nested, or re-entered,
and each thread still gets back exactly the state it had.

Node building reads a single field, :attr:`ThreadState.recording`, that
combines grad mode with whether any interceptor is plugged in
(:mod:`autograd.core.interceptors`), so the hot path pays one lookup
whatever is on.
"""

from __future__ import annotations

import threading
from contextlib import ContextDecorator
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .interceptors import Interceptor

__all__ = ["RECORDS", "WATCHED", "Switch", "enable_grad", "is_grad_enabled", "no_grad", "state"]


# Bits of ThreadState.recording, what node building does.
RECORDS = 1  # ops record their op and operands (off under no_grad)
WATCHED = 2  # interceptors are plugged in: node building tells them


class ThreadState(threading.local):
    """The switches of one thread; a new thread starts recording, with nothing plugged in."""

    def __init__(self) -> None:
        self.grad_enabled = True
        self.interceptors: tuple[Interceptor, ...] = ()  # innermost last
        self.recording = RECORDS
        self.origins = False  # whether an interceptor wants nodes to remember where they were made
        self.saved: list[bool] = []  # the grad mode each open Switch restores
        self.plugs: list[tuple[Any, tuple[Any, ...]]] = []  # what each open Plug restores

    def set_grad_enabled(self, enabled: bool) -> None:
        """Switch grad mode, and recompute the combined field node building reads."""
        self.grad_enabled = enabled
        self.recording = (RECORDS if enabled else 0) | (WATCHED if self.interceptors else 0)
        for interceptor in self.interceptors:
            interceptor.grad_mode(enabled)

    def set_interceptors(self, interceptors: tuple[Interceptor, ...]) -> None:
        """Replace the stack of interceptors (see :func:`autograd.core.interceptors.plugged_in`)."""
        self.interceptors = interceptors
        self.recording = (RECORDS if self.grad_enabled else 0) | (WATCHED if interceptors else 0)
        self.origins = any(type(interceptor).records_origins for interceptor in interceptors)


state = ThreadState()
"""This process's per-thread switches."""


class Switch(ContextDecorator):
    """A context manager and decorator that sets this thread's grad mode until exit."""

    enabled: bool  # the grad mode inside

    def __enter__(self) -> None:
        state.saved.append(state.grad_enabled)
        state.set_grad_enabled(self.enabled)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        state.set_grad_enabled(state.saved.pop())


class no_grad(Switch):  # named like torch.no_grad
    """Turn graph recording off: ops give leaf Values with no parents.

    A context manager and a decorator; it nests, and it is thread-local (other
    threads keep recording), also when one instance is shared between threads.

    Examples:
        >>> from autograd import Value
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * 3
        >>> y.parents
        ()
    """

    enabled = False


class enable_grad(Switch):  # named like torch.enable_grad
    """Turn graph recording back on inside a ``no_grad`` block (nestable, thread-local)."""

    enabled = True


def is_grad_enabled() -> bool:
    """Whether ops in this thread record their operands."""
    return state.grad_enabled
