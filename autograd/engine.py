"""The ``Value`` node, graph walking, ``backward`` and ``grad``.

A ``Value`` holds a float, the op that made it and its operands (``parents``).
Derivatives are not stored on nodes: ``backward`` asks the op's row in
:mod:`autograd.ops` for the local derivatives when it reaches the node, so a
node is small, holds no closure and forms no reference cycle.

Design notes (each measured, see ``benchmarks/``):

* ``__slots__`` and no per-node closures keep a node under 200 bytes and
  leave nothing for the cycle collector.
* A node's ancestors never change, so the order ``backward`` visits them in is
  computed once, iteratively (no recursion limit), and cached on the node. It
  holds only the op nodes under it (leaves need no visit) and never the node
  itself, so it is not a reference cycle.
* Plain numbers are folded into a node as constants (``x * 2.0`` is one node
  with one parent), and ``vsum``/``dot`` make one node for many operands.
"""

from __future__ import annotations

import itertools
import numbers
import threading
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, TypeVar, cast

from . import ops
from .ops import FloatMath, Op, ValueMath

Number = int | float
_F = TypeVar("_F", bound=Callable[..., Any])

# ---------------------------------------------------------------- gradient mode


class _GradMode(threading.local):
    # A class attribute is the default every new thread sees.
    enabled = True


_grad_mode = _GradMode()


