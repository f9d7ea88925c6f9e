"""``python -m nn train --model gpt`` and ``python -m nn sample``: the tiny GPT on the command line.

``train --dataset names --model gpt`` is microgpt's run: the names shuffled
with ``--seed``, one name per step, Adam (betas 0.85, 0.99) with the learning
rate decaying linearly to 0 over the run; it writes ``model.json`` (with the
tokenizer's characters in its metadata) and ``history.json`` (the loss of
every step) to ``--out``. ``sample MODEL`` prints names drawn from a saved GPT.
Every wrong option is reported in one line before anything runs.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from autograd import jit
from autograd.extend import write_file

from ..data.registry import TEXT_DATASETS
from ..data.tokenizer import CharTokenizer
from ..files.serialize import save
from ..modules.gpt import GPT
from ..optim.optimizers import Adam
from ..optim.schedules import linear_decay
from .arguments import MAX_COUNT
from .saved import load_saved_model
from .train import _check_out, _this_python

__all__ = ["GPT_DEFAULT_OUT", "GPT_DEFAULT_STEPS", "GPT_LR", "sample_command", "train_gpt_command"]

GPT_DEFAULT_STEPS = 1000
"""microgpt's number of steps: the default of ``train --model gpt``."""

GPT_DEFAULT_OUT = "runs/gpt"
"""Where ``train --model gpt`` writes without ``--out`` (the MLP demo's folder is left alone)."""

GPT_LR = 0.01
"""microgpt's learning rate (at step 0; it decays linearly to 0)."""

GPT_BETAS = (0.85, 0.99)

# What train --model gpt reads of the options; any other written option does not apply.
_GPT_OPTIONS = {"dataset", "model", "steps", "epochs", "lr", "seed", "out", "no_progress", "jit"}


def _refuse_mlp_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    given: set[str] = getattr(args, "given", set())
    for dest in sorted(given - _GPT_OPTIONS):
        parser.error(f"argument --{dest.replace('_', '-')}: does not apply to --model gpt "
                     f"(it reads --steps or --epochs, --lr, --seed, --jit, --out, --no-progress)")
    if "steps" in given and "epochs" in given:
        parser.error("argument --epochs: give --steps or --epochs, not both")


def train_gpt_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``train --model gpt``; returns the exit status."""
    _refuse_mlp_options(args, parser)
    if "out" not in getattr(args, "given", set()):
        args.out = Path(GPT_DEFAULT_OUT)
    _check_out(args.out, parser)
    try:
        docs = TEXT_DATASETS[args.dataset].loader()
    except ImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    random.Random(args.seed).shuffle(docs)
    tokenizer = CharTokenizer(docs)
    steps = args.steps if args.steps is not None else (
        GPT_DEFAULT_STEPS if args.epochs is None else args.epochs * len(docs))
    if steps > MAX_COUNT:
        parser.error(f"argument --epochs: {args.epochs} passes over {len(docs):,} documents are "
                     f"{steps:,} steps, more than the {MAX_COUNT:,} this command trains")
    lr = GPT_LR if args.lr is None else args.lr
    model = GPT(tokenizer.vocab_size, seed=args.seed)
    optimizer = Adam(model.parameters(), lr=linear_decay(lr, steps), betas=GPT_BETAS, eps=1e-8)
    # Token ids reach the program through autograd.take: one trace per document length.
    compiled = bool(args.jit)
    step = jit(model.loss) if compiled else model.loss
    print(f"data:  {args.dataset}, {len(docs):,} documents, vocabulary of {tokenizer.vocab_size} "
          f"({tokenizer.chars} and BOS), shuffled with seed {args.seed}")
    print(f"model: GPT {model.extra_repr()}, {model.num_parameters():,} parameters")
    print(f"train: {steps:,} steps of one document, adam lr={lr:g} decaying linearly to 0, "
          f"betas {GPT_BETAS}" + (", compiled with autograd.jit" if compiled else ""))
    from tqdm import tqdm

    losses: list[float] = []
    started = time.perf_counter()
    bar = tqdm(range(steps), desc="train", unit="step", disable=True if args.no_progress else None)
    try:
        for index in bar:
            loss = step(tokenizer.encode(docs[index % len(docs)]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.data)
            if index % 10 == 0:
                bar.set_postfix(loss=f"{loss.data:.4f}")
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    tail = losses[-min(100, len(losses)):]
    final_loss = sum(tail) / len(tail)
    print(f"loss: {losses[0]:.4f} at the first step, {final_loss:.4f} over the last "
          f"{len(tail)} ({steps:,} steps in {seconds:.1f} s, {1000 * seconds / steps:.0f} ms a step)")
    metadata: dict[str, Any] = {
        "dataset": args.dataset,
        "tokenizer": {"kind": "char", "chars": tokenizer.chars},
        "steps": steps,
        "final_loss": final_loss,
        "options": {key: str(value) if isinstance(value, Path) else value
                    for key, value in vars(args).items() if key not in ("handler", "command_parser", "given")},
    }
    out: Path = args.out
    try:
        save(model, out / "model.json", metadata=metadata)
        write_file(out / "history.json", json.dumps({"loss": losses}, indent=1) + "\n")
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {out / 'model.json'} and {out / 'history.json'}")
    print("samples: " + ", ".join(tokenizer.decode(model.generate(temperature=0.5, seed=seed))
                                  for seed in range(5)))
    print(f"try:  {_this_python()} -m nn sample {out / 'model.json'} --n 20 --temperature 0.5")
    return 0


def sample_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``sample``: print ``--n`` documents drawn from a saved GPT, one a line."""
    model, _, metadata = load_saved_model(
        args.model, parser, train_hint="python -m nn train --dataset names --model gpt"
    )
    if not isinstance(model, GPT):
        parser.error(f"{args.model} holds an {type(model).__name__}, not a GPT; use: python -m nn predict")
    tokenizer_entry = metadata.get("tokenizer")
    chars = tokenizer_entry.get("chars") if isinstance(tokenizer_entry, dict) else None
    if not isinstance(chars, str) or len(chars) + 1 != model.vocab_size:
        parser.error(f"{args.model} has no tokenizer of {model.vocab_size - 1} characters in its "
                     "metadata ('tokenizer': {'chars': ...}), as train --model gpt writes")
    tokenizer = CharTokenizer.from_chars(chars)
    if tokenizer.chars != chars:
        parser.error(f"{args.model}: the tokenizer's characters must be sorted and distinct, got {chars!r}")
    rng = random.Random(args.seed)
    for _ in range(args.n):
        ids = model.generate(temperature=args.temperature, seed=rng.randrange(2**63), bos=tokenizer.bos)
        print(tokenizer.decode(ids))
    return 0
