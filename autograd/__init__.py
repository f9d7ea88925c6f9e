"""valuegrad's scalar reverse-mode automatic differentiation engine.

The import name ``autograd`` is shared with the unrelated PyPI package
"autograd" (HIPS); do not install both into one environment.
"""

from typing import Any

from .engine import Value, apply, dot, enable_grad, grad, hessian, is_grad_enabled, no_grad, vsum
from .explorer import explore
from .gradcheck import GradcheckError, gradcheck
from .ops import TABLE, Op


def __getattr__(name: str) -> Any:
    # draw_dot needs the graphviz package; importing it lazily keeps the engine
    # itself standard-library only.
    if name == "draw_dot":
        from .viz import draw_dot

        return draw_dot
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


__all__ = [
    "TABLE",
    "GradcheckError",
    "Op",
    "Value",
    "apply",
    "dot",
    "draw_dot",
    "enable_grad",
    "explore",
    "grad",
    "gradcheck",
    "hessian",
    "is_grad_enabled",
    "no_grad",
    "vsum",
]
