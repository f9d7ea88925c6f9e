"""The ``Value`` node, its decisions, and its operators and methods, made from the derivative table.

A Value holds a float, the op that made it and its operands. Derivatives are
not stored on nodes: ``backward`` asks the op's row in
:mod:`autograd.rules.table` for the local derivatives when it reaches the
node, so a node is small, holds no closure and forms no reference cycle.

Every arithmetic operator and method is made by one of two small factories
from the table (its :data:`~autograd.rules.table.OPERATORS` and each row's
``methods``); the number-folding logic (``x * 2.0`` keeps ``2.0`` in the node
instead of making a leaf of it) exists once, in :func:`_operator`. All nodes
are built by :func:`record`.

What a plugged-in transformation needs to hear (a node made, a decision on
the number, a read of ``.data``, a hook registered) is told to the
interceptors of :mod:`autograd.core.interceptors`; this module names none.
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable
from typing import Any, TypeVar, cast

from ..rules import table
from ..rules.floats import FloatMath
from ..rules.op import Op
from .hooks import Hook, RemovableHandle, register
from .interceptors import install_grad
from .modes import RECORDS, state
from .numbers import as_number, require_number
from .origins import Origin, user_origin
from .sweep import clock, order_under, reverse_sweep

__all__ = ["RAISED", "Number", "Value", "record", "standing_for"]

Number = int | float
"""A plain number, as arguments take it."""

_T = TypeVar("_T")

RAISED = "raised"
"""The outcome of a decision whose conversion raised (``int`` or ``round`` of NaN or inf)."""


# ---------------------------------------------------------------- objects that stand for a Value


def standing_for(obj: object) -> Value | None:
    """The Value ``obj`` stands for: ``obj`` if it is a Value, what its ``__as_value__()`` gives, else None.

    An object whose class defines ``__as_value__`` stands for a Value in
    arithmetic and comparisons with Values (the jit's traced numbers do: a
    plain-number argument while a trace runs). Operators test for it only
    after the plain-float and plain-int cases, so ordinary arithmetic pays
    nothing for it.
    """
    if isinstance(obj, Value):
        return obj
    as_value = getattr(type(obj), "__as_value__", None)
    return None if as_value is None else cast(Value, as_value(obj))


# ---------------------------------------------------------------- decisions on the number


def _comparison(symbol: str, compare: Callable[[float, float], bool]) -> Callable[..., bool]:
    """``self (symbol) other`` on the data, as for floats; told to the interceptors."""

    def method(self: Value, other: Any) -> bool:
        if isinstance(other, Value):
            y: float | None = other._data
        elif type(other) is float or type(other) is int:
            y = as_number(other)
        else:
            stand_in = standing_for(other)
            if stand_in is not None:
                return method(self, stand_in)
            y = as_number(other)
        if y is None:
            return NotImplemented  # type: ignore[no-any-return]  # how operators decline
        outcome = compare(self._data, y)
        for interceptor in state.interceptors:
            interceptor.decided(symbol, self, other, outcome)
        return outcome

    return method


# ---------------------------------------------------------------- operators and methods from the table
# Each factory makes a method from rows of the table. The methods look up
# ``Value`` and ``record`` when called, so they can be made before the class.


def _operator(
    name: str, with_value: Op | None, with_number: Op, negate: bool = False, stand_ins: bool = True
) -> Callable[[Value, Value | Number], Value]:
    """``self (op) other``: ``with_value`` for a Value, else ``with_number`` holding the number.

    A reflected operator (``other (op) self``, called only for a non-Value
    ``other``) has no ``with_value``. This is the hottest code there is. An
    ``other`` that stands for a Value (:func:`standing_for`) is tested for
    last, after plain floats and ints; with ``stand_ins`` False it is taken
    as the number it is (``float(other)``).
    """
    forward = with_value.forward if with_value is not None else None
    number_forward = with_number.forward
    # For an object standing for a Value on the left: ``stand_in (op) self``, as Values.
    swapped = getattr(operator, name.replace("__r", "__", 1)) if with_value is None else None

    def method(self: Value, other: Value | Number) -> Value:
        x = self._data
        if forward is not None and isinstance(other, Value):
            y = other._data
            try:
                data = forward(FloatMath, x, y)
            except (ArithmeticError, ValueError):
                data = with_value.float_forward((x, y))  # type: ignore[union-attr]
            return record(with_value, (self, other), data)  # type: ignore[arg-type]
        if type(other) is float:
            c: float | None = other
        elif type(other) is int:
            c = as_number(other)
        else:
            stand_in = standing_for(other) if stand_ins else None
            if stand_in is not None:
                return method(self, stand_in) if swapped is None else cast(Value, swapped(stand_in, self))
            c = as_number(other)
        if c is None:
            return NotImplemented  # type: ignore[no-any-return]  # how operators decline
        if negate:
            c = -c
        try:
            data = number_forward(FloatMath, x, c)
        except (ArithmeticError, ValueError):
            data = with_number.float_forward((x,), c)
        return record(with_number, (self,), data, c)

    return method


def _method(op: Op, name: str) -> Callable[..., Value]:
    """A method applying a one-operand row, documented by the row (with its constant, if it folds one)."""
    forward = op.forward
    if op.method_constant is None:

        def method(self: Value) -> Value:
            x = self._data
            try:
                data = forward(FloatMath, x, None)
            except (ArithmeticError, ValueError):
                data = op.float_forward((x,))
            return record(op, (self,), data)

    else:
        argument, default = op.method_constant
        what = f"{name} {argument}"

        def method(self: Value, c: Number = default) -> Value:  # type: ignore[misc]
            number = require_number(c, what)
            try:
                data = forward(FloatMath, self._data, number)
            except (ArithmeticError, ValueError):
                data = op.float_forward((self._data,), number)
            return record(op, (self,), data, number)

    method.__name__ = name
    method.__qualname__ = f"Value.{name}"
    method.__doc__ = op.doc or None
    return method


class Value(table.Methods):
    """A scalar in a computation graph, with the gradient ``backward`` puts on it.

    Args:
        data: A real number (int or float).
        label: An optional name, shown in errors and drawings.

    Raises:
        TypeError: If ``data`` is not a real number (bool, str, None, complex
            and Value are refused).
        ValueError: If ``data`` is an int too large for a float.

    ``==`` and ``hash`` are identity-based (the default), so Values work as
    set members and dict keys; ``< <= > >=``, ``bool``, ``float``, ``int`` and
    ``round`` read ``data``, as they do for a one-element tensor in PyTorch.

    Examples:
        >>> x = Value(2.0, label="x")
        >>> y = (x * x + x.exp()).tanh()
        >>> y.backward()
        >>> round(x.grad, 6)
        0.0
    """

    __slots__ = (
        "_const", "_data", "_grad", "_hooks", "_op", "_order", "_origin", "_parents", "_stamp",
        "label",
    )

    _data: float
    grad: Any
    """The gradient the latest ``backward`` put here (a float; a Value only inside
    ``grad(create_graph=True)``). Leaves accumulate it across calls until zeroed."""
    _grad: Any  # the slot ``grad`` reads (see autograd.core.interceptors.install_grad)
    label: str
    _op: Op | None
    _parents: tuple[Value, ...]
    _const: Any
    _stamp: int  # the write clock when this node was built or its data last written
    # Left unset until needed, so that building a node does not pay for them:
    # _order (the cached order under this node, set by its first backward),
    # _origin (where it was made, when an interceptor asks for origins),
    # _hooks (set by register_hook; see autograd.core.hooks).
    _order: tuple[tuple[Value, ...], int]
    _origin: Origin

    def __init__(self, data: Number, label: str = "") -> None:
        source = None
        if type(data) is float:
            number: float | None = data
        elif type(data) is int or getattr(type(data), "__as_value__", None) is None:
            number = as_number(data)
        else:  # an object standing for a Value: a new leaf holding its number, as detach() makes
            source = cast(Any, data).__as_value__()
            number = source._data
        if number is None:
            hint = "; use .detach() to copy a Value" if isinstance(data, Value) else ""
            raise TypeError(
                f"Value expects a real number (int or float), "
                f"got {type(data).__name__}: {data!r}{hint}"
            )
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self._data = number
        self._grad = 0.0
        self.label = label
        self._op = None
        self._parents = ()
        self._const = None
        self._stamp = clock.now
        if source is not None:
            for interceptor in state.interceptors:
                interceptor.detached(self, source)

    # ------------------------------------------------------------ the number

    @property
    def data(self) -> float:
        """The number. A leaf's may be assigned (optimizers do); an op node's is its op's result.

        Inside a function compiled by ``autograd.jit``, a read is an exact
        guard: a later call where the number differs traces again (a warning
        says where). Compare Values (``x > 0``) instead: comparisons are
        checked without a new trace.
        """
        interceptors = state.interceptors
        if interceptors:
            for interceptor in interceptors:
                interceptor.read_data(self)
        return self._data

    @data.setter
    def data(self, value: Number) -> None:
        if self._op is not None:
            raise AttributeError(
                f"the data of a Value made by {self._op.name} cannot be assigned: it is the "
                "result of its operands; assign a leaf's data, or use .detach() for a new leaf"
            )
        number = value if type(value) is float else require_number(value, "Value.data")
        for interceptor in state.interceptors:
            interceptor.wrote_data(self, number)
        self._data = number
        self._stamp = clock.now = clock.now + 1  # graphs built from this Value before are stale

    # ------------------------------------------------------------ decisions on the number

    __lt__ = _comparison("<", operator.lt)
    __le__ = _comparison("<=", operator.le)
    __gt__ = _comparison(">", operator.gt)
    __ge__ = _comparison(">=", operator.ge)

    def __bool__(self) -> bool:
        return self._decided("bool", None, self._data != 0.0)

    def __float__(self) -> float:
        return self._decided("float", None, self._data)

    def __int__(self) -> int:
        try:
            outcome = int(self._data)
        except (ValueError, OverflowError):  # NaN or inf: a decision too, for a caller that falls back
            self._decided("int", None, RAISED)
            raise
        return self._decided("int", None, outcome)

    def __round__(self, ndigits: int | None = None) -> Any:
        try:
            outcome = round(self._data, ndigits)
        except (ValueError, OverflowError):
            self._decided("round", ndigits, RAISED)
            raise
        return self._decided("round", ndigits, outcome)

    def _decided(self, kind: str, argument: Any, outcome: _T) -> _T:
        for interceptor in state.interceptors:
            interceptor.decided(kind, self, argument, outcome)
        return outcome

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
        """The plain number folded into this node (``2.0`` for ``x * 2.0``), or None.

        A ``dot`` node holds a :class:`autograd.rules.op.DotConst`.
        """
        return self._const

    @property
    def origin(self) -> Origin | None:
        """Where this node was made (file, line, function), if made under ``detect_anomaly`` or a jit trace."""
        return getattr(self, "_origin", None)

    @property
    def is_leaf(self) -> bool:
        """True for a Value with no parents (made by the user, or under ``no_grad``)."""
        return self._op is None

    def local_grads(self) -> tuple[float, ...]:
        """The local derivatives d self / d parent, one per parent, as floats."""
        if self._op is None:
            return ()
        for interceptor in state.interceptors:  # computed from the numbers: reads of them
            for node in (*self._parents, self):
                interceptor.read_data(node)
        return self._op.float_local([p._data for p in self._parents], self._data, self._const)

    def item(self) -> float:
        """The number, as ``.data`` gives it (PyTorch's name for a one-element tensor's number)."""
        return self.data

    def __repr__(self) -> str:
        for interceptor in state.interceptors:  # the text shows the number: a read of it
            interceptor.read_data(self)
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self._data!r}, grad={self._grad!r}{label})"

    # ------------------------------------------------------------ graph

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut from the graph."""
        out = Value(self._data, self.label)
        for interceptor in state.interceptors:
            interceptor.detached(out, self)
        return out

    def __copy__(self) -> Value:
        """A node with the same data, op, operands and gradient, and its own hooks.

        The copy starts with the hooks this Value has (registered anew, so
        ``remove()`` on a handle of either Value leaves the other's alone);
        hooks registered on the copy afterwards run on the copy only.
        """
        out: Value = _new_value(Value)
        for name in _COPIED_SLOTS:
            if hasattr(self, name):
                setattr(out, name, getattr(self, name))
        _copy_hooks(self, out)
        return out

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        """As :meth:`__copy__`, with the operands (the graph under it) copied too; the op is shared."""
        out: Value = _new_value(Value)
        memo[id(self)] = out
        for name in _COPIED_SLOTS:
            if hasattr(self, name):
                item = getattr(self, name)
                setattr(out, name, copy.deepcopy(item, memo) if name in _DEEP_SLOTS else item)
        _copy_hooks(self, out)
        return out

    def ancestors(self) -> tuple[Value, ...]:
        """Every node this Value depends on, each before its own parents (self excluded).

        The op nodes come first, in the order ``backward`` visits them; the
        leaves follow, in the order they are first reached.
        """
        interior = cast(tuple[Value, ...], order_under(self) if self._op is not None else ())
        leaves = dict.fromkeys(
            parent for node in (self, *interior) for parent in node._parents if not parent._parents
        )
        return (*interior, *leaves)

    def backward(self, grad: Value | Number = 1.0) -> None:
        """Back-propagate ``grad`` (d loss / d self) to every node under self.

        Every node reached gets ``.grad``. Leaves accumulate across calls until
        zeroed, as in PyTorch; interior nodes hold the gradient of the latest
        call only. Iterative: graphs of any depth work at the default recursion
        limit. A node whose gradient is exactly 0 passes nothing on. Numbers
        follow IEEE 754: an infinite local derivative gives an infinite or NaN
        gradient, never an exception (``detect_anomaly`` finds where).

        Args:
            grad: The upstream gradient to seed self with (a number, or a
                Value whose data is used).

        Raises:
            TypeError: If ``grad`` is not a real number or a Value.
            RuntimeError: If self was computed under ``no_grad``: it has no
                graph to go back through (PyTorch raises here too).
            StaleGraphError: If a Value's ``.data`` was changed after this
                graph was built from it.

        An exception during the sweep (a hook, a rule of your own, anomaly
        mode) leaves every ``.grad`` as it was before the call. Only an
        interruption from outside the sweep (``KeyboardInterrupt``,
        ``MemoryError``) may leave the gradients of the common float path
        partly accumulated; zero them before the next step.
        """
        seed = grad._data if isinstance(grad, Value) else require_number(grad, "backward grad")
        if self._op is None and getattr(self, "_order", None) is _NO_GRAPH:
            raise RuntimeError(
                "backward() on a Value computed under no_grad: it records no graph, so there is "
                "nothing to go back through (in PyTorch: 'does not require grad'); compute it "
                "outside the no_grad block, or inside enable_grad()"
            )
        reverse_sweep(self, seed)

    def register_hook(self, hook: Hook) -> RemovableHandle:
        """Call ``hook(grad)`` with this Value's gradient each time ``backward`` or ``grad`` computes it.

        When: for an op node, as soon as the sweep reaches it, before anything
        is passed on to its operands; for a leaf, after the sweep, on this
        call's gradient alone, before it is added to ``.grad`` (as PyTorch's
        ``Tensor.register_hook`` on a leaf). A number returned replaces the
        gradient (what is passed on and shown as ``.grad``, what a leaf adds
        to ``.grad``, what ``grad`` returns); None keeps it. Several hooks run
        in registration order, each on the previous one's result; a gradient of
        exactly 0 is given to hooks too. Under ``grad(..., create_graph=True)``
        the hook receives a Value and may return one.

        Returns:
            A handle whose ``remove()`` unregisters the hook (also a context
            manager). It does not keep this Value alive.

        Raises:
            TypeError: If ``hook`` is not callable, or (during the sweep)
                returns something other than a number, a Value or None.
            ValueError: If this Value was made inside a function being traced
                by ``autograd.jit`` (replays make no such node to run it on).

        Examples:
            >>> w = Value(3.0)
            >>> handle = w.register_hook(lambda g: max(-1.0, min(1.0, g)))  # clip
            >>> (w * w).backward()
            >>> w.grad
            1.0
            >>> handle.remove()
        """
        for interceptor in state.interceptors:
            interceptor.hooked(self)
        return register(self, hook)

    def __pos__(self) -> Value:
        return self


