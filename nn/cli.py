"""``python -m nn``: train a network on a toy data set, then use it.

Commands:

* ``python -m nn train [options]``: make a data set, standardize it, train an
  MLP with a progress bar, print train/test accuracy, and write to ``--out``
  ``model.json`` (with the input scaling), ``history.json``, ``loss.png``,
  ``boundary.png`` (2-D data sets) and ``graph.svg`` (when Graphviz is installed):
  for a small model (at most ``GRAPH_MAX_VALUES`` Values in one example's loss)
  the computation graph of that loss with its gradients, otherwise the network
  drawn layer by layer (``nn.draw_model``) with that example's activations and
  gradients, because a loss graph draws every weight as its own node.
* ``python -m nn predict --model DIR/model.json X1 X2 ...``: the model's output
  and predicted class for one raw input (the saved scaling is applied).

With no options, ``train`` is the demo: an MLP [2, 16, 16, 1] on 200 moons points.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd import Value

from . import data
from .functional import ACTIVATIONS
from .layers import INITS, MLP
from .optim import SGD, Adam, AdamW, Optimizer, RMSprop
from .serialize import load_with_preprocessing, save, write_atomic
from .train import LOSSES, History, classify_output, compute_loss, evaluate, fit, predict

DATASETS: tuple[str, ...] = ("xor", "moons", "circles", "spiral", "digits")
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "rmsprop", "adam", "adamw")
DEFAULT_LR = {"sgd": 0.3, "momentum": 0.05, "rmsprop": 0.01, "adam": 0.02, "adamw": 0.02}
DEFAULT_EPOCHS = {"xor": 300, "moons": 50, "circles": 50, "spiral": 300, "digits": 10}
DEFAULT_NOISE = {"moons": 0.1, "circles": 0.05, "spiral": 0.2}
DEFAULT_OUT = "runs/demo"
VALIDATION_FRACTION = 0.2  # of the training part, held out when --patience is set
GRID = 90  # boundary.png evaluates the model on GRID x GRID points
# graph.svg: a loss graph lays its Values out about 25 pt apart, so 60 make a picture
# of about 1,300 pt; MLP [2, 16, 16, 1]'s 405 would make one of 15,900 pt.
GRAPH_MAX_VALUES = 60


# ---------------------------------------------------------------- argument types
# argparse turns the ValueError/ArgumentTypeError of a type= function into
# "error: argument --x: ..." and exit status 2, never a traceback.


def hidden_sizes(text: str) -> list[int]:
    """Parse ``--hidden``: comma-separated positive layer sizes, e.g. ``16,16``; ``none`` for no hidden layer."""
    if text.strip().lower() in ("", "none"):
        return []
    sizes = []
    for part in text.split(","):
        try:
            size = int(part.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected comma-separated layer sizes such as 16,16, got {text!r}"
            ) from None
        if size < 1:
            raise argparse.ArgumentTypeError(f"layer sizes must be positive, got {size} in {text!r}")
        sizes.append(size)
    return sizes


def _int_at_least(text: str, smallest: int, expected: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
    if value < smallest:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
    return value


def positive_int(text: str) -> int:
    """Parse an int >= 1."""
    return _int_at_least(text, 1, "a positive integer")


def non_negative_int(text: str) -> int:
    """Parse an int >= 0."""
    return _int_at_least(text, 0, "an integer >= 0")


def finite_float(text: str) -> float:
    """Parse a finite float (no nan, no inf)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    """Parse a finite float >= 0."""
    value = finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """Parse a finite float > 0."""
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    """Parse a number strictly between 0 and 1."""
    value = finite_float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text!r}")
    return value


