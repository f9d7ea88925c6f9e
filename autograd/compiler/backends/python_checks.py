"""The checks of generated Python: a condition that is true when a replay decides differently from its trace.

Shared by the straight-line and the loop forms of the Python backend, so both
test every decision alike.
"""

from __future__ import annotations

import math

from ...rules.print_python import python_text
from ...rules.source import Const
from ..program import RAISED, Decision

__all__ = ["failed_condition"]


def failed_condition(decision: Decision, value: str, other: str | None) -> str:
    """A condition that is true when the replay decides differently from the trace.

    Args:
        decision: The decision taken during the trace.
        value: The Python text of the number decided on.
        other: For a comparison with a slot, the Python text of the other side; else None.
    """
    if decision.kind in ("<", "<=", ">", ">=", "==", "!="):
        if other is None:
            other = repr(float(decision.other))
        test = f"{value} {decision.kind} {other}"
        return f"not ({test})" if decision.outcome else test
    if decision.kind == "bool":
        return f"{value} == 0.0" if decision.outcome else f"{value} != 0.0"
    if decision.kind in ("float", "exact"):
        return _differs(value, decision.outcome)
    if decision.outcome == RAISED:  # x - x is 0.0 for a finite x, NaN for NaN and inf
        return f"{value} - {value} == 0.0"
    if decision.kind == "int":
        return f"int({value}) != {decision.outcome!r}"
    if type(decision.outcome) is float:
        return _differs(f"round({value}, {decision.other!r})", decision.outcome)
    return f"round({value}, {decision.other!r}) != {decision.outcome!r}"


def _differs(value: str, number: float) -> str:
    """A condition true when ``value`` is not ``number`` bit for bit (-0.0 is not 0.0; NaN is NaN)."""
    if number != number:
        return f"{value} == {value}"
    if number == 0.0:
        sign = "-1.0" if math.copysign(1.0, number) < 0 else "1.0"
        return f"({value} != 0.0 or copysign(1.0, {value}) != {sign})"
    return f"{value} != {python_text(Const(number))}"