# Every slot but the hooks, which belong to one Value, and the cached order, which the
# copy makes again when it needs it.
_COPIED_SLOTS = ("_const", "_data", "_grad", "_op", "_origin", "_parents", "_stamp", "label")
_DEEP_SLOTS = frozenset({"_const", "_grad", "_parents"})  # the op is a row of the table, shared


def _copy_hooks(source: Value, out: Value) -> None:
    hooks = getattr(source, "_hooks", None)
    if hooks:
        for hook in hooks.by_key.values():
            register(out, hook)


def _install_from_table() -> None:
    """Value's operators and methods, made from the table (see the module docstring)."""
    for name, with_value, with_number, negate in table.OPERATORS:
        # A plain exponent's derivative is 0 at exponent 0, where pow's own rule gives 0 * inf:
        # an exponent standing for a Value is taken as its number, so the rule is the same.
        stand_ins = with_value is not table.POW
        setattr(Value, name, _operator(name, with_value, with_number, negate, stand_ins))
    for op in table.BUILT_IN:
        for name in op.methods:
            setattr(Value, name, _method(op, name))
    install_grad(Value, Value.__dict__["_grad"])


_install_from_table()


# ---------------------------------------------------------------- building nodes

_new_value = object.__new__

# What a leaf made by an op under no_grad holds in its ``_order`` slot, which a leaf never
# uses otherwise (only op nodes cache an order): so ``backward`` can tell it from a leaf the
# user made, without a slot of its own on every Value.
_NO_GRAPH: tuple[tuple[Value, ...], int] = ((), -1)


