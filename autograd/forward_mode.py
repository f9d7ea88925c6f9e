"""Forward mode: tangents carried beside the values while a function runs (for ``jvp``).

Reverse mode records a graph and sweeps it backwards from one output.
Forward mode pushes a tangent, the derivative along one direction of the
inputs, forward with every op as it runs: a node's tangent is the sum of its
local derivatives times its operands' tangents, read from the same rule of
the derivative table as ``backward`` reads (``Op.float_local``).

No graph is needed for it. While :func:`carrying_tangents` is open, a
:class:`ForwardMode` interceptor is plugged into the engine with a side table
(Value -> tangent), and hears of every node made. When no ``jvp`` is
running, nothing here runs.

``carrying_tangents`` also turns graph recording off, so a ``jvp`` builds no
reverse graph. A function that turns it back on (``enable_grad()``) gets both:
nodes recorded and tangents carried, which is forward-over-reverse: the
tangents of ``grad(f(x), x, create_graph=True)`` are Hessian-vector products.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .core.interceptors import Interceptor, plugged, plugged_in
from .core.modes import no_grad, state
from .core.value import Value
from .rules.op import Op

__all__ = ["ForwardMode", "carrying_tangents"]


class ForwardMode(Interceptor):
    """The interceptor behind ``jvp``: each node made gets its tangent in :attr:`tangents`."""

    needs_every_op = True

    def __init__(self, tangents: dict[Any, float]) -> None:
        self.tangents = tangents

    def made(self, out: Value, op: Op, operands: tuple[Value, ...], const: Any, recorded: bool) -> None:
        """Put ``out``'s tangent in the side table: Σ local derivative × operand tangent."""
        tangents = self.tangents
        incoming = [tangents.get(operand, 0.0) for operand in operands]
        if not any(incoming):  # constant along the direction: no derivative is needed
            return
        local = op.float_local([operand._data for operand in operands], out._data, const)
        for interceptor in state.interceptors:
            interceptor.tangent(out, op, operands, incoming, local)
        tangent = 0.0
        for arriving, derivative in zip(incoming, local, strict=True):
            # A zero tangent contributes nothing, whatever the derivative (an
            # infinite one included), as backward passes nothing for a zero gradient.
            if arriving != 0.0:
                tangent += arriving * derivative
        tangents[out] = tangent


@contextmanager
def carrying_tangents(tangents: dict[Any, float]) -> Iterator[None]:
    """Carry ``tangents`` (Value -> tangent, absent meaning 0.0) through every op, graph off.

    Raises:
        RuntimeError: If a ``jvp`` is already running in this thread.
    """
    if plugged(ForwardMode):
        raise RuntimeError(
            "jvp cannot run inside another jvp: each Value carries one tangent, so the outer "
            "one's would be lost; for second derivatives, take the jvp of a grad(..., "
            "create_graph=True) inside enable_grad() (forward-over-reverse)"
        )
    with no_grad(), plugged_in(ForwardMode(tangents)):
        yield
