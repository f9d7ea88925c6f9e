"""fit's progress bar shows on a terminal (or as a notebook widget), never in a log file."""

from __future__ import annotations

import io

import pytest

import nn


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _fit() -> None:
    X, y = nn.xor()
    model = nn.MLP(2, [2, 1], seed=0)
    nn.fit(model, X, y, loss="bce", optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=30,
           progress=True)


def test_a_log_that_is_not_a_terminal_gets_no_progress_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    log = io.StringIO()
    monkeypatch.setattr("sys.stderr", log)
    _fit()
    assert log.getvalue() == ""


def test_a_terminal_gets_the_progress_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    _fit()
    assert "fit: 100%" in terminal.getvalue()
