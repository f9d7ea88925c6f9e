"""``Module``: the base class that finds parameters and names them.

How parameters are found (the one rule, applied recursively): a module's
public attributes are visited in the order they were first assigned
(``vars(self)`` keeps that order), and

* a ``Value`` attribute is a parameter, named after the attribute (``b``);
* a ``Module`` attribute is a child, its parameters prefixed with the
  attribute name (``layers.0.neurons.3.b``);
* a list or tuple is walked item by item, items named by position, so a
  list of Values gives ``w.0``, ``w.1``… and a list of Modules gives
  ``layers.0``, ``layers.1``…;
* anything else (ints, strings, ``None``) and every attribute whose name
  starts with ``_`` is ignored.

A parameter reachable twice (a shared weight) is listed once, under its first
name, as in PyTorch.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from autograd import Value
from autograd.extend import register_library, side_effect

from .._checks import is_finite_real, short_repr, strict_bool
from .hooks import ForwardHook, HookHandle, register, run_hooks

__all__ = ["LoadResult", "Module"]

# Every nn module imports this one: from now on, anomaly messages and generated
# code name the user's line that called nn, not the line inside nn.
register_library(os.path.dirname(os.path.abspath(__file__)))


class LoadResult(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped.

    Attributes:
        missing_keys: Parameter names that ``state`` did not contain.
        unexpected_keys: Names in ``state`` that are not parameters.
    """

    missing_keys: list[str]
    unexpected_keys: list[str]


