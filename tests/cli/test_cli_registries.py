"""The command line is built from the registries: a registered loss or data set becomes a choice."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

import nn
from autograd import Value, vsum
from nn.cli import build_parser


def _train_choices(option: str) -> list[str]:
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    train = commands.choices["train"]
    action = next(a for a in train._actions if option in a.option_strings)
    return list(action.choices or [])


def _mae(pred: Sequence[Sequence[Value]], target: Sequence[Any]) -> Value:
    errors = [(p - t).abs() for row, t in zip(pred, target, strict=True) for p in row]
    return vsum(errors) * (1.0 / len(errors))


@pytest.fixture
def mae() -> Iterator[str]:
    nn.LOSSES.register("mae", nn.losses.LossSpec(_mae, "real", "prediction", 0.5, "mean absolute error"))
    try:
        yield "mae"
    finally:
        nn.LOSSES.unregister("mae")


@pytest.fixture
def line() -> Iterator[str]:
    def points_on_a_line(n: int = 20, *, noise: float = 0.0, seed: int | None = 0) -> tuple[list[list[float]], list[int]]:
        X = [[i / n, noise] for i in range(n)]
        return X, [int(2 * i >= n) for i in range(n)]

    nn.DATASETS.register("line", nn.data.DatasetSpec(points_on_a_line, 2, 2, 3, "points on a line"))
    try:
        yield "line"
    finally:
        nn.DATASETS.unregister("line")


def test_every_registered_name_is_a_choice() -> None:
    assert _train_choices("--loss") == ["auto", *nn.LOSSES]
    assert _train_choices("--optimizer") == list(nn.OPTIMIZERS)
    assert _train_choices("--dataset") == [*nn.DATASETS, *nn.TEXT_DATASETS]
    assert _train_choices("--activation") == list(nn.ACTIVATIONS)
    assert _train_choices("--init") == list(nn.INITS)


def test_a_registered_loss_is_a_choice_and_fit_trains_with_it(mae: str) -> None:
    assert mae in _train_choices("--loss")
    model = nn.MLP(2, [4, 1], seed=0)
    X, y = nn.xor()
    history = nn.fit(model, X, y, loss=mae, optimizer=nn.Adam(model.parameters(), lr=0.05),
                     epochs=3, progress=False)
    assert len(history.train_accuracy) == 3  # int labels: a classifier, class 1 above 0.5


def test_an_unregistered_loss_is_no_longer_a_choice() -> None:
    nn.LOSSES.register("mae", nn.losses.LossSpec(_mae, "real", "prediction", 0.5, "mean absolute error"))
    nn.LOSSES.unregister("mae")
    assert "mae" not in _train_choices("--loss")
    with pytest.raises(ValueError, match="unknown loss 'mae'"):
        nn.compute_loss([[Value(0.0)]], [0], "mae")


def test_a_registered_data_set_is_a_choice_the_train_command_runs(
    line: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert line in _train_choices("--dataset")
    status = nn.cli.main(["train", "--dataset", line, "--n", "40", "--hidden", "3", "--no-progress",
                          "--no-jit", "--out", str(tmp_path)])
    assert status == 0
    assert f"data:  {line}, 40 points" in capsys.readouterr().out


def test_a_registry_refuses_a_name_twice() -> None:
    with pytest.raises(ValueError, match="a loss named 'mse' is already registered"):
        nn.LOSSES.register("mse", nn.LOSSES["mse"])