class _SetGradMode:
    """Context manager and decorator that sets recording on or off in this thread."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._previous: list[bool] = []  # a stack, so one instance can be nested

    def __enter__(self) -> None:
        self._previous.append(_grad_mode.enabled)
        _grad_mode.enabled = self._enabled

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _grad_mode.enabled = self._previous.pop()

    def __call__(self, function: _F) -> _F:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _SetGradMode(self._enabled):
                return function(*args, **kwargs)

        wrapper.__name__ = getattr(function, "__name__", "wrapper")
        wrapper.__doc__ = function.__doc__
        wrapper.__wrapped__ = function  # type: ignore[attr-defined]
        return cast(_F, wrapper)


class no_grad(_SetGradMode):  # named like torch.no_grad
    """Turn graph recording off: ops give leaf Values with no parents.

    Works as a context manager and as a decorator, nests, and is thread-local
    (other threads keep recording).

    Example:
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * 3
        >>> y.parents
        ()
    """

    def __init__(self) -> None:
        super().__init__(enabled=False)


class enable_grad(_SetGradMode):  # named like torch.enable_grad
    """Turn graph recording back on inside a ``no_grad`` block (nestable, thread-local)."""

    def __init__(self) -> None:
        super().__init__(enabled=True)


def is_grad_enabled() -> bool:
    """Whether ops in this thread record their parents."""
    return _grad_mode.enabled


# ---------------------------------------------------------------- input checking


def _as_number(obj: object) -> float | None:
    """``obj`` as a float if it is a real number (bool excluded), else None.

    The arithmetic methods test ``type(other) is float`` before calling this:
    a float is the common case, and skipping the call saves 10-15% per node.
    """
    kind = type(obj)
    if kind is float:
        return cast(float, obj)
    if kind is int:
        return float(cast(int, obj))
    if isinstance(obj, numbers.Real) and not isinstance(obj, bool):
        return float(obj)
    return None


def _require_number(obj: object, what: str) -> float:
    number = _as_number(obj)
    if number is None:
        raise TypeError(
            f"{what} expects a real number (int or float) or a Value, "
            f"got {type(obj).__name__}: {obj!r}"
        )
    return number


def _describe(node: Value) -> str:
    return f"{node.data!r} (Value label {node.label!r})" if node.label else repr(node.data)


def _describe_inputs(parents: Sequence[Value], const: Any) -> str:
    text = " and ".join(_describe(parent) for parent in parents[:4])
    if len(parents) > 4:
        text += f" and {len(parents) - 4} more"
    if isinstance(const, float):
        text += f" with constant {const!r}"
    return text


def _with_context(error: Exception, message: str) -> Exception:
    # Keep the error's type (ValueError, OverflowError, ZeroDivisionError) so
    # callers can catch what Python itself would raise.
    return type(error)(message)


# ---------------------------------------------------------------- the node


class Value:
    """A scalar in a computation graph, with the gradient ``backward`` puts on it.

    Args:
        data: A real number (int or float).
        label: An optional name, shown in errors and drawings.

    Raises:
        TypeError: If ``data`` is not a real number (bool, str, None, complex
            and Value are refused).

    ``==`` and ``hash`` are identity-based (the default), so Values work as
    set members and dict keys; ``< <= > >=`` compare ``data``.

    Example:
        >>> x = Value(2.0, label="x")
        >>> y = (x * x + x.exp()).tanh()
        >>> y.backward()
        >>> round(x.grad, 6)
        0.0
    """

    __slots__ = ("_const", "_op", "_order", "_parents", "data", "grad", "label")

    data: float
    grad: float
    label: str
    _op: Op | None
    _parents: tuple[Value, ...]
    _const: Any
    _order: tuple[Value, ...] | None

    def __init__(self, data: Number, label: str = "") -> None:
        number = _as_number(data)
        if number is None:
            hint = "; use .detach() to copy a Value" if isinstance(data, Value) else ""
            raise TypeError(
                f"Value expects a real number (int or float), "
                f"got {type(data).__name__}: {data!r}{hint}"
            )
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data = number
        self.grad = 0.0
        self.label = label
        self._op = None
        self._parents = ()
        self._const = None
        self._order = None

    # ------------------------------------------------------------ introspection

    @property
    def op(self) -> str:
        """The name of the op that made this Value ("" for a leaf)."""
        return self._op.name if self._op is not None else ""

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands, in operand order, duplicates kept (``x * x`` gives ``(x, x)``)."""
        return self._parents

    @property
    def const(self) -> Any:
        """Plain numbers folded into this node (``2.0`` for ``x * 2.0``), or None."""
        return self._const

    @property
    def is_leaf(self) -> bool:
        """True for a Value with no parents (made by the user, or under ``no_grad``)."""
        return self._op is None

    def local_grads(self) -> tuple[float, ...]:
        """The local derivatives d self / d parent, one per parent, as floats."""
        if self._op is None:
            return ()
        parents = self._parents
        return tuple(self._op.local(FloatMath, [p.data for p in parents], self.data, self._const))

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    # ------------------------------------------------------------ arithmetic

    def __add__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _apply(ops.ADD, (self, other), (self.data, other.data))
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        return _apply(ops.ADD_CONST, (self,), (self.data,), number)

    def __radd__(self, other: Number) -> Value:
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        return _apply(ops.ADD_CONST, (self,), (self.data,), number)

    def __sub__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _apply(ops.SUB, (self, other), (self.data, other.data))
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        return _apply(ops.ADD_CONST, (self,), (self.data,), -number)

    def __rsub__(self, other: Number) -> Value:
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        return _apply(ops.RSUB_CONST, (self,), (self.data,), number)

    def __mul__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _apply(ops.MUL, (self, other), (self.data, other.data))
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        return _apply(ops.MUL_CONST, (self,), (self.data,), number)

    def __rmul__(self, other: Number) -> Value:
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        return _apply(ops.MUL_CONST, (self,), (self.data,), number)

    def __truediv__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _apply(ops.DIV, (self, other), (self.data, other.data))
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        return _apply(ops.DIV_CONST, (self,), (self.data,), number)

    def __rtruediv__(self, other: Number) -> Value:
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        return _apply(ops.RDIV_CONST, (self,), (self.data,), number)

    def __pow__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _apply(ops.POW, (self, other), (self.data, other.data))
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        return _apply(ops.POW_CONST, (self,), (self.data,), number)

    def __rpow__(self, other: Number) -> Value:
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        return _apply(ops.RPOW_CONST, (self,), (self.data,), number)

    def __neg__(self) -> Value:
        return _apply(ops.NEG, (self,), (self.data,))

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _apply(ops.ABS, (self,), (self.data,))

    # ------------------------------------------------------------ functions

    def exp(self) -> Value:
        """e ** self. Raises OverflowError above about 709.78."""
        return _apply(ops.EXP, (self,), (self.data,))

    def log(self) -> Value:
        """Natural logarithm. Raises ValueError unless self > 0."""
        return _apply(ops.LOG, (self,), (self.data,))

    def sqrt(self) -> Value:
        """Square root. Raises ValueError for self < 0; its derivative at 0 is an error."""
        return _apply(ops.SQRT, (self,), (self.data,))

    def tanh(self) -> Value:
        """Hyperbolic tangent, finite for any finite input."""
        return _apply(ops.TANH, (self,), (self.data,))

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -self), computed without overflow for any finite input."""
        return _apply(ops.SIGMOID, (self,), (self.data,))

    def relu(self) -> Value:
        """max(self, 0); its derivative at 0 is defined as 0."""
        return _apply(ops.RELU, (self,), (self.data,))

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """self if self > 0 else slope * self; its derivative at 0 is ``slope``."""
        slope = _require_number(slope, "leaky_relu slope")
        return _apply(ops.LEAKY_RELU, (self,), (self.data,), slope)

    def softplus(self) -> Value:
        """log(1 + e ** self), computed without overflow for any finite input."""
        return _apply(ops.SOFTPLUS, (self,), (self.data,))

    def sin(self) -> Value:
        """Sine."""
        return _apply(ops.SIN, (self,), (self.data,))

    def cos(self) -> Value:
        """Cosine."""
        return _apply(ops.COS, (self,), (self.data,))

    def abs(self) -> Value:
        """Absolute value; its derivative at 0 is defined as 0."""
        return _apply(ops.ABS, (self,), (self.data,))

    # ------------------------------------------------------------ comparisons (by data)

    def __lt__(self, other: Value | Number) -> bool:
        y = _compare_operand(other)
        return NotImplemented if y is None else self.data < y

    def __le__(self, other: Value | Number) -> bool:
        y = _compare_operand(other)
        return NotImplemented if y is None else self.data <= y

    def __gt__(self, other: Value | Number) -> bool:
        y = _compare_operand(other)
        return NotImplemented if y is None else self.data > y

    def __ge__(self, other: Value | Number) -> bool:
        y = _compare_operand(other)
        return NotImplemented if y is None else self.data >= y

    # ------------------------------------------------------------ graph

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut from the graph."""
        return Value(self.data, self.label)

    def ancestors(self) -> tuple[Value, ...]:
        """Every node this Value depends on, each before its own parents (self excluded).

        The op nodes come first, in the order ``backward`` visits them; the
        leaves follow, in the order they are first reached.
        """
        interior = self._interior()
        leaves = dict.fromkeys(
            parent
            for node in (self, *interior)
            for parent in node._parents
            if not parent._parents
        )
        return (*interior, *leaves)

    def _interior(self) -> tuple[Value, ...]:
        # A node's ancestors never change, so their order is sorted once and kept.
        order = self._order
        if order is None:
            order = self._order = _interior_in_reverse_topological_order(self)
        return order

    def backward(self, grad: Number = 1.0) -> None:
        """Back-propagate ``grad`` (d loss / d self) to every node under self.

        Every node reached gets ``.grad``. Leaves accumulate across calls until
        zeroed, as in PyTorch; interior nodes hold the gradient of the latest
        call only. Iterative: graphs of any depth work at the default recursion
        limit. A node whose gradient is exactly 0 passes nothing on, so its
        local derivatives are not computed (under a relu that is off, an
        undefined derivative such as sqrt's at 0 is not an error).

        Args:
            grad: The upstream gradient to seed self with.

        Raises:
            TypeError: If ``grad`` is not a real number.
            ValueError, ZeroDivisionError, OverflowError: If a local derivative
                is undefined (e.g. sqrt at 0); the message names the op.
        """
        seed = _require_number(grad, "backward grad")
        if self._op is None:
            self.grad += seed
            return
        order = self._interior()
        for node in order:
            node.grad = 0.0
        self.grad = seed
        float_math = FloatMath
        for node in itertools.chain((self,), order):
            op = node._op
            if op is None:  # never true here (the order holds op nodes only), but typed so
                continue
            grad_out = node.grad
            if grad_out == 0.0:
                # Nothing to pass on (e.g. under a relu that is off, or a hinge
                # margin that is met): skip the rule and the loop over operands.
                continue
            parents = node._parents
            # Most nodes have one or two operands: for them a tuple display and
            # unpacking are about twice as fast as a comprehension and a zip.
            count = len(parents)
            try:
                if count == 1:
                    inputs: Sequence[float] = (parents[0].data,)
                elif count == 2:
                    inputs = (parents[0].data, parents[1].data)
                else:
                    inputs = [parent.data for parent in parents]
                local = op.local(float_math, inputs, node.data, node._const)
            except (ArithmeticError, ValueError) as error:
                raise _derivative_error(node, error) from None
            if count == 1:
                (x,) = parents
                (dx,) = local
                x.grad += grad_out * dx
            elif count == 2:
                x, y = parents
                dx, dy = local
                x.grad += grad_out * dx
                y.grad += grad_out * dy
            else:
                for parent, derivative in zip(parents, local, strict=True):
                    parent.grad += grad_out * derivative


