"""The notebooks' exercises: each solution passes its check, each wrong answer fails with a hint, stubs are "not done".

The solutions live in ``notebooks/solutions/`` (one file per notebook), apart
from the notebooks, whose exercise cells start as stubs. Every exercise a
notebook checks is one ``nn.exercises`` knows and a solution file answers.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.testing import points
from nn.exercises import EXERCISES, ExerciseFailed, check
from nn.exercises.grading import claimed_gradient_disagrees

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "notebooks" / "solutions"
CHECK_CALL = re.compile(r"""check\(\s*["'](\w+)["']""")


def _solutions(notebook: str) -> ModuleType:
    path = SOLUTIONS / f"{notebook}.py"
    spec = importlib.util.spec_from_file_location(f"solutions_{notebook}", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _solution(name: str) -> Any:
    return _solutions(EXERCISES[name].notebook).ANSWERS[name]


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _softmax(logits: list[float]) -> list[float]:
    exps = [math.exp(z - max(logits)) for z in logits]
    return [e / sum(exps) for e in exps]


def _unstable_cross_entropy(logits: list[Value], target: int) -> Value:
    return sum((z.exp() for z in logits), Value(0.0)).log() - logits[target]


# For each exercise: a wrong answer, and words the message must contain (what is wrong, and the hint).
WRONG: dict[str, tuple[Any, tuple[str, ...]]] = {
    "tanh_derivative": (lambda x: 1 - x * x, ("finite differences", "input x", "output of tanh")),
    "chain_rule_prediction": ((-3.0, 2.0, 1.0), ("not right", "local derivatives", "dL/dq")),
    "accumulation_prediction": (6.0, ("not x.grad", "more than one path")),
    "backward_by_hand": (
        lambda w1, w2: ((w2 * _sigmoid(2 * w1) - 0.5) * w2 * _sigmoid(2 * w1) * (1 - _sigmoid(2 * w1)),
                        (w2 * _sigmoid(2 * w1) - 0.5) * _sigmoid(2 * w1)),
        ("dL/dw1 disagrees with finite differences", "dz/dw1"),
    ),
    "softmax_cross_entropy": (_unstable_cross_entropy, ("1000", "overflows", "subtract")),
    "learning_rate": (1.2, ("loss grows", "1 − 2η")),
    "momentum_step": (lambda theta, grad, velocity, lr, mu: (theta - lr * grad, mu * velocity + grad),
                      ("plain SGD", "velocity")),
    "sigmoid_pass_back": (lambda out, out_grad: out * (1 - out), ("finite differences", "arrives from above")),
    "gradient_sign": (-1, ("Not that sign", "never negative")),
    "hessian_by_hand": (lambda x, y: [[2 * x, 2 * x], [2 * x, 6 * y]], ("finite differences", "y is a constant")),
    "newton_step": (lambda g, H: [-g[0], -g[1]], ("gradient-descent step", "curvature")),
    "hinge_slopes": ((-1.0, -1.0, -1.0), ("2.5", "flat")),
    "l2_strength": (0.3, ("not below the plain", "under-fits")),
    "shared_weight_gradient": (2.0, ("not w.grad", "one user's contribution", "sum")),
    "sigmoid_edge": (0.8, ("node's value", "slope")),
    "adam_first_step": (0.01 * 3e-4, ("plain SGD", "divides")),
    "cross_entropy_gradient": (lambda logits, target: _softmax(logits),
                               ("finite differences", "− z_target part has a derivative")),
    "confusion_matrix": (lambda true, predicted, classes: [[sum(t == j and p == i for t, p in zip(true, predicted, strict=True))
                                                             for j in range(classes)] for i in range(classes)],
                         ("swapped", "TRUE class")),
    "cross_validation_k": (1, ("training error is 0", "held-out")),
    "causal_mask": (lambda n: [[j >= i for j in range(n)] for i in range(n)], ("LATER positions", "row i")),
    "stable_softmax": (lambda scores: [math.exp(s) / sum(math.exp(t) for t in scores) for s in scores],
                       ("overflowed", "which number")),
    "gpt_parameter_count": (2048 - 27 * 8, ("lm_head", "missing")),
}


def test_every_exercise_has_a_wrong_answer_here_and_a_solution() -> None:
    assert set(WRONG) == set(EXERCISES)
    for name, exercise in EXERCISES.items():
        assert name in _solutions(exercise.notebook).ANSWERS


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_solution_is_right(name: str) -> None:
    outcome = check(name, _solution(name), strict=True)
    assert outcome.status == "right" and bool(outcome)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_a_wrong_answer_fails_with_what_is_wrong_and_a_hint_not_the_answer(name: str) -> None:
    answer, words = WRONG[name]
    outcome = check(name, answer)
    assert outcome.status == "wrong" and not outcome
    for word in words:
        assert word in outcome.message, outcome.message
    solution = _solution(name)
    if isinstance(solution, (int, float)) and not isinstance(solution, bool):
        assert f"{solution:g}" not in outcome.message
    with pytest.raises(ExerciseFailed, match="not yet right"):
        check(name, answer, strict=True)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_an_untouched_stub_is_not_done_and_does_not_raise(name: str) -> None:
    def stub(*args: Any) -> Any:
        raise NotImplementedError

    stubs = (None, ..., stub) if callable(_solution(name)) else (None, ...)  # a number's stub is None
    for answer in stubs:
        outcome = check(name, answer)
        assert outcome.status == "not done", outcome
        assert EXERCISES[name].task in outcome.message
    with pytest.raises(ExerciseFailed, match="not done yet"):
        check(name, None, strict=True)


def test_an_answer_of_the_wrong_kind_or_that_raises_is_wrong_with_a_message() -> None:
    assert "plain number" in check("accumulation_prediction", Value(7.0)).message
    assert "should be a function" in check("tanh_derivative", 0.5).message

    def broken(x: float) -> float:
        return 1 / 0

    outcome = check("tanh_derivative", broken)
    assert outcome.status == "wrong" and "ZeroDivisionError" in outcome.message


def test_a_softmax_cross_entropy_that_cuts_the_graph_is_caught_by_the_gradient_check() -> None:
    def through_data(logits: list[Value], target: int) -> Value:
        return Value(math.log(sum(math.exp(z.data) for z in logits))) - logits[target]

    outcome = check("softmax_cross_entropy", through_data)
    assert outcome.status == "wrong" and "cuts the graph" in outcome.message


def test_every_learning_rate_that_works_is_accepted_not_only_the_solution() -> None:
    assert all(check("learning_rate", lr) for lr in (0.15, 0.3, 0.45, 0.5))
    assert "too timid" in check("learning_rate", 0.05).message
    assert "overshoots" in check("learning_rate", 0.7).message


def test_newton_steps_that_point_uphill_or_multiply_by_the_hessian_get_their_own_hints() -> None:
    uphill = check("newton_step", lambda g, H: [-v for v in _solution("newton_step")(g, H)])
    assert "wrong way" in uphill.message
    times_h = check("newton_step", lambda g, H: [-(H[0][0] * g[0] + H[0][1] * g[1]), -(H[1][0] * g[0] + H[1][1] * g[1])])
    assert "inverse" in times_h.message


def test_a_sigmoid_pass_back_written_with_the_input_instead_of_the_output_is_told_so() -> None:
    outcome = check("sigmoid_pass_back", lambda out, out_grad: out_grad * (1 - out))
    assert outcome.status == "wrong" and "tails" in outcome.message


def test_an_unknown_exercise_is_refused_with_the_known_names() -> None:
    with pytest.raises(ValueError, match="unknown exercise 'tanh'; expected one of backward_by_hand"):
        check("tanh", None)


@pytest.mark.parametrize("notebook", sorted({exercise.notebook for exercise in EXERCISES.values()}))
def test_each_notebook_checks_exactly_its_exercises_and_stores_them_not_done(notebook: str) -> None:
    cells = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    checked = [name for cell in cells if cell["cell_type"] == "code" for name in CHECK_CALL.findall("".join(cell["source"]))]
    assert checked == [name for name, exercise in EXERCISES.items() if exercise.notebook == notebook]
    shown = "".join(
        "".join(output.get("text", "")) + "".join(output.get("data", {}).get("text/plain", ""))
        for cell in cells if cell["cell_type"] == "code" for output in cell.get("outputs", [])
    )
    for name in checked:
        assert f"{name}: … not done yet" in shown


def test_a_k_chosen_by_anything_but_the_held_out_error_is_wrong_with_a_hint() -> None:
    assert "flattens" in check("cross_validation_k", 32).message
    assert "some other k" in check("cross_validation_k", 8).message
    assert "not one of the grid's values" in check("cross_validation_k", 3).message


@settings(max_examples=30, deadline=None)
@given(points(5, -20.0, 20.0), st.integers(0, 4))
def test_the_gradient_comparison_accepts_p_minus_onehot_and_refuses_p_at_any_logits(logits: list[float], target: int) -> None:
    def loss(zs: list[float]) -> float:
        top = max(zs)
        return top + math.log(sum(math.exp(z - top) for z in zs)) - zs[target]

    p = _softmax(logits)
    assert not claimed_gradient_disagrees(loss, [q - (i == target) for i, q in enumerate(p)], logits)
    assert claimed_gradient_disagrees(loss, p, logits)  # the −z_target term's derivative left out


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (2.0 + 3.0, ("incoming gradient is tanh's slope",)),
        (2.0 + (1.0 - math.tanh(1.5) ** 2), ("one factor is missing",)),
    ],
)
def test_a_shared_weight_answer_that_misses_a_factor_is_told_which(answer: float, words: tuple[str, ...]) -> None:
    message = check("shared_weight_gradient", answer).message
    assert all(word in message for word in words), message


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (_sigmoid(0.8) * (1 - _sigmoid(0.8)), ("took the box's number as the input",)),
        (1 - 0.8**2, ("tanh's slope",)),
    ],
)
def test_a_sigmoid_edge_read_from_the_input_or_from_tanh_is_told_so(answer: float, words: tuple[str, ...]) -> None:
    message = check("sigmoid_edge", answer).message
    assert all(word in message for word in words), message


def _right_only_where_looked(points: tuple[float, ...], right: Any) -> Any:
    """A rule that is right at a grader's own points and wrong everywhere else (a lookup table)."""
    return lambda *arguments: right(*arguments) if any(
        math.isclose(arguments[0], p, rel_tol=1e-12) for p in points) else 0.5


def test_a_rule_right_only_at_the_points_tried_first_is_found_out_by_the_search() -> None:
    from nn.exercises import gradients, values

    tanh_rule = _right_only_where_looked((0.0, *values.TANH_POINTS), lambda x: 1 - math.tanh(x) ** 2)
    outcome = check("tanh_derivative", tanh_rule)
    assert outcome.status == "wrong" and "a search of [-6, 6] found x =" in outcome.message, outcome.message
    outs = tuple(_sigmoid(x) for x in gradients.SIGMOID_POINTS)
    sigmoid_rule = _right_only_where_looked(outs, lambda out, g: g * out * (1 - out))
    outcome = check("sigmoid_pass_back", sigmoid_rule)
    assert outcome.status == "wrong" and "a search of [-8, 8] found x =" in outcome.message, outcome.message
    assert check("sigmoid_pass_back", sigmoid_rule).message == outcome.message  # the search is derandomized
