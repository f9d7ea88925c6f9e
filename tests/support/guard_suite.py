"""Functions whose graphs depend on their data: the suite jit's guards are held to.

Each takes two numbers-with-a-graph (Values, or PyTorch tensors for the
contrast with ``torch.jit.trace``) and builds a different graph depending on
their values. The tests hold ``autograd.jit`` to them (``tests/compiler/test_jit_guards.py``);
``benchmarks.compiled`` replays them under both compilers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["SUITE", "Function"]

Function = Callable[[Any, Any], Any]


def if_else(a: Any, b: Any) -> Any:
    return a * b if a > b else a - b * 2.0


def maximum_of_three(a: Any, b: Any) -> Any:
    return max(a, b, a * b) * 1.5


def minimum_then_square(a: Any, b: Any) -> Any:
    m = min(a, b)
    return m * m + a


def sorted_weights(a: Any, b: Any) -> Any:
    low, mid, high = sorted([a, b, a + b])
    return low * 3.0 + mid * 2.0 + high


def abs_with_if(a: Any, b: Any) -> Any:
    d = a - b
    return (d if d >= 0 else -d) * b


def loop_count_from_int(a: Any, b: Any) -> Any:
    out = b
    for _ in range(int(abs(a) * 2.0) % 4):
        out = out * 0.5 + a
    return out


def early_return(a: Any, b: Any) -> Any:
    s = a * b
    if s > 1.0:
        return s
    t = s * s
    if t > 0.25:
        return t - a
    return t + b


def clamp(a: Any, b: Any) -> Any:
    x = a * 2.0 - b
    if x < -1.0:
        return x * 0.0 - 1.0
    if x > 1.0:
        return x * 0.0 + 1.0
    return x


def piecewise(a: Any, b: Any) -> Any:
    if a < -0.5:
        return (a + 0.5) * b - 0.25
    if a < 0.5:
        return a * a * b
    return (a - 0.5) * b + 0.25


def choose_activation(a: Any, b: Any) -> Any:
    z = a * b + 0.1
    return z.tanh() if b > 0 else z.sigmoid()


def truth_of_a_difference(a: Any, b: Any) -> Any:
    d = a - b.relu()
    return a * b if bool(d) and d > 0 else a + b


def rounded_bucket(a: Any, b: Any) -> Any:
    bucket = round(a * 2.0)
    return b * (bucket + 1.0) if bucket > 0 else b * a


def float_threshold(a: Any, b: Any) -> Any:
    return a * b if float(a) ** 2 > 0.3 else a + b


SUITE: dict[str, Function] = {
    function.__name__: function
    for function in (
        if_else, maximum_of_three, minimum_then_square, sorted_weights, abs_with_if,
        loop_count_from_int, early_return, clamp, piecewise, choose_activation,
        truth_of_a_difference, rounded_bucket, float_threshold,
    )
}