def record(op: Op, parents: tuple[Value, ...], data: float, const: Any = None) -> Value:
    """The one place a node is built: ``data`` computed by ``op`` from ``parents``.

    Under ``no_grad`` the result is a leaf. Fields are set one by one, without
    ``__init__``'s checks: this runs once per node.
    """
    out: Value = _new_value(Value)
    out._data = data
    out._grad = 0.0
    out.label = ""
    out._stamp = clock.now
    recording = state.recording
    if recording == RECORDS:
        out._op = op
        out._parents = parents
        out._const = const
    elif not recording:
        out._op = None
        out._parents = ()
        out._const = None
        out._order = _NO_GRAPH
    else:
        _record_watched(out, recording, op, parents, const)
    return out


def _record_watched(out: Value, recording: int, op: Op, parents: tuple[Value, ...], const: Any) -> None:
    """Node building with interceptors plugged in: each is told of the node."""
    recorded = bool(recording & RECORDS)
    if state.origins:
        origin = user_origin()
        if origin is not None:
            out._origin = origin
    if recorded:
        out._op = op
        out._parents = parents
        out._const = const
    else:
        out._op = None
        out._parents = ()
        out._const = None
        out._order = _NO_GRAPH
    for interceptor in state.interceptors:
        interceptor.made(out, op, parents, const, recorded)
