"""The search behind notebook 06's digits recipe: five-fold cross-validation on the training images.

    .venv/bin/python scripts/digits_recipe.py            # every candidate (a few minutes here)
    .venv/bin/python scripts/digits_recipe.py tutorial   # the candidates whose name contains "tutorial"

The notebook holds out 450 of the 1,797 images as its test set; this script
never loads them. It splits the other 1,347 into five folds and, for each
candidate recipe, trains on four folds and counts the mistakes on the fifth,
five times, so every training image is a validation image once; and it does
that from two seeds (initial weights, batch order), because one seed's count
moves by a few images from the next one's. The training
functions are not copied here: they are executed from the notebook's cell
tagged ``recipe``, so the search and the notebook cannot drift apart. The
table it prints is the one the notebook shows: a run of every candidate also
writes it to ``notebooks/data/digits_recipe.json``, which the notebook reads
(the search takes far too long to repeat on every run of the notebooks).
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "06_digits.ipynb"
TABLE = ROOT / "notebooks" / "data" / "digits_recipe.json"
FOLDS = 5
SEEDS = (0, 1)

# name -> (training function in the recipe cell, keyword arguments)
CANDIDATES: dict[str, tuple[str, dict[str, Any]]] = {
    "ours: label smoothing 0.1, L2 3e-3": ("train", {"smoothing": 0.1, "l2": 3e-3}),
    "label smoothing 0.1, L2 1e-3": ("train", {"smoothing": 0.1, "l2": 1e-3}),
    "label smoothing 0.2, L2 1e-3": ("train", {"smoothing": 0.2, "l2": 1e-3}),
    "no label smoothing, L2 1e-3": ("train", {"smoothing": 0.0, "l2": 1e-3}),
    "label smoothing 0.1, no L2": ("train", {"smoothing": 0.1, "l2": 0.0}),
    "tutorial, η = 10": ("train_tutorial", {"lr": 10.0}),
    "tutorial, η = 30": ("train_tutorial", {"lr": 30.0}),
    "tutorial, η = 100": ("train_tutorial", {"lr": 100.0}),
}


def recipe_functions() -> dict[str, Any]:
    """The notebook's ``recipe`` cell, executed: its training functions by name (``benchmarks.backends`` times them too).

    Raises:
        ValueError: If the notebook has no cell tagged ``recipe``, or several.
    """
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(cell["source"]) for cell in cells if "recipe" in cell.get("metadata", {}).get("tags", [])]
    if len(sources) != 1:
        raise ValueError(f"{NOTEBOOK.name} must have exactly one cell tagged 'recipe', found {len(sources)}")
    namespace: dict[str, Any] = {}
    exec(compile(sources[0], f"{NOTEBOOK.name}:recipe", "exec"), namespace)
    return namespace


def training_images() -> tuple[list[list[float]], list[int]]:
    import nn

    X, y = nn.digits()
    X_train, _, y_train, _ = nn.train_test_split(X, y, test_size=450, seed=0)  # the test part is dropped
    return X_train, y_train


def mistakes(train: Callable[..., Any], options: dict[str, Any], X: list[list[float]], y: list[int]) -> int:
    """Validation mistakes over the folds (each fold's model trained on the others)."""
    import nn

    order = list(range(len(X)))
    random.Random(123).shuffle(order)
    wrong = 0
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        model, scaler = train([X[i] for i in order if i not in held], [y[i] for i in order if i not in held], **options)
        predicted = nn.predict_classes(model, scaler.transform([X[i] for i in sorted(held)]), loss="cross_entropy")
        wrong += sum(p != y[i] for p, i in zip(predicted, sorted(held), strict=True))
    return wrong


def main(argv: list[str]) -> None:
    try:
        functions = recipe_functions()
    except ValueError as error:
        raise SystemExit(str(error)) from None
    X, y = training_images()
    chosen = {name: spec for name, spec in CANDIDATES.items() if not argv or any(word in name for word in argv)}
    print(f"| recipe | mistakes on the {len(X):,} validation images, seeds {', '.join(map(str, SEEDS))} | mean accuracy |")
    print("|---|---|---|")
    table: dict[str, Any] = {"folds": FOLDS, "seeds": list(SEEDS), "images": len(X), "mistakes": {}}
    for name, (function, options) in chosen.items():
        started = time.perf_counter()
        wrong = [mistakes(functions[function], dict(options, seed=seed), X, y) for seed in SEEDS]
        mean = sum(wrong) / len(wrong)
        print(f"| {name} | {', '.join(map(str, wrong))} | {1 - mean / len(X):.2%} |", flush=True)
        print(f"  ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        table["mistakes"][name] = wrong
    if chosen == CANDIDATES:
        TABLE.parent.mkdir(exist_ok=True)
        TABLE.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written to {TABLE.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
