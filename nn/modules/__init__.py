"""The building blocks of a network: ``Module``, ``Neuron``/``Layer``/``MLP``, ``Dropout``,
activations and weight initialisation by name, softmax and its family, and the tiny GPT
(``Embedding``, ``Linear``, the norms, attention with a KV cache, ``GPT``)."""

from .activations import ACTIVATIONS, activate
from .dropout import Dropout
from .functional import log_softmax, logsumexp, softmax
from .gpt import GPT, CausalSelfAttention, FeedForward, GPTBlock, KVCache
from .hooks import HookHandle
from .init import INITS
from .layers import MLP, Layer, Neuron
from .module import LoadResult, Module
from .sequence import Embedding, LayerNorm, Linear, RMSNorm

__all__ = [
    "ACTIVATIONS",
    "GPT",
    "INITS",
    "MLP",
    "CausalSelfAttention",
    "Dropout",
    "Embedding",
    "FeedForward",
    "GPTBlock",
    "HookHandle",
    "KVCache",
    "Layer",
    "LayerNorm",
    "Linear",
    "LoadResult",
    "Module",
    "Neuron",
    "RMSNorm",
    "activate",
    "log_softmax",
    "logsumexp",
    "softmax",
]
