"""The backend protocol and the registry of backends by name.

A backend is a small protocol (:class:`Backend`): given a program, return a
:class:`CompiledProgram` with its forward, its backward and their source.
``autograd.jit(fn, backend=name)`` picks one by name from the registry here;
the Python backend (generated straight-line Python) is built in and is the
default. Another package adds a backend by calling :func:`register_backend`,
without touching the engine.

What the callables take and give:

* ``run(inputs, numbers) -> (output, aux, saved)``: ``inputs`` are the
  numbers of the program's Value inputs (``program.inputs[:gradient_inputs]``),
  ``numbers`` those of its number inputs, in order; ``aux`` the numbers of
  ``program.aux``; ``saved`` whatever the backward needs. It raises
  :class:`~autograd.compiler.program.Diverged` with the decision's index when
  one of ``program.decisions`` comes out differently.
* ``backward(saved) -> gradients``: d output / d input, one per Value input.

Where floats misbehave (Python raises, or a result is not finite) the jit
falls back to the engine, so a backend need not handle IEEE special cases.

**Text from the user is data, never code.** Labels and input names, op
names, origins (file names and function names), decisions' descriptions, the
``title`` and the ``filename`` all come from the user's program and may hold
anything, newlines and quotes included. A backend that writes source must
escape such text or refuse it: the Python backend writes it only inside
comments, through :func:`one_line` (one printable line), and uses a label as
a variable name only if it is an identifier that is not a keyword, a builtin
or a name it generates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ...core.hooks import Removable
from ..program import Program

__all__ = ["Backend", "CompiledProgram", "backend_named", "backends", "one_line", "register_backend"]


def one_line(text: str) -> str:
    """``text`` as one printable line: newlines, other control characters and separators escaped (``\\n``).

    What generated source may safely hold in a comment, or a name may show.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


@dataclass(frozen=True, eq=False)
class CompiledProgram:
    """A program compiled by a backend (see the package docstring for what the callables do).

    Attributes:
        run: ``run(inputs, numbers) -> (output, aux, saved)``.
        backward: ``backward(saved) -> gradients``, one per Value input.
        source: What a reader sees: the generated code, or the program printed op by op.
        size: How big the compiled program is, in the backend's unit (lines of code, tape entries).
        generate_seconds: Of the compile time, how much went to writing the
            source (the rest went to compiling or loading it).
    """

    run: Callable[[Sequence[float], Sequence[float]], tuple[float, tuple[float, ...], Any]]
    backward: Callable[[Any], Sequence[float]]
    source: str
    size: int
    generate_seconds: float = 0.0


class Backend(Protocol):
    """What a backend provides."""

    @property
    def name(self) -> str:
        """The name ``jit(..., backend=name)`` selects it by."""
        ...

    def compile(self, program: Program, *, name: str, title: str, filename: str) -> CompiledProgram:
        """Compile ``program``.

        Args:
            program: What was traced.
            name: The traced function's name, for messages.
            title: One line saying what was traced, for the source's header.
            filename: A name for the compiled code (tracebacks show it).
        """
        ...


_REGISTRY: dict[str, Backend] = {}


def register_backend(backend: Backend) -> Removable:
    """Make ``backend`` selectable as ``jit(fn, backend=backend.name)`` (replacing one of that name).

    Returns:
        A handle whose ``remove()`` (or the end of a ``with`` block) takes the
        backend out again and puts back the one it replaced, if any.

    Raises:
        TypeError: If it has no ``name`` string or no ``compile`` method.
    """
    name = getattr(backend, "name", None)
    if not isinstance(name, str) or not name or not callable(getattr(backend, "compile", None)):
        raise TypeError(
            f"register_backend expects an object with a name (a non-empty str) and a compile "
            f"method, got {type(backend).__name__}"
        )
    replaced = _REGISTRY.get(name)
    _REGISTRY[name] = backend
    return _Registration(name, backend, replaced)


class _Registration(Removable):
    __slots__ = ("_backend", "_name", "_replaced")

    def __init__(self, name: str, backend: Backend, replaced: Backend | None) -> None:
        self._name, self._backend, self._replaced = name, backend, replaced

    def remove(self) -> None:
        if _REGISTRY.get(self._name) is not self._backend:
            return  # removed already, or replaced since: leave the newer one
        if self._replaced is None:
            del _REGISTRY[self._name]
        else:
            _REGISTRY[self._name] = self._replaced


def backend_named(name: str) -> Backend:
    """The backend registered as ``name``.

    Raises:
        ValueError: If none is (the message lists the ones there are).
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        known = ", ".join(repr(key) for key in _REGISTRY)
        raise ValueError(f"jit: no backend named {name!r}; the registered ones are {known}") from None


def backends() -> tuple[str, ...]:
    """The names of the registered backends, in registration order."""
    return tuple(_REGISTRY)
