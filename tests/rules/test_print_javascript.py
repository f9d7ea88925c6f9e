"""Every row of the derivative table prints as JavaScript that computes what Python computes.

The explorer page runs graphs in the browser from this printing; here each
row's forward and local derivatives are printed, run by Node.js (skipped
where there is none) and compared with the float reading, to 1e-12 relative.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
from typing import Any

import pytest
from support.strategies import operand_names

from autograd import TABLE, Op
from autograd.rules.print_javascript import JAVASCRIPT_HELPERS, javascript_text
from autograd.rules.source import Binary, Call, Const, Name, Negate, SourceMath, as_expr

OPS = sorted(TABLE.values(), key=lambda op: op.name)


def _sample(op: Op, rng: random.Random) -> list[float]:
    spec = op.test
    arity = spec.arity if op.arity == -1 else op.arity
    items = arity - 1 if spec.indexed else arity
    while True:
        point = [rng.uniform(spec.low, spec.high) for _ in range(items)]
        near = any(abs(x - bad) < 0.05 for x in point for bad in spec.avoid)
        gaps = [abs(a - b) for i, a in enumerate(point) for b in point[i + 1 :]]
        if not near and (not gaps or min(gaps) > spec.apart):
            # take: the last operand names one of the others (and, nudged, still the same one)
            index = [rng.randint(-items, items - 1) + rng.choice((0.0, 0.2, -0.2))] if spec.indexed else []
            return point + index


def _close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def _run(script: str) -> Any:
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js to run the printed JavaScript")
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_every_row_prints_as_javascript_that_computes_its_forward_and_local_derivatives() -> None:
    rng = random.Random(0)
    cases: list[tuple[str, list[float], float, tuple[float, ...]]] = []
    lines = [JAVASCRIPT_HELPERS, "const results = [];"]
    for op in OPS:
        for const in op.test.consts:
            for _ in range(4):
                point = _sample(op, rng)
                names = operand_names(len(point))
                xs = [Name(name) for name in names]
                forward = javascript_text(as_expr(op.call_forward(SourceMath, xs, const)))
                local = [javascript_text(as_expr(d)) for d in op.local(SourceMath, xs, Name("out"), const)]
                out = op.float_forward(point, const)
                bound = "".join(f"const {n} = {x!r}; " for n, x in zip(names, point, strict=True))
                lines.append(
                    f"{{ {bound}const forward = {forward}; const out = {out!r}; "
                    f"results.push([forward, [{', '.join(local)}]]); }}"
                )
                cases.append((op.name, point, out, op.float_local(point, out, const)))
    lines.append("console.log(JSON.stringify(results.map(([f, l]) => [String(f), l.map(String)])));")
    results = _run("\n".join(lines))
    assert len(results) == len(cases)
    for (name, point, out, local), (forward_js, local_js) in zip(cases, results, strict=True):
        assert _close(float(forward_js), out), (name, point, forward_js, out)
        for expected, got in zip(local, local_js, strict=True):
            assert _close(float(got), expected), (name, point, got, expected)


def test_special_numbers_and_precedence_print_as_javascript_reads_them() -> None:
    x, y = Name("x"), Name("y")
    assert javascript_text(Const(math.inf)) == "Infinity"
    assert javascript_text(Const(-math.inf)) == "-Infinity"
    assert javascript_text(Const(math.nan)) == "NaN"
    assert javascript_text(Negate(Negate(x) * y)) == "-(-x * y)"
    assert javascript_text(Negate(Const(-2.0))) == "-(-2.0)"  # never the decrement --
    assert javascript_text(Binary("-", x, Binary("-", y, x))) == "x - (y - x)"
    assert javascript_text(Call("softplus", [x])) == "vg_softplus(x)"
    assert javascript_text(Call("exp", [x])) == "Math.exp(x)"


def test_pow_and_maximum_follow_python_at_their_edges() -> None:
    script = JAVASCRIPT_HELPERS + (
        "console.log(JSON.stringify([vg_pow(1, NaN), vg_pow(NaN, 0), vg_pow(-1, Infinity),"
        " String(vg_maximum([1, NaN, 3])), vg_maximum([2, 5, 5])]));"
    )
    assert _run(script) == [1, 1, 1, "NaN", 5]


def test_a_sum_of_many_terms_prints_left_to_right_with_the_parentheses_it_needs() -> None:
    x, y, z = Name("x"), Name("y"), Name("z")
    assert javascript_text(Binary("*", Binary("+", x, y), z)) == "(x + y) * z"
    assert javascript_text(Binary("*", Binary("+", Binary("*", Binary("+", x, y), z), x), y)) == "((x + y) * z + x) * y"
    terms: Any = x
    for _ in range(100_000):
        terms = Binary("+", terms, y)
    assert javascript_text(terms) == "x" + " + y" * 100_000
