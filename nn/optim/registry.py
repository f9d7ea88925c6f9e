"""The optimizers known by name: one row per name, with its class, learning rate and settings.

The command line's ``--optimizer`` choices, its default learning rates and its
help are built from :data:`OPTIMIZERS`; adding a row adds an optimizer there.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from autograd import Value

from .._registry import Registry
from .optimizers import SGD, Adam, AdamW, Optimizer, RMSprop

__all__ = ["OPTIMIZERS", "OptimizerSpec"]


@dataclass(frozen=True)
class OptimizerSpec:
    """What the command line and the docs need to know about one optimizer by name.

    Attributes:
        cls: The optimizer class.
        lr: The learning rate used when none is given (tuned for the toy data sets).
        options: Hyper-parameters this name sets, e.g. ``{"momentum": 0.9}``.
        summary: One line for help texts and docs.
    """

    cls: type[Optimizer]
    lr: float
    summary: str
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def hyper_parameters(self) -> tuple[str, ...]:
        """The class's settings besides ``params`` and ``lr`` (``momentum``, ``betas``...)."""
        names = inspect.signature(self.cls).parameters
        return tuple(name for name in names if name not in ("params", "lr"))

    def make(self, params: Iterable[Value], lr: float | None = None) -> Optimizer:
        """The optimizer over ``params``, with ``lr`` (None: this row's learning rate)."""
        return self.cls(params, self.lr if lr is None else lr, **self.options)


OPTIMIZERS: Registry[OptimizerSpec] = Registry("optimizer")
"""The optimizer names of the command line, each with its :class:`OptimizerSpec`."""

OPTIMIZERS.register("sgd", OptimizerSpec(SGD, 0.3, "plain stochastic gradient descent"))
OPTIMIZERS.register("momentum", OptimizerSpec(SGD, 0.05, "SGD with momentum 0.9", {"momentum": 0.9}))
OPTIMIZERS.register("rmsprop", OptimizerSpec(RMSprop, 0.01, "RMSprop"))
OPTIMIZERS.register("adam", OptimizerSpec(Adam, 0.02, "Adam"))
OPTIMIZERS.register("adamw", OptimizerSpec(AdamW, 0.02, "Adam with decoupled weight decay 0.01"))
