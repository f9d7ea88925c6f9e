"""``fit(jit=True)``'s resident steps: a batch's forward, backward and update on flat numbers.

Once ``jit`` has confirmed a batch shape's program (its second trace), a
step of that shape runs the compiled program straight on flat arrays: the
parameters' numbers and the optimizer's state stay in the native update's
buffers (:class:`nn.optim.native.FlatUpdate`), each example's inputs and
targets are flattened once per ``fit``, and the gradients go from the
program's backward into the update's buffer. No Value is written per step;
the parameters' ``.data`` and ``.grad`` are written back at the end of the
epoch (before validation, history and early stopping read them), and before
any step that has to run the ordinary way.

A step falls back to the ordinary one (a compiled call's node, the engine's
backward, the update from ``.data`` and ``.grad``) when the program would not
be replayed (a guard changed), a decision comes out otherwise, or a number is
not finite, so what the divergence guard reports, and every number, is what
the ordinary step gives: the same programs compute the same floats.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import Any

from autograd import Value
from autograd.compiler import JitError, Replay
from autograd.compiler.pytree import Flat, flatten

__all__ = ["Resident"]

_TRIES = 4  # ordinary steps of one batch size after which no confirmed program is looked for


class _Plan:
    """One batch size's confirmed program, with how its inputs and gradients map onto the flat buffers."""

    __slots__ = ("gather", "identity", "replay", "scatter")

    def __init__(self, replay: Replay, position: dict[Value, int], count: int) -> None:
        self.replay = replay
        program = replay.program
        self.gather = [position.get(value, -1) for value in replay.reached]
        self.identity = len(self.gather) == count and self.gather == list(range(count))
        selected = None if program.graph_inputs is None else set(program.graph_inputs)
        scatter = [-1] * count  # the gradient of each parameter: which of the backward's, or none
        for slot in range(program.gradient_inputs):
            index = self.gather[slot] if slot < len(self.gather) else -1
            if index >= 0 and (selected is None or slot in selected):
                scatter[index] = slot
        self.scatter = scatter
        self.identity = self.identity and program.gradient_inputs == count and selected is None


class Resident:
    """Runs a fit's batches on flat buffers (see the module docstring).

    Args:
        batch: ``fit``'s compiled batch loss (it holds the jitted function).
        update: The optimizer's native update; its ``data`` holds the parameters' numbers.
        X: The training examples.
        targets: What the compiled loss takes as targets, one per example.
    """

    def __init__(self, batch: Any, update: Any, X: Sequence[Sequence[float]], targets: list[Any]) -> None:
        self._jitted = batch.jitted
        self._update = update
        self._params: list[Value] = update.optimizer.params
        self._position = {value: index for index, value in enumerate(self._params)}
        self._rows = [array("d", x) for x in X]
        self._targets = [array("d", t) if isinstance(t, list | tuple) else array("d", [t]) for t in targets]
        self._X, self._target_list = X, targets
        self._plans: dict[int, _Plan | None] = {}
        self._tries: dict[int, int] = {}
        self.dirty = False  # whether the buffers hold numbers the parameters' Values do not
        self._last_grads: array[float] | None = None

    def look(self, indices: list[int]) -> None:
        """After an ordinary step of this batch size: take its program if ``jit`` has confirmed one."""
        size = len(indices)
        if self._plans.get(size) is not None or self._tries.get(size, 0) >= _TRIES:
            return
        self._tries[size] = self._tries.get(size, 0) + 1
        xs = [self._X[i] for i in indices]
        targets = [self._target_list[i] for i in indices]
        replay = self._jitted.replay_of(xs, targets)
        if replay is None:
            return
        flat = Flat()
        flatten((xs, targets), flat)
        if array("d", flat.numbers) != self._numbers(indices) or tuple(flat.numbers) != replay.numbers:
            return  # the flat layout is not the one this module assumes: steps stay ordinary
        self._plans[size] = _Plan(replay, self._position, len(self._params))

    def _numbers(self, indices: list[int]) -> array[float]:
        numbers = array("d")
        rows, targets = self._rows, self._targets
        for i in indices:
            numbers.extend(rows[i])
        for i in indices:
            numbers.extend(targets[i])
        return numbers

    def forward_backward(self, indices: list[int]) -> tuple[float, float, list[list[float]], array[float]] | None:
        """``(total loss, data loss, outputs, gradients)`` of a batch on the buffers, or None to step the ordinary way.

        The gradients are in the optimizer's order; nothing is written anywhere.
        """
        plan = self._plans.get(len(indices))
        if plan is None or not plan.replay.holds():
            return None
        data = self._update.data
        inputs = data if plan.identity else array("d", [
            data[index] if index >= 0 else value._data
            for index, value in zip(plan.gather, plan.replay.reached, strict=True)
        ])
        compiled = plan.replay.compiled
        try:
            total, aux_numbers, saved = compiled.run(inputs, self._numbers(indices))
            if not math.isfinite(total):
                return None
            gradients = compiled.backward(saved)
        except (JitError, ArithmeticError, ValueError):  # Diverged is a JitError
            return None
        if not all(map(math.isfinite, gradients)):
            return None
        # The engine accumulates into a zeroed .grad: 0.0 + g (so -0.0 becomes 0.0).
        if plan.identity:
            grads = array("d", map((0.0).__add__, gradients))
        else:
            grads = array("d", [0.0 if slot < 0 else 0.0 + gradients[slot] for slot in plan.scatter])
        data_loss, outputs = plan.replay.aux_of(aux_numbers)
        return total, data_loss, outputs, grads

    def step(self, grads: array[float]) -> None:
        """The optimizer's update of the buffers from ``grads``."""
        self._update.grads[:] = grads
        self._update.step()
        self._last_grads = grads
        self.dirty = True

    def weights(self) -> list[float]:
        """The parameters' numbers now (a copy, for the divergence guard)."""
        numbers: list[float] = self._update.data.tolist()
        return numbers

    def write_back(self) -> None:
        """Put the buffers' numbers into the parameters' ``.data`` (and the last gradients into ``.grad``)."""
        if not self.dirty:
            return
        for value, number in zip(self._params, self._update.data.tolist(), strict=True):
            value.data = number
        if self._last_grads is not None:
            for value, number in zip(self._params, self._last_grads.tolist(), strict=True):
                value.grad = number
        self.dirty = False
