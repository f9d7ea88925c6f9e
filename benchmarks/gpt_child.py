"""Workload I's child process: one comparator trains a fresh tiny GPT, and reports.

``python benchmarks/gpt_child.py KIND STEPS DOCUMENTS.json`` (run by
:mod:`.gpt`) prints one JSON line: wall and CPU time, the peak resident size
while it trained and the size it started from, every loss, and for a jitted
run what each document length cost. It is run as a script, not through the
``benchmarks`` package, so that the process holds only what the run needs:
the package imports PyTorch, and reading the names (pyarrow's table of every
SSA record) would set the peak; the parent passes the encoded names in a file.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from typing import Any

KINDS = ("micrograd", "interpreted", "jit python", "jit native")
LR, BETAS, EPS = 0.01, (0.85, 0.99), 1e-8


def weights_of(model: Any) -> dict[str, list[list[float]]]:
    """The GPT's matrices by the names :class:`.gpt_micrograd.MicrogradGPT` reads."""

    def rows(matrix: list[list[Any]]) -> list[list[float]]:
        return [[w.data for w in row] for row in matrix]

    weights = {"wte": rows(model.wte.weight), "wpe": rows(model.wpe.weight), "lm_head": rows(model.lm_head.weight)}
    for index, block in enumerate(model.blocks):
        name = f"layer{index}."
        for short, linear in (("wq", block.attn.wq), ("wk", block.attn.wk), ("wv", block.attn.wv),
                              ("wo", block.attn.wo), ("fc1", block.mlp.fc1), ("fc2", block.mlp.fc2)):
            weights[name + short] = rows(linear.weight)
    return weights


class Trainer:
    """One comparator's model and optimizer; :meth:`step` trains on one document.

    Args:
        kind: One of :data:`KINDS`.
        vocab_size: The tokenizer's vocabulary.
        steps: The run's length (the learning rate reaches 0 there).
    """

    def __init__(self, kind: str, vocab_size: int, steps: int) -> None:
        import nn
        from autograd import jit

        self.kind = kind
        self.model = nn.GPT(vocab_size, seed=0)
        self.compiled: Any = None
        if kind == "micrograd":
            if __package__:
                from .gpt_micrograd import MicrogradGPT
            else:  # run as a script: this folder is on the path
                from gpt_micrograd import MicrogradGPT  # type: ignore[no-redef]

            self.micrograd = MicrogradGPT(
                weights_of(self.model), self.model.n_layer, self.model.n_head, LR, BETAS, EPS, steps
            )
            self.step: Callable[[list[int]], float] = self.micrograd.step
            return
        self.optimizer = nn.Adam(
            self.model.parameters(), lr=nn.linear_decay(LR, steps), betas=BETAS, eps=EPS
        )
        if kind == "interpreted":
            self.loss: Callable[[list[int]], Any] = self.model.loss
        else:
            self.compiled = jit(self.model.loss, backend=kind.removeprefix("jit "))
            self.loss = self.compiled
        self.step = self._step

    def _step(self, tokens: list[int]) -> float:
        loss = self.loss(tokens)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return float(loss.data)


def _status_bytes(field: str) -> int:
    """A size from /proc/self/status (``VmRSS``, or ``VmHWM``: the peak since it was last reset)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


def _reset_peak() -> None:
    # Linux: writing 5 to clear_refs resets the peak resident size, so the peak counts the
    # training run, not the reading of the names (pyarrow's table of every SSA record).
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")


def whole_run(kind: str, steps: int, vocab_size: int, docs: list[list[int]]) -> dict[str, Any]:
    """Train a fresh model for ``steps`` of ``docs`` in this process; what the child reports."""
    import autograd  # noqa: F401  (imported before the start is measured)
    import nn  # noqa: F401

    if kind == "micrograd":
        import micrograd  # noqa: F401
    gc.collect()
    _reset_peak()
    start_bytes = _status_bytes("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    trainer = Trainer(kind, vocab_size, steps)
    losses: list[float] = []
    seen: set[int] = set()
    traces: list[dict[str, Any]] = []
    for index in range(steps):
        tokens = docs[index % len(docs)]
        losses.append(trainer.step(tokens))
        for record in trainer.compiled.traces if trainer.compiled is not None else ():
            if id(record) not in seen:  # made by this step: this document's length
                seen.add(id(record))
                traces.append({
                    "length": len(tokens), "nodes": record.nodes, "size": record.lines,
                    "trace": record.trace_seconds, "compile": record.generate_seconds + record.compile_seconds,
                })
    result: dict[str, Any] = {
        "kind": kind, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
        "peak": _status_bytes("VmHWM"), "start": start_bytes,
        "losses": losses, "traces": traces,
    }
    return result


def main(argv: list[str]) -> int:
    """``gpt_child.py KIND STEPS DOCUMENTS.json``: one whole run, printed as one JSON line."""
    kind, steps, path = argv[0], int(argv[1]), argv[2]
    with open(path, encoding="utf-8") as file:
        given = json.load(file)
    print(json.dumps(whole_run(kind, steps, given["vocab_size"], given["documents"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
