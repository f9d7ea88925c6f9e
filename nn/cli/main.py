"""``python -m nn``: train a network on a toy data set, then use it.

Commands:

* ``python -m nn train [options]``: make a data set, standardize it, train an
  MLP with a progress bar, print train/test accuracy, and write to ``--out``
  ``model.json`` (with the input scaling), ``history.json``, ``loss.png``,
  ``boundary.png`` (2-D data sets), ``graph.html`` (one batch's loss graph in the
  browser explorer) and ``graph.svg`` (when Graphviz is installed):
  for a small model (at most ``GRAPH_MAX_VALUES`` Values in one example's loss)
  the computation graph of that loss with its gradients, otherwise the network
  drawn layer by layer (``nn.draw_model``) with that example's activations and
  gradients, because a loss graph draws every weight as its own node
  (:mod:`nn.cli.pictures`). Every option is checked before training starts
  (:mod:`nn.cli.arguments`, :mod:`nn.cli.train`).
* ``python -m nn predict --model DIR/model.json X1 X2 ...``: the model's output
  and predicted class for one raw input (the saved scaling is applied).
* ``python -m nn train --dataset names --model gpt`` trains the tiny GPT on
  names, and ``python -m nn sample DIR/model.json`` prints names it makes up
  (:mod:`nn.cli.gpt`).

With no options, ``train`` is the demo: an MLP [2, 16, 16, 1] on 200 moons points.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from ..data.registry import DATASETS, TEXT_DATASETS
from ..losses.registry import LOSSES, default_loss
from ..modules.activations import ACTIVATIONS
from ..modules.gpt import GPT
from ..modules.init import INITS
from ..optim.registry import OPTIMIZERS
from ..training.evaluate import predict
from .arguments import (
    MAX_CLASSES,
    MAX_COUNT,
    MAX_NOISE,
    MAX_PARAMETERS,
    finite_float_arg,
    hidden_sizes_arg,
    inputs_after_options,
    noise_arg,
    non_negative_float_arg,
    non_negative_int_arg,
    path_arg,
    positive_float_arg,
    positive_int_arg,
    probability_arg,
    seed_arg,
    unit_interval_arg,
)
from .gpt import GPT_DEFAULT_STEPS, GPT_LR, GPT_SHAPE, sample_command, train_gpt_command
from .saved import load_saved_model
from .train import (
    JIT_DEFAULT,
    VALIDATION_FRACTION,
    train_command,
)

__all__ = ["DEFAULT_OUT", "REQUIRED", "build_parser", "main", "predict_command", "train_or_gpt_command"]

DEFAULT_OUT = "runs/demo"
REQUIRED = ("tqdm", "matplotlib", "graphviz")  # the command line's dependencies (pyproject.toml)
# The demo's choices; what each name means, and every list of names, comes from the registries.
DEFAULT_DATASET = "moons"
DEFAULT_ACTIVATION = "relu"
DEFAULT_INIT = "xavier"
DEFAULT_OPTIMIZER = "adam"


# ---------------------------------------------------------------- the parser


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one short usage line and the error, as git's and pip's."""

    def error(self, message: str) -> NoReturn:
        usage = " ".join(self.format_usage().split())
        if len(usage) > 100:  # the full list of options: --help shows it
            usage = f"usage: {self.prog} [options]"
        self.exit(2, f"{usage}  ('{self.prog} --help' for more)\n{self.prog}: error: {message}\n")


def _choices_text(defaults: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in defaults.items())


def _names(names: list[str]) -> str:
    return ", ".join(names) or "none"


