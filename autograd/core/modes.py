"""Whether ops record the graph, per thread: ``no_grad``, ``enable_grad``, ``is_grad_enabled``.

The state lives in a ``threading.local``, and so does the stack of states
that a context manager restores on exit. A context-manager object therefore
holds no state of its own: one instance can be shared by several threads (a
module-level ``NO_GRAD = no_grad()`` used in each), nested, or re-entered,
and each thread still gets back exactly the state it had.

Node building reads a single field, :attr:`ThreadState.recording`, that
combines every switch here, so the hot path pays one lookup whatever is on.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar, cast

__all__ = [
    "CHECKS",
    "RECORDS",
    "TANGENTS",
    "TRACES",
    "Switch",
    "enable_grad",
    "is_grad_enabled",
    "no_grad",
    "state",
]

_F = TypeVar("_F", bound=Callable[..., Any])

# Bits of ThreadState.recording, what node building does.
RECORDS = 1  # ops record their op and operands (off under no_grad)
CHECKS = 2  # anomaly mode: every result is checked, every node remembers its origin
TRACES = 4  # a jit trace is running: every node remembers its origin for the generated code
TANGENTS = 8  # a jvp is running: every node carries a tangent (see autograd.forward_mode)


class ThreadState(threading.local):
    """The switches of one thread; a new thread starts recording, anomaly mode off."""

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        self.tracer: Any = None  # the jit trace running in this thread, if any
        self.recording = RECORDS
        self.saved: list[tuple[bool, bool]] = []  # what each open context manager restores
        # jvp's side table (Value -> tangent) while it runs; see autograd.forward_mode.
        self.tangents: dict[Any, float] | None = None

    def set(self, *, grad_enabled: bool, anomaly: bool) -> None:
        """Switch, and recompute the combined field node building reads."""
        self.grad_enabled = grad_enabled
        self.anomaly = anomaly
        self.recording = (
            (RECORDS if grad_enabled else 0)
            | (CHECKS if anomaly else 0)
            | (TRACES if self.tracer is not None else 0)
            | (TANGENTS if self.tangents is not None else 0)
        )

    def set_tracer(self, tracer: Any) -> None:
        """Start (a tracer) or stop (None) a jit trace in this thread."""
        self.tracer = tracer
        self.set(grad_enabled=self.grad_enabled, anomaly=self.anomaly)


state = ThreadState()
"""This process's per-thread switches."""


class Switch:
    """A context manager and decorator that changes this thread's switches until exit."""

    def _switched(self, grad_enabled: bool, anomaly: bool) -> tuple[bool, bool]:
        raise NotImplementedError

    def __enter__(self) -> None:
        current = (state.grad_enabled, state.anomaly)
        state.saved.append(current)
        grad_enabled, anomaly = self._switched(*current)
        state.set(grad_enabled=grad_enabled, anomaly=anomaly)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        grad_enabled, anomaly = state.saved.pop()
        state.set(grad_enabled=grad_enabled, anomaly=anomaly)

    def __call__(self, function: _F) -> _F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return cast(_F, wrapper)


class no_grad(Switch):  # named like torch.no_grad
    """Turn graph recording off: ops give leaf Values with no parents.

    A context manager and a decorator; it nests, and it is thread-local (other
    threads keep recording), also when one instance is shared between threads.

    Example:
        >>> from autograd import Value
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * 3
        >>> y.parents
        ()
    """

    def _switched(self, grad_enabled: bool, anomaly: bool) -> tuple[bool, bool]:
        return False, anomaly


class enable_grad(Switch):  # named like torch.enable_grad
    """Turn graph recording back on inside a ``no_grad`` block (nestable, thread-local)."""

    def _switched(self, grad_enabled: bool, anomaly: bool) -> tuple[bool, bool]:
        return True, anomaly


def is_grad_enabled() -> bool:
    """Whether ops in this thread record their operands."""
    return state.grad_enabled
