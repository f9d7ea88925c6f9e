"""The exercises of notebook 05 (XOR and two moons): a hinge gradient predicted, and an L2 strength chosen."""

from __future__ import annotations

import functools
import math
from typing import Any

from .grading import Exercise, as_float, refusal

__all__ = ["EXERCISES"]

NOTEBOOK = "05_xor_and_moons"
# Scores of a class-1 point (label +1 under the hinge loss max(0, 1 − y·score)).
HINGE_SCORES = (0.4, 2.5, -1.0)


def _hinge_slope(score: float) -> float:
    return -1.0 if score < 1 else 0.0


@refusal
def _grade_hinge_slopes(answer: Any) -> str | None:
    if not isinstance(answer, (tuple, list)) or len(answer) != len(HINGE_SCORES):
        return f"Give {len(HINGE_SCORES)} numbers, one per score {HINGE_SCORES}, as a tuple"
    predicted = [as_float(value, f"the slope at score {s}") for value, s in zip(answer, HINGE_SCORES, strict=True)]
    wrong = [s for p, s in zip(predicted, HINGE_SCORES, strict=True) if not math.isclose(p, _hinge_slope(s), abs_tol=1e-9)]
    if not wrong:
        return None
    listed = ", ".join(f"{s:g}" for s in wrong)
    if any(p > 0 for p in predicted):
        hint = ("Raising the score of a class-1 point never raises its hinge loss, "
                "so no slope is positive.")
    elif 2.5 in wrong:
        hint = "Past a margin of 1 the hinge is flat: max(0, 1 − m) is 0 there, and so is its slope."
    else:
        hint = "Below a margin of 1 the hinge is the straight line 1 − m: what is its slope in the score?"
    return f"The slope at score {listed} is not right. {hint}"


# The notebook's over-fitting setting: 30 noisy-moons training points, a 2-16-16-1 relu network,
# Adam at 0.03 for 100 epochs; tried on the notebook's data seeds with model seed 0.
L2_DATA_SEEDS = (0, 1, 2, 3)
EPOCHS = 100


def _setting(seed: int) -> tuple[Any, Any]:
    import nn

    X, y = nn.moons(n=260, noise=0.3, seed=seed)
    return (X[:30], y[:30]), (X[60:], y[60:])


@functools.cache
def _test_loss(l2: float, data_seed: int) -> float:
    import nn

    (train_x, train_y), (test_x, test_y) = _setting(data_seed)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    nn.fit(model, train_x, train_y, loss="bce", optimizer=nn.Adam(model.parameters(), lr=0.03), epochs=EPOCHS,
           l2=l2, progress=False, seed=0, jit=True)
    return float(nn.evaluate(model, test_x, test_y, loss="bce")[0])


@refusal
def _grade_l2_strength(answer: Any) -> str | None:
    l2 = as_float(answer, "the L2 strength")
    if not math.isfinite(l2) or l2 < 0:
        return f"An L2 strength is a number ≥ 0, got {l2:g}"
    plain = {seed: _test_loss(0.0, seed) for seed in L2_DATA_SEEDS}
    tried = {seed: _test_loss(l2, seed) for seed in L2_DATA_SEEDS}
    losing = [seed for seed in L2_DATA_SEEDS if tried[seed] >= plain[seed]]
    if not losing:
        return None
    seed = losing[0]
    where = (f"With l2 = {l2:g} the test loss on data seed {seed} is {tried[seed]:.3f}, "
             f"not below the plain network's {plain[seed]:.3f}.")
    if l2 == 0:
        hint = "l2 = 0 is the plain network itself."
    elif abs(tried[seed] - math.log(2)) < 0.05:
        hint = ("A test loss near log 2 = 0.693 is a coin toss: the penalty is so strong that the weights stay "
                "near 0 and the network says 0.5 everywhere. It under-fits; try a weaker one.")
    else:
        hint = "So weak a penalty barely changes the weights; the network still follows the noise of 30 points."
    return f"{where} {hint}"


EXERCISES = (
    Exercise("hinge_slopes", NOTEBOOK,
             "a tuple: d hinge / d score for a class-1 point at the scores 0.4, 2.5 and -1.0",
             _grade_hinge_slopes),
    Exercise("l2_strength", NOTEBOOK,
             "a number l2 > 0 whose network beats the plain one's test loss on each of data seeds 0-3",
             _grade_l2_strength),
)
