"""Rows added with ``define_op``, one per arity, present in the table for the whole test run.

``conftest.py`` imports this module before any test is collected, so every
table-driven test (gradcheck at both orders in both modes, the three readings
of each rule, drawings, random graphs) runs on these rows as on built-in ones.
"""

from __future__ import annotations

from typing import Any

from autograd import VARIADIC, TestSpec, define_op

__all__ = ["hypot", "logsumexp", "smooth_abs"]

smooth_abs = define_op(
    "smooth_abs",
    lambda F, x, c: F.sqrt(x * x + c * c),
    lambda F, x, out, c: x / out,
    domain="any real input when c is not 0",
    doc="sqrt(x² + c²): |x| with the kink at 0 rounded off at scale c.",
    test=TestSpec(consts=(0.5, 2.0)),
)

hypot = define_op(
    "hypot",
    lambda F, x, y: F.sqrt(x * x + y * y),
    lambda F, x, y, out: (x / out, y / out),
    arity=2,
    symbol="‖·‖",
    domain="not both operands 0",
    commutes=True,
    test=TestSpec(avoid=(0.0,)),
)


def _logsumexp(F: Any, xs: Any, c: Any) -> Any:
    return F.log(sum(F.exp(x) for x in xs))


logsumexp = define_op(
    "logsumexp",
    _logsumexp,
    lambda F, xs, out, c: tuple(F.exp(x - out) for x in xs),
    arity=VARIADIC,
    symbol="lse",
    commutes=True,
    test=TestSpec(arity=3),
)
