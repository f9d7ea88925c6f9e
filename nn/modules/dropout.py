"""``Dropout``: zero random activations in training, pass them through in evaluation."""

from __future__ import annotations

import random
from collections.abc import Sequence

from autograd import Value, is_tracing, per_call
from autograd.extend import guard_state

from .._checks import probability, sequence
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Inverted dropout: in training, zero each input with probability ``p``.

    Kept inputs are scaled by 1 / (1 - p) so the expected output equals the
    input, and evaluation mode needs no rescaling: after ``eval()`` the
    inputs pass through unchanged.

    Dropout has no parameters, so there is nothing of it to save: ``nn.save``
    refuses it, and saves an MLP's dropout as part of the MLP's config.

    Args:
        p: Probability of zeroing an input, in [0, 1).
        seed: Seed for the masks; None uses the ``random`` module's global state.

    Raises:
        TypeError: If ``p`` is not a real number.
        ValueError: If ``p`` is outside [0, 1).
    """

    p: float
    _rng: random.Random | None

    def __init__(self, p: float, seed: int | None = None) -> None:
        super().__init__()
        self.p = probability(p, "Dropout p")
        self._rng = random.Random(seed) if seed is not None else None

    def __call__(self, values: Sequence[Value]) -> list[Value]:
        """Drop and rescale ``values`` in training mode; return them unchanged in eval mode.

        Args:
            values: The activations of one example.

        Returns:
            A new list, as long as ``values``.
        """
        sequence(values, "Dropout expects a list of Values")
        out = self._drop(values)
        return self._hooked(values, out) if self._forward_hooks else out

    def _drop(self, values: Sequence[Value]) -> list[Value]:
        # What decides how it drops: under autograd.jit, checked before every replay.
        training, p, rng = guard_state(lambda: (self.training, self.p, self._rng))
        if not training or p == 0.0:
            return list(values)
        draw = rng.random if rng is not None else random.random
        scale = 1.0 / (1.0 - p)
        if is_tracing():
            # Under autograd.jit each mask is an input that every replay draws
            # anew, in the same order, rather than a number fixed into the trace.
            def mask() -> float:
                return scale if draw() >= p else 0.0

            return [value * per_call(mask) for value in values]
        # A dropped unit stays a node (times 0.0) so drawings show where it went.
        return [value * scale if draw() >= p else value * 0.0 for value in values]

    def extra_repr(self) -> str:
        return f"p={self.p}"
