"""The command line: python -m nn train / predict (the cli room, nn/cli/)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nn.cli as cli
from nn import load_with_preprocessing, predict
from nn.cli import main

ROOT = Path(__file__).resolve().parents[2]
# MLP [2, 4, 1]: 29 Values in one example's loss, few enough to draw them all.
# Small, and trained past chance (a run that ends at chance exits 1, saying so).
TINY = ["--dataset", "circles", "--n", "40", "--epochs", "40", "--hidden", "4", "--activation", "tanh",
        "--lr", "0.05", "--no-progress"]
# A picture taller than this (about 1,330 px) no longer fits a screen or two.
READABLE_HEIGHT_PT = 1000.0

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot program")


def _train(out: Path, *options: str) -> tuple[int, str]:
    capture = _Capture()
    with capture:
        status = main(["train", *options, "--out", str(out)])
    return status, capture.text


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A small training run shared by the tests that only read its outputs."""
    out = tmp_path_factory.mktemp("run")
    status, text = _train(out, *TINY)
    assert status == 0
    return out, text


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """What `make demo` runs (plus --out and --no-progress): MLP [2, 16, 16, 1] on 200 moons."""
    out = tmp_path_factory.mktemp("demo")
    status, text = _train(out, "--no-progress")
    assert status == 0
    return out, text


def svg_size_pt(path: Path) -> tuple[float, float]:
    """(width, height) in points, from the header Graphviz writes."""
    match = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', path.read_text())
    assert match is not None, f"{path} has no <svg width=... height=...> header"
    return float(match.group(1)), float(match.group(2))


def fake_dot(folder: Path) -> None:
    """A 'dot' program that reads its input, then fails with a two-line error."""
    program = folder / "dot"
    # Reading first, as dot does: a program that exits unread gives a broken pipe instead.
    program.write_text("#!/bin/sh\ncat >/dev/null\necho 'Error: simulated failure' >&2\n"
                       "echo 'second line' >&2\nexit 1\n")
    program.chmod(0o755)


class _Capture:
    """Capture stdout without the function-scoped capsys (for a module-scoped fixture)."""

    def __enter__(self) -> None:
        import io

        self._buffer = io.StringIO()
        self._saved = sys.stdout
        sys.stdout = self._buffer

    def __exit__(self, *exc: object) -> None:
        sys.stdout = self._saved
        self.text = self._buffer.getvalue()


# ---------------------------------------------------------------- train


def test_default_train_is_the_demo_and_reaches_97_percent_test_accuracy(
    demo_run: tuple[Path, str],
) -> None:
    out, text = demo_run
    assert "moons, 200 points" in text
    assert "MLP [2, 16, 16, 1]" in text
    match = re.search(r"test accuracy: ([\d.]+)%", text)
    assert match is not None and float(match.group(1)) >= 97.0
    for name in ("model.json", "history.json", "loss.png", "boundary.png"):
        assert (out / name).stat().st_size > 0
        assert str(out / name) in text  # says where the pictures are


@needs_dot
def test_demo_graph_is_the_network_layer_by_layer_and_fits_a_screen(
    demo_run: tuple[Path, str],
) -> None:
    # Its loss graph has 405 Values (337 of them weights): about 15,900 pt tall if drawn.
    out, text = demo_run
    svg = (out / "graph.svg").read_text()
    assert svg.lstrip().startswith("<?xml")
    assert svg.count("<title>cluster_layer") == 3  # one cluster per layer
    assert svg_size_pt(out / "graph.svg")[1] <= READABLE_HEIGHT_PT
    assert re.search(r"graph\.svg\s+the network layer by layer, one training example", text)


