"""Specification of which lines of ``Jitted.source`` each step of a program wrote (what the explorer shows).

``CompiledCall.step_lines()`` (the compiled call kept in a jitted call's
node) gives one entry per step: its forward line and that line's number in
the source, its backward lines (the Python backend's), and for a step of a
loop its iteration; these tests read them through that node.
"""

from __future__ import annotations

from typing import Any

import pytest

from autograd import Value, jit, vsum
from autograd.compiler import backends

BACKENDS = ["python", "native"]


def trusted(function: Any, backend: str, *args: Any) -> tuple[Value, Any]:
    if backend not in backends():
        pytest.skip(f"no {backend} backend here")
    step = jit(function, backend=backend)
    for _ in range(3):
        out = step(*args)
    assert out.op == "jit"
    return out, step


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_step_has_the_line_of_the_source_that_computes_it(backend: str) -> None:
    w = Value(0.5, label="w")
    out, step = trusted(lambda x: (w * x + 1.0).tanh() * x, backend, 2.0)
    lines = out._const.step_lines()
    source = step.source.split("\n")
    assert len(lines) == len(step.program.steps)
    for entry, program_step in zip(lines, step.program.steps, strict=True):
        number, text = entry.forward
        assert source[number - 1] == text
        assert program_step.op.name in text and str(program_step.origin) in text
        assert entry.iteration is None and entry.iterations == 1


def test_the_python_backward_lines_of_a_step_are_its_block() -> None:
    w = Value(0.5, label="w")
    out, step = trusted(lambda x: (w * x).tanh() * w, "python", 2.0)
    tanh = out._const.step_lines()[1]
    source = step.source.split("\n")
    assert [source[number - 1] for number, _ in tanh.backward] == [text for _, text in tanh.backward]
    assert tanh.backward[0][1].strip().startswith("if g_t1:") and "g_t0 +=" in tanh.backward[1][1]


def tanh_comment(step: Any) -> str:
    origin = next(s.origin for s in step.program.steps if s.op.name == "tanh")
    return f"# tanh at {origin}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_iteration_of_a_loop_has_the_bodys_line(backend: str) -> None:
    w = Value(0.5, label="w")
    xs = [0.01 * k for k in range(200)]  # 600 steps: the Python backend writes a loop too
    out, step = trusted(lambda xs: vsum([(w * x + 0.5).tanh() for x in xs]), backend, xs)
    lines = out._const.step_lines()
    tanh = [entry for entry, s in zip(lines, step.program.steps, strict=True) if s.op.name == "tanh"]
    assert len(tanh) == 200
    assert len({entry.forward for entry in tanh}) == 1  # one body line
    assert [entry.iteration for entry in tanh] == list(range(200))
    assert "for k in range(200)" in step.source
    if backend == "python":  # the loop's backward body, the same block for every iteration
        source = step.source.split("\n")
        assert len({entry.backward for entry in tanh}) == 1
        assert [source[number - 1] for number, _ in tanh[0].backward] == [text for _, text in tanh[0].backward]
        assert [text.strip() for _, text in tanh[0].backward][:2] == ["grad = g[i + 2]", f"if grad:  {tanh_comment(step)}"]
        assert lines[-1].backward[-1][1].strip() == "g[j] += grad"  # the sum's block, to its last line


def test_a_source_of_another_shape_gives_none() -> None:
    from autograd.compiler.step_lines import lines_of_steps

    w = Value(0.5, label="w")
    _, step = trusted(lambda x: (w * x).tanh(), "python", 2.0)
    assert lines_of_steps(step.program, "a listing of another shape\n") is None


def test_a_program_cut_into_chunks_maps_each_step_into_its_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd.compiler.backends import python_layout

    monkeypatch.setattr(python_layout, "CHUNK_LINES", 4)  # an internal: chunks for a small program
    w = Value(0.5, label="w")
    out, step = trusted(lambda x: ((w * x).tanh() * w + x).exp() * w, "python", 2.0)
    assert "def forward_1(" in step.source
    source = step.source.split("\n")
    lines = out._const.step_lines()
    assert len(lines) == len(step.program.steps)
    for entry in lines:
        assert source[entry.forward[0] - 1] == entry.forward[1]
        assert all(source[number - 1] == text for number, text in entry.backward)
    assert sum(1 for entry in lines if entry.backward) >= 4