def dropout_p(text: str) -> float:
    """Parse a dropout probability in [0, 1)."""
    value = finite_float(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a probability in [0, 1), got {text!r}")
    return value


# ---------------------------------------------------------------- the parser


def _choices_text(defaults: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in defaults.items())


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m nn`` argument parser (with ``train`` and ``predict`` sub-commands)."""
    formatter = argparse.ArgumentDefaultsHelpFormatter
    parser = argparse.ArgumentParser(
        prog="python -m nn",
        description="Train a small neural network on valuegrad's scalar autodiff engine, "
        "then use it.",
        formatter_class=formatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    train = commands.add_parser(
        "train",
        help="train an MLP on a toy data set (the default command)",
        description="Make a data set, standardize it, train an MLP, report accuracy and "
        "write the model and pictures to --out: loss.png, boundary.png (2-D data) and "
        "graph.svg (needs Graphviz): one example's loss graph for a small model, the "
        "network layer by layer for a larger one.",
        formatter_class=formatter,
    )
    group = train.add_argument_group("data")
    group.add_argument("--dataset", choices=DATASETS, default="moons", help="data set")
    group.add_argument("--n", type=positive_int, default=200,
                       help="number of points (moons, circles, spiral; spiral splits them across "
                       "its classes)")
    group.add_argument("--noise", type=non_negative_float, default=None,
                       help=f"noise level; None uses the data set's own ({_choices_text(DEFAULT_NOISE)})")
    group.add_argument("--classes", type=positive_int, default=3, help="spiral arms (classes)")
    group.add_argument("--test-size", type=fraction, default=0.25,
                       help="fraction of the points held out for testing (xor trains and tests "
                       "on its 4 points)")
    group = train.add_argument_group("model")
    group.add_argument("--hidden", type=hidden_sizes, default="16,16", metavar="SIZES",
                       help="hidden layer sizes, comma-separated ('none' for no hidden layer)")
    group.add_argument("--activation", choices=ACTIVATIONS, default="relu",
                       help="activation of the hidden layers")
    group.add_argument("--init", choices=INITS, default="xavier", help="weight initialisation")
    group.add_argument("--dropout", type=dropout_p, default=0.0,
                       help="dropout probability after each hidden layer")
    group = train.add_argument_group("training")
    group.add_argument("--loss", choices=("auto", *LOSSES), default="auto",
                       help="loss; auto is bce for two classes, cross_entropy for more")
    group.add_argument("--optimizer", choices=OPTIMIZERS, default="adam",
                       help="optimizer (momentum is SGD with momentum 0.9)")
    group.add_argument("--lr", type=positive_float, default=None,
                       help=f"learning rate; None uses the optimizer's ({_choices_text(DEFAULT_LR)})")
    group.add_argument("--epochs", type=positive_int, default=None,
                       help=f"passes over the training set; None uses the data set's "
                       f"({_choices_text(DEFAULT_EPOCHS)})")
    group.add_argument("--batch-size", type=non_negative_int, default=32,
                       help="examples per step; 0 for full batch, 1 for stochastic")
    group.add_argument("--l2", type=non_negative_float, default=0.0,
                       help="coefficient of the L2 penalty on the weights")
    group.add_argument("--patience", type=non_negative_int, default=0,
                       help=f"early stopping patience in epochs (0: off); holds out "
                       f"{round(100 * VALIDATION_FRACTION)}%% of the training points for validation")
    group.add_argument("--seed", type=int, default=0,
                       help="seed for the data, the split, the initial weights and the batch order")
    group = train.add_argument_group("output")
    group.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), metavar="DIR",
                       help="folder for model.json, history.json and the pictures")
    group.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    # Each command's own parser reports its late errors, so the usage line shown is its own.
    train.set_defaults(handler=train_command, command_parser=train)

    predict_parser = commands.add_parser(
        "predict",
        help="run a trained model on one input",
        description="Print a trained model's output and predicted class for one raw input; "
        "the input scaling saved with the model is applied first.",
        formatter_class=formatter,
    )
    predict_parser.add_argument("--model", type=Path, default=Path(DEFAULT_OUT) / "model.json",
                                help="a model.json written by 'train'")
    predict_parser.add_argument("inputs", type=finite_float, nargs="+", metavar="X",
                                help="the input features, raw (as in the data set)")
    predict_parser.set_defaults(handler=predict_command, command_parser=predict_parser)
    return parser


# ---------------------------------------------------------------- train


def _load_dataset(args: argparse.Namespace) -> tuple[list[list[float]], list[int]]:
    name = args.dataset
    if name == "xor":
        return data.xor()
    if name == "digits":
        return data.digits()
    noise = DEFAULT_NOISE[name] if args.noise is None else args.noise
    if name == "moons":
        return data.moons(args.n, noise, args.seed)
    if name == "circles":
        return data.circles(args.n, noise, seed=args.seed)
    return data.spiral(max(1, args.n // args.classes), args.classes, args.seed, noise)


def _make_optimizer(name: str, parameters: list[Value], lr: float) -> Optimizer:
    if name == "sgd":
        return SGD(parameters, lr)
    if name == "momentum":
        return SGD(parameters, lr, momentum=0.9)
    if name == "rmsprop":
        return RMSprop(parameters, lr)
    if name == "adam":
        return Adam(parameters, lr)
    return AdamW(parameters, lr)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100.0 * value:.1f}%"


def train_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``train``; returns the exit status."""
    try:
        X, y = _load_dataset(args)
    except ImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    classes = max(y) + 1
    loss = args.loss
    if loss == "auto":
        loss = "bce" if classes == 2 else "cross_entropy"
    if loss in ("hinge", "bce") and classes > 2:
        parser.error(f"--loss {loss} is for two classes; --dataset {args.dataset} has {classes}, "
                     "use --loss cross_entropy")
    # Two classes need one output (a score, a logit, or a 0/1 regression for mse).
    nout = 1 if loss in ("hinge", "bce") or (loss == "mse" and classes == 2) else classes
    if args.dataset == "xor":
        X_train, X_test, y_train, y_test = X, X, y, y  # 4 points: nothing to spare for a test set
    else:
        X_train, X_test, y_train, y_test = data.train_test_split(
            X, y, test_size=args.test_size, seed=args.seed, stratify=True
        )
    validation = None
    if args.patience:
        X_fit, X_val, y_fit, y_val = data.train_test_split(
            X_train, y_train, test_size=VALIDATION_FRACTION, seed=args.seed + 1, stratify=True
        )
    else:
        X_fit, y_fit = X_train, y_train
    X_fit_s, _, scaler = data.standardize(X_fit)
    if args.patience:
        validation = (scaler.transform(X_val), y_val)
    X_train_s = scaler.transform(X_train)
    X_test_s = scaler.transform(X_test)

    model = MLP(len(X[0]), [*args.hidden, nout], activation=args.activation, init=args.init,
                seed=args.seed, dropout=args.dropout)
    lr = DEFAULT_LR[args.optimizer] if args.lr is None else args.lr
    epochs = DEFAULT_EPOCHS[args.dataset] if args.epochs is None else args.epochs
    batch_size = args.batch_size or None
    optimizer = _make_optimizer(args.optimizer, model.parameters(), lr)
    split = "all 4 points for both" if args.dataset == "xor" else (
        f"{len(X_train)} train / {len(X_test)} test")
    print(f"data:  {args.dataset}, {len(X)} points ({split}), {len(X[0])} features, "
          f"{classes} classes, standardized")
    print(f"model: MLP {[model.nin, *model.nouts]}, {args.activation}, "
          f"{model.num_parameters()} parameters")
    print(f"train: {loss} loss, {args.optimizer} lr={lr:g}, {epochs} epoch{'s' if epochs != 1 else ''}, "
          f"batch size {batch_size or 'full'}" + (f", l2={args.l2:g}" if args.l2 else "")
          + (f", early stopping (patience {args.patience})" if args.patience else ""))
    started = time.perf_counter()
    try:
        history = fit(model, X_fit_s, y_fit, loss=loss, optimizer=optimizer, epochs=epochs,
                      batch_size=batch_size, validation=validation,
                      early_stopping=args.patience or None, progress=not args.no_progress,
                      l2=args.l2, seed=args.seed)
    except (FloatingPointError, OverflowError) as error:
        print(f"error: training diverged: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    _, train_accuracy = evaluate(model, X_train_s, y_train, loss=loss)
    _, test_accuracy = evaluate(model, X_test_s, y_test, loss=loss)
    print(f"train accuracy: {_percent(train_accuracy)}   test accuracy: {_percent(test_accuracy)}"
          f"   ({history.epochs} epoch{'s' if history.epochs != 1 else ''} in {seconds:.1f} s)")

    out: Path = args.out
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"error: cannot create the output folder {out}: {error}", file=sys.stderr)
        return 1
    metadata = {
        "dataset": args.dataset,
        "loss": loss,
        "classes": classes,
        "train_accuracy": train_accuracy,
        "test_accuracy": test_accuracy,
        "epochs": history.epochs,
        "options": {
            key: str(value) if isinstance(value, Path) else value
            for key, value in vars(args).items()
            if key not in ("handler", "command_parser")
        },
    }
    save(model, out / "model.json", preprocessing=scaler, metadata=metadata)
    write_atomic(out / "history.json", json.dumps(history.to_dict(), indent=1) + "\n")
    print(f"wrote {out / 'model.json'} and {out / 'history.json'}")
    pictures = _draw_pictures(out, model, history, scaler, loss, X_train, y_train, X_test, y_test,
                              X_fit_s[0], y_fit[0])
    print("pictures:")
    width = max(len(str(path)) for path, _ in pictures)
    for path, what in pictures:
        print(f"  {path!s:<{width}}  {what}")
    example = " ".join(f"{value:g}" for value in X_test[0])
    print(f"try:  python -m nn predict --model {out / 'model.json'} {example}")
    return 0


def _draw_pictures(
    out: Path, model: MLP, history: History, scaler: data.Scaler, loss: str,
    X_train: list[list[float]], y_train: list[int], X_test: list[list[float]], y_test: list[int],
    example: list[float], label: int,
) -> list[tuple[Path, str]]:
    pictures: list[tuple[Path, str]] = []
    history.plot(str(out / "loss.png"))
    pictures.append((out / "loss.png", "loss and accuracy per epoch"))
    if len(X_train[0]) == 2:
        _plot_boundary(out / "boundary.png", model, scaler, loss, X_train, y_train, X_test, y_test)
        pictures.append((out / "boundary.png", "decision regions, train (o) and test (x) points"))
    written, note = _draw_graph(out / "graph.svg", model, loss, example, label)
    pictures.append((out / "graph.svg" if written else Path("(graph.svg not written)"), note))
    return pictures


def _plot_boundary(
    path: Path, model: MLP, scaler: data.Scaler, loss: str,
    X_train: list[list[float]], y_train: list[int], X_test: list[list[float]], y_test: list[int],
) -> None:
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    points = X_train + X_test
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    pad_x = 0.1 * (max(xs) - min(xs)) + 1e-6
    pad_y = 0.1 * (max(ys) - min(ys)) + 1e-6
    grid_x = [min(xs) - pad_x + i * (max(xs) - min(xs) + 2 * pad_x) / (GRID - 1) for i in range(GRID)]
    grid_y = [min(ys) - pad_y + j * (max(ys) - min(ys) + 2 * pad_y) / (GRID - 1) for j in range(GRID)]
    grid = [[gx, gy] for gy in grid_y for gx in grid_x]
    outputs = predict(model, scaler.transform(grid))
    labels = [classify_output(output, loss) for output in outputs]
    classes = max(max(y_train), max(y_test), max(labels)) + 1
    if len(outputs[0]) == 1:
        # Contour the output itself at the class threshold: a smooth boundary, not grid steps.
        threshold = 0.5 if loss == "mse" else 0.0
        values = [output[0] for output in outputs]
        surface = [values[j * GRID:(j + 1) * GRID] for j in range(GRID)]
        levels = [min(min(values), threshold) - 1.0, threshold, max(max(values), threshold) + 1.0]
    else:
        surface = [[float(k) for k in labels[j * GRID:(j + 1) * GRID]] for j in range(GRID)]
        levels = [k - 0.5 for k in range(classes + 1)]
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
              "#7f7f7f", "#bcbd22", "#17becf"]
    palette = [colors[k % len(colors)] for k in range(classes)]

    figure = Figure(figsize=(5.5, 4.5), layout="constrained")
    axis = figure.subplots()
    axis.contourf(grid_x, grid_y, surface, levels=levels,
                  cmap=ListedColormap(palette[:len(levels) - 1]), alpha=0.25)
    for X_part, y_part, marker in ((X_train, y_train, "o"), (X_test, y_test, "x")):
        axis.scatter([p[0] for p in X_part], [p[1] for p in X_part],
                     c=[palette[label] for label in y_part], marker=marker, s=18,
                     linewidths=1.2 if marker == "x" else 0.4,
                     edgecolors="black" if marker == "o" else None)
    axis.set_title(f"decision regions of MLP {[model.nin, *model.nouts]}")
    axis.set_xlabel("x1")
    axis.set_ylabel("x2")
    # Colour is the class; the legend explains the markers only, in neutral grey.
    axis.legend(
        handles=[Line2D([], [], marker="o", linestyle="", color="grey", label="train"),
                 Line2D([], [], marker="x", linestyle="", color="grey", label="test")],
        loc="best",
    )
    figure.savefig(path, dpi=120)