def _data_help() -> dict[str, str]:
    """The help of the data options, from :data:`nn.DATASETS`."""
    sized = [name for name, spec in DATASETS.items() if spec.sized]
    split = [name for name, spec in DATASETS.items() if spec.classes is None]
    noises = {name: spec.noise for name, spec in DATASETS.items() if spec.noise is not None}
    fixed = [name for name, spec in DATASETS.items() if not spec.holdout]
    return {
        "dataset": "data set: " + "; ".join(f"{name}, {spec.summary}" for name, spec in DATASETS.items())
        + "".join(f"; {name}, {spec.summary}" for name, spec in TEXT_DATASETS.items()),
        "n": f"number of points ({_names(sized)}"
        + (f"; {_names(split)} splits them across its classes" if split else "")
        + f"), at most {MAX_COUNT:,}",
        "noise": f"noise level, at most {MAX_NOISE:g}; None uses the data set's own "
        f"({_choices_text(noises)})",
        "classes": f"number of classes of {_names(split)}, 2 to {MAX_CLASSES}",
        "test_size": "fraction of the points held out for testing"
        + (f" ({_names(fixed)} trains and tests on all its points)" if fixed else ""),
    }


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m nn`` argument parser (with ``train`` and ``predict`` sub-commands)."""
    formatter = argparse.ArgumentDefaultsHelpFormatter
    parser = _Parser(
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
        "write the model and pictures to --out: loss.png, boundary.png (2-D data), "
        "graph.html (one batch's loss graph, interactive, in a browser) and "
        "graph.svg (needs Graphviz): one example's loss graph for a small model, the "
        "network layer by layer for a larger one.",
        formatter_class=formatter,
    )
    data_help = _data_help()
    group = train.add_argument_group("data")
    group.add_argument("--dataset", choices=[*DATASETS, *TEXT_DATASETS], default=DEFAULT_DATASET,
                       help=data_help["dataset"])
    group.add_argument("--n", type=positive_int_arg, default=200, help=data_help["n"])
    group.add_argument("--noise", type=noise_arg, default=None, help=data_help["noise"])
    group.add_argument("--classes", type=positive_int_arg, default=3, help=data_help["classes"])
    group.add_argument("--test-size", type=unit_interval_arg, default=0.25,
                       help=data_help["test_size"])
    group = train.add_argument_group("model")
    group.add_argument("--model", choices=("mlp", "gpt"), default="mlp",
                       help="mlp, a multi-layer perceptron classifier (the options below); gpt, "
                       "microgpt's tiny GPT on --dataset names (reads its own options below, --steps or "
                       "--epochs, --batch-size, --lr, --seed, --jit, --out, --no-progress)")
    group.add_argument("--hidden", type=hidden_sizes_arg, default="16,16", metavar="SIZES",
                       help="hidden layer sizes, comma-separated ('none' for no hidden layer); "
                       f"the MLP may have at most {MAX_PARAMETERS:,} parameters")
    group.add_argument("--activation", choices=list(ACTIVATIONS), default=DEFAULT_ACTIVATION,
                       help="activation of the hidden layers")
    group.add_argument("--init", choices=list(INITS), default=DEFAULT_INIT,
                       help="weight initialisation")
    group.add_argument("--dropout", type=probability_arg, default=0.0,
                       help="dropout probability after each hidden layer")
    group = train.add_argument_group("model: gpt")
    group.add_argument("--n-layer", type=positive_int_arg, default=GPT_SHAPE["n_layer"],
                       help="--model gpt: transformer blocks")
    group.add_argument("--n-embd", type=positive_int_arg, default=GPT_SHAPE["n_embd"],
                       help="--model gpt: width of the embeddings and of every block")
    group.add_argument("--n-head", type=positive_int_arg, default=GPT_SHAPE["n_head"],
                       help="--model gpt: attention heads, which must divide --n-embd")
    group.add_argument("--block-size", type=positive_int_arg, default=GPT_SHAPE["block_size"],
                       help="--model gpt: the longest context, in tokens (longer documents are cut)")
    group = train.add_argument_group("training")
    group.add_argument("--loss", choices=("auto", *LOSSES), default="auto",
                       help="loss: " + "; ".join(f"{name}, {spec.summary}" for name, spec in LOSSES.items())
                       + f"; auto is {default_loss(2)} for two classes, {default_loss(3)} for more")
    group.add_argument("--optimizer", choices=list(OPTIMIZERS), default=DEFAULT_OPTIMIZER,
                       help="optimizer: " + "; ".join(f"{name}, {spec.summary}"
                                                      for name, spec in OPTIMIZERS.items()))
    learning_rates = {name: spec.lr for name, spec in OPTIMIZERS.items()}
    group.add_argument("--lr", type=positive_float_arg, default=None,
                       help=f"learning rate; None uses the optimizer's ({_choices_text(learning_rates)}; "
                       f"gpt {GPT_LR:g}, decaying linearly to 0)")
    group.add_argument("--steps", type=positive_int_arg, default=None,
                       help=f"--model gpt: optimizer steps of one document each, at most {MAX_COUNT:,}; "
                       f"None is {GPT_DEFAULT_STEPS} unless --epochs is given")
    epochs = {name: spec.epochs for name, spec in DATASETS.items()}
    group.add_argument("--epochs", type=positive_int_arg, default=None,
                       help=f"passes over the training set, at most {MAX_COUNT:,}; None uses the "
                       f"data set's ({_choices_text(epochs)}); for gpt, passes over the documents")
    group.add_argument("--batch-size", type=non_negative_int_arg, default=32,
                       help=f"examples per step, at most {MAX_COUNT:,}; 0 for full batch, 1 for stochastic; "
                       "for gpt, documents per step (1 unless given)")
    group.add_argument("--l2", type=non_negative_float_arg, default=0.0,
                       help="coefficient of the L2 penalty on the weights")
    group.add_argument("--patience", type=non_negative_int_arg, default=0,
                       help=f"early stopping patience in epochs (0: off), at most {MAX_COUNT:,}; holds out "
                       f"{round(100 * VALIDATION_FRACTION)}%% of the training points for validation")
    group.add_argument("--jit", action=argparse.BooleanOptionalAction, default=JIT_DEFAULT,
                       help="compile each batch's loss with autograd.jit (traced once per batch "
                       "shape, then replayed as generated Python); for gpt, once per document length")
    group.add_argument("--seed", type=seed_arg, default=0,
                       help="seed for the data, the split, the initial weights and the batch order "
                       "(an integer in [-2**63, 2**63))")
    group = train.add_argument_group("output")
    group.add_argument("--out", type=path_arg, default=Path(DEFAULT_OUT), metavar="DIR",
                       help="folder for model.json, history.json and the pictures (made, and "
                       "checked to be writable, before training)")
    group.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    # Each command's own parser reports its late errors, so the usage line shown is its own.
    train.set_defaults(handler=train_or_gpt_command, command_parser=train)

    predict_parser = commands.add_parser(
        "predict",
        help="run a trained model on one input",
        description="Print a trained model's output and predicted class for one raw input; "
        "the input scaling saved with the model is applied first.",
        formatter_class=formatter,
    )
    predict_parser.add_argument("--model", type=path_arg, default=Path(DEFAULT_OUT) / "model.json",
                                help="a model.json written by 'train'")
    predict_parser.add_argument("inputs", type=finite_float_arg, nargs="+", metavar="X",
                                help="the input features, raw (as in the data set); negative "
                                "numbers such as -1e-3 work")
    predict_parser.set_defaults(handler=predict_command, command_parser=predict_parser)

    sample = commands.add_parser(
        "sample",
        help="print documents (names) made up by a trained GPT",
        description="Print --n documents drawn one token at a time from a GPT saved by "
        "'train --model gpt', at the given temperature.",
        formatter_class=formatter,
    )
    sample.add_argument("model", type=path_arg, metavar="MODEL", help="a model.json written by 'train --model gpt'")
    sample.add_argument("--n", type=positive_int_arg, default=20, help=f"how many, at most {MAX_COUNT:,}")
    sample.add_argument("--temperature", type=positive_float_arg, default=0.5,
                        help="softmax temperature, > 0: lower is more conservative")
    sample.add_argument("--seed", type=seed_arg, default=0, help="seed of the draws")
    sample.set_defaults(handler=sample_command, command_parser=sample)
    return parser


# ---------------------------------------------------------------- train: MLP or GPT


def train_or_gpt_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``train``: the MLP, or the GPT for ``--model gpt`` or a text data set; returns the exit status."""
    given: set[str] = getattr(args, "given", set())
    text = args.dataset in TEXT_DATASETS
    if args.model == "gpt" and "dataset" not in given:
        args.dataset, text = next(iter(TEXT_DATASETS)), True
    if text and "model" not in given:
        args.model = "gpt"
    if args.model == "gpt" and not text:
        parser.error(f"argument --dataset: --model gpt trains on text ({', '.join(TEXT_DATASETS)}), "
                     f"not on {args.dataset}")
    if args.model == "mlp" and text:
        parser.error(f"argument --model: {args.dataset} is text, for --model gpt")
    if args.model == "gpt":
        return train_gpt_command(args, parser)
    if "steps" in given:
        parser.error("argument --steps: does not apply to --model mlp, which trains for --epochs")
    for dest in sorted(given & set(GPT_SHAPE)):
        parser.error(f"argument --{dest.replace('_', '-')}: does not apply to --model mlp (it shapes --model gpt)")
    return train_command(args, parser)


