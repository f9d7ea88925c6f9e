"""The vocabulary of rules: every function a forward or a rule may call on ``F``, declared once.

A row of the derivative table writes its forward and its local derivatives
with arithmetic and the functions declared here (``F.exp(x)``,
``F.select(x, 1.0, 0.0)``). Each reading of the rules (on floats, with IEEE
results, on Values, as source) is built from this one list and implements
exactly it, so a function added here is known to every reading, and a rule
that calls something not declared here fails in every reading alike.

A declaration says how each reading answers, by the function's ``kind``:

* ``"elementary"`` (``exp``, ``tanh``...): a float function; on Values, the
  Value method of the same name, which a row of the table provides; as
  source, a call of the function by name. Adding one (say ``atan``) is one
  declaration here and one row in :mod:`autograd.rules.table`.
* ``"decision"`` (``select``, ``sign``): decides on its first argument's
  number; on Values the choice is a constant (its derivative is 0 wherever
  it exists), and as source it becomes a conditional or a call.
* ``"special"`` (``pow``, ``maximum``, ``pick``): every reading spells it out itself.

A rule decides only through the ``"decision"`` functions, never with an
``if`` on an operand: that is what lets every reading answer it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

VARIADIC = -1
"""The arity of an op or a function that takes any number of operands (``sum``, ``maximum``)."""

INF = math.inf
NAN = math.nan


# ---------------------------------------------------------------- float implementations


def stable_sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow for any input (NaN stays NaN)."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    exp_x = math.exp(x)  # x < 0 (or NaN): exp cannot overflow
    return exp_x / (1.0 + exp_x)


def stable_softplus(x: float) -> float:
    """log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|)."""
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))


def select(x: float, positive: Any, other: Any) -> Any:
    """``positive`` where x > 0, ``other`` where x <= 0, and NaN where x is NaN."""
    if x > 0.0:
        return positive
    return other if x <= 0.0 else x


def sign(x: float) -> float:
    """1.0, -1.0, or 0.0 at 0 (abs'(0) = 0, as PyTorch's sign); NaN stays NaN."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return x * 0.0  # 0.0 at ±0, NaN at NaN


def maximum(xs: Sequence[float]) -> float:
    """The largest of ``xs``; NaN if any is NaN (Python's ``max`` would depend on the order)."""
    largest = max(xs)
    if largest == largest:
        for x in xs:
            if x != x:
                return x
    return largest


def position(index: float, count: int) -> int | None:
    """The position ``index`` names among ``count`` items, or None if it names none.

    The whole number nearest ``index`` (ties to even, as ``round``), a
    negative one counting from the end as Python's indexing does (``-1`` is
    the last). Nearest rather than exact, so that the index of a node never
    changes under a small change of its number (finite differences leave it
    alone); ``autograd.take`` itself accepts only whole numbers.
    """
    if not -count - 1.0 < index < count + 1.0:  # also NaN and inf, before round() would raise
        return None
    nearest = round(index)
    if nearest < 0:
        nearest += count
    return nearest if 0 <= nearest < count else None


def pick(items: Sequence[Any], index: float) -> Any:
    """The item ``index`` names (see :func:`position`); NaN if it names none."""
    found = position(index, len(items))
    return NAN if found is None else items[found]


def picked(index: float, at: float, count: float) -> float:
    """1.0 where ``index`` names the position ``at`` among ``count`` items, else 0.0 (NaN names none)."""
    return 1.0 if position(index, int(count)) == at else 0.0


# ---------------------------------------------------------------- IEEE 754 results where math raises


def ieee_divide(x: float, y: float) -> float:
    """x / y with IEEE results for y = 0: ±inf, or NaN for 0/0 and NaN/0."""
    if y != 0.0:
        return x / y
    if x != x or x == 0.0:
        return NAN
    return math.copysign(INF, x) * math.copysign(1.0, y)


def _is_odd_integer(y: float) -> bool:
    return math.isfinite(y) and y.is_integer() and y % 2.0 == 1.0


def ieee_pow(x: float, y: float) -> float:
    """x ** y over the reals with C99's special cases instead of exceptions.

    ``0 ** negative`` is inf (-inf for -0 to an odd power), a negative base to a
    non-integer power is NaN, and overflow gives ±inf.
    """
    try:
        return math.pow(x, y)
    except OverflowError:
        return -INF if x < 0.0 and _is_odd_integer(y) else INF
    except ValueError:
        if x == 0.0:
            return math.copysign(INF, x) if _is_odd_integer(y) else INF
        return NAN


def _ieee_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def _ieee_log(x: float) -> float:
    if x > 0.0 or x != x:
        return math.log(x)
    return -INF if x == 0.0 else NAN


def _ieee_sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0.0 or x != x else NAN


