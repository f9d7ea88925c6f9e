"""One policy for numbers out of range: IEEE 754 results everywhere, anomaly mode to stop at them.

Checked two ways: every op of the table at special inputs against PyTorch
(float64), and the policy table of docs/engine.md, row by row.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autograd import TABLE, VARIADIC, AnomalyError, Value, apply, detect_anomaly
from autograd.rules.table import BUILT_IN

torch = pytest.importorskip("torch")
functional = pytest.importorskip("torch.nn.functional")

SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -0.0, -1.0, 1.0, 1e308, 1e-320, 710.0, -2.5]

TORCH: dict[str, Callable[..., Any]] = {
    "add": lambda x, y, c: x + y, "sub": lambda x, y, c: x - y, "mul": lambda x, y, c: x * y,
    "div": lambda x, y, c: x / y, "pow": lambda x, y, c: torch.pow(x, y),
    "add_const": lambda x, c: x + c, "rsub_const": lambda x, c: c - x,
    "mul_const": lambda x, c: x * c, "div_const": lambda x, c: x / c,
    "rdiv_const": lambda x, c: c / x, "pow_const": lambda x, c: torch.pow(x, c),
    "rpow_const": lambda x, c: torch.pow(torch.tensor(c, dtype=torch.float64), x),
    "leaky_relu": lambda x, c: functional.leaky_relu(x, c), "neg": lambda x, c: -x,
    "exp": lambda x, c: torch.exp(x), "log": lambda x, c: torch.log(x),
    "sqrt": lambda x, c: torch.sqrt(x), "tanh": lambda x, c: torch.tanh(x),
    "sigmoid": lambda x, c: torch.sigmoid(x), "softplus": lambda x, c: functional.softplus(x),
    "relu": lambda x, c: torch.relu(x), "abs": lambda x, c: torch.abs(x),
    "sin": lambda x, c: torch.sin(x), "cos": lambda x, c: torch.cos(x),
    "sum": lambda *xs_and_c: sum(xs_and_c[:-1], torch.tensor(xs_and_c[-1], dtype=torch.float64)),
    "max": lambda *xs_and_c: torch.amax(torch.stack(xs_and_c[:-1])),
    # The index is a tensor in the graph (times 0.0) so that PyTorch gives it a gradient, 0, too.
    "take": lambda *xs_and_c: torch.stack(xs_and_c[:-2])[int(xs_and_c[-2].item())] + 0.0 * xs_and_c[-2],
}

# Where PyTorch chooses a different convention, and why valuegrad keeps its own.
CONVENTIONS: dict[str, Callable[[tuple[float, ...]], bool]] = {
    # A derivative at a NaN input is NaN here (a NaN is never swallowed); PyTorch gives 1, the slope or 0.
    "relu": lambda point: math.isnan(point[0]),
    "leaky_relu": lambda point: math.isnan(point[0]),
    "abs": lambda point: math.isnan(point[0]),
    # PyTorch takes limits where a base or exponent is 0, NaN or infinite; valuegrad evaluates
    # y·x^(y-1) and x^y·log x as written (IEEE), as the float formulas give.
    "pow": lambda point: any(v == 0.0 or not math.isfinite(v) for v in point),
    # C99's pow(-inf, 0.5) is +inf (math.pow agrees); PyTorch's is NaN.
    "pow_const": lambda point: point[0] == -math.inf,
    # Not a convention but a gap, pinned below: at an infinite maximum the rule's out - x is NaN.
    "max": lambda point: math.isinf(max(point)),
    # An index that names no item is refused by autograd.take; the row reads it as NaN.
    "take": lambda point: not (point[-1].is_integer() and -(len(point) - 1) <= point[-1] < len(point) - 1),
}


@pytest.mark.xfail(strict=True, reason="max's rule tests out - x, which is NaN at an infinite maximum")
def test_max_at_an_infinite_maximum_passes_the_gradient_to_it_as_pytorch_does() -> None:
    x, y = Value(math.inf), Value(1.0)
    apply(TABLE["max"], [x, y]).backward()
    assert (x.grad, y.grad) == (1.0, 0.0)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b or abs(a - b) <= 1e-12 * abs(b)


FUSED = {"dot"}  # its constant is a vector of numbers: compared with PyTorch in the random-graph tests


def test_every_built_in_row_has_a_pytorch_counterpart_here() -> None:
    assert set(TORCH) == {op.name for op in BUILT_IN} - FUSED


@pytest.mark.parametrize("name", sorted(TORCH))
def test_every_op_at_special_inputs_gives_what_pytorch_gives(name: str) -> None:
    op = TABLE[name]
    consts = [c for c in op.test.consts if c is not None] or [None]
    arity = op.test.arity if op.arity == VARIADIC else op.arity
    for const, point in itertools.product(consts, itertools.product(SPECIAL, repeat=arity)):
        if name in CONVENTIONS and CONVENTIONS[name](point):
            continue
        xs = [Value(v) for v in point]
        out = apply(op, xs, const)
        out.backward()
        tensors = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
        expected = TORCH[name](*tensors, const)
        expected.backward()
        assert _same(out.data, expected.item()), (name, point, const, out.data, expected.item())
        for x, t in zip(xs, tensors, strict=True):
            assert _same(x.grad, t.grad.item()), (name, point, const, x.grad, t.grad.item())


def _policy_rows() -> list[tuple[str, float, float, float]]:
    page = (Path(__file__).resolve().parents[2] / "docs" / "engine.md").read_text(encoding="utf-8")
    table = page.split("<!-- non-finite policy -->")[1].split("<!-- end -->")[0]
    rows = []
    for line in table.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("expression", "") and not set(cells[0]) <= {"-"}:
            rows.append((cells[0], float(cells[1]), float(cells[2]), float(cells[3])))
    return rows


ROWS = _policy_rows()


def test_the_readme_has_a_policy_table() -> None:
    assert len(ROWS) >= 12


@pytest.mark.parametrize(("expression", "x", "result", "gradient"), ROWS, ids=[row[0] + " " + str(row[1]) for row in ROWS])
def test_the_readme_policy_table_row_by_row(expression: str, x: float, result: float, gradient: float) -> None:
    variable = Value(x)
    out = eval(expression, {"x": variable})  # the page's own expressions
    out.backward()
    assert _same(out.data, result) and _same(variable.grad, gradient)
    if not (math.isfinite(out.data) and math.isfinite(variable.grad)) and math.isfinite(x):
        with detect_anomaly(), pytest.raises(AnomalyError, match=r"at <string>:1 \(in <module>\)"):
            anomalous = Value(x)
            eval(expression, {"x": anomalous}).backward()
