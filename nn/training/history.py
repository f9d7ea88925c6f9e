"""``History``: what happened during ``fit``, epoch by epoch, and its plot."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd.extend import write_file

from .._figure_file import write_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MAX_HISTORY_BYTES", "History"]

MAX_HISTORY_BYTES = 64 * 2**20
"""The largest file :meth:`History.load` reads."""


@dataclass
class History:
    """What happened during :func:`fit`, one entry per epoch.

    Attributes:
        train_loss: Mean loss over the epoch's batches (weighted by batch size),
            measured while training, before each step; the ``l2`` penalty is
            not included.
        train_accuracy: Fraction of training examples classified correctly,
            measured the same way; empty when the loss has no notion of class.
        val_loss: Loss on the validation set after the epoch (eval mode);
            empty without validation data.
        val_accuracy: Accuracy on the validation set after the epoch.
        best_epoch: With early stopping, the index (0-based) of the epoch
            whose weights were restored; None otherwise.
        stopped_early: True if early stopping ended training before ``epochs``.
        parameters: With ``fit(..., record=True)``: the model's parameters by
            name (``model.named_parameters()``'s), first as ``fit`` found them,
            then after each epoch (``epochs + 1`` entries); empty otherwise.
            ``nn.explore_model(model, data=..., history=...)`` scrubs through
            them. A float per parameter per epoch: 2,778 parameters over 40
            epochs are 111,000 numbers.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    parameters: list[dict[str, float]] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.train_loss)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict with the same fields."""
        return {
            "train_loss": list(self.train_loss),
            "train_accuracy": list(self.train_accuracy),
            "val_loss": list(self.val_loss),
            "val_accuracy": list(self.val_accuracy),
            "best_epoch": self.best_epoch,
            "stopped_early": self.stopped_early,
            "parameters": [dict(entry) for entry in self.parameters],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> History:
        """Rebuild a History from :meth:`to_dict`'s output."""
        return cls(
            train_loss=[float(v) for v in data.get("train_loss", [])],
            train_accuracy=[float(v) for v in data.get("train_accuracy", [])],
            val_loss=[float(v) for v in data.get("val_loss", [])],
            val_accuracy=[float(v) for v in data.get("val_accuracy", [])],
            best_epoch=data.get("best_epoch"),
            stopped_early=bool(data.get("stopped_early", False)),
            parameters=[{str(name): float(value) for name, value in entry.items()}
                        for entry in data.get("parameters", [])],
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_dict` as JSON to ``path``, atomically (a failed write leaves the old file).

        Returns:
            The path written.
        """
        return write_file(path, json.dumps(self.to_dict()) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> History:
        """Read a History written by :meth:`save` (or ``python -m nn train``'s ``history.json``).

        Raises:
            FileNotFoundError: If there is no file at ``path``.
            ValueError: If the file is larger than 64 MiB, or is not a History's JSON.
        """
        location = Path(path)
        size = location.stat().st_size
        if size > MAX_HISTORY_BYTES:
            raise ValueError(f"{location} is {size:,} bytes; a saved History is at most {MAX_HISTORY_BYTES:,}")
        try:
            data = json.loads(location.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError(f"expected a JSON object, got {type(data).__name__}")
            if "train_loss" not in data:  # e.g. train --model gpt's history.json, a loss per step
                raise ValueError(f"expected the fields of History.to_dict, got {', '.join(map(str, data)) or 'none'}")
            return cls.from_dict(data)
        except (ValueError, TypeError, AttributeError) as error:
            raise ValueError(f"{location} is not a saved History: {error}") from None

    def plot(self, path: str | os.PathLike[str] | None = None) -> Figure:
        """Loss (and accuracy, when recorded) per epoch, training and validation.

        Uses a bare matplotlib ``Figure`` (no pyplot state), so it works
        without a display; in Jupyter the returned figure shows inline.

        Args:
            path: If given, also save the figure there (format from the
                extension, e.g. ``loss.png``), as every file of the library
                is written: to a regular file or a new path, atomically.

        Returns:
            The matplotlib Figure.
        """
        from matplotlib.figure import Figure

        panels = 2 if self.train_accuracy else 1
        figure = Figure(figsize=(4.5 * panels, 3.4), layout="constrained")
        axes = figure.subplots(1, panels, squeeze=False)[0]
        epochs = range(1, self.epochs + 1)
        series = [("loss", self.train_loss, self.val_loss)]
        if self.train_accuracy:
            series.append(("accuracy", self.train_accuracy, self.val_accuracy))
        for axis, (name, train, val) in zip(axes, series, strict=True):
            axis.plot(epochs, train, label=f"train {name}")
            if val:
                axis.plot(epochs, val, label=f"validation {name}")
            if self.best_epoch is not None:
                axis.axvline(self.best_epoch + 1, color="grey", linestyle=":", label="best epoch")
            axis.set_xlabel("epoch")
            axis.set_ylabel(name)
            if name == "loss" and min(train + val, default=1.0) > 0.0:
                axis.set_yscale("log")  # losses span decades; a log scale shows the late progress
            axis.grid(True, alpha=0.3)
            axis.legend()
        if path is not None:
            write_figure(figure, path)
        return figure
