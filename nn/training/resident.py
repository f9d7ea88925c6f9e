"""``fit(jit=True)``'s resident steps: a batch's forward, backward and update on flat numbers.

Once ``jit`` has confirmed a batch shape's program (its second trace), a
step of that shape runs the compiled program straight on flat arrays: the
parameters' numbers and the optimizer's state stay in the native update's
buffers (:class:`nn.optim.native.FlatUpdate`), each example's inputs and
targets are flattened once per ``fit``, and the gradients go from the
program's backward into the update's buffer. No Value is written per step
(``fit`` runs no user code between steps); the parameters' ``.data`` and
``.grad`` (the last batch's) are written back where Python can read them: at
the end of each epoch when there is a validation set (validation and early
stopping read the model), before any step that has to run the ordinary way,
before the final loss check, and when ``fit`` returns or raises.

A step falls back to the ordinary one (a compiled call's node, the engine's
backward, the update from ``.data`` and ``.grad``) when the program would not
be replayed (a guard changed), a decision comes out otherwise, or a number is
not finite, so what the divergence guard reports, and every number, is what
the ordinary step gives: the same programs compute the same floats.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

from autograd import Value
from autograd.compiler import JitError, Replay

__all__ = ["Resident"]

_TRIES = 4  # ordinary steps of one batch size after which no confirmed program is looked for


class _Plan:
    """One batch size's confirmed program, with how its inputs and gradients map onto the flat buffers."""

    __slots__ = ("gather", "identity", "replay", "rows", "scatter")

    def __init__(self, replay: Replay, position: dict[Value, int], count: int, size: int) -> None:
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
        # The aux numbers (data loss, then each example's outputs) as rows, where that is their layout.
        self.rows = _row_length(replay, size)


def program_gets_all(replay: Replay, count: int) -> bool:
    """Whether the program's inputs are ``count`` Values that all receive gradients."""
    program = replay.program
    return len(replay.reached) == count and program.gradient_inputs == count and program.graph_inputs is None


def _row_length(replay: Replay, size: int) -> int:
    """The outputs' length per example where the aux is ``(data loss, [outputs per example])``; 0 otherwise."""
    count = len(replay.program.aux)
    if size < 1 or count < 1 or (count - 1) % size:
        return 0
    length = (count - 1) // size
    numbers = [float(n) for n in range(count)]
    expected = (0.0, [numbers[1 + i * length : 1 + (i + 1) * length] for i in range(size)])
    try:
        same = replay.aux_of(tuple(numbers)) == expected
    except (TypeError, ValueError, StopIteration):
        return 0
    return length if same and length > 0 else 0


class _Reordered:
    """A copy of reordered buffers, read in the optimizer's order only where it is put back."""

    __slots__ = ("_back", "_numbers")

    def __init__(self, numbers: array[float], back: list[int]) -> None:
        self._numbers, self._back = numbers, back

    def __iter__(self) -> Iterator[float]:
        numbers = self._numbers
        return iter([numbers[place] for place in self._back])


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
        self._reordered = False
        self._order_back: list[int] = []  # the buffers' place of each of the optimizer's parameters
        self._last_indices: list[int] = []
        self._last_numbers = array("d")

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
        if array("d", replay.numbers) != self._numbers(indices):
            return  # the flat layout is not the one this module assumes: steps stay ordinary
        plan = _Plan(replay, self._position, len(self._params), size)
        count = len(self._params)
        if not plan.identity and not self._reordered and sorted(plan.gather) == list(range(count)) \
                and program_gets_all(replay, count):
            # The buffers take the program's order once, so its runs read and write them whole.
            self._update.reorder(plan.gather)
            self._reordered = True
            self._params = self._update.params
            self._position = {value: index for index, value in enumerate(self._params)}
            self._plans.clear()
            self._order_back = sorted(range(count), key=plan.gather.__getitem__)
            plan = _Plan(replay, self._position, count, size)
        self._plans[size] = plan

    def _numbers(self, indices: list[int]) -> array[float]:
        if indices == self._last_indices:  # a full batch without shuffling: the same numbers every epoch
            return self._last_numbers
        numbers = array("d")
        rows, targets = self._rows, self._targets
        for i in indices:
            numbers.extend(rows[i])
        for i in indices:
            numbers.extend(targets[i])
        self._last_indices, self._last_numbers = list(indices), numbers
        return numbers

    def forward_backward(self, indices: list[int]) -> tuple[float, float, list[list[float]], array[float]] | None:
        """``(total loss, data loss, outputs, gradients)`` of a batch on the buffers, or None to step the ordinary way.

        The gradients are in the optimizer's order; nothing is written anywhere.
        """
        plan = self._plans.get(len(indices))
        if plan is None or not plan.replay.holds():
            return None
        data = self._update.data
        if plan.identity:
            inputs = data
        else:
            inputs = array("d", [
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
        if not math.isfinite(sum(gradients)):  # a NaN or inf among them (or a sum that overflows)
            return None
        if plan.identity:
            grads = gradients if type(gradients) is array else array("d", gradients)
        else:  # the engine accumulates into a zeroed .grad: 0.0 + g
            grads = array("d", [0.0 if slot < 0 else 0.0 + gradients[slot] for slot in plan.scatter])
        length = plan.rows
        if length:
            numbers = list(aux_numbers)
            data_loss = numbers[0]
            outputs = [numbers[start : start + length] for start in range(1, len(numbers), length)]
        else:
            data_loss, outputs = plan.replay.aux_of(aux_numbers)
        return total, data_loss, outputs, grads

    def step(self, grads: array[float]) -> None:
        """The optimizer's update of the buffers from ``grads``."""
        self._update.grads[:] = grads
        self._update.step()
        self._last_grads = grads
        self.dirty = True

    def weights(self) -> Any:
        """The parameters' numbers now, in the optimizer's order (a copy, for the divergence guard)."""
        if not self._reordered:
            return self._update.data.tolist()
        return _Reordered(self._update.data[:], self._order_back)

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