def _compare_operand(other: object) -> float | None:
    if isinstance(other, Value):
        return other.data
    return _as_number(other)


# ---------------------------------------------------------------- building nodes

_new_value = object.__new__


def _apply(op: Op, parents: tuple[Value, ...], inputs: Sequence[float], const: Any = None) -> Value:
    """Run ``op`` forward and record a node (unless in ``no_grad``).

    ``inputs`` are the parents' data. Callers pass them because they know the
    arity: a tuple display such as ``(self.data,)`` is several times cheaper
    than a comprehension over ``parents``, and this runs once per node.
    """
    try:
        data = op.forward(inputs, const)
    except (ArithmeticError, ValueError) as error:
        message = f"{op.name} expects {op.domain}, got {_describe_inputs(parents, const)}"
        raise _with_context(error, f"{message} ({error})") from None
    # Built field by field, without __init__'s checks: this runs once per node.
    out: Value = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._order = None
    if _grad_mode.enabled:
        out._op = op
        out._parents = parents
        out._const = const
    else:
        out._op = None
        out._parents = ()
        out._const = None
    return out


def apply(op: Op, parents: Sequence[Value], const: Any = None) -> Value:
    """Apply a row of the derivative table to Values (used by generic code and tests).

    Args:
        op: A row of :data:`autograd.ops.TABLE`.
        parents: The operands.
        const: The op's folded constant, if it takes one.

    Raises:
        TypeError: If an operand is not a Value.
        ValueError: If the number of operands does not match the op's arity.
    """
    parents = tuple(parents)
    for parent in parents:
        if not isinstance(parent, Value):
            raise TypeError(f"{op.name} expects Value operands, got {type(parent).__name__}")
    if op.arity != ops.VARIADIC and len(parents) != op.arity:
        raise ValueError(f"{op.name} expects {op.arity} operands, got {len(parents)}")
    if not parents:
        raise ValueError(f"{op.name} expects at least one operand, got none")
    return _apply(op, parents, [p.data for p in parents], const)