def _draw_graph(
    path: Path, model: MLP, loss: str, example: list[float], label: int
) -> tuple[bool, str]:
    """Write a picture of the model on one example to ``path``.

    Returns:
        Whether the file was written, and what it shows or why it was not.
    """
    if shutil.which("dot") is None:
        return False, ("skipped: Graphviz's 'dot' program is not installed "
                       "(apt-get install graphviz / brew install graphviz)")
    # Imported where used: of the CLI's work, only this picture needs Graphviz.
    from autograd.viz import draw_dot

    from .viz import draw_model

    model.eval()
    value = compute_loss([model(example)], [label], loss)
    if 1 + len(value.ancestors()) <= GRAPH_MAX_VALUES:
        value.backward()
        drawing = draw_dot(value, params=model.parameters(), max_nodes=None)
        what = "the computation graph of one training example's loss, with gradients"
    else:
        drawing = draw_model(model, example=example)
        what = ("the network layer by layer, one training example's activations and "
                "gradients (weights: blue +, red -)")
    try:
        path.write_bytes(drawing.pipe(format="svg"))
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        # The model is already saved: a picture that fails costs only the picture.
        return False, "skipped: Graphviz could not draw graph.svg: " + " ".join(str(error).split())
    finally:
        model.zero_grad()
    return True, what


