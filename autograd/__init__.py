"""valuegrad's scalar reverse-mode automatic differentiation engine.

The import name ``autograd`` is shared with the unrelated PyPI package
"autograd" (HIPS); do not install both into one environment.
"""

from .engine import Value, apply, dot, enable_grad, grad, hessian, is_grad_enabled, no_grad, vsum
from .gradcheck import GradcheckError, gradcheck
from .ops import TABLE, Op

__all__ = [
    "TABLE",
    "GradcheckError",
    "Op",
    "Value",
    "apply",
    "dot",
    "enable_grad",
    "grad",
    "gradcheck",
    "hessian",
    "is_grad_enabled",
    "no_grad",
    "vsum",
]
