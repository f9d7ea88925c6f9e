"""Forward hooks on modules: what ``Module.register_forward_hook`` registers and runs.

``module.register_forward_hook(hook)`` calls ``hook(module, inputs, output)``
after every forward pass of ``module`` (a value returned replaces the
output), as PyTorch's hooks of the same name do.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from autograd.extend import Removable

__all__ = ["ForwardHook", "HookHandle", "register", "run_hooks"]

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