def test_train_writes_model_history_and_pictures(tiny_run: tuple[Path, str]) -> None:
    out, text = tiny_run
    history = json.loads((out / "history.json").read_text())
    assert len(history["train_loss"]) == 40
    assert (out / "loss.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "boundary.png").read_bytes()[:4] == b"\x89PNG"
    page = (out / "graph.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "data-vg-ready" in page
    assert re.search(r"graph\.html\s+one batch's loss graph, interactive", text)
    model, scaler, metadata = load_with_preprocessing(out / "model.json")
    assert model.nouts == [4, 1]
    assert scaler is not None and scaler.nfeatures == 2
    assert metadata["dataset"] == "circles" and metadata["loss"] == "bce"
    assert re.search(r"train accuracy: [\d.]+%\s+test accuracy: [\d.]+%", text)
    assert "python -m nn predict --model" in text


def test_train_without_graphviz_still_trains_and_says_why_there_is_no_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no dot on it
    status, text = _train(tmp_path, *TINY)
    assert status == 0
    assert re.search(r"test accuracy: [\d.]+%", text)
    assert (tmp_path / "model.json").exists()
    assert not (tmp_path / "graph.svg").exists()
    assert (tmp_path / "graph.html").exists()  # the explorer needs no Graphviz
    assert re.search(r"\(graph\.svg not written\)\s+skipped: Graphviz's 'dot' program is not "
                     r"installed \(apt-get install graphviz", text)


@pytest.mark.skipif(sys.platform == "win32", reason="the fake dot is a shell script")
def test_train_reports_a_failing_graphviz_in_one_line_and_keeps_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dot(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")  # found first
    status, text = _train(tmp_path / "run", *TINY)
    assert status == 0
    assert (tmp_path / "run" / "model.json").exists()
    assert not (tmp_path / "run" / "graph.svg").exists()
    lines = [line for line in text.splitlines() if "Graphviz could not draw graph.svg" in line]
    assert len(lines) == 1
    assert "simulated failure" in lines[0] and "second line" in lines[0]


@needs_dot
def test_a_small_model_gets_the_loss_graph_of_one_example_with_gradients(
    tiny_run: tuple[Path, str],
) -> None:
    out, text = tiny_run
    svg = (out / "graph.svg").read_text()
    assert "data " in svg and "grad " in svg  # one record per Value
    assert "cluster_layer" not in svg
    assert svg_size_pt(out / "graph.svg")[1] <= READABLE_HEIGHT_PT
    assert re.search(r"graph\.svg\s+the computation graph of one training example's loss", text)


def test_a_diverging_run_exits_1_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["train", *TINY, "--loss", "mse", "--optimizer", "sgd", "--lr", "1e6",
                   "--epochs", "10", "--out", str(tmp_path)])
    assert status == 1
    assert re.search(r"error: training diverged: the loss (became inf|ran away to [\d.e+]+) at epoch",
                     capsys.readouterr().err)
    assert not (tmp_path / "model.json").exists()


def test_early_stopping_option_holds_out_validation_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", *TINY, "--patience", "2", "--out", str(tmp_path)]) == 0
    history = json.loads((tmp_path / "history.json").read_text())
    assert len(history["val_loss"]) == len(history["train_loss"]) >= 1
    assert "early stopping (patience 2)" in capsys.readouterr().out


# ---------------------------------------------------------------- predict


def test_predict_applies_the_saved_scaling_to_raw_inputs(
    tiny_run: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = tiny_run
    model, scaler, _ = load_with_preprocessing(out / "model.json")
    assert scaler is not None
    raw = [0.5, -0.2]
    expected = predict(model, scaler.transform([raw]))[0][0]
    unscaled = predict(model, [raw])[0][0]
    assert f"{expected:.6g}" != f"{unscaled:.6g}"  # the scaling matters for this input
    assert main(["predict", "--model", str(out / "model.json"), "0.5", "-0.2"]) == 0
    text = capsys.readouterr().out
    assert f"output: {expected:.6g}" in text
    assert re.search(r"probability of class 1: 0\.\d{4}|probability of class 1: 1\.0000", text)
    assert re.search(r"class: [01]\b", text)


def test_predict_with_the_wrong_number_of_inputs_exits_2(
    tiny_run: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = tiny_run
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", "--model", str(out / "model.json"), "1", "2", "3"])
    assert exit_info.value.code == 2
    assert "the model takes 2 inputs, got 3" in capsys.readouterr().err


def test_predict_without_a_model_file_exits_2_saying_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", "--model", str(tmp_path / "none.json"), "1", "2"])
    assert exit_info.value.code == 2
    assert "python -m nn train" in capsys.readouterr().err


def test_predict_with_a_corrupt_model_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"format": "valuegrad-model", "vers')
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", "--model", str(path), "1", "2"])
    assert exit_info.value.code == 2
    assert f"{path}: not valid JSON" in capsys.readouterr().err
    assert path.read_text() == '{"format": "valuegrad-model", "vers'


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--hidden", "16,x"], "argument --hidden: expected comma-separated layer sizes"),
        (["train", "--hidden", "16,0"], "layer sizes must be positive"),
        (["train", "--epochs", "0"], "argument --epochs: expected a positive integer, got 0"),
        (["train", "--lr", "nan"], "argument --lr: expected a finite number"),
        (["train", "--lr", "-1"], "argument --lr: expected a number > 0"),
        (["train", "--test-size", "1.5"], "argument --test-size: expected a fraction"),
        (["train", "--dropout", "1"], "argument --dropout: expected a probability in [0, 1)"),
        (["train", "--dataset", "mnist"], "argument --dataset: invalid choice: 'mnist'"),
        (["train", "--optimizer", "lbfgs"], "argument --optimizer: invalid choice"),
        (["train", "--dataset", "spiral", "--loss", "hinge"], "--loss hinge is for two classes"),
        (["train", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["predict", "--model", "m.json", "x"], "argument X: expected a number, got 'x'"),
    ],
)
def test_bad_arguments_exit_2_with_an_argparse_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_help_documents_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for default in ("(default: moons)", "(default: 16,16)", "(default: relu)", "(default: adam)",
                    "(default: 32)", "(default: runs/demo)", "adam 0.02", "moons 50"):
        assert default in text


def test_options_without_a_command_mean_train() -> None:
    parser = cli.build_parser()
    with pytest.raises(SystemExit) as exit_info:
        main(["--epochs", "0"])  # routed to train, whose parser refuses 0 epochs
    assert exit_info.value.code == 2
    assert parser.parse_args(["train"]).dataset == "moons"


def test_python_dash_m_nn_runs_as_a_program() -> None:
    # One real subprocess: the __main__ module, exit codes, and no traceback on bad input.
    bad = subprocess.run([sys.executable, "-m", "nn", "train", "--hidden", "a"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert "error: argument --hidden" in bad.stderr
    assert "Traceback" not in bad.stderr
    helped = subprocess.run([sys.executable, "-m", "nn", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0
    assert "train" in helped.stdout and "predict" in helped.stdout


def test_a_reader_that_leaves_early_stops_predict_quietly(tiny_run: tuple[Path, str]) -> None:
    out, _ = tiny_run
    # The reading end is closed before predict writes: as `python -m nn predict ... | head -0`.
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "nn", "predict", "--model", str(out / "model.json"), "0.5", "-0.2"],
            stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120,
        )
    finally:
        os.close(writer)
    assert result.stderr == ""
    assert result.returncode == 141