def _derivative_error(node: Value, error: Exception) -> Exception:
    op = cast(Op, node._op)
    message = (
        f"the derivative of {op.name} is undefined at "
        f"{_describe_inputs(node._parents, node._const)}: {op.name} expects {op.domain} ({error})"
    )
    return _with_context(error, message)


def _interior_in_reverse_topological_order(root: Value) -> tuple[Value, ...]:
    """The op nodes under ``root``, each before its own parents; root excluded.

    An iterative depth-first post-order, reversed: any depth works at the
    default recursion limit, and the result is deterministic. Leaves are left
    out, as ``backward`` has nothing to do at a leaf.
    """
    order: list[Value] = []  # post-order: every node after its parents
    visited: set[Value] = set()
    # Nodes to expand, and None markers: a None means "everything under the
    # node below me is finished", so that node goes into the post-order next.
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            order.append(stack.pop())
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
    return tuple(order)


# ---------------------------------------------------------------- fused reductions


def vsum(values: Iterable[Value | Number], start: Value | Number = 0.0) -> Value:
    """The sum of ``values`` as ONE node, however many operands.

    Plain numbers are folded into the node's constant. The builtin ``sum`` works
    too but builds one node per addition.

    Args:
        values: Values and/or plain numbers.
        start: A number or Value added to the sum.

    Returns:
        A Value (a leaf if no operand is a Value).

    Raises:
        TypeError: If an operand is neither a Value nor a real number.
    """
    values = tuple(values)
    if set(map(type, values)) <= {Value} and not isinstance(start, Value):
        return _sum_node(cast(tuple[Value, ...], values), _require_number(start, "vsum start"))
    parents: list[Value] = []
    constant = 0.0
    for value in (*values, start):
        if isinstance(value, Value):
            parents.append(value)
        else:
            constant += _require_number(value, "vsum")
    return _sum_node(tuple(parents), constant)


