"""valuegrad's scalar reverse-mode automatic differentiation engine.

The import name ``autograd`` is shared with the unrelated PyPI package
"autograd" (HIPS); do not install both into one environment.
"""

from typing import Any

from ._version import __version__ as __version__
from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .compiler import JitError, is_tracing, jit, per_call
from .core.hooks import RemovableHandle
from .core.modes import enable_grad, is_grad_enabled, no_grad
from .core.sweep import StaleGraphError
from .core.value import Value
from .custom import DefinedOp, apply, define_op
from .functional import grad, hessian, jacobian, jvp
from .fused import dot, linear, take, vmax, vsum
from .gradcheck import GradcheckError, gradcheck
from .pictures.explorer import explore
from .rules.op import VARIADIC, Op, TestSpec
from .rules.table import TABLE


def __getattr__(name: str) -> Any:
    # draw_dot needs the graphviz package; importing it on first use keeps
    # ``import autograd`` standard-library only.
    if name == "draw_dot":
        from .pictures.dot import draw_dot

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
    "take",
    "vmax",
    "vsum",
]
