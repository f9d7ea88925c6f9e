"""Anomaly mode's canonical suite: each classic source of inf and NaN, named at the right op and line.

Every case is written twice, on Values and on PyTorch tensors, and run under
each library's anomaly mode. ``python tests/functions/test_anomaly.py`` prints what
each one reports, side by side: the table of docs/debugging.md, which
``test_readme.py`` keeps up to date.
"""

from __future__ import annotations

import inspect
import math
import os
import re
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from autograd import AnomalyError, TestSpec, Value, define_op, detect_anomaly, is_anomaly_enabled

MARK = "# <- anomaly"  # the line each case's report must name

# A row users might add: x · log x, the entropy term, which is nan at 0 (0 · -inf).
xlogx = define_op(
    "xlogx",
    lambda F, x, c: x * F.log(x),
    lambda F, x, out, c: F.log(x) + 1.0,
    domain="a positive input (0 · log 0 is nan)",
    test=TestSpec(low=0.1, high=3.0),
)


# ---------------------------------------------------------------- the cases, on Values


def log_of_zero() -> Value:
    p = Value(0.0, label="p")
    return p.log()  # <- anomaly


def sqrt_of_a_negative_reached_through_a_subtraction() -> Value:
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    gap = a - b
    return gap.sqrt()  # <- anomaly


def zero_over_zero() -> Value:
    x, y = Value(0.0, label="x"), Value(0.0, label="y")
    return x / y  # <- anomaly


def exp_overflow() -> Value:
    z = Value(1000.0, label="z")
    return z.exp()  # <- anomaly


def negative_base_to_a_fractional_power() -> Value:
    x = Value(-8.0, label="x")
    return x ** (1 / 3)  # <- anomaly


def nan_from_inf_minus_inf() -> Value:
    big = Value(math.inf, label="big")  # an input that arrived as inf
    return big - big  # <- anomaly


def nan_hidden_under_a_relu() -> Value:
    x = Value(math.nan, label="x")  # a bad input: relu must not turn it into 0
    hidden = x.relu()  # <- anomaly
    return hidden * 2.0


def inf_gradient_from_sqrt_at_zero() -> Value:
    x = Value(0.0, label="x")
    return x.sqrt()  # <- anomaly


def a_user_defined_row() -> Value:
    p = Value(0.0, label="p")
    return xlogx(p)  # <- anomaly


# ---------------------------------------------------------------- the same cases, on tensors


def _torch_cases(leaves: list[Any]) -> dict[str, Callable[[], Any]]:
    torch = pytest.importorskip("torch")

    def leaf(x: float) -> Any:
        leaves.append(torch.tensor(x, dtype=torch.float64, requires_grad=True))
        return leaves[-1]

    class XLogX(torch.autograd.Function):  # type: ignore[misc]  # the user-defined row, in torch
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x * x.log()

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            return grad * (x.log() + 1.0)

    def sqrt_of_a_negative() -> Any:
        a, b = leaf(1.0), leaf(2.0)
        gap = a - b
        return gap.sqrt()  # <- anomaly

    def relu() -> Any:
        x = leaf(math.nan)
        hidden = x.relu()  # <- anomaly
        return hidden * 2.0

    def inf_minus_inf() -> Any:
        big = leaf(math.inf)
        return big - big  # <- anomaly

    return {
        "log_of_zero": lambda: leaf(0.0).log(),  # <- anomaly
        "sqrt_of_a_negative_reached_through_a_subtraction": sqrt_of_a_negative,
        "zero_over_zero": lambda: leaf(0.0) / leaf(0.0),  # <- anomaly
        "exp_overflow": lambda: leaf(1000.0).exp(),  # <- anomaly
        "negative_base_to_a_fractional_power": lambda: leaf(-8.0) ** (1 / 3),  # <- anomaly
        "nan_from_inf_minus_inf": inf_minus_inf,
        "nan_hidden_under_a_relu": relu,
        "inf_gradient_from_sqrt_at_zero": lambda: leaf(0.0).sqrt(),  # <- anomaly
        "a_user_defined_row": lambda: XLogX.apply(leaf(0.0)),  # <- anomaly
    }


@dataclass(frozen=True)
class Case:
    build: Callable[[], Value]
    op: str
    forward: bool  # found while building (else: during backward)

    @property
    def line(self) -> int:
        source, start = inspect.getsourcelines(self.build)
        return start + next(i for i, text in enumerate(source) if MARK in text)


CASES = [
    Case(log_of_zero, "log", forward=True),
    Case(sqrt_of_a_negative_reached_through_a_subtraction, "sqrt", forward=True),
    Case(zero_over_zero, "div", forward=True),
    Case(exp_overflow, "exp", forward=True),
    Case(negative_base_to_a_fractional_power, "pow_const", forward=True),
    Case(nan_from_inf_minus_inf, "sub", forward=True),
    Case(nan_hidden_under_a_relu, "relu", forward=True),
    Case(inf_gradient_from_sqrt_at_zero, "sqrt", forward=False),
    Case(a_user_defined_row, "xlogx", forward=True),
]
IDS = [case.build.__name__ for case in CASES]