def _sum_node(parents: tuple[Value, ...], constant: float) -> Value:
    if not parents:
        return Value(constant)
    return _apply(ops.SUM, parents, [p.data for p in parents], constant)


def dot(
    ws: Iterable[Value | Number], xs: Iterable[Value | Number], start: Value | Number = 0.0
) -> Value:
    """Σ w_i · x_i + start as ONE node (a neuron's weighted sum plus bias).

    A product of two Values keeps both as parents; a product with a plain
    number keeps the number as a coefficient in the node; products of two
    numbers and a numeric ``start`` are folded into its constant.

    Args:
        ws: First operands.
        xs: Second operands, as many as ``ws``.
        start: A number or a Value (e.g. a bias) added to the sum.

    Returns:
        A Value (a leaf if no operand is a Value).

    Raises:
        ValueError: If ``ws`` and ``xs`` differ in length.
        TypeError: If an operand is neither a Value nor a real number.
    """
    ws = tuple(ws)
    xs = tuple(xs)
    if len(ws) != len(xs):
        raise ValueError(
            f"dot expects two sequences of the same length, got {len(ws)} and {len(xs)}"
        )
    if not isinstance(start, Value):
        start = _require_number(start, "dot start")
    unchecked = unchecked_dot_for(xs) if set(map(type, ws)) == {Value} else None
    if unchecked is not None:
        return unchecked(cast(tuple[Value, ...], ws), xs, start)
    constant = 0.0
    paired_ws: list[Value] = []
    paired_xs: list[Value] = []
    linear: list[Value] = []
    coefficients: list[float] = []
    for w, x in zip(ws, xs, strict=True):
        if isinstance(w, Value) and isinstance(x, Value):
            paired_ws.append(w)
            paired_xs.append(x)
        elif isinstance(w, Value):
            linear.append(w)
            coefficients.append(_require_number(x, "dot"))
        elif isinstance(x, Value):
            linear.append(x)
            coefficients.append(_require_number(w, "dot"))
        else:
            constant += _require_number(w, "dot") * _require_number(x, "dot")
    operands = (*paired_ws, *paired_xs, *linear)
    if not operands and not isinstance(start, Value):
        return Value(constant + start)
    return _dot_node(operands, len(paired_ws), tuple(coefficients), start, constant)


DotFunction = Callable[[Sequence[Value], Any, Value | float], Value]
"""``(ws, xs, start) -> Value``: :func:`dot` or one of its check-free paths."""


def unchecked_dot_for(xs: Sequence[object]) -> DotFunction | None:
    """The check-free path of :func:`dot` for inputs like ``xs``, if there is one.

    ``dot`` asks this once per call; ``nn``'s layers ask it once per layer and
    use the answer for every neuron (whose weights are Values it made itself).

    Args:
        xs: The second operands; the first ones must all be Values.

    Returns:
        :func:`dot_of_values` if every x is a Value (a hidden layer),
        :func:`dot_with_numbers` if every x is a float (a first layer), and
        None otherwise: then only ``dot`` itself handles them.
    """
    kinds = set(map(type, xs))
    if kinds == {Value}:
        return dot_of_values
    if kinds == {float}:
        return dot_with_numbers
    return None


def dot_of_values(ws: Sequence[Value], xs: Sequence[Value], start: Value | float) -> Value:
    """:func:`dot` of Values, without dot's checks, for callers that made them.

    See :func:`unchecked_dot_for`, which chooses it.

    Args:
        ws: Values.
        xs: Values, as many as ``ws``.
        start: A Value (a bias) or a float.

    Returns:
        One ``dot`` node.
    """
    return _dot_node((*ws, *xs), len(ws), (), start)


def dot_with_numbers(ws: Sequence[Value], xs: Sequence[float], start: Value | float) -> Value:
    """As :func:`dot_of_values`, but ``xs`` are floats (a first layer's inputs).

    The floats become the node's coefficients, so the node's parents are only
    the Values ``ws`` (and ``start`` if it is a Value).
    """
    return _dot_node(tuple(ws), 0, tuple(xs), start)


