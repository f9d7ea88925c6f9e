"""Looking inside a network: forward hooks on modules, and gradient norms per module.

``module.register_forward_hook(hook)`` calls ``hook(module, inputs, output)``
after every forward pass of ``module`` (a value returned replaces the
output), as PyTorch's hooks of the same name do; ``grad_norms(model)`` gives
the size of the gradients under each part of a model after ``backward``,
which is how vanishing and exploding gradients show themselves.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any, Protocol

from autograd import Value
from autograd.extend import Removable

__all__ = ["ForwardHook", "HookHandle", "grad_norms"]

ForwardHook = Callable[[Any, Any, Any], Any]
"""``hook(module, inputs, output) -> None or a replacement output``."""

_ids = itertools.count()


class HookHandle(Removable):
    """What ``register_forward_hook`` returns: ``remove()`` unregisters the hook (also on ``with`` exit)."""

    __slots__ = ("_hooks", "_key", "_on_remove")

    def __init__(self, hooks: dict[int, ForwardHook], key: int, on_remove: Callable[[], None]) -> None:
        self._hooks = hooks
        self._key = key
        self._on_remove = on_remove

    def remove(self) -> None:
        """Unregister the hook; a second call does nothing."""
        if self._hooks.pop(self._key, None) is not None:
            self._on_remove()


def register(hooks: dict[int, ForwardHook], hook: ForwardHook, on_change: Callable[[int], None]) -> HookHandle:
    """Add ``hook`` to ``hooks``; ``on_change(+1 or -1)`` hears of it (for a count of hooked modules)."""
    if not callable(hook):
        raise TypeError(f"register_forward_hook expects a callable, got {type(hook).__name__}")
    key = next(_ids)
    hooks[key] = hook
    on_change(+1)
    return HookHandle(hooks, key, lambda: on_change(-1))


def run_hooks(module: Any, hooks: dict[int, ForwardHook], inputs: Any, output: Any) -> Any:
    """Call each hook in registration order; each may replace the output."""
    for hook in list(hooks.values()):
        replaced = hook(module, inputs, output)
        if replaced is not None:
            output = replaced
    return output


class _Parts(Protocol):
    def named_children(self) -> list[tuple[str, Any]]: ...

    def named_parameters(self) -> list[tuple[str, Value]]: ...


def grad_norms(model: _Parts) -> dict[str, float]:
    """The L2 norm of the gradients under each part of ``model``, after ``backward``.

    The parts are the model's direct sub-modules (``layers.0``, ``layers.1``
    for an MLP; ``neurons.0``… for a Layer) and its own parameters (``w.0``,
    ``b`` for a Neuron), named as in ``named_parameters``.

    Example:
        >>> import nn
        >>> model = nn.MLP(2, [3, 1], seed=0)
        >>> model([1.0, -1.0])[0].backward()
        >>> sorted(nn.grad_norms(model))
        ['layers.0', 'layers.1']
    """
    totals: dict[str, float] = {}
    children = {name for name, _ in model.named_children()}
    for name, parameter in model.named_parameters():
        part = next((child for child in children if name.startswith(child + ".")), name)
        totals[part] = totals.get(part, 0.0) + parameter.grad * parameter.grad
    return {part: math.sqrt(total) for part, total in totals.items()}