def _format_keys(keys: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(key) for key in keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


class Module:
    """Base class for anything with parameters: neurons, layers, networks.

    Subclasses assign their parameters (Values) and sub-modules as attributes
    and implement ``__call__``; discovery, naming, ``zero_grad``,
    ``train``/``eval`` and ``state_dict`` come from here. See the module
    docstring for the discovery rule.

    Attributes:
        training: True in training mode (the default), False after ``eval()``.
            Only modes matter to modules that behave differently (Dropout).

    Examples:
        >>> class Affine(Module):
        ...     def __init__(self) -> None:
        ...         super().__init__()
        ...         self.scale = Value(2.0)
        ...         self.shift = Value(0.5)
        ...     def __call__(self, x: Value) -> Value:
        ...         return x * self.scale + self.shift
        >>> Affine().state_dict()
        {'scale': 2.0, 'shift': 0.5}
    """

    training: bool
    # Forward hooks: an instance gets its own dict on its first hook; until
    # then this shared empty one answers "none" in one lookup.
    _forward_hooks: dict[int, ForwardHook] = {}  # noqa: RUF012  # read-only default

    def __init__(self) -> None:
        self.training = True

    def register_forward_hook(self, hook: ForwardHook) -> HookHandle:
        """Call ``hook(module, inputs, output)`` after every forward pass of this module.

        ``inputs`` is what the module was called with, ``output`` what it
        returned; a value returned by the hook replaces the output. Hooks run
        in registration order. A neuron's hooks run also when its layer runs it.

        Returns:
            A handle whose ``remove()`` unregisters the hook (also a context manager).

        Examples:
            >>> import nn
            >>> layer = nn.Layer(2, 2)
            >>> seen = []
            >>> handle = layer.register_forward_hook(lambda m, x, out: seen.append(len(out)))
            >>> _ = layer([1.0, 2.0])
            >>> seen
            [2]
        """
        if "_forward_hooks" not in vars(self):
            self._forward_hooks = {}
        return register(self._forward_hooks, hook, self._hooks_changed)

    def _hooks_changed(self, change: int) -> None:
        """Called with +1 or -1 when a forward hook is added or removed (neurons count them)."""

    def _hooked(self, inputs: Any, output: Any) -> Any:
        """``output`` after this module's forward hooks (call only when it has some)."""
        side_effect(  # refused inside a jit trace: replays run no hooks
            f"a forward hook of {type(self).__name__} ran",
            "Remove the hook (its handle's remove()) while calling the compiled function, or "
            "call the function without jit",
        )
        return run_hooks(self, self._forward_hooks, inputs, output)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the module forward; every subclass defines its own signature."""
        raise NotImplementedError(f"{type(self).__name__} does not define __call__")

    # ------------------------------------------------------------ discovery

    def _members(self) -> Iterator[tuple[str, Value | Module]]:
        """(name, Value or Module) for this module's own attributes, in order."""
        for name, attribute in vars(self).items():
            if not name.startswith("_"):
                yield from _walk(name, attribute)

    def named_children(self) -> list[tuple[str, Module]]:
        """The direct sub-modules, with their names (``layers.0``), in discovery order."""
        return [(name, member) for name, member in self._members() if isinstance(member, Module)]

    def children(self) -> list[Module]:
        """The direct sub-modules, in discovery order."""
        return [child for _, child in self.named_children()]

    def modules(self) -> list[Module]:
        """This module followed by every module under it, depth first."""
        found: list[Module] = [self]
        for child in self.children():
            found.extend(child.modules())
        return found

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its dotted name, in a stable order.

        Returns:
            ``[(name, value), ...]`` with names like ``"layers.0.neurons.3.w.1"``.
            The order is the discovery order (attribute assignment order), so
            it is the same on every call and for every model built the same way.
        """
        named: list[tuple[str, Value]] = []
        seen: set[Value] = set()
        self._collect_parameters("", named, seen)
        return named

    def _collect_parameters(
        self, prefix: str, named: list[tuple[str, Value]], seen: set[Value]
    ) -> None:
        for name, member in self._members():
            if isinstance(member, Module):
                member._collect_parameters(f"{prefix}{name}.", named, seen)
            elif member not in seen:
                seen.add(member)
                named.append((prefix + name, member))

    def parameters(self) -> list[Value]:
        """Every parameter (leaf Values the optimizer updates), in ``named_parameters`` order."""
        return [value for _, value in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return len(self.named_parameters())

    # ------------------------------------------------------------ training helpers

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Set every parameter's ``.grad`` to 0.0 (gradients accumulate across ``backward`` calls).

        Args:
            set_to_none: Accepted for PyTorch's signature; a Value's gradient is
                always a number, so it becomes 0.0 either way.
        """
        strict_bool(set_to_none, "set_to_none")
        for value in self.parameters():
            value.grad = 0.0

    def train(self, mode: bool = True) -> Module:
        """Put this module and every module under it in training mode (or eval if ``mode`` is False).

        Returns:
            self, so ``model = MLP(...).train()`` works.

        Raises:
            TypeError: If ``mode`` is not a bool.
        """
        strict_bool(mode, "train mode")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Put this module and every module under it in evaluation mode (``train(False)``).

        Returns:
            self.
        """
        return self.train(False)

    # ------------------------------------------------------------ state

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value as a plain float, by dotted name.

        Returns:
            A new dict (changing it does not change the module), in
            ``named_parameters`` order.
        """
        return {name: value.data for name, value in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> LoadResult:
        """Copy parameter values from ``state`` (as made by ``state_dict``).

        Nothing is changed unless every check passes, so a bad ``state`` never
        leaves the module half loaded. Gradients are left as they are.

        Args:
            state: Parameter name -> real number.
            strict: If True, ``state`` must name exactly this module's
                parameters. If False, missing and unexpected names are skipped
                and reported in the result.

        Returns:
            The missing and unexpected names (both empty when ``strict``).

        Raises:
            TypeError: If ``state`` is not a mapping.
            ValueError: If ``strict`` and names are missing or unexpected, or if
                a value is not a finite real number; the message lists them all.
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict expects a mapping of parameter name to number, "
                f"got {type(state).__name__}"
            )
        named = self.named_parameters()
        names = {name for name, _ in named}
        missing = [name for name, _ in named if name not in state]
        unexpected = [str(key) for key in state if key not in names]
        problems: list[str] = []
        if strict and missing:
            problems.append(f"missing keys: {_format_keys(missing)}")
        if strict and unexpected:
            problems.append(f"unexpected keys: {_format_keys(unexpected)}")
        bad_values = [
            f"{name!r}: {short_repr(state[name])}"
            for name, _ in named
            if name in state and not is_finite_real(state[name])
        ]
        if bad_values:
            problems.append(
                "values that are not finite real numbers: " + ", ".join(bad_values[:10])
                + (f" and {len(bad_values) - 10} more" if len(bad_values) > 10 else "")
            )
        if problems:
            raise ValueError(
                f"cannot load state into {type(self).__name__} "
                f"({len(named)} parameters): " + "; ".join(problems)
            )
        for name, value in named:
            if name in state:
                value.data = float(state[name])
        return LoadResult(missing, unexpected)

    # ------------------------------------------------------------ display

    def extra_repr(self) -> str:
        """Text shown inside the parentheses of ``repr`` (override to describe settings)."""
        return ""

    def __repr__(self) -> str:
        blocks: list[str] = []
        for name, attribute in vars(self).items():
            if name.startswith("_"):
                continue
            if isinstance(attribute, Module):
                blocks.append(f"({name}): {attribute!r}")
            elif _is_module_list(attribute):
                items = "\n".join(
                    _indent(f"({index}): {item!r}") for index, item in enumerate(attribute)
                )
                blocks.append(f"({name}): [\n{items}\n]")
        extra = self.extra_repr()
        if not blocks:
            return f"{type(self).__name__}({extra})"
        lines = [extra, *blocks] if extra else blocks
        return f"{type(self).__name__}(\n" + "\n".join(_indent(line) for line in lines) + "\n)"


def _walk(name: str, attribute: object) -> Iterator[tuple[str, Value | Module]]:
    if isinstance(attribute, (Value, Module)):
        yield name, attribute
    elif isinstance(attribute, (list, tuple)):
        for index, item in enumerate(attribute):
            yield from _walk(f"{name}.{index}", item)


def _is_module_list(attribute: object) -> bool:
    return (
        isinstance(attribute, (list, tuple))
        and len(attribute) > 0
        and all(isinstance(item, Module) for item in attribute)
    )


def _indent(text: str) -> str:
    """Indent every line of ``text`` by two spaces."""
    return "  " + text.replace("\n", "\n  ")