# ---------------------------------------------------------------- predict


def predict_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``predict``; returns the exit status."""
    try:
        model, scaler, metadata = load_with_preprocessing(args.model)
    except FileNotFoundError:
        parser.error(f"no model at {args.model}; train one with: python -m nn train --out DIR")
    except (OSError, ValueError) as error:
        parser.error(str(error))
    if len(args.inputs) != model.nin:
        parser.error(f"the model takes {model.nin} inputs, got {len(args.inputs)}: "
                     f"{' '.join(f'{x:g}' for x in args.inputs)}")
    x = list(args.inputs)
    if scaler is not None:
        x = scaler.transform([x])[0]
    output = predict(model, [x])[0]
    loss = metadata.get("loss")
    print("output: " + " ".join(f"{value:.6g}" for value in output))
    if loss == "bce":
        print(f"probability of class 1: {_sigmoid(output[0]):.4f}")
    elif loss == "cross_entropy":
        largest = max(output)
        weights = [math.exp(value - largest) for value in output]
        total = sum(weights)
        print("probabilities: " + " ".join(f"{w / total:.4f}" for w in weights))
    if loss in LOSSES:
        print(f"class: {classify_output(output, loss)}")
    return 0


def _sigmoid(z: float) -> float:
    # Two branches so that exp never overflows, whatever the sign of z.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


# ---------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status.

    With no command, ``train`` runs with its defaults (the demo).
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "train")
    args = parser.parse_args(arguments)
    return int(args.handler(args, args.command_parser))
