"""Smoke test of the benchmarks: tiny sizes, correctness only, no timing assertions.

The handwritten floor must compute exactly what the engine computes, or the
benchmark's ratios compare different work; these tests pin that down, plus the
workloads' own checks, a whole tiny pass of ``python -m benchmarks`` and of
the A/B tool ``python -m benchmarks.ab``.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

pytest.importorskip("micrograd", reason="the benchmarks need the dev extra (micrograd)")
pytest.importorskip("torch", reason="the benchmarks need the dev extra (torch)")

import nn
from benchmarks import ab, ab_report, ab_worker, handwritten, with_micrograd, with_valuegrad
from benchmarks.__main__ import main
from benchmarks.gpt_child import Trainer, weights_of
from benchmarks.gpt_micrograd import MicrogradGPT
from benchmarks.harness import Block, Case, Timings, interleave
from benchmarks.memory import STEPPERS, cyclic_garbage
from benchmarks.mlp_step import COMPARATORS, VARIANTS, check_agreement, warm_check
from benchmarks.problem import MLPProblem, make_problem
from benchmarks.reduction import check, operands, variants
from benchmarks.report import BenchmarkError

TINY_PROBLEM = {"points": 8, "hidden": (4, 3)}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tiny_problem() -> MLPProblem:
    return make_problem(**TINY_PROBLEM)  # type: ignore[arg-type]


# ---------------------------------------------------------------- A: the handwritten floor


@pytest.mark.parametrize("sizes", [TINY_PROBLEM, {"points": 100, "hidden": (16, 16)}])
def test_handwritten_mlp_matches_engine_loss_and_gradients_over_three_steps(
    sizes: dict[str, object],
) -> None:
    problem = make_problem(**sizes)  # type: ignore[arg-type]
    ours = with_valuegrad.ValuegradMLP(problem)
    floor = handwritten.HandwrittenMLP(problem)
    for _ in range(3):
        loss, floor_loss = ours.step(), floor.step()
        assert floor_loss == pytest.approx(loss, rel=1e-9, abs=1e-9)
        assert floor.gradients() == pytest.approx(ours.gradients(), rel=1e-9, abs=1e-9)
        # The SGD updates agree too, so the next step starts from the same weights.
        assert floor.parameters() == pytest.approx(ours.parameters(), rel=1e-9, abs=1e-9)
    assert any(g != 0.0 for g in floor.gradients()), "a step with no gradient checks nothing"


def test_every_comparator_agrees_with_the_engine_on_a_tiny_problem(
    tiny_problem: MLPProblem,
) -> None:
    worst = check_agreement(tiny_problem)
    assert set(worst) == set(COMPARATORS) | set(VARIANTS)
    assert max(worst.values()) <= 1e-9
    assert worst["valuegrad jit"] == 0.0  # replays are the engine's numbers, bit for bit


def test_check_agreement_rejects_a_floor_with_a_wrong_gradient(
    tiny_problem: MLPProblem, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken(handwritten.HandwrittenMLP):
        def gradients(self) -> list[float]:
            grads = super().gradients()
            grads[0] += 1e-6
            return grads

    monkeypatch.setitem(COMPARATORS, "handwritten", Broken)
    with pytest.raises(BenchmarkError, match="handwritten disagrees"):
        check_agreement(tiny_problem)


# ---------------------------------------------------------------- B: the chain


def test_engine_chain_gradient_is_1_0001_to_the_n_at_the_default_recursion_limit() -> None:
    limit = sys.getrecursionlimit()
    steps = 5 * limit  # 10x deeper than the limit in nodes
    grad, _ = with_valuegrad.chain(steps)
    assert grad == pytest.approx(1.0001**steps, rel=1e-9)
    assert sys.getrecursionlimit() == limit


def test_handwritten_chain_matches_the_engine() -> None:
    out, grad = handwritten.chain(1_000)
    x, engine_out = with_valuegrad.build_chain(1_000)
    engine_out.backward()
    assert out == pytest.approx(engine_out.data, rel=1e-12)
    assert grad == pytest.approx(x.grad, rel=1e-12)


def test_micrograd_chain_raises_recursion_error_until_the_limit_is_raised() -> None:
    limit = sys.getrecursionlimit()
    steps = limit  # 2 * limit nodes deep
    with pytest.raises(RecursionError):
        with_micrograd.chain(steps)
    with with_micrograd.recursion_limit(2 * steps + 1_000):
        grad, _ = with_micrograd.chain(steps)
    assert grad == pytest.approx(1.0001**steps, rel=1e-9)
    assert sys.getrecursionlimit() == limit


# ---------------------------------------------------------------- C: sums of products


def test_vsum_matches_builtin_sum_and_the_handwritten_floor() -> None:
    xs, ys = operands(200)
    total, grad_x, grad_y = handwritten.sum_of_products(xs, ys)
    assert total == pytest.approx(math.fsum(x * y for x, y in zip(xs, ys, strict=True)))
    for compute in (
        with_valuegrad.vsum_of_products,
        with_valuegrad.builtin_sum_of_products,
        with_valuegrad.dot_of,
    ):
        a, b = with_valuegrad.leaves(xs), with_valuegrad.leaves(ys)
        out = compute(a, b)
        assert out.data == pytest.approx(total, rel=1e-12)
        assert [x.grad for x in a] == grad_x
        assert [y.grad for y in b] == grad_y


def test_every_reduction_variant_passes_its_check() -> None:
    xs, ys = operands(50)
    for name, variant in variants(50).items():
        check(name, variant, xs, ys)  # raises BenchmarkError on a mismatch


def test_reduction_check_rejects_a_wrong_sum() -> None:
    xs, ys = operands(20)
    variant = variants(20)["handwritten"]
    wrong = type(variant)(variant.leaves, variant.compute, lambda r: r[0] + 1e-3, variant.x_grads)
    with pytest.raises(BenchmarkError, match="expected"):
        check("wrong", wrong, xs, ys)


# ---------------------------------------------------------------- D: the cycle collector


def test_engine_training_leaves_nothing_for_the_cycle_collector(
    tiny_problem: MLPProblem,
) -> None:
    def train(name: str) -> None:
        model = STEPPERS[name](tiny_problem)
        for _ in range(2):
            model.step()

    assert cyclic_garbage(lambda: train("valuegrad")) == 0
    assert cyclic_garbage(lambda: train("handwritten")) == 0
    # The measurement does see cycles: micrograd's closures make one per node.
    assert cyclic_garbage(lambda: train("micrograd")) > 0


# ---------------------------------------------------------------- the harness


def test_interleave_rotates_the_order_and_respects_per_case_rounds() -> None:
    calls: list[str] = []

    def case(name: str) -> Case:
        return Case(lambda: (lambda: calls.append(name)), rounds=2 if name == "c" else None)

    timings = interleave({name: case(name) for name in "abc"}, rounds=3)
    assert calls == ["a", "b", "c", "b", "c", "a", "a", "b"]
    assert [timings.rounds(name) for name in "abc"] == [3, 3, 2]


def test_interleave_records_a_recursion_error_and_drops_that_case() -> None:
    def deep() -> None:
        raise RecursionError("too deep")

    timings = interleave({"ok": Case(lambda: (lambda: None)), "deep": Case(lambda: deep)}, 2)
    assert timings.has("ok")
    assert not timings.has("deep")
    assert timings.errors["deep"] == "RecursionError: too deep"


def test_paired_ratio_is_the_median_of_per_round_ratios() -> None:
    timings = Timings({"slow": {0: 10.0, 1: 30.0, 2: 8.0}, "fast": {0: 1.0, 1: 2.0, 2: 4.0}})
    # Per round: 10, 15, 2 -> median 10 (the ratio of medians would be 10/2 = 5).
    assert timings.ratio("slow", "fast") == 10.0
    assert timings.median("slow") == 10.0


def test_interleave_spreads_repeated_blocks_over_the_round_and_keeps_their_median() -> None:
    calls: list[str] = []

    def case(name: str) -> Case:
        return Case(lambda: (lambda: calls.append(name)), per_call=2)

    timings = interleave(
        {name: case(name) for name in "ab"},
        rounds=2,
        min_seconds=10.0,  # never reached: the block count stops it
        max_blocks=3,
    )
    assert calls == ["a", "b"] * 3 + ["b", "a"] * 3
    assert [timings.rounds(name) for name in "ab"] == [2, 2]
    blocks = timings.blocks["a"]
    assert len(blocks) == 6
    first_round = sorted(block.cpu for block, _ in blocks[:3])
    assert timings.samples["a"][0] == pytest.approx(first_round[1] / 2)


def _timings(per_round: list[float], collecting: float) -> Timings:
    timings = Timings()
    for index, value in enumerate(per_round):
        timings.add("x", index, [Block(value, value, (0, 0, 1), collecting)], per_call=1)
    return timings


def test_warm_check_flags_a_steady_step_slower_beyond_noise_and_says_why() -> None:
    first = _timings([1.0, 1.02, 0.98, 1.01, 0.99], collecting=0.2)
    steady = [1.5, 1.45, 1.55, 1.5, 1.52]
    # The collector's extra 0.45 s per step accounts for the 0.5 s difference.
    _, flag = warm_check(first, _timings(steady, collecting=0.65), "x")
    assert flag is not None and "1.5x its first step" in flag and "cyclic garbage" in flag
    _, flag = warm_check(first, _timings(steady, collecting=0.2), "x")
    assert flag is not None and "measurement fault" in flag
    # Slower by a median of 11%, but faster in two rounds of five: within noise.
    _, flag = warm_check(first, _timings([0.9, 1.3, 0.95, 1.25, 1.1], collecting=0.2), "x")
    assert flag is None


# ---------------------------------------------------------------- I: the tiny GPT's comparator


def test_the_micrograd_gpt_computes_the_engines_loss_and_gradients() -> None:
    tokenizer = nn.CharTokenizer(["emma", "ava", "liam"])
    model = nn.GPT(tokenizer.vocab_size, seed=0)
    theirs = MicrogradGPT(weights_of(model), model.n_layer, model.n_head)
    tokens = tokenizer.encode("emma")
    ours, their_loss = model.loss(tokens), theirs.loss(tokens)
    ours.backward()
    their_loss.backward()
    assert their_loss.data == pytest.approx(ours.data, rel=1e-12)
    our_grads = [p.grad for p in model.parameters()]
    assert len(our_grads) == len(theirs.params)
    assert [p.grad for p in theirs.params] == pytest.approx(our_grads, rel=1e-9, abs=1e-15)


def test_the_micrograd_gpt_trains_as_the_engine_does() -> None:
    tokenizer = nn.CharTokenizer(["emma", "ava", "liam", "olivia"])
    ours, theirs = Trainer("interpreted", tokenizer.vocab_size, 4), Trainer("micrograd", tokenizer.vocab_size, 4)
    for name in ("emma", "ava", "liam", "olivia"):
        tokens = tokenizer.encode(name)
        assert theirs.step(tokens) == pytest.approx(ours.step(tokens), rel=1e-12)


# ---------------------------------------------------------------- the whole tiny pass


def test_tiny_pass_prints_and_writes_a_report_with_every_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "RESULTS.md"
    assert main(["--tiny", "--output", str(output)]) == 0
    report = output.read_text(encoding="utf-8")
    assert report.strip() == capsys.readouterr().out.strip()
    for heading in ("## Targets", "## A:", "## B:", "## C:", "## D:", "## E:", "## I:"):
        assert heading in report
    assert "CPU count" in report and "micrograd" in report
    assert "not judged (tiny sizes)" in report


def test_cli_rejects_an_unknown_workload(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--tiny", "--only", "Z"]) == 2
    assert "unknown workload" in capsys.readouterr().err


# ---------------------------------------------------------------- the A/B tool


def test_ab_worker_runs_the_same_workload_a_as_the_benchmark() -> None:
    problem = make_problem(**TINY_PROBLEM)  # type: ignore[arg-type]
    ours = with_valuegrad.ValuegradMLP(problem)
    worker = ab_worker.MLPStep(ab_worker.moons(8), (4, 3))
    for _ in range(3):
        assert worker.step() == ours.step()


def test_ab_worker_b_and_c_match_the_exact_results() -> None:
    x, _ = ab_worker.chain(1_000)
    assert x.grad == pytest.approx(1.0001**1_000, rel=1e-12)
    xs, ys = ab_worker.operands(50)
    assert (xs, ys) == operands(50)


def test_ab_compares_a_checkout_with_itself(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--before", str(ROOT), "--after", str(ROOT), "--tiny", "--rounds", "2", "--repeats", "2"]
    # Same code on both sides: at tiny sizes the noise can exceed 3%, so the
    # verdict is not asserted here; the ratios must still be near 1.
    assert ab.main([*argv, "--threshold", "1.0"]) == 0
    report = capsys.readouterr().out
    for name in ("A first step", "A steady step", "B chain", "C vsum", "C dot"):
        row = next(line for line in report.splitlines() if line.startswith(f"| {name} |"))
        paired = float(row.split("|")[4].strip().rstrip("x"))
        assert 0.5 < paired < 2.0, row
    assert "Verdict: no measure is slower by more than 100%" in report


def test_ab_verdict_is_the_median_paired_ratio_against_the_threshold() -> None:
    comparison = ab_report.Comparison("A first step", [1.0, 2.0, 1.0], [1.05, 2.1, 1.04], [0, 1, 2])
    assert comparison.ratio() == pytest.approx(1.05)
    assert comparison.slower(0.03)
    assert not comparison.slower(0.06)
    low, high = comparison.spread()
    assert 1.04 <= low <= high <= 1.05
    # The interval resamples rounds: here it spans 1.04 to 1.05.
    assert comparison.interval() == pytest.approx((1.04, 1.05))
    assert ab_report.verdict(comparison, 0.03, rounds=3) == "**slower by 5.0%** (settled)"
    assert "not settled" in ab_report.verdict(comparison, 0.045, rounds=3)
    assert "fewer than 3 rounds" in ab_report.verdict(comparison, 0.03, rounds=2)


def test_ab_rejects_a_directory_that_is_not_a_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        ab.main(["--before", str(tmp_path), "--after", str(ROOT)])
    assert "not a checkout of this repository" in capsys.readouterr().err


def test_ab_reports_a_checkout_whose_code_fails(tmp_path: Path) -> None:
    for package in ("autograd", "nn"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    with pytest.raises(ab.ABError, match="exited with 1"):
        ab.Worker(tmp_path, dict(ab.TINY), bytecode=tmp_path / "pycache")