def _periodic(function: Callable[[float], float]) -> Callable[[float], float]:
    def at(x: float) -> float:
        return function(x) if math.isfinite(x) or x != x else NAN  # sin(±inf) is NaN

    at.__name__ = function.__name__
    return at


# ---------------------------------------------------------------- the declarations


Kind = Literal["elementary", "decision", "special"]


@dataclass(frozen=True)
class Function:
    """One function of the vocabulary.

    Attributes:
        name: How rules call it (``F.<name>``) and how generated source names it.
        operands: How many arguments it takes (:data:`VARIADIC` for a list).
        kind: How the readings answer it (see the module docstring).
        floats: The fast float implementation (Python's ``math`` may raise).
        ieee: The same with IEEE 754 results instead of exceptions.
        doc: One line on what it computes.
        spellings: How printers of other languages call it, by language
            (``{"c": "exp", "javascript": "Math.exp"}``); a printer falls back to ``name``.
    """

    name: str
    operands: int
    kind: Kind
    floats: Callable[..., Any]
    ieee: Callable[..., Any]
    doc: str
    spellings: Mapping[str, str] = field(default_factory=dict)


def _elementary(name: str, floats: Callable[[float], float], doc: str,
                ieee: Callable[[float], float] | None = None, c: str | None = None,
                javascript: str | None = None) -> Function:
    spellings = {"c": c if c is not None else name,
                 "javascript": javascript if javascript is not None else f"Math.{name}"}
    return Function(name, 1, "elementary", floats, ieee if ieee is not None else floats, doc, spellings)


VOCABULARY: tuple[Function, ...] = (
    _elementary("exp", math.exp, "e ** x", _ieee_exp),
    _elementary("log", math.log, "natural logarithm", _ieee_log),
    _elementary("sqrt", math.sqrt, "square root", _ieee_sqrt),
    _elementary("tanh", math.tanh, "hyperbolic tangent"),
    _elementary("sin", math.sin, "sine", _periodic(math.sin)),
    _elementary("cos", math.cos, "cosine", _periodic(math.cos)),
    _elementary("sigmoid", stable_sigmoid, "1 / (1 + e ** -x), without overflow", c="vg_sigmoid",
                javascript="vg_sigmoid"),
    _elementary("softplus", stable_softplus, "log(1 + e ** x), without overflow", c="vg_softplus",
                javascript="vg_softplus"),
    Function("pow", 2, "special", math.pow, ieee_pow, "x ** y over the reals",
             {"c": "pow", "javascript": "vg_pow"}),
    Function("select", 3, "decision", select, select,
             "select(x, positive, other): positive where x > 0, other where x <= 0, NaN at NaN",
             {"c": "vg_select", "javascript": "vg_select"}),
    Function("sign", 1, "decision", sign, sign, "1, -1, or 0 at 0; NaN at NaN", {"c": "vg_sign", "javascript": "vg_sign"}),
    Function("maximum", VARIADIC, "special", maximum, maximum, "the largest of a list; NaN if one is",
             {"c": "vg_maximum", "javascript": "vg_maximum"}),
    Function("pick", VARIADIC, "special", pick, pick,
             "pick(items, index): the item the index names (negative from the end); NaN if none",
             {"c": "vg_pick", "javascript": "vg_pick"}),
    Function("picked", 3, "decision", picked, picked,
             "picked(index, at, count): 1 where the index names position at among count items, else 0",
             {"c": "vg_picked", "javascript": "vg_picked"}),
)
"""Every function a rule may call, in one place."""

NAMES: frozenset[str] = frozenset(function.name for function in VOCABULARY)
"""The vocabulary's names."""

BY_NAME: Mapping[str, Function] = {function.name: function for function in VOCABULARY}


def reading(name: str, implementations: Mapping[str, Callable[..., Any]], doc: str) -> Any:
    """A reading of the rules: an object whose attributes are ``implementations``, documented by ``doc``.

    Raises:
        TypeError: If ``implementations`` does not name exactly the vocabulary's
            functions (so that no reading can drift from the declarations).
    """
    given = set(implementations)
    if given != NAMES:
        missing, extra = sorted(NAMES - given), sorted(given - NAMES)
        raise TypeError(
            f"the reading {name} must implement exactly the vocabulary's functions; "
            f"missing {missing}, not declared {extra}"
        )
    namespace: dict[str, Any] = {key: staticmethod(value) for key, value in implementations.items()}
    namespace["__doc__"] = doc
    return type(name, (), namespace)


def implemented(reading_: Any) -> frozenset[str]:
    """The vocabulary names a reading answers (what a test compares with :data:`NAMES`)."""
    return frozenset(name for name in dir(reading_) if not name.startswith("_"))


def by_kind(kind: Kind) -> Iterable[Function]:
    """The declarations of one kind, in order."""
    return (function for function in VOCABULARY if function.kind == kind)
