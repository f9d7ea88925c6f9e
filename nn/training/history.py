"""``History``: what happened during ``fit``, epoch by epoch, and its plot."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._figure_file import write_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["History"]


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
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

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
        )

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
