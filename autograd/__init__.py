"""valuegrad's scalar reverse-mode automatic differentiation engine.

The import name ``autograd`` is shared with the unrelated PyPI package
"autograd" (HIPS); do not install both into one environment.
"""

from typing import Any

from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .compiler import JitError, is_tracing, jit, per_call
from .explorer import explore
from .extend import DefinedOp, apply, define_op
from .functional import grad, hessian, jacobian, jvp
from .gradcheck import GradcheckError, gradcheck
from .graph import StaleGraphError
from .hooks import RemovableHandle
from .mode import enable_grad, is_grad_enabled, no_grad
from .op import VARIADIC, Op, TestSpec
from .ops import TABLE
from .reductions import dot, linear, vmax, vsum
from .value import Value


def __getattr__(name: str) -> Any:
    # draw_dot needs the graphviz package; importing it on first use keeps
    # ``import autograd`` standard-library only.
    if name == "draw_dot":
        from .viz import draw_dot

        return draw_dot
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


__all__ = [
    "TABLE",
    "VARIADIC",
    "AnomalyError",
    "DefinedOp",
    "GradcheckError",
    "JitError",
    "Op",
    "RemovableHandle",
    "StaleGraphError",
    "TestSpec",
    "Value",
    "apply",
    "define_op",
    "detect_anomaly",
    "dot",
    "draw_dot",
    "enable_grad",
    "explore",
    "grad",
    "gradcheck",
    "hessian",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "is_tracing",
    "jacobian",
    "jit",
    "jvp",
    "linear",
    "no_grad",
    "per_call",
    "vmax",
    "vsum",
]
