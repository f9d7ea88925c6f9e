"""Every mistake on the command line is one line naming the option, exit 2, before training."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nn.cli import main

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--epochs", "1", "--no-progress"]


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line of a refused command (asserting nothing else happened)."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing trained, nothing printed
    errors = [line for line in captured.err.splitlines() if "error:" in line]
    assert len(errors) == 1, captured.err
    assert "Traceback" not in captured.err
    return errors[0]


TRAIN_MISTAKES = [
    (["--n", "3"], "argument --n: 3 points in 2 classes are too few to hold out a test part"),
    (["--dataset", "circles", "--n", "2"], "argument --n: 2 points in 2 classes are too few"),
    (["--dataset", "xor", "--patience", "2"], "argument --patience: early stopping holds out"),
    (["--dataset", "moons", "--n", "6", "--patience", "1"], "argument --patience:"),
    (["--dataset", "spiral", "--classes", "150"], "argument --classes: spiral needs 2 to 100"),
    (["--dataset", "spiral", "--classes", "1"], "argument --classes: spiral needs 2 to 100"),
    (["--dataset", "spiral", "--n", "5", "--classes", "6"], "argument --n: spiral splits"),
    (["--dataset", "spiral", "--n", "200", "--classes", "100"], "argument --n: 200 points"),
    (["--noise", "1e308"], "argument --noise: expected at most 100"),
    (["--noise", "-1"], "argument --noise: expected a number >= 0"),
    (["--noise", "nan"], "argument --noise: expected a finite number"),
    (["--hidden", "99999999999999999999"], "argument --hidden: layer sizes must be at most 500,000"),
    (["--hidden", "1000,1000"], "argument --hidden: MLP [2, 1000, 1000, 1] would have 1,005,001"),
    (["--hidden", "4,,4"], "argument --hidden: expected comma-separated layer sizes"),
    (["--hidden", "-4"], "argument --hidden: layer sizes must be positive"),
    (["--n", "99999999999999"], "argument --n: expected at most 1,000,000"),
    (["--n", "9" * 5000], "argument --n: expected a positive integer, got '999"),
    (["--n", "1e3"], "argument --n: expected a positive integer, got '1e3'"),
    (["--epochs", "10000000000"], "argument --epochs: expected at most 1,000,000"),
    (["--batch-size", "-1"], "argument --batch-size: expected an integer >= 0, got -1"),
    (["--patience", "-1"], "argument --patience: expected an integer >= 0"),
    (["--classes", "0"], "argument --classes: expected a positive integer, got 0"),
    (["--seed", "1e3"], "argument --seed: expected an integer seed"),
    (["--seed", str(2**64)], "argument --seed: expected at most"),
    (["--test-size", "0"], "argument --test-size: expected a fraction between 0 and 1"),
    (["--test-size", "1e-300"], "argument --n: 200 points in 2 classes are too few"),
    (["--test-size", "0.9999999"], "argument --n: 200 points in 2 classes are too few"),
    (["--lr", "0"], "argument --lr: expected a number > 0"),
    (["--lr", "inf"], "argument --lr: expected a finite number"),
    (["--l2", "-0.5"], "argument --l2: expected a number >= 0"),
    (["--dropout", "-0.1"], "argument --dropout: expected a probability in [0, 1)"),
    (["--loss", "bce", "--dataset", "digits"], "--loss bce is for two classes"),
    (["--out", ""], "argument --out: expected a path, got an empty one"),
]


@pytest.mark.parametrize(("options", "message"), TRAIN_MISTAKES,
                         ids=[" ".join(options)[:40] for options, _ in TRAIN_MISTAKES])
def test_a_train_mistake_is_one_line_naming_the_option_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    argv = ["train", *SMALL, "--out", str(tmp_path / "run"), *options]
    line = _refused(argv, capsys)
    assert message in line
    assert not (tmp_path / "run" / "model.json").exists()


@pytest.mark.parametrize("where", ["/sys/valuegrad-cannot-write", "file"], ids=["/sys", "a file"])
def test_an_output_folder_that_cannot_be_written_is_refused_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    if where == "file":
        (tmp_path / "file").write_text("not a folder")
        where = str(tmp_path / "file")
    elif not Path("/sys").is_dir():
        pytest.skip("needs a /sys folder")
    line = _refused(["train", *SMALL, "--out", where], capsys)
    assert line.startswith("python -m nn train: error: argument --out: ")
    assert where in line


def test_a_huge_hidden_layer_is_refused_at_once_not_after_allocating() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nn", "train", "--hidden", "99999999999999999999"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "python -m nn train: error: argument --hidden: layer sizes must be at most 500,000, "
        "got 99,999,999,999,999,999,999"
    )


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    # Trained past chance: a run that ends at chance exits 1, saying so.
    assert main(["train", "--dataset", "circles", "--n", "40", "--hidden", "4", "--activation",
                 "tanh", "--lr", "0.05", "--epochs", "40", "--no-progress", "--out", str(out)]) == 0
    return out / "model.json"


@pytest.mark.parametrize(
    "argv",
    [
        ["{model}", "0.5", "-1e-3"],
        ["{model}", "-5E-1", "-1e-3"],
        ["{model}", "--", "0.5", "-0.001"],
    ],
    ids=["exponent", "capital exponent", "after --"],
)
def test_predict_reads_negative_numbers_in_every_float_form(
    model_file: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    capsys.readouterr()
    arguments = [str(model_file) if item == "{model}" else item for item in argv]
    assert main(["predict", "--model", *arguments]) == 0
    assert "output: " in capsys.readouterr().out


def test_predict_accepts_the_inputs_before_the_model_option(
    model_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["predict", "-1e-3", "0.5", "--model", str(model_file)]) == 0
    assert "output: " in capsys.readouterr().out


@pytest.mark.parametrize(
    ("model", "inputs", "message"),
    [
        ("/dev/zero", ["1", "2"], "/dev/zero: not an ordinary file (a device)"),
        ("{folder}", ["1", "2"], "not an ordinary file (a folder)"),
        ("", ["1", "2"], "argument --model: expected a path, got an empty one"),
        ("{model}", ["-inf", "2"], "argument X: expected a finite number, got '-inf'"),
        ("{model}", ["1e400", "2"], "argument X: expected a finite number, got '1e400'"),
        ("{model}", ["--frobnicate", "2"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_a_predict_mistake_is_one_line(
    model_file: Path, capsys: pytest.CaptureFixture[str], model: str, inputs: list[str],
    message: str,
) -> None:
    path = model.format(model=model_file, folder=model_file.parent)
    capsys.readouterr()
    line = _refused(["predict", "--model", path, *inputs], capsys)
    assert message in line