def _dot_node(
    operands: tuple[Value, ...],
    pairs: int,
    coefficients: tuple[float, ...],
    start: Value | float,
    constant: float = 0.0,
) -> Value:
    """The one ``dot`` node: see ``_dot_forward`` in ``ops`` for its layout.

    ``operands`` are ``pairs`` first factors, ``pairs`` second factors, then one
    Value per coefficient. A Value ``start`` joins them with coefficient 1.
    """
    if isinstance(start, Value):
        parents = (*operands, start)
        coefficients = (*coefficients, 1.0)
    else:
        parents = operands
        constant += start
    return _apply(ops.DOT, parents, [p.data for p in parents], (pairs, coefficients, constant))


# ---------------------------------------------------------------- gradients as values


def grad(
    output: Value,
    inputs: Sequence[Value],
    *,
    grad_output: Value | Number = 1.0,
    create_graph: bool = False,
) -> tuple[Value, ...]:
    """d output / d input for each input, without touching any ``.grad``.

    Args:
        output: The Value to differentiate.
        inputs: The Values to differentiate with respect to. One that does not
            reach ``output`` gets 0.0.
        grad_output: The upstream gradient (a number, or a Value when building
            higher-order graphs).
        create_graph: If True, the results are Values built from
            differentiable ops, so ``grad`` applies to them again (any order).

    Returns:
        One Value per input: leaves when ``create_graph`` is False.

    Raises:
        TypeError: If ``output`` or an input is not a Value.

    Example:
        >>> x = Value(2.0)
        >>> (dy,) = grad(x ** 4, [x], create_graph=True)
        >>> (d2y,) = grad(dy, [x], create_graph=True)
        >>> grad(d2y, [x])[0].data
        48.0
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad expects a Value output, got {type(output).__name__}")
    inputs = tuple(inputs)
    for index, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad expects Value inputs, got {type(x).__name__} at index {index}")
    if create_graph:
        seed: Any = grad_output if isinstance(grad_output, Value) else Value(
            _require_number(grad_output, "grad grad_output")
        )
        with enable_grad():
            grads = _accumulate(output, seed, differentiable=True)
        return tuple(grads[x] if x in grads else Value(0.0) for x in inputs)
    seed = grad_output.data if isinstance(grad_output, Value) else _require_number(
        grad_output, "grad grad_output"
    )
    grads = _accumulate(output, seed, differentiable=False)
    return tuple(Value(grads.get(x, 0.0)) for x in inputs)


def _accumulate(output: Value, seed: Any, *, differentiable: bool) -> dict[Value, Any]:
    """Reverse-mode sweep into a dict: floats, or Values when ``differentiable``."""
    grads: dict[Value, Any] = {output: seed}
    for node in itertools.chain((output,), output._interior()):
        op = node._op
        grad_out = grads.get(node)
        if op is None or grad_out is None:
            continue
        parents = node._parents
        try:
            if differentiable:
                local = op.local(ValueMath, parents, node, node._const)
            else:
                local = op.local(FloatMath, [p.data for p in parents], node.data, node._const)
        except (ArithmeticError, ValueError) as error:
            raise _derivative_error(node, error) from None
        for parent, derivative in zip(parents, local, strict=True):
            # Skip multiplying by a plain 1.0, so higher-order graphs stay small.
            term = grad_out if derivative == 1.0 else grad_out * derivative
            previous = grads.get(parent)
            grads[parent] = term if previous is None else previous + term
    return grads


def hessian(f: Callable[[list[Value]], Value], point: Sequence[Number]) -> list[list[float]]:
    """The matrix of second derivatives of ``f`` at ``point``.

    Args:
        f: Maps a list of Values to one Value.
        point: Where to evaluate, one number per input.

    Returns:
        ``h[i][j]`` = d² f / d x_i d x_j.

    Raises:
        TypeError: If a coordinate is not a real number or ``f`` does not return a Value.
    """
    xs = [Value(_require_number(p, "hessian point")) for p in point]
    with enable_grad():
        y = f(xs)
    if not isinstance(y, Value):
        raise TypeError(f"hessian expects f to return a Value, got {type(y).__name__}")
    first = grad(y, xs, create_graph=True)
    return [[g.data for g in grad(d, xs)] for d in first]