# ---------------------------------------------------------------- predict


def predict_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``predict``; returns the exit status."""
    model, scaler, metadata = load_saved_model(args.model, parser, train_hint="python -m nn train --out DIR")
    if isinstance(model, GPT):
        parser.error(f"{args.model} holds a GPT, which generates text; use: python -m nn sample {args.model}")
    if len(args.inputs) != model.nin:
        parser.error(f"the model takes {model.nin} inputs, got {len(args.inputs)}: "
                     f"{' '.join(f'{x:g}' for x in args.inputs)}")
    x = list(args.inputs)
    if scaler is not None:
        x = scaler.transform([x])[0]
        for index, (raw, scaled) in enumerate(zip(args.inputs, x, strict=True)):
            if not math.isfinite(scaled):
                parser.error(
                    f"input {index + 1} ({raw:g}) is too far outside the training data: scaled "
                    f"with the mean and spread saved with the model it becomes {scaled}")
    output = predict(model, [x])[0]
    loss = metadata.get("loss")
    spec = LOSSES.get(loss) if isinstance(loss, str) else None
    print("output: " + " ".join(f"{value:.6g}" for value in output))
    if spec is not None and spec.probabilities is not None:
        probabilities = spec.probabilities(output)
        if len(probabilities) == 1:
            print(f"probability of class 1: {probabilities[0]:.4f}")
        else:
            print("probabilities: " + " ".join(f"{p:.4f}" for p in probabilities))
    if spec is not None:
        print(f"class: {spec.classify(output)}")
    return 0


# ---------------------------------------------------------------- entry point


def _given(parser: argparse.ArgumentParser, arguments: list[str]) -> set[str]:
    """The destinations of the options written on the command line (not left at their default).

    Abbreviations resolve as argparse resolves them: a unique prefix of one option.
    """
    options = parser._option_string_actions  # argparse's own table of option strings
    given = set()
    for token in arguments:
        if not token.startswith("--"):
            continue
        name = token.split("=", 1)[0]
        matches = [option for option in options if option == name] or \
            [option for option in options if option.startswith(name)]
        if len({options[option].dest for option in matches}) == 1:
            given.add(options[matches[0]].dest)
    return given


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status.

    With no command, ``train`` runs with its defaults (the demo). Without the
    packages it needs (a Python other than the project's), it says in one
    line how to get them, and returns 1.
    """
    missing = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
    if missing:
        print(f"python -m nn needs {', '.join(missing)}, which {sys.executable} lacks: run "
              "'make demo' once and use .venv/bin/python -m nn (or: pip install -e .)",
              file=sys.stderr)
        return 1
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "train")
    if arguments[0] == "predict":
        arguments = ["predict", *inputs_after_options(arguments[1:], ("--model",))]
    args = parser.parse_args(arguments)
    args.given = _given(args.command_parser, arguments[1:])
    try:
        status = int(args.handler(args, args.command_parser))
        sys.stdout.flush()  # here, not at exit, so that a reader that left is handled below
        return status
    except BrokenPipeError:
        # The reader left (`python -m nn predict ... | head`): stop quietly, as Unix tools do.
        # Python would otherwise report the broken pipe again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, the status a shell shows for a tool stopped this way
    except (ValueError, ArithmeticError, OSError) as error:  # what the library documents
        print(f"{args.command_parser.prog}: error: {error}", file=sys.stderr)
        return 1
