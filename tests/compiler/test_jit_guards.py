"""jit on functions whose graphs depend on their data: replays never return a stale result.

Every function of the suite is replayed on random inputs that cross each of
its branches; results and gradients always equal the uncompiled run.
"""

from __future__ import annotations

import random
import warnings

import pytest
from support.guard_suite import SUITE, Function

from autograd import Value, jit

pytestmark = pytest.mark.usefixtures("each_backend")


def _value_and_gradients(function: Function, a: float, b: float) -> tuple[float, float, float]:
    x, y = Value(a), Value(b)
    out = function(x, y)
    out.backward()
    return out.data, x.grad, y.grad


@pytest.mark.parametrize("name", sorted(SUITE))
def test_replays_equal_the_uncompiled_function_across_every_branch(name: str) -> None:
    function = SUITE[name]
    step = jit(function)
    rng = random.Random(name)
    points = [(rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0)) for _ in range(60)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # past 8 patterns a function runs uncompiled: still right
        for a, b in points:
            x, y = Value(a), Value(b)
            out = step(x, y)
            out.backward()
            assert (out.data, x.grad, y.grad) == pytest.approx(
                _value_and_gradients(function, a, b), rel=1e-12, abs=1e-300
            ), (name, a, b)
    assert step.traces, "the function was never traced"


def test_the_suite_has_at_least_twelve_data_dependent_functions() -> None:
    assert len(SUITE) >= 12


def test_each_function_takes_several_paths_on_the_sampled_inputs() -> None:
    # Otherwise the test above would not exercise a guard.
    for name, function in SUITE.items():
        step = jit(function)
        rng = random.Random(name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(60):
                step(Value(rng.uniform(-2.0, 2.0)), Value(rng.uniform(-2.0, 2.0)))
        assert len(step.traces) >= 2, name
