"""A backend is a small protocol: an outside one, registered by name, runs jitted code like the built-in one."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest

from autograd import Value, jit
from autograd.compiler import CompiledProgram, Program, backends, register_backend
from autograd.compiler.program import Diverged


class Interpreter:
    """A backend that walks the program's steps with each row's float reading: no code generated."""

    name = "interpreter"

    def __init__(self) -> None:
        self.compiled = 0

    def compile(self, program: Program, *, name: str, title: str, filename: str) -> CompiledProgram:
        self.compiled += 1
        first, gradients = program.first_step, program.gradient_inputs

        def run(inputs: Sequence[float], numbers: Sequence[float]) -> tuple[float, tuple[float, ...], Any]:
            slots = [*inputs, *numbers, *program.constants]
            for step in program.steps:
                slots.append(step.op.float_forward([slots[i] for i in step.operands], step.const))
            for index, decision in enumerate(program.decisions):
                if not decision.holds(slots):
                    raise Diverged(index)
            return slots[program.output], tuple(slots[i] for i in program.aux), slots

        def backward(slots: list[float]) -> list[float]:
            grads = [0.0] * len(slots)
            grads[program.output] = 1.0
            for index in reversed(range(len(program.steps))):
                step, slot = program.steps[index], first + index
                if not step.gradient or grads[slot] == 0.0:
                    continue
                local = step.op.float_local([slots[i] for i in step.operands], slots[slot], step.const)
                for operand, derivative in zip(step.operands, local, strict=True):
                    grads[operand] += grads[slot] * derivative
            return grads[:gradients]

        listing = "\n".join(
            f"v{first + i} = {step.op.name}({', '.join(f'v{o}' for o in step.operands)})"
            for i, step in enumerate(program.steps)
        )
        return CompiledProgram(run, backward, f"# {title}\n{listing}\n", len(program.steps))


def neuron_loss(w: list[Value], b: Value, xs: list[list[float]], ys: list[float]) -> Value:
    total = Value(0.0)
    for x, y in zip(xs, ys, strict=True):
        z = sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)
        out = z.relu() if z > -1.0 else z.tanh()  # a decision the replay checks
        total = total + (out - y) ** 2
    return total * (1.0 / len(xs))


def test_an_outside_backend_gives_the_python_backends_results_bit_for_bit() -> None:
    interpreter = Interpreter()
    rng = random.Random(0)
    with register_backend(interpreter):
        assert "interpreter" in backends()
        by_python, by_interpreter = jit(neuron_loss), jit(neuron_loss, backend="interpreter")
        for _ in range(6):
            xs = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(4)]
            ys = [rng.uniform(-1, 1) for _ in range(4)]
            results = []
            for loss_fn in (by_python, by_interpreter):
                w, b = [Value(0.3), Value(-0.2), Value(0.5)], Value(0.1)
                loss = loss_fn(w, b, xs, ys)
                loss.backward()
                results.append((loss.data, [p.grad for p in (*w, b)]))
            assert results[0] == results[1]
    assert interpreter.compiled >= 1
    assert by_interpreter.backend == "interpreter" and "relu" in by_interpreter.source
    assert "interpreter" not in backends()  # the with block took it out again


def test_the_program_a_backend_receives_is_public_data() -> None:
    @jit
    def f(x: Value, k: float) -> Value:
        return (x * k).tanh() + x

    f(Value(0.5), 2.0)
    f(Value(0.5), 2.0)
    program = f.program
    assert program is not None
    assert [entry.kind for entry in program.inputs] == ["argument", "number"]
    assert [step.op.name for step in program.steps] == ["mul", "tanh", "add"]
    assert program.output == program.first_step + len(program.steps) - 1


def test_an_unknown_backend_is_named_with_the_registered_ones() -> None:
    with pytest.raises(ValueError, match=r"no backend named 'fortran'.*'python'"):
        jit(neuron_loss, backend="fortran")


def test_a_backend_without_a_name_or_compile_is_refused() -> None:
    with pytest.raises(TypeError, match="register_backend expects"):
        register_backend(object())  # type: ignore[arg-type]


def test_the_default_backend_is_auto() -> None:
    assert jit(lambda x: x * 2.0).backend == "auto"