def valuegrad_report(case: Case) -> str:
    """What detect_anomaly raises for ``case``."""
    with detect_anomaly(), pytest.raises(AnomalyError) as error:
        case.build().backward()
    return str(error.value)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_case_is_silent_ieee_outside_anomaly_mode(case: Case) -> None:
    out = case.build()
    out.backward()
    assert not all(map(math.isfinite, (out.data, *(leaf.grad for leaf in out.ancestors() if leaf.is_leaf))))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_anomaly_mode_names_the_op_and_the_users_line(case: Case) -> None:
    where = f"{os.path.basename(__file__)}:{case.line} (in {case.build.__name__})"
    expected = f"{case.op} at {where}" if case.forward else f"backward through {case.op} made at {where}"
    assert valuegrad_report(case).startswith(expected)


def test_messages_say_whether_the_op_made_the_value_or_passed_it_on() -> None:
    reports = {case.build.__name__: valuegrad_report(case) for case in CASES}
    line = CASES[1].line
    assert reports["sqrt_of_a_negative_reached_through_a_subtraction"].endswith(
        f"made nan from -1.0 (operand 0 from sub at test_anomaly.py:{line - 1} "
        "(in sqrt_of_a_negative_reached_through_a_subtraction))"
    )
    assert reports["nan_from_inf_minus_inf"].endswith(
        "made nan from inf (Value label 'big') and inf (Value label 'big')"
    )
    assert reports["nan_hidden_under_a_relu"].endswith(
        "passed on nan from its operand 0, a leaf (Value label 'x')"
    )
    assert reports["inf_gradient_from_sqrt_at_zero"].endswith(
        "local derivative inf at input 0.0 (gradient 1.0 arrived)"
    )


def test_a_relu_does_not_swallow_nan() -> None:
    assert math.isnan(Value(math.nan).relu().data)


def torch_report(name: str) -> str:
    """What torch.autograd.detect_anomaly reports for the tensor twin of case ``name``."""
    torch = pytest.importorskip("torch")
    leaves: list[Any] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with torch.autograd.detect_anomaly():
            out = _torch_cases(leaves)[name]()
            try:
                out.backward()
            except RuntimeError as error:
                lines = [
                    int(match) for warning in caught
                    for match in re.findall(r'test_anomaly\.py", line (\d+)', str(warning.message))
                ]
                at = f" (forward traceback: line {lines[-1]})" if lines else ""
                return f"RuntimeError: {error}{at}"
    grads = ", ".join(repr(x.grad.item()) for x in leaves)
    return f"nothing raised; output {out.item()!r}, gradients {grads}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pytorch_catches_only_nan_gradients_and_only_in_backward(case: Case) -> None:
    report = torch_report(case.build.__name__)
    caught = case.build.__name__ in {
        "sqrt_of_a_negative_reached_through_a_subtraction",
        "zero_over_zero",
        "negative_base_to_a_fractional_power",
    }
    assert report.startswith("RuntimeError: Function") == caught, report
    if caught:  # at the right line, though: the forward traceback names the op's line
        assert "returned nan values" in report
        line = int(report.rpartition("forward traceback: line ")[2].rstrip(")"))
        assert MARK in Path(__file__).read_text(encoding="utf-8").splitlines()[line - 1]


def test_anomaly_mode_is_per_thread() -> None:
    entered = threading.Barrier(2)
    checked = threading.Barrier(2)
    other: list[Any] = []

    def worker() -> None:
        entered.wait()  # the main thread is inside detect_anomaly now
        other.append((is_anomaly_enabled(), Value(0.0).log().data, Value(0.0).log().origin))
        checked.wait()

    thread = threading.Thread(target=worker)
    thread.start()
    with detect_anomaly():
        entered.wait()
        checked.wait()
        with pytest.raises(AnomalyError):
            Value(0.0).log()
    thread.join()
    assert other == [(False, -math.inf, None)]
    assert not is_anomaly_enabled()


def side_by_side_table() -> str:
    """The table of docs/debugging.md: each case's report from both libraries, trimmed."""
    rows = [
        "| case | valuegrad `detect_anomaly` | PyTorch 2.13 `torch.autograd.detect_anomaly` |",
        "|---|---|---|",
    ]
    for case in CASES:
        name = case.build.__name__
        ours = re.sub(r" \(in \w+\)| \(Value label '\w+'\)", "", valuegrad_report(case))
        theirs = torch_report(name).replace("RuntimeError: Function ", "")
        theirs = re.sub(r"\(forward traceback: line (\d+)\)", r"+ forward traceback to line \1", theirs)
        theirs = re.sub(r"nothing raised; output (.*), gradients (.*)", r"nothing (output \1, gradient \2)", theirs)
        rows.append(f"| {name.replace('_', ' ')} | `{ours}` | {theirs} |")
    return "\n".join(rows)


def test_the_docs_anomaly_table_is_what_both_libraries_report_now() -> None:
    pytest.importorskip("torch")
    page = (Path(__file__).resolve().parents[2] / "docs" / "debugging.md").read_text(encoding="utf-8")
    assert side_by_side_table() in page


if __name__ == "__main__":
    print(side_by_side_table())
