"""Anomaly mode: the first non-finite number, forward or backward, named at the user's line.

Outside anomaly mode numbers follow IEEE 754 silently (``log(0)`` is
``-inf``, ``0 * inf`` is NaN), as in NumPy and PyTorch. Inside
``detect_anomaly()``, an interceptor (:class:`AnomalyMode`) is plugged into
the engine, and:

* every node remembers where it was made: the first frame outside the library
  (``autograd``, and packages that call ``autograd.extend.register_library``,
  such as ``nn``), as a small origin (file, line, function) — no traceback
  objects are kept;
* forward: the first op whose result is not finite raises
  :class:`AnomalyError`, saying whether it made the problem from finite
  inputs or passed on a non-finite input, and where that input came from;
* backward: the first node whose gradient contribution is not finite raises,
  naming the op, the line that made the node, the gradient that arrived and
  the local derivative, and whether the node made the problem or passed it on;
  a gradient hook that returns a non-finite number is named too;
* forward mode (``jvp``): the first tangent that is not finite raises, in the
  same terms as backward.

The switch is thread-local, like ``no_grad``. With it off, node building and
the sweep pay nothing for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .core.interceptors import Interceptor, Plug, plugged
from .core.numbers import describe_operands
from .core.origins import Origin
from .core.value import Value
from .rules.op import Op

__all__ = ["AnomalyError", "AnomalyMode", "detect_anomaly", "is_anomaly_enabled"]


class AnomalyError(ArithmeticError):
    """A non-finite number appeared under ``detect_anomaly``; the message says where."""


class AnomalyMode(Interceptor):
    """The interceptor behind ``detect_anomaly``: every number the engine makes, checked."""

    needs_every_op = True
    records_origins = True

    def made(self, out: Value, op: Op, operands: tuple[Value, ...], const: Any, recorded: bool) -> None:
        check_forward(op.name, operands, out._data, const, out.origin)

    def swept(self, node: Value, grad: Any, local: Sequence[Any]) -> None:
        check_backward(node, grad, local)

    def hook_returned(self, node: Value, hook: Callable[[Any], Any], grad: Any) -> None:
        check_hook(node, hook, grad)

    def tangent(self, out: Value, op: Op, operands: Sequence[Value], incoming: Sequence[float],
                local: Sequence[float]) -> None:
        check_tangent(op.name, out.origin, operands, incoming, local)


class detect_anomaly(Plug):  # named like torch.autograd.detect_anomaly
    """Raise :class:`AnomalyError` at the first non-finite result, naming the user's line.

    A context manager and a decorator; thread-local; nests with ``no_grad``,
    ``jvp`` and other transformations. Nodes made inside it remember their
    :class:`~autograd.core.origins.Origin` (see ``Value.origin``). A training
    step runs slower inside it (benchmarks/RESULTS.md measures how much).

    Examples:
        >>> from autograd import Value
        >>> with detect_anomaly():
        ...     Value(0.0).log()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        autograd.anomaly.AnomalyError: log at ...: made -inf from 0.0
    """

    def interceptor(self) -> Interceptor:
        return AnomalyMode()


def is_anomaly_enabled() -> bool:
    """Whether anomaly mode is on in this thread."""
    return bool(plugged(AnomalyMode))


# ---------------------------------------------------------------- forward


def check_forward(
    op_name: str, operands: Sequence[Any], data: float, const: Any, origin: Origin | None
) -> None:
    """Raise if the result ``data`` of a node being made (at ``origin``) is not finite."""
    if math.isfinite(data):
        return
    where = f"{op_name} at {origin}" if origin is not None else op_name
    for position, operand in enumerate(operands):
        if _same_kind(operand.data, data):
            raise AnomalyError(
                f"{where} passed on {operand.data!r} from its operand {position}, "
                f"{_source_of(operand)}"
            )
    # Finite operands, or a different kind of non-finite one (inf - inf is nan): made here.
    # Say where operands made by other ops came from: the bad input may have been made there.
    sources = [
        f"operand {position} from {operand._op.name} at {operand.origin}"
        for position, operand in enumerate(operands[:4])
        if operand._op is not None and operand.origin is not None
    ]
    came = f" ({'; '.join(sources)})" if sources else ""
    raise AnomalyError(f"{where}: made {data!r} from {describe_operands(operands, const)}{came}")


def _same_kind(operand: float, result: float) -> bool:
    """Whether a non-finite ``result`` is ``operand``'s kind passed on: nan from nan, inf from inf."""
    if math.isnan(result):
        return math.isnan(operand)
    return math.isinf(operand)


def _source_of(node: Any) -> str:
    if node._op is None:
        return f"a leaf{f' (Value label {node.label!r})' if node.label else ''}"
    origin = node.origin
    made = f"made by {node._op.name}"
    return f"{made} at {origin}" if origin is not None else f"{made} outside anomaly mode"


# ---------------------------------------------------------------- backward


def check_backward(node: Any, grad_out: Any, local: Sequence[Any]) -> None:
    """Raise if a gradient contribution of ``node`` to an operand is not finite."""
    for position, derivative in enumerate(local):
        contribution = grad_out * derivative
        if math.isfinite(contribution):
            continue
        operand = node._parents[position]
        at = f"at input {operand._data!r}"
        if not math.isfinite(grad_out):
            cause = f"passed on gradient {grad_out!r} that arrived (local derivative {derivative!r} {at})"
        else:
            cause = f"local derivative {derivative!r} {at} (gradient {grad_out!r} arrived)"
        raise AnomalyError(f"backward through {node._op.name} {_made(node)}: {cause}")


def _made(node: Any) -> str:
    """Where ``node`` was made, for a message."""
    origin = node.origin
    return f"made at {origin}" if origin is not None else "made outside anomaly mode"


def check_hook(node: Any, hook: Any, grad: Any) -> None:
    """Raise if a gradient hook on ``node`` returned a number that is not finite."""
    number = grad.data if hasattr(grad, "data") else grad
    if math.isfinite(number):
        return
    name = getattr(hook, "__qualname__", repr(hook))
    on = _source_of(node) if node._op is None else f"the {node._op.name} node {_made(node)}"
    raise AnomalyError(f"hook {name} on {on} returned gradient {number!r}")


# ---------------------------------------------------------------- forward mode


def check_tangent(
    op_name: str, origin: Origin | None, operands: Sequence[Any], incoming: Sequence[float], local: Sequence[float]
) -> None:
    """Raise if a tangent contribution of an op under ``jvp`` is not finite."""
    for position, (tangent, derivative) in enumerate(zip(incoming, local, strict=True)):
        if tangent == 0.0 or math.isfinite(tangent * derivative):
            continue
        where = f"{op_name} at {origin}" if origin is not None else op_name
        at = f"at input {operands[position].data!r}"
        if not math.isfinite(tangent):
            cause = f"passed on tangent {tangent!r} of its operand {position} (local derivative {derivative!r} {at})"
        else:
            cause = f"local derivative {derivative!r} {at} (tangent {tangent!r} arrived)"
        raise AnomalyError(f"jvp through {where}: {cause}")
