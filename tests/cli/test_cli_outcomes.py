"""What the command line says about its outcome: short usage with errors, chance, runaway, overflow."""

from __future__ import annotations

from pathlib import Path

import pytest

from nn.cli import main

QUICK = ["--n", "80", "--epochs", "5", "--no-jit", "--no-progress"]


def _errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    try:
        status = main(argv)
    except SystemExit as exit_info:
        status = int(exit_info.code or 0)
    return status, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize("argv", [["train", "--lr", "abc"], ["train", "--nope"],
                                  ["predict", "--model"], ["bogus"]])
def test_a_refused_option_is_one_short_usage_line_and_the_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = _errors(argv, capsys)
    assert status == 2
    assert len(lines) == 2, lines
    usage, error = lines
    assert usage.startswith("usage: python -m nn") and "--help" in usage and len(usage) <= 120
    assert ": error: " in error


def test_a_model_no_better_than_chance_is_said_so_with_the_likely_cause_and_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = _errors(["train", *QUICK, "--lr", "10", "--optimizer", "sgd",
                             "--out", str(tmp_path)], capsys)
    assert status == 1
    (warning,) = [line for line in lines if line.startswith("warning:")]
    assert "no better than chance" in warning and "--lr 10 is likely too large for sgd" in warning
    assert (tmp_path / "model.json").exists()  # saved, and said to be useless


def test_a_model_better_than_chance_exits_0_with_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = _errors(["train", *QUICK, "--out", str(tmp_path)], capsys)
    assert status == 0
    assert not [line for line in lines if line.startswith("warning:")]


def test_a_runaway_loss_is_divergence_in_one_line_without_advice_to_standardize(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = _errors(["train", *QUICK, "--lr", "1e6", "--optimizer", "sgd", "--loss", "mse",
                             "--out", str(tmp_path)], capsys)
    assert status == 1
    (line,) = lines
    assert line.startswith("error: training diverged: the loss ran away")
    assert "standardiz" not in line and "--lr" in line
    assert not (tmp_path / "model.json").exists()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model")
    assert main(["train", *QUICK, "--out", str(out)]) == 0
    return out / "model.json"


@pytest.mark.parametrize("inputs", [["1.7e308", "1.7e308"], ["-1.7e308", "0"], ["0", "1e308"]])
def test_predict_on_inputs_that_overflow_when_scaled_is_one_clear_error(
    trained: Path, inputs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    status, lines = _errors(["predict", "--model", str(trained), *inputs], capsys)
    assert status == 2
    assert len(lines) == 2
    assert "too far outside the training data" in lines[1]
    assert "Traceback" not in "\n".join(lines)


@pytest.mark.parametrize(("argv", "option"), [
    (["--classes", "5"], "--classes"), (["--cl", "5"], "--classes"),
    (["--dataset", "xor", "--test-size", "0.3"], "--test-size"),
    (["--dataset", "xor", "--n", "50"], "--n"),
    (["--dataset", "digits", "--noise", "0.1"], "--noise"),
    (["--hidden", "none", "--activation", "tanh"], "--activation"),
    (["--hidden", "none", "--dropout", "0.2"], "--dropout"),
], ids=["classes", "abbreviated", "test-size", "n for xor", "noise for digits", "activation",
        "dropout"])
def test_an_option_that_does_not_apply_is_an_error_saying_why(
    argv: list[str], option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = _errors(["train", *argv, "--out", str(tmp_path)], capsys)
    assert status == 2
    assert lines[-1].startswith(f"python -m nn train: error: argument {option}: does not apply: ")


def test_no_hidden_layer_is_said_so_instead_of_naming_an_activation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", *QUICK, "--hidden", "none", "--out", str(tmp_path)]) in (0, 1)
    model_line = next(line for line in capsys.readouterr().out.splitlines()
                      if line.startswith("model:"))
    assert model_line.startswith("model: MLP [2, 1], no hidden layer")


def test_without_its_dependencies_the_command_says_in_one_line_how_to_get_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *rest: None if name == "tqdm" else real(name, *rest))
    assert main(["train"]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "needs tqdm" in line and ".venv/bin/python -m nn" in line


@pytest.mark.parametrize(("executable", "shown"), [
    ("{here}/.venv/bin/python", ".venv/bin/python"), ("/usr/bin/python3", "python"),
])
def test_the_predict_hint_names_the_python_that_ran_the_training(
    executable: str, shown: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.executable", executable.format(here=tmp_path))
    assert main(["train", *QUICK, "--out", str(tmp_path / "run")]) == 0
    hint = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("try:"))
    assert hint.startswith(f"try:  {shown} -m nn predict --model ")
