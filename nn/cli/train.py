"""``python -m nn train``: make a data set, train an MLP on it, write the model and pictures.

Everything that can be wrong with the options is found before training
starts (the output folder is made and written to first) and reported by the
command's parser in one line: exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from autograd.extend import write_file

from ..data.registry import DATASETS
from ..data.scaler import standardize
from ..data.split import train_test_split
from ..files.serialize import save
from ..losses.registry import LOSSES, default_loss
from ..modules.layers import MLP, parameter_count
from ..optim.registry import OPTIMIZERS
from ..training.divergence import TrainingDiverged
from ..training.evaluate import evaluate
from ..training.fit import fit
from .arguments import MAX_CLASSES, MAX_PARAMETERS
from .pictures import draw_pictures

__all__ = [
    "JIT_DEFAULT",
    "VALIDATION_FRACTION",
    "train_command",
]

# On by default: with trace and compile time included, --jit trains faster on
# every built-in data set (docs/jit.md gives the measured times).
JIT_DEFAULT = True

VALIDATION_FRACTION = 0.2  # of the training part, held out when --patience is set

Matrix = list[list[float]]


def _check_out(out: Path, parser: argparse.ArgumentParser) -> None:
    """Make ``out`` and write a file in it now, so that a bad --out costs no training."""
    if out.exists() and not out.is_dir():
        parser.error(f"argument --out: {out} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        parser.error(f"argument --out: cannot write to the folder {out}: "
                     f"{error.strerror or error}")


def _load_dataset(args: argparse.Namespace, parser: argparse.ArgumentParser) -> tuple[Matrix, list[int]]:
    name = args.dataset
    spec = DATASETS[name]
    if spec.classes is not None:  # a fixed number of classes: --classes does not apply
        return spec.generate(n=args.n, noise=args.noise, seed=args.seed)
    if not 2 <= args.classes <= MAX_CLASSES:
        parser.error(f"argument --classes: {name} needs 2 to {MAX_CLASSES} classes, got {args.classes}")
    if args.n < args.classes:
        parser.error(f"argument --n: {name} splits its points across its classes; {args.n} points "
                     f"are fewer than --classes {args.classes}")
    # Classes of equal size: the points that do not divide evenly are left out.
    n = args.n // args.classes * args.classes
    return spec.generate(n=n, noise=args.noise, seed=args.seed, classes=args.classes)


def _split(
    X: Matrix, y: list[int], fraction: float, seed: int, parser: argparse.ArgumentParser,
    refusal: str,
) -> tuple[Matrix, Matrix, list[int], list[int]]:
    """A stratified split, or the parser's error ``refusal`` (formatted with the counts)."""
    try:
        return train_test_split(X, y, test_size=fraction, seed=seed, stratify=True)
    except ValueError:
        parser.error(refusal.format(points=len(X), classes=len(set(y)), fraction=repr(fraction)))


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100.0 * value:.1f}%"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _refuse_what_does_not_apply(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """An option written on the command line that this run would ignore is an error, saying why."""
    given: set[str] = getattr(args, "given", set())
    spec = DATASETS[args.dataset]
    data = args.dataset
    reasons = {
        "classes": spec.classes is not None
        and f"{data} has {spec.classes} classes of its own; --classes applies to "
        + ", ".join(name for name, other in DATASETS.items() if other.classes is None),
        "n": not spec.sized and f"{data} has a fixed number of points",
        "noise": spec.noise is None and f"{data} takes no noise",
        "test_size": not spec.holdout and f"{data} trains and tests on all its points",
        "activation": not args.hidden and "with --hidden none there is no hidden layer to apply "
        "an activation to (the output layer is linear)",
        "dropout": not args.hidden and "with --hidden none there is no hidden layer to drop out of",
    }
    for dest, reason in reasons.items():
        if dest in given and reason:
            parser.error(f"argument --{dest.replace('_', '-')}: does not apply: {reason}")


def train_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``train``; returns the exit status."""
    _refuse_what_does_not_apply(args, parser)
    _check_out(args.out, parser)
    try:
        X, y = _load_dataset(args, parser)
    except ImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    classes = max(y) + 1
    loss = default_loss(classes) if args.loss == "auto" else args.loss
    loss_spec = LOSSES[loss]
    if loss_spec.binary and classes > 2:
        parser.error(f"--loss {loss} is for two classes; --dataset {args.dataset} has {classes}, "
                     f"use --loss {default_loss(classes)}")
    nout = loss_spec.outputs(classes)
    sizes = [len(X[0]), *args.hidden, nout]
    if parameter_count(sizes) > MAX_PARAMETERS:
        parser.error(f"argument --hidden: MLP {sizes} would have {parameter_count(sizes):,} "
                     f"parameters, more than the {MAX_PARAMETERS:,} this command trains")
    holdout = DATASETS[args.dataset].holdout
    if not holdout:
        X_train, X_test, y_train, y_test = X, X, y, y  # too few points to spare a test set
    else:
        X_train, X_test, y_train, y_test = _split(
            X, y, args.test_size, args.seed, parser,
            "argument --n: {points} points in {classes} classes are too few to hold out a test "
            "part of {fraction} of every class, and some of each for training; use more points or "
            "another --test-size",
        )
    validation = None
    X_fit, y_fit = X_train, y_train
    if args.patience:
        X_fit, X_val, y_fit, y_val = _split(
            X_train, y_train, VALIDATION_FRACTION, args.seed + 1, parser,
            "argument --patience: early stopping holds out {fraction} of every class for "
            "validation, and {points} training points in {classes} classes are too few; use "
            "more points or no --patience",
        )
    X_fit_s, _, scaler = standardize(X_fit)
    if args.patience:
        validation = (scaler.transform(X_val), y_val)
    model = MLP(sizes[0], sizes[1:], activation=args.activation, init=args.init, seed=args.seed,
                dropout=args.dropout)
    optimizer_spec = OPTIMIZERS[args.optimizer]
    lr = optimizer_spec.lr if args.lr is None else args.lr
    epochs = DATASETS[args.dataset].epochs if args.epochs is None else args.epochs
    batch_size = args.batch_size or None
    optimizer = optimizer_spec.make(model.parameters(), lr)
    split = f"all {len(X)} points for both" if not holdout else (
        f"{len(X_train)} train / {len(X_test)} test")
    print(f"data:  {args.dataset}, {len(X)} points ({split}), {len(X[0])} features, "
          f"{classes} classes, standardized")
    activation = args.activation if args.hidden else "no hidden layer (a linear model)"
    print(f"model: MLP {sizes}, {activation}, {model.num_parameters()} parameters")
    print(f"train: {loss} loss, {args.optimizer} lr={lr:g}, {_plural(epochs, 'epoch')}, "
          f"batch size {batch_size or 'full'}" + (f", l2={args.l2:g}" if args.l2 else "")
          + (f", early stopping (patience {args.patience})" if args.patience else "")
          + (", compiled with autograd.jit" if args.jit else ""))
    started = time.perf_counter()
    try:
        history = fit(model, X_fit_s, y_fit, loss=loss, optimizer=optimizer, epochs=epochs,
                      batch_size=batch_size, validation=validation,
                      early_stopping=args.patience or None, progress=not args.no_progress,
                      l2=args.l2, seed=args.seed, jit=args.jit)
        seconds = time.perf_counter() - started
        _, train_accuracy = evaluate(model, scaler.transform(X_train), y_train, loss=loss)
        _, test_accuracy = evaluate(model, scaler.transform(X_test), y_test, loss=loss)
    except ArithmeticError as error:  # TrainingDiverged, or an overflow measuring the result
        # The inputs are standardized already: the advice is about the learning rate only.
        reason = error.reason if isinstance(error, TrainingDiverged) else str(error)
        print(f"error: training diverged: {reason}; try a smaller --lr (now {lr:g})",
              file=sys.stderr)
        return 1
    print(f"train accuracy: {_percent(train_accuracy)}   test accuracy: {_percent(test_accuracy)}"
          f"   ({_plural(history.epochs, 'epoch')} in {seconds:.1f} s)")

    out: Path = args.out
    metadata: dict[str, Any] = {
        "dataset": args.dataset,
        "loss": loss,
        "classes": classes,
        "train_accuracy": train_accuracy,
        "test_accuracy": test_accuracy,
        "epochs": history.epochs,
        "options": {
            key: str(value) if isinstance(value, Path) else value
            for key, value in vars(args).items()
            if key not in ("handler", "command_parser", "given")
        },
    }
    try:
        save(model, out / "model.json", preprocessing=scaler, metadata=metadata)
        write_file(out / "history.json", json.dumps(history.to_dict(), indent=1) + "\n")
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {out / 'model.json'} and {out / 'history.json'}")
    batch = batch_size or len(X_fit_s)
    pictures = draw_pictures(out, model, history, scaler, loss, X_train, y_train, X_test, y_test,
                             (X_fit_s[:batch], y_fit[:batch]))
    print("pictures:")
    width = max(len(str(path)) for path, _ in pictures)
    for path, what in pictures:
        print(f"  {path!s:<{width}}  {what}")
    example = " ".join(f"{value:g}" for value in X_test[0])
    print(f"try:  {_this_python()} -m nn predict --model {out / 'model.json'} {example}")
    return _no_better_than_chance(test_accuracy, y_test, lr, optimizer_spec.lr, args.optimizer)


def _this_python() -> str:
    """How to run this Python from here: its path when it lives below here (the project's .venv)."""
    relative = os.path.relpath(sys.executable)
    return relative if not relative.startswith("..") and not os.path.isabs(relative) else "python"


def _no_better_than_chance(
    accuracy: float | None, labels: list[int], lr: float, default_lr: float, optimizer: str,
) -> int:
    """1, after one line on stderr, when ``accuracy`` is no better than always answering the commonest class."""
    chance = max(labels.count(label) for label in set(labels)) / len(labels)
    if accuracy is None or accuracy > chance:
        return 0
    cause = (f"--lr {lr:g} is likely too large for {optimizer} (its default is {default_lr:g})"
             if lr >= 10 * default_lr else "try more --epochs, a larger --hidden or another --lr")
    print(f"warning: test accuracy {_percent(accuracy)} is no better than chance "
          f"({_percent(chance)}, always answering the commonest class), so the saved model is "
          f"not useful; {cause}", file=sys.stderr)
    return 1
