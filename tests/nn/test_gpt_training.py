"""Training the tiny GPT: microgpt's loop, interpreted and compiled, gives the same numbers."""

from __future__ import annotations

import pytest

import autograd
import nn

DOCS = ["emma", "olivia", "ava", "isabella", "sophia", "mia"]


def train(steps: int, backend: str | None, docs: list[str] = DOCS) -> list[float]:
    """microgpt's loop (one document per step, Adam with linear decay); the losses of each step."""
    tok = nn.CharTokenizer(docs)
    model = nn.GPT(tok.vocab_size, seed=0)
    opt = nn.Adam(model.parameters(), lr=nn.linear_decay(0.01, steps), betas=(0.85, 0.99), eps=1e-8)
    step = model.loss if backend is None else autograd.jit(model.loss, backend=backend)
    losses = []
    for i in range(steps):
        loss = step(tok.encode(docs[i % len(docs)]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.data)
    return losses


@pytest.mark.parametrize("backend", ["python", "native"])
def test_compiled_training_gives_the_interpreted_losses(backend: str) -> None:
    docs = DOCS[:2]
    expected = train(4, None, docs)
    assert train(4, backend, docs) == pytest.approx(expected, abs=1e-12, rel=0)


def test_a_short_training_run_lowers_the_loss() -> None:
    losses = train(60, None, ["emma", "anna"])
    assert sum(losses[-10:]) / 10 < sum(losses[:10]) / 10 - 0.5


def test_a_trained_model_samples_names_it_has_seen() -> None:
    tok = nn.CharTokenizer(["anna"])
    model = nn.GPT(tok.vocab_size, seed=0)
    opt = nn.Adam(model.parameters(), lr=0.01, betas=(0.85, 0.99))
    for _ in range(60):
        loss = model.loss(tok.encode("anna"))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert tok.decode(model.generate(temperature=0.5, seed=0, bos=tok.bos)) == "anna"


def test_one_trace_serves_every_document_of_a_length() -> None:
    tok = nn.CharTokenizer(["abcdefghijklmnopqrstuvwxyz"])
    model = nn.GPT(tok.vocab_size, seed=0)
    step = autograd.jit(model.loss, backend="python")
    for doc in ("emma", "anna", "liam", "noah", "zoey"):
        assert step(tok.encode(doc)).data == model.loss(tok.encode(doc)).data
    assert len(step.traces) == 1
