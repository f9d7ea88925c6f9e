"""``python -m nn train --model gpt`` and ``python -m nn sample``: the tiny GPT on the command line.

``train --dataset names --model gpt`` is microgpt's run: the names shuffled
with ``--seed``, one name per step (``--batch-size`` documents per step
otherwise, their positions pooled by :meth:`nn.GPT.batch_loss`), microgpt's
architecture unless ``--n-layer``, ``--n-embd``, ``--n-head`` or
``--block-size`` say otherwise, Adam (betas 0.85, 0.99) with the learning
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autograd import Value, jit
from autograd.extend import write_file

from ..data.registry import TEXT_DATASETS
from ..data.tokenizer import CharTokenizer
from ..files.serialize import save
from ..modules.gpt import GPT
from ..optim.optimizers import Adam
from ..optim.schedules import linear_decay
from .arguments import MAX_COUNT, MAX_PARAMETERS
from .saved import load_saved_model
from .train import _check_out, _this_python

__all__ = ["GPT_DEFAULT_OUT", "GPT_DEFAULT_STEPS", "GPT_LR", "GPT_SHAPE", "gpt_parameter_count", "sample_command",
           "train_gpt_command"]

GPT_DEFAULT_STEPS = 1000
"""microgpt's number of steps: the default of ``train --model gpt``."""

GPT_DEFAULT_OUT = "runs/gpt"
"""Where ``train --model gpt`` writes without ``--out`` (the MLP demo's folder is left alone)."""

GPT_LR = 0.01
"""microgpt's learning rate (at step 0; it decays linearly to 0)."""

GPT_BETAS = (0.85, 0.99)

GPT_SHAPE = {"n_layer": 1, "n_embd": 16, "n_head": 4, "block_size": 16}
"""microgpt's architecture: the defaults of ``--n-layer``, ``--n-embd``, ``--n-head`` and ``--block-size``."""

# What train --model gpt reads of the options; any other written option does not apply.
_GPT_OPTIONS = {"dataset", "model", "steps", "epochs", "batch_size", "lr", "seed", "out", "no_progress", "jit",
                *GPT_SHAPE}


def gpt_parameter_count(vocab_size: int, n_layer: int, n_embd: int, block_size: int) -> int:
    """What ``GPT(vocab_size, n_layer, n_embd, n_head, block_size).num_parameters()`` will be, before building it.

    Token and position embeddings, the output head, and per block the four
    attention matrices and the two of the feed-forward (4x wide); the norms
    have no parameters.
    """
    return (2 * vocab_size + block_size) * n_embd + n_layer * 12 * n_embd * n_embd


def _refuse_mlp_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    given: set[str] = getattr(args, "given", set())
    for dest in sorted(given - _GPT_OPTIONS):
        parser.error(f"argument --{dest.replace('_', '-')}: does not apply to --model gpt "
                     "(it reads --n-layer, --n-embd, --n-head, --block-size, --steps or --epochs, "
                     "--batch-size, --lr, --seed, --jit, --out, --no-progress)")
    if "steps" in given and "epochs" in given:
        parser.error("argument --epochs: give --steps or --epochs, not both")
    if "batch_size" not in given:
        args.batch_size = 1
    elif args.batch_size == 0:
        parser.error("argument --batch-size: for --model gpt it is documents per step, at least 1, got 0")
    if args.n_embd % args.n_head:
        parser.error(f"argument --n-head: must divide --n-embd, got --n-head {args.n_head} and --n-embd {args.n_embd}")


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
    batch = args.batch_size
    if batch > len(docs):
        parser.error(f"argument --batch-size: {batch:,} documents per step, but {args.dataset} has {len(docs):,}")
    steps = args.steps if args.steps is not None else (
        GPT_DEFAULT_STEPS if args.epochs is None else -(-args.epochs * len(docs) // batch))
    if steps > MAX_COUNT:
        parser.error(f"argument --epochs: {args.epochs} passes over {len(docs):,} documents are "
                     f"{steps:,} steps, more than the {MAX_COUNT:,} this command trains")
    shape = {name: getattr(args, name) for name in GPT_SHAPE}
    count = gpt_parameter_count(tokenizer.vocab_size, shape["n_layer"], shape["n_embd"], shape["block_size"])
    if count > MAX_PARAMETERS:
        parser.error(f"argument --n-embd: a GPT of {count:,} parameters (--n-layer {shape['n_layer']}, "
                     f"--n-embd {shape['n_embd']}, --block-size {shape['block_size']}); "
                     f"this command builds at most {MAX_PARAMETERS:,}")
    lr = GPT_LR if args.lr is None else args.lr
    model = GPT(tokenizer.vocab_size, seed=args.seed, **shape)
    optimizer = Adam(model.parameters(), lr=linear_decay(lr, steps), betas=GPT_BETAS, eps=1e-8)
    # Token ids reach the program through autograd.take: one trace per document length.
    compiled = bool(args.jit)
    loss_of: Callable[[Any], Value] = model.loss if batch == 1 else model.batch_loss
    step: Callable[[Any], Value] = jit(loss_of) if compiled else loss_of
    print(f"data:  {args.dataset}, {len(docs):,} documents, vocabulary of {tokenizer.vocab_size} "
          f"({tokenizer.chars} and BOS), shuffled with seed {args.seed}")
    print(f"model: GPT {model.extra_repr()}, {model.num_parameters():,} parameters")
    per_step = "one document" if batch == 1 else f"{batch} documents"
    print(f"train: {steps:,} steps of {per_step}, adam lr={lr:g} decaying linearly to 0, "
          f"betas {GPT_BETAS}" + (", compiled with autograd.jit" if compiled else ""))
    from tqdm import tqdm

    losses: list[float] = []
    started = time.perf_counter()
    bar = tqdm(range(steps), desc="train", unit="step", disable=True if args.no_progress else None)
    try:
        for index in bar:
            if batch == 1:
                loss = step(tokenizer.encode(docs[index % len(docs)]))
            else:
                loss = step([tokenizer.encode(docs[(index * batch + k) % len(docs)]) for k in range(batch)])
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
